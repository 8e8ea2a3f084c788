from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from xinxuan.portal import counting
from xinxuan.portal.models import ArticlePage, ChannelPage, HomePage, PortalSettings


@dataclass
class Portal:
    home: HomePage
    news: ChannelPage
    notices: ChannelPage
    site: Site


def make_article(channel: ChannelPage, title: str, *, publish: bool = True, **fields):
    body = fields.pop("body", f"{title}。这是正文。")
    fields.setdefault("date", timezone.now() - dt.timedelta(days=1))
    article = ArticlePage(title=title, body=[("paragraph", RichText(f"<p>{body}</p>"))], **fields)
    channel.add_child(instance=article)
    revision = article.save_revision()
    if publish:
        revision.publish()
    else:
        ArticlePage.objects.filter(pk=article.pk).update(live=False)
    article.refresh_from_db()
    return article


@pytest.fixture(autouse=True)
def _fresh_caches(settings, tmp_path, monkeypatch):
    settings.PORTAL_VIEW_SPOOL_DIR = str(tmp_path / "views")
    settings.PORTAL_GENERATION_FILE = tmp_path / "portal-generation"
    settings.PORTAL_COUNTER_REDIS_URL = ""
    settings.PORTAL_VIEW_FLUSH_SECONDS = 3600
    # The flush clock is the process's monotonic clock: start it now, or a machine up
    # for more than an hour would flush on the first recorded view.
    monkeypatch.setattr(counting, "_last_flush", time.monotonic())
    settings.WAGTAILFRONTENDCACHE = {}
    cache.clear()
    counting.reset_buffer()
    yield
    counting.reset_buffer()
    cache.clear()


@pytest.fixture
def portal(db) -> Portal:
    root = Page.get_first_root_node()
    home = HomePage(title="测试门户", slug="test-portal")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    news = ChannelPage(title="新闻", slug="news", show_in_menus=True)
    home.add_child(instance=news)
    news.save_revision().publish()
    notices = ChannelPage(title="通知公告", slug="notices", show_in_menus=True)
    home.add_child(instance=notices)
    notices.save_revision().publish()
    settings = PortalSettings.for_site(site)
    settings.site_title = "测试门户"
    settings.icp_number = "苏ICP备12034567号-1"
    settings.psb_number = "苏公网安备 32041102000456号"
    settings.copyright_holder = "测试局"
    settings.copyright_start_year = 2002
    settings.save()
    cache.clear()
    return Portal(home=home, news=news, notices=notices, site=site)
