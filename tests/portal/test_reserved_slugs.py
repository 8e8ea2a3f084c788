"""No page under the home page may take an address the application answers itself,
and the 媒体聚焦 channel at /media/ is a page like any other."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver

from config import urls
from xinxuan.portal.demo_articles import CHANNELS
from xinxuan.portal.models import RESERVED_SLUGS, ChannelPage, FooterPage

pytestmark = pytest.mark.django_db


def top_level_segments(patterns) -> set[str]:
    """The first path segment of every route the application answers before Wagtail's
    page tree (which answers the rest)."""
    found = set()
    for pattern in patterns:
        route = str(pattern.pattern).lstrip("^")
        segment = route.split("/", 1)[0]
        if segment:
            found.add(segment)
        elif isinstance(pattern, URLResolver):
            found |= top_level_segments(pattern.url_patterns)
        else:
            assert isinstance(pattern, URLPattern)
    return found


def test_every_top_level_route_is_reserved():
    segments = top_level_segments(urls.urlpatterns)
    page_tree = {s for s in segments if s.startswith("((?:")}  # Wagtail's catch-all
    assert {"admin", "documents", "_files", "search", "healthz", "_util"} <= segments
    assert segments - page_tree <= RESERVED_SLUGS


@pytest.mark.parametrize("slug", ["admin", "_files", "documents", "static", "search", "Admin"])
@pytest.mark.parametrize("page_class", [ChannelPage, FooterPage], ids=["channel", "footer"])
def test_a_reserved_slug_is_refused_with_a_clear_message(portal, page_class, slug):
    page = page_class(title="冲突", slug=slug)
    with pytest.raises(ValidationError) as refused:
        page.clean()
    assert "slug" in refused.value.message_dict
    assert "保留" in refused.value.message_dict["slug"][0]


def test_the_page_editor_shows_the_refusal(client, portal, admin_user):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/pages/add/portal/channelpage/{portal.home.pk}/",
        {"title": "后台", "slug": "admin", "intro": "", "action-publish": "publish"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "为系统保留" in response.content.decode()
    assert not ChannelPage.objects.filter(slug="admin").exists()


def test_an_article_may_use_any_slug_below_its_channel(portal):
    from xinxuan.portal.models import ArticlePage

    ArticlePage(title="搜索功能上线", slug="search").clean()  # /news/search/ clashes with nothing


def test_the_media_channel_answers(client, portal):
    assert "media" in {slug for slug, _title, _intro in CHANNELS}
    channel = ChannelPage(title="媒体聚焦", slug="media", show_in_menus=True)
    portal.home.add_child(instance=channel)
    channel.save_revision().publish()
    response = client.get("/media/")
    assert response.status_code == 200
    assert "媒体聚焦" in response.content.decode()
