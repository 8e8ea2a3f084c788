import pytest

from tests.portal.conftest import make_article
from xinxuan.portal.models import SitemapPage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("suffix", "content_type"),
    [
        pytest.param("rss/", "application/rss+xml", id="rss"),
        pytest.param("atom/", "application/atom+xml", id="atom"),
    ],
)
def test_channel_feeds_list_the_channels_articles(client, portal, suffix, content_type):
    make_article(portal.news, "新闻稿", author="陆文涛")
    make_article(portal.notices, "公告稿")
    response = client.get(f"/news/{suffix}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    body = response.content.decode()
    assert "新闻稿" in body and "公告稿" not in body


def test_sitemap_xml_lists_published_articles_only(client, portal):
    article = make_article(portal.news, "已发布")
    draft = make_article(portal.news, "草稿", publish=False)
    body = client.get("/sitemap.xml").content.decode()
    assert article.url in body and draft.slug not in body


def test_robots_txt_points_to_the_sitemap(client, portal):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_site_map_page_shows_the_page_tree(client, portal):
    make_article(portal.news, "树上的稿件")
    sitemap = SitemapPage(title="网站地图", slug="sitemap")
    portal.home.add_child(instance=sitemap)
    sitemap.save_revision().publish()
    html = client.get("/sitemap/").content.decode()
    assert "新闻" in html and "通知公告" in html and "树上的稿件" in html
