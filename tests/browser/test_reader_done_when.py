"""The issue's "Done when", in a real browser: a new reader registers (failing the
captcha once), signs in, posts a banned word in traditional characters with symbols
between them and sees it held; the office finds it in the queue, sees which word
matched where and rejects it with a reason; a reader who keeps giving a wrong
password is locked out while another reader behind the same proxy still signs in."""

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

from tests.browser.conftest import login
from tests.builders import PASSWORD, make_org, make_user
from xinxuan.accounts.roles import Role
from xinxuan.comments.models import ChannelCommentPolicy, Comment, CommentStatus, Moderation
from xinxuan.portal import demo
from xinxuan.portal.models import ArticlePage

PROXY_CLIENT = "203.0.113.9"  # as the trusted proxy writes it in X-Forwarded-For
OTHER_CLIENT = "198.51.100.7"
BANNED = "有需要的朋友可以找我代·開·發★票，价格优惠"  # 代开发票, listed under 广告 (hold)


@pytest.fixture
def demo_portal(settings, tmp_path):
    settings.PORTAL_VIEW_SPOOL_DIR = str(tmp_path / "views")
    settings.PORTAL_GENERATION_FILE = tmp_path / "generation"
    settings.TRUSTED_PROXIES = 1
    settings.AXES_FAILURE_LIMIT = 3
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.load(log=lambda _m: None)
    article = ArticlePage.objects.live().order_by("-date").first()
    # Post-moderated, so that a clean comment would be shown at once: held is the filter.
    ChannelCommentPolicy.objects.update_or_create(
        channel=article.get_parent().specific, defaults={"moderation": Moderation.AFTER}
    )
    return article


def reader_page(browser, client_address):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        extra_http_headers={"X-Forwarded-For": client_address},
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def answer(page) -> str:
    """What the reader reads off the captcha image."""
    key = page.input_value("input[name=captcha_0]")
    return CaptchaStore.objects.get(hashkey=key).response


def submit(page, field: str) -> None:
    """Press the button of the form that has ``field`` (the header has a search form)."""
    page.locator("form", has=page.locator(f"[name={field}]")).locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def sign_in(page, live_server, username, password):
    page.goto(live_server.url + reverse("comments:reader-login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.fill("input[name=captcha_1]", answer(page))
    submit(page, "password")


def test_a_new_reader_and_the_office(browser, live_server, demo_portal):
    article = demo_portal
    page = reader_page(browser, PROXY_CLIENT)

    # Register: the first captcha answer is wrong, the form says so and keeps nothing.
    page.goto(live_server.url + reverse("comments:reader-register"))
    page.fill("input[name=username]", "xinduzhe")
    page.fill("input[name=display_name]", "新读者")
    page.fill("input[name=password1]", "qiuyu-2026-wenzhang")
    page.fill("input[name=password2]", "qiuyu-2026-wenzhang")
    page.fill("input[name=captcha_1]", "-1")
    submit(page, "password1")
    assert "验证码" in page.inner_text(".errorlist")
    assert not Comment.objects.exists()
    page.fill("input[name=password1]", "qiuyu-2026-wenzhang")
    page.fill("input[name=password2]", "qiuyu-2026-wenzhang")
    page.fill("input[name=captcha_1]", answer(page))
    submit(page, "password1")

    # Sign in, then write under the article.
    sign_in(page, live_server, "xinduzhe", "qiuyu-2026-wenzhang")
    page.goto(live_server.url + article.url)
    page.wait_for_selector("#comment-form textarea")
    assert "色情、暴力、反动" in page.inner_text("#comments")  # the rule above the box
    page.fill("#comment-form textarea", BANNED)
    submit(page, "body")
    assert "审核" in page.inner_text("body")  # "… shown once it is reviewed"
    comment = Comment.objects.get()
    assert (comment.status, comment.filter_decision) == (CommentStatus.PENDING, "hold")
    page.context.close()

    # The office finds it in the queue, sees the word and where, rejects with a reason.
    make_user("bangongshi", role=Role.OFFICE, unit=make_org().office)
    office = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    desk = office.new_page()
    desk.set_default_timeout(15000)
    login(desk, live_server, "bangongshi", PASSWORD)
    desk.goto(live_server.url + reverse("wagtailsnippets_comments_comment:list"))
    queue = desk.inner_text("main")
    assert "有需要的朋友可以找我*·*·*★*" in queue and "待审核" in queue and "广告" in queue
    desk.goto(live_server.url + reverse("comments_admin:comment-decide", args=[comment.pk]))
    found = desk.inner_text(".filter-matches")
    assert "代开发票" in found and "代·開·發★票" in found and "第 11–17 个字" in found
    assert desk.inner_text(".comment-text mark") == "代·開·發★票"
    desk.check("input[name=decision][value=reject]")
    desk.fill("[name=reason]", "含广告内容")
    submit(desk, "reason")
    comment.refresh_from_db()
    assert (comment.status, comment.reason) == (CommentStatus.REJECTED, "含广告内容")
    office.close()


def signed_in(page) -> bool:
    return any(c["name"] == "sessionid" for c in page.context.cookies())


def test_lockout_leaves_others_behind_the_same_proxy_alone(browser, live_server, demo_portal):
    for name in ("zhangsan", "lisi", "wangwu"):
        make_user(name, role=Role.READER)
    forgetful = reader_page(browser, PROXY_CLIENT)
    for _ in range(3):
        sign_in(forgetful, live_server, "zhangsan", "wrong-password-1")
    sign_in(forgetful, live_server, "zhangsan", PASSWORD)  # right, but too late
    assert "锁定" in forgetful.inner_text("body")
    assert not signed_in(forgetful)

    # A colleague at the same address (one office behind one proxy) and a reader at
    # another address behind the same proxy both still sign in.
    for name, address in (("wangwu", PROXY_CLIENT), ("lisi", OTHER_CLIENT)):
        other = reader_page(browser, address)
        sign_in(other, live_server, name, PASSWORD)
        assert signed_in(other), name
        other.context.close()
    forgetful.context.close()
