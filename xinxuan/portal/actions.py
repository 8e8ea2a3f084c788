"""Changes to the portal, each in one transaction with its entry in Wagtail's audit log."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from xinxuan.portal.models import ArticlePage, ChannelPage


def _require(user, page, action: str) -> None:
    if user is None:  # system jobs (demo, imports) act without a user
        return
    permissions = page.permissions_for_user(user)
    allowed = {
        "publish": permissions.can_publish,
        "unpublish": permissions.can_unpublish,
        "edit": permissions.can_edit,
    }[action]()
    if not allowed:
        raise PermissionDenied(_("You may not change this page."))


@transaction.atomic
def publish_article(*, article: ArticlePage, user=None) -> ArticlePage:
    """Publish the article's latest content; caches and the proxy forget the old pages."""
    _require(user, article, "publish")
    revision = article.save_revision(user=user, log_action=True)
    revision.publish(user=user)  # logs wagtail.publish and sends page_published
    article.refresh_from_db()
    return article


@transaction.atomic
def unpublish_article(*, article: ArticlePage, user=None) -> ArticlePage:
    _require(user, article, "unpublish")
    article.unpublish(user=user, log_action=True)  # sends page_unpublished
    return article


@transaction.atomic
def recommend_article(
    *,
    article: ArticlePage,
    user=None,
    recommended: bool = True,
    pinned: bool = False,
    until: datetime | None = None,
) -> ArticlePage:
    """Flag (or unflag) an article for the recommended list, optionally pinned, until a time."""
    _require(user, article, "publish")
    if pinned and not recommended:
        raise ValidationError(_("Only a recommended article can be pinned."))
    article.recommended = recommended
    article.pinned = pinned
    article.recommended_until = until
    # Recommendation is promotion metadata: it takes effect on the live page at once.
    article.save(update_fields=["recommended", "pinned", "recommended_until"], clean=False)
    log(
        instance=article,
        action="portal.recommend",
        user=user,
        data={"recommended": recommended, "pinned": pinned, "until": until and until.isoformat()},
    )
    from xinxuan.portal.signals import on_page_changed

    transaction.on_commit(lambda: on_page_changed(ArticlePage, article))
    return article


def channel_choices():
    return ChannelPage.objects.live().order_by("path")
