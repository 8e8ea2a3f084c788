"""The portal as a new reader sees it, in headless Chromium.

``PORTAL_SCREENSHOTS=docs/screenshots`` also saves the screenshots used in docs/portal.md.
"""

import os
from pathlib import Path

import pytest

from xinxuan.portal import demo
from xinxuan.portal.actions import publish_article
from xinxuan.portal.models import ArticlePage, ChannelPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("PORTAL_SCREENSHOTS")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/portal-{name}.png", full_page=True)


@pytest.fixture
def demo_portal(settings, tmp_path):
    settings.PORTAL_VIEW_SPOOL_DIR = str(tmp_path / "views")
    settings.PORTAL_GENERATION_FILE = tmp_path / "generation"
    demo.load(log=lambda _m: None)


def test_reader_sees_lists_article_byline_search_and_footer(page, live_server, demo_portal):
    page.goto(live_server.url + "/")
    lists = page.locator("[data-tabs]").first
    for label in ("推荐", "排行", "热点"):
        assert lists.get_by_role("tab", name=label).is_visible()
    assert lists.locator(".tab-panel:visible .top10 li").count() == 10
    shot(page, "home")
    lists.get_by_role("tab", name="排行").click()
    assert lists.locator(".tab-panel:visible details[open] .top10 li").count() >= 5
    lists.get_by_role("tab", name="热点").click()
    assert lists.locator(".tab-panel:visible .top10 li").count() >= 5

    icp = page.locator("footer a.icp")
    assert icp.inner_text() == "苏ICP备12034567号-1"
    assert icp.get_attribute("href") == "https://beian.miit.gov.cn/"

    meeting = ArticlePage.objects.get(slug="2012-information-publicity-meeting")
    page.goto(live_server.url + meeting.url)
    assert meeting.author in page.locator(".byline").inner_text()
    assert page.locator("aside [data-tabs] .top10 li").count() >= 3
    shot(page, "article")

    page.fill("#q", "检验检疫")
    page.press("#q", "Enter")
    page.wait_for_url("**/search/**")
    assert page.locator(".hits li").count() >= 5
    assert page.locator(".hits mark").first.inner_text() in ("检验", "检疫")
    shot(page, "search")


def test_published_article_appears_at_once(page, live_server, demo_portal):
    page.goto(live_server.url + "/")  # fills the page cache
    channel = ChannelPage.objects.get(slug="news")
    article = ArticlePage(title="刚刚发布：口岸查验再提速", slug="just-now", author="闻晓")
    channel.add_child(instance=article)
    publish_article(article=article)
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="刚刚发布：口岸查验再提速").first.is_visible()


def test_unknown_page_is_a_friendly_chinese_404(page, live_server, demo_portal):
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert "页面不存在" in page.content()
    shot(page, "404")
