import pytest

from tests.builders import make_user
from tests.portal.conftest import make_article
from xinxuan.portal.actions import publish_article, unpublish_article

pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_served_from_the_cache(client, portal, django_assert_num_queries):
    article = make_article(portal.news, "稿件")
    assert client.get(article.url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get(article.url)
    assert response["X-Page-Cache"] == "hit"
    assert "稿件" in response.content.decode()
    assert "s-maxage=" in response["Cache-Control"]


def test_publishing_a_new_article_shows_it_at_once(client, portal):
    client.get("/")
    client.get("/news/")
    make_article(portal.news, "刚刚发布的稿件")
    assert "刚刚发布的稿件" in client.get("/").content.decode()
    assert "刚刚发布的稿件" in client.get("/news/").content.decode()


def test_changing_and_unpublishing_are_seen_at_once(client, portal):
    article = make_article(portal.news, "旧标题")
    client.get(article.url)
    article.title = "新标题"
    publish_article(article=article)
    assert "新标题" in client.get(article.url).content.decode()
    unpublish_article(article=article)
    assert client.get(article.url).status_code == 404
    assert "新标题" not in client.get("/").content.decode()


def test_signed_in_readers_bypass_the_cache(client, portal):
    article = make_article(portal.news, "稿件")
    client.get(article.url)
    client.force_login(make_user("reader"))
    assert "X-Page-Cache" not in client.get(article.url)


def test_errors_and_query_variants_are_not_stored(client, portal):
    assert "X-Page-Cache" not in client.get("/missing/")
    assert "X-Page-Cache" not in client.get("/", {"utm": "x"})


def test_publish_purges_the_article_its_channel_and_home_from_the_proxy(
    client, portal, settings, monkeypatch
):
    purged = []
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:9",
        }
    }
    from wagtail.contrib.frontend_cache.backends import HTTPBackend

    monkeypatch.setattr(HTTPBackend, "purge", lambda self, url: purged.append(url))
    monkeypatch.setattr(
        HTTPBackend, "purge_batch", lambda self, urls: purged.extend(urls), raising=False
    )
    article = make_article(portal.news, "稿件")
    paths = {url.split("localhost", 1)[-1].split(":80", 1)[-1] for url in purged}
    assert {"/", "/news/", article.url} <= paths
