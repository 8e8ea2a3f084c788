"""A picture shown on a live portal page is served to every reader; the same picture
on a draft, or after the page is unpublished, is not."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests.builders import make_unit
from tests.files.files import make_document, make_image
from xinxuan.portal.models import ArticlePage, FooterPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def article_with(portal, image, *, publish: bool) -> ArticlePage:
    article = ArticlePage(
        title="授牌仪式",
        slug="award",
        body=[("image", {"image": image, "caption": "现场"})],
        live=publish,
    )
    portal.news.add_child(instance=article)
    revision = article.save_revision()
    if publish:
        revision.publish()
    article.refresh_from_db()
    return article


def test_a_live_articles_picture_is_served_to_anonymous_readers(client, portal):
    image = make_image(make_unit("办公室"))
    article = article_with(portal, image, publish=True)
    html = client.get(article.url).content.decode()
    (src,) = re.findall(r'src="(/_files/images/[^"]+)"', html)
    response = client.get(src)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert client.get(image.file.url).status_code == 200

    article.unpublish()
    cache.clear()
    assert client.get(src).status_code == 404
    assert client.get(image.file.url).status_code == 404


def test_a_drafts_picture_stays_private(client, portal):
    image = make_image(make_unit("办公室"))
    article_with(portal, image, publish=False)
    assert client.get(image.get_rendition("max-800x600").url).status_code == 404
    assert client.get(image.file.url).status_code == 404


def test_a_document_linked_from_a_live_footer_page_is_public(client, portal):
    document = make_document(make_unit("办公室"), title="服务指南")
    page = FooterPage(
        title="服务声明",
        slug="terms",
        body=f'<p><a linktype="document" id="{document.pk}">服务指南</a></p>',
    )
    portal.home.add_child(instance=page)
    page.save_revision().publish()
    assert client.get(document.url).status_code == 200
