"""Cache invalidation when published content changes.

Not business logic: publishing itself goes through Wagtail (or ``actions.py``); these
handlers only make the caches forget.  Every page shows the lists, so any change of a
published page invalidates every cached page of the application (a new generation),
and the reverse proxy is told to purge the pages that list the article at once: its
channel, the home page and the channel feeds (Wagtail purges the article itself).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from xinxuan.lib.signals import public_news_changed
from xinxuan.portal.lists import bump_generation


def purge_listing_pages(page: Page) -> None:
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    for ancestor in page.get_ancestors().filter(depth__gt=1).specific():
        batch.add_page(ancestor)
    batch.purge()


def purge_home_pages() -> None:
    """Tell the reverse proxy to forget the sites' home pages."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch
    from wagtail.models import Site

    batch = PurgeBatch()
    for site in Site.objects.select_related("root_page"):
        batch.add_page(site.root_page.specific)
    batch.purge()


def on_public_news_changed(sender, **kwargs) -> None:
    """News that is not a page (the plaque's holder on the home page) has changed."""
    bump_generation()
    purge_home_pages()


def on_page_changed(sender, instance, **kwargs) -> None:
    bump_generation()
    purge_listing_pages(instance)


def on_anything_changed(sender, **kwargs) -> None:
    bump_generation()


def connect() -> None:
    page_published.connect(on_page_changed, dispatch_uid="portal-published")
    page_unpublished.connect(on_page_changed, dispatch_uid="portal-unpublished")
    post_page_move.connect(on_anything_changed, dispatch_uid="portal-moved")
    # Only pages: a receiver without a sender makes Django load and signal every row of
    # every bulk delete (a rescoring deletes a million score lines in one statement).
    # Deleting any page deletes its ``Page`` row, so this sender sees them all.
    post_delete.connect(on_anything_changed, sender=Page, dispatch_uid="portal-deleted")
    public_news_changed.connect(on_public_news_changed, dispatch_uid="portal-public-news")
    from xinxuan.portal.models import PortalSettings, Sponsor

    for model in (PortalSettings, Sponsor):
        post_save.connect(on_anything_changed, sender=model, dispatch_uid=f"portal-{model}")
        post_delete.connect(on_anything_changed, sender=model, dispatch_uid=f"portal-d-{model}")
