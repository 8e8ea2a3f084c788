"""Changes to the portal, each in one transaction with its entry in Wagtail's audit log."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.rich_text import RichText

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


@transaction.atomic
def publish_item_as_article(*, item, channel: ChannelPage, user=None) -> ArticlePage:
    """Publish an approved press article or news photo (通讯稿/新闻图片) on the portal.

    The article keeps a link to the item (``ArticlePage.item``) so that the
    publication can be recorded as an outcome of the item.
    """
    if not (item.is_approved and item.kind.is_press):
        raise ValidationError(_("The item is not an approved press article or news photo."))
    if ArticlePage.objects.filter(item=item).exists():
        raise ValidationError(_("This item is already published on the portal."))
    authors = [share.person for share in item.author_shares.select_related("person__unit")]
    body = [("paragraph", RichText(item.body))] if item.body else []
    body += [
        ("image", {"image": photo.image, "caption": photo.caption})
        for photo in item.photos.select_related("image")
    ]
    article = ArticlePage(
        title=item.title,
        author=" ".join(p.name for p in authors),
        author_unit=item.unit.short_name or item.unit.name,
        source=(item.unit.bureau() or item.unit).name,
        date=timezone.now(),
        body=body,
        item=item,
        owner=user,
    )
    channel.add_child(instance=article)
    article.tags.set([topic.name for topic in item.topics.all()])
    _require(user, article, "publish")
    revision = article.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    log(
        instance=article,
        action="portal.publish_item",
        user=user,
        data={"item": item.pk, "channel": channel.pk},
    )
    # …and on the item, whose page shows its own history.
    log(
        instance=item,
        action="portal.publish_item",
        user=user,
        data={"article": article.pk, "channel": channel.pk},
    )
    article.refresh_from_db()
    return article


def channel_choices():
    return ChannelPage.objects.live().order_by("path")
