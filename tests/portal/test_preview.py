"""The editor's live preview of an article renders, and does not leak into the cache."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import RequestFactory

from tests.portal.conftest import make_article


def _preview(page):
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.create_superuser("editor", password="x")
    return page.make_preview_request(original_request=request)


def test_preview_of_an_article_with_related_articles_renders(portal):
    other = make_article(portal.news, "另一篇文章")
    article = make_article(portal.news, "预览的文章")
    # As the editor's form builds it: an unsaved object whose many-to-many is in memory.
    article.related_articles = [other]
    article.title = "预览里改过的标题"

    response = _preview(article)

    assert response.status_code == 200
    assert "另一篇文章" in response.rendered_content


def test_preview_does_not_change_what_readers_see(portal, client):
    article = make_article(portal.news, "已发布的标题")
    article.title = "尚未发布的标题"
    # In another channel, so that it is not shown as a sibling anyway.
    article.related_articles = [make_article(portal.notices, "草稿里关联的文章")]

    assert _preview(article).status_code == 200

    page = client.get(article.url).content.decode()
    assert "尚未发布的标题" not in page
    assert "草稿里关联的文章" not in page
