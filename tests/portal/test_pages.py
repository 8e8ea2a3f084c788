import datetime as dt

import pytest
from django.utils import timezone

from tests.portal.conftest import make_article
from xinxuan.portal.models import ArticlePage

pytestmark = pytest.mark.django_db


def test_home_shows_channels_latest_articles_and_the_three_lists(client, portal):
    make_article(portal.news, "检验检疫开放日", recommended=True)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "检验检疫开放日" in html
    assert 'href="/news/"' in html
    for tab in ("tab-rec-site", "tab-read-site", "tab-hot-site"):
        assert tab in html


def test_article_shows_byline_unit_source_and_tags(client, portal):
    article = make_article(
        portal.news, "年度推进会召开", author="陆文涛", author_unit="办公室", source="本局"
    )
    article.tags.add("信息宣传")
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert "年度推进会召开" in html
    assert "陆文涛" in html and "办公室" in html and "本局" in html
    assert "信息宣传" in html


def test_channel_lists_its_articles_and_pages(client, portal):
    for n in range(25):
        make_article(portal.news, f"新闻{n:02d}", date=timezone.now() - dt.timedelta(hours=n))
    first = client.get("/news/").content.decode()
    assert "新闻00" in first and "新闻24" not in first
    second = client.get("/news/?page=2").content.decode()
    assert "新闻24" in second


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/no-such-page/", 404, id="unknown-path"),
        pytest.param("/news/?page=abc", 404, id="page-not-a-number"),
        pytest.param("/news/?page=999", 404, id="page-out-of-range"),
        pytest.param("/news/no-such-article/", 404, id="unknown-article"),
        pytest.param("/%E0%A4%A/", 404, id="broken-percent-encoding"),
    ],
)
def test_bad_addresses_answer_friendly_error_pages(client, portal, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert b"Traceback" not in response.content
    assert 'href="/"' in response.content.decode()


def test_unpublished_article_is_not_served(client, portal):
    draft = make_article(portal.news, "尚未发布的稿件", publish=False)
    assert client.get("/news/" + draft.slug + "/").status_code == 404
    assert "尚未发布的稿件" not in client.get("/news/").content.decode()


def test_scheduled_article_is_not_served_before_its_time(client, portal):
    article = make_article(portal.news, "定时发布的稿件", publish=False)
    article.go_live_at = timezone.now() + dt.timedelta(days=1)
    article.save_revision().publish()  # schedules instead of publishing
    article.refresh_from_db()
    assert not article.live
    assert client.get("/news/" + article.slug + "/").status_code == 404


def test_footer_shows_copyright_and_links_icp_number_to_the_filing_site(client, portal):
    html = client.get("/").content.decode()
    assert 'href="https://beian.miit.gov.cn/"' in html
    assert "苏ICP备12034567号-1" in html
    assert "code=32041102000456" in html
    assert f"2002 - {timezone.localdate().year} 测试局" in html


def test_related_articles_fall_back_to_siblings(client, portal):
    make_article(portal.news, "同栏目稿件甲")
    article = make_article(portal.news, "同栏目稿件乙")
    assert "同栏目稿件甲" in client.get(article.url).content.decode()


def test_pinning_requires_recommendation(portal):
    from django.core.exceptions import ValidationError

    article = ArticlePage(title="x", slug="x", pinned=True, recommended=False)
    with pytest.raises(ValidationError):
        article.clean()


def test_favicon_is_served_from_the_project(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("portal/favicon.svg")
