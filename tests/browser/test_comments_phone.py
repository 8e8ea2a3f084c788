"""On a 390 px phone the portal's pages fit the screen, and the comment box under an
article works: it appears, fetches its captcha when the reader starts writing."""

import pytest
from django.urls import reverse

from xinxuan.portal import demo
from xinxuan.portal.models import ArticlePage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_portal(settings, tmp_path):
    settings.PORTAL_VIEW_SPOOL_DIR = str(tmp_path / "views")
    settings.PORTAL_GENERATION_FILE = tmp_path / "generation"
    demo.load(log=lambda _m: None)


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_pages_fit_a_phone_and_the_comment_box_works(phone, live_server, demo_portal):
    article = ArticlePage.objects.live().order_by("-date").first()
    paths = [
        "/",
        article.url,
        reverse("portal:search") + "?q=检验检疫",
        reverse("comments:reader-login"),
        reverse("comments:reader-register"),
        reverse("comments:comment-list", args=[article.pk]),
    ]
    for path in paths:
        phone.goto(live_server.url + path)
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide"
    phone.goto(live_server.url + article.url)
    phone.wait_for_selector("#comment-form")
    assert "验证码" in phone.inner_text("#comments")
    phone.click("#id_body")
    phone.wait_for_selector("[data-captcha-image]:not([hidden])")
    assert phone.input_value("[data-captcha-key]")
