"""Every change to comments, reports, reader standing and the lexicon lists.

Each function takes keyword arguments only, runs in one transaction and writes its
entry in Wagtail's audit log (``comments.*`` actions, registered in wagtail_hooks).
Reader views, the workbench and commands all call these.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from xinxuan.comments import filtering, lexicon
from xinxuan.comments.identity import needs_verification
from xinxuan.comments.lexicon import Action
from xinxuan.comments.models import (
    ChannelCommentPolicy,
    Comment,
    CommentReport,
    CommentStatus,
    LexiconCategory,
    LexiconWord,
    Moderation,
    ReaderStanding,
    ReportReason,
    WhitelistWord,
)
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.portal.models import ArticlePage, CounterKind, PageCounter

MODERATE = "comments.change_comment"
EDIT_LEXICON = "comments.change_lexiconword"


def max_length() -> int:
    return int(getattr(settings, "COMMENTS_MAX_LENGTH", 1000))


def _require(user, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionDenied(_("You may not moderate comments."))


def clean_body(body: str) -> str:
    """The text a reader may post, or ActionRefused saying what is wrong with it."""
    if not isinstance(body, str):
        raise ActionRefused(_("The comment is not text."))
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ActionRefused(_("Write your comment first."))
    if len(body) > max_length():
        raise ActionRefused(
            _("The comment is too long: at most %(limit)d characters.") % {"limit": max_length()}
        )
    if any(ord(c) < 32 and c not in "\n\t" for c in body) or "\ufffd" in body:
        raise ActionRefused(_("The comment contains characters that are not text."))
    return body


def _policy(page) -> ChannelCommentPolicy | None:
    # The channel is the article's parent: found by its tree path, in one query.
    return ChannelCommentPolicy.objects.filter(channel__path=page.path[: -page.steplen]).first()


def moderation_of(page) -> str:
    policy = _policy(page)
    return policy.moderation if policy else Moderation.BEFORE


def comments_open(page) -> bool:
    policy = _policy(page)
    return policy.open if policy else True


def _count(comment: Comment, step: int) -> None:
    """Keep the hot list's hourly comment counts in step with what is published."""
    moment = comment.published_at or comment.created_at
    hour = moment.replace(minute=0, second=0, microsecond=0)
    if step > 0:
        # One update in the usual case (the hour's row exists); the row is made once.
        counted = PageCounter.objects.filter(
            page_id=comment.page_id, kind=CounterKind.COMMENT, hour=hour
        ).update(count=F("count") + step)
        if not counted:
            counter, _created = PageCounter.objects.get_or_create(
                page_id=comment.page_id, kind=CounterKind.COMMENT, hour=hour
            )
            PageCounter.objects.filter(pk=counter.pk).update(count=F("count") + step)
    else:
        PageCounter.objects.filter(
            page_id=comment.page_id, kind=CounterKind.COMMENT, hour=hour, count__gt=0
        ).update(count=F("count") + step)


def _publish(comment: Comment, moment: datetime) -> None:
    comment.status = CommentStatus.PUBLISHED
    comment.published_at = moment
    _count(comment, +1)


def _unpublish(comment: Comment, status: str) -> None:
    if comment.status == CommentStatus.PUBLISHED:
        _count(comment, -1)
    comment.status = status


def _standing_allows(user, moment: datetime) -> None:
    standing = ReaderStanding.objects.filter(user=user).first()
    if standing is None or standing.may_comment(moment):
        return
    if standing.blocked:
        raise ActionRefused(_("Your account may no longer comment."))
    raise ActionRefused(
        _("Your account may not comment until %(until)s.")
        % {"until": timezone.localtime(standing.silenced_until).strftime("%Y-%m-%d %H:%M")}
    )


def _apply_filter(comment: Comment, body: str, moment: datetime, moderation: str) -> None:
    """Filter the text and set the comment's status from the verdict and the channel."""
    verdict = filtering.current_lexicon().check(body)
    if verdict.decision == Action.REJECT:
        raise ActionRefused(
            _("The comment was not accepted: it contains words the site's rule forbids (%(c)s).")
            % {"c": "、".join(verdict.categories)}
        )
    comment.body = body
    comment.shown_body = verdict.masked
    comment.filter_decision = verdict.decision
    comment.filter_matches = [m.as_dict() for m in verdict.matches]
    held = verdict.decision == Action.HOLD
    if held or moderation == Moderation.BEFORE:
        _unpublish(comment, CommentStatus.PENDING)
    elif comment.status != CommentStatus.PUBLISHED:
        _publish(comment, moment)


@transaction.atomic
def post_comment(
    *,
    user,
    page,
    body: str,
    parent: Comment | None = None,
    address: str | None = None,
    moment: datetime | None = None,
) -> Comment:
    """A reader's comment (or reply): filtered, then published or held for review."""
    moment = moment or timezone.now()
    body = clean_body(body)
    page = page.specific
    if not isinstance(page, ArticlePage) or not page.live:
        raise ActionRefused(_("Comments can only be written on published articles."))
    policy = _policy(page)
    if policy is not None and not policy.open:
        raise ActionRefused(_("Comments are closed in this channel."))
    if not user.is_active:
        raise ActionRefused(_("Your account may no longer comment."))
    _standing_allows(user, moment)
    if needs_verification(user):
        raise ActionRefused(_("Verify your identity before you comment."))
    if parent is not None:
        if parent.page_id != page.pk or parent.status != CommentStatus.PUBLISHED:
            raise ActionRefused(_("The comment you reply to is not shown any more."))
        parent = parent.parent or parent  # replies stay one level deep
    comment = Comment(
        page=page, author=user, parent=parent, address=address or None, created_at=moment
    )
    _apply_filter(comment, body, moment, policy.moderation if policy else Moderation.BEFORE)
    comment.save()
    _log_post(comment, user=user, moment=moment)
    return comment


def _log_post(comment: Comment, *, user, moment: datetime) -> None:
    """The audit entry ``log()`` would write, without its ``full_clean`` (two queries
    checking that the user and content type exist, which they do): posting is the
    portal's busiest write."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.log_actions import get_active_log_context
    from wagtail.models import ModelLogEntry

    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=ContentType.objects.get_for_model(Comment),
                label=str(comment),
                action="comments.post",
                timestamp=moment,
                data={"status": comment.status},
                user=user,
                uuid=get_active_log_context().uuid,
                object_id=str(comment.pk),
            )
        ]
    )


@transaction.atomic
def edit_comment(*, user, comment: Comment, body: str, moment: datetime | None = None) -> Comment:
    """The author changes their comment within the edit window; it is filtered again."""
    moment = moment or timezone.now()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.can_be_edited_by(user, moment):
        raise ActionRefused(_("This comment can no longer be changed."))
    _standing_allows(user, moment)
    _apply_filter(comment, clean_body(body), moment, moderation_of(comment.page))
    comment.edited_at = moment
    comment.save()
    log(comment, "comments.edit", user=user, data={"status": comment.status})
    return comment


@transaction.atomic
def delete_comment(*, user, comment: Comment) -> Comment:
    """The author withdraws their own comment."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != user.pk:
        raise PermissionDenied(_("You may delete only your own comments."))
    if comment.status == CommentStatus.DELETED:
        return comment
    _unpublish(comment, CommentStatus.DELETED)
    comment.save()
    log(comment, "comments.delete", user=user)
    return comment


def _resolve_reports(comment: Comment, user, moment: datetime) -> None:
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=moment, resolved_by=user)


@transaction.atomic
def approve_comment(*, user, comment: Comment, moment: datetime | None = None) -> Comment:
    """Publish a comment waiting for review (or keep a reported one), closing its reports."""
    _require(user, MODERATE)
    moment = moment or timezone.now()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == CommentStatus.DELETED:
        raise ActionRefused(_("The author has deleted this comment."))
    if comment.status != CommentStatus.PUBLISHED:
        _publish(comment, moment)
    comment.decided_at, comment.decided_by, comment.reason = moment, user, ""
    comment.save()
    _resolve_reports(comment, user, moment)
    log(comment, "comments.approve", user=user)
    return comment


@transaction.atomic
def reject_comment(
    *, user, comment: Comment, reason: str, moment: datetime | None = None
) -> Comment:
    """Take a comment off the site (or keep it off) with the reason the reader is shown."""
    _require(user, MODERATE)
    moment = moment or timezone.now()
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ActionRefused(_("Give the reason for rejecting the comment."))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == CommentStatus.DELETED:
        raise ActionRefused(_("The author has deleted this comment."))
    _unpublish(comment, CommentStatus.REJECTED)
    comment.decided_at, comment.decided_by, comment.reason = moment, user, reason
    comment.save()
    _resolve_reports(comment, user, moment)
    log(comment, "comments.reject", user=user, data={"reason": reason})
    return comment


@transaction.atomic
def report_comment(
    *, user, comment: Comment, reason: str, note: str = "", moment: datetime | None = None
) -> CommentReport:
    """A reader reports a published comment; reporting it again changes nothing."""
    if reason not in ReportReason.values:
        raise ActionRefused(_("Choose why you report the comment."))
    if comment.status != CommentStatus.PUBLISHED:
        raise ActionRefused(_("The comment you report is not shown any more."))
    if comment.author_id == user.pk:
        raise ActionRefused(_("You cannot report your own comment."))
    existing = CommentReport.objects.filter(comment=comment, reporter=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(
                comment=comment,
                reporter=user,
                reason=reason,
                note=(note or "").strip()[:200],
                created_at=moment or timezone.now(),
            )
    except IntegrityError:  # the same reader, twice at once
        return CommentReport.objects.get(comment=comment, reporter=user)
    log(comment, "comments.report", user=user, data={"reason": reason})
    return report


@transaction.atomic
def silence_reader(
    *, user, reader, days: int, reason: str, moment: datetime | None = None
) -> ReaderStanding:
    """The reader may not comment for ``days`` days."""
    _require(user, MODERATE)
    if not 1 <= days <= 3650:
        raise ActionRefused(_("Silence a reader for 1 to 3650 days."))
    moment = moment or timezone.now()
    standing, _created = ReaderStanding.objects.get_or_create(user=reader)
    standing.silenced_until = moment + timedelta(days=days)
    standing.reason, standing.changed_at = (reason or "").strip()[:200], moment
    standing.save()
    log(reader, "comments.silence", user=user, data={"days": days, "reason": standing.reason})
    return standing


@transaction.atomic
def block_reader(
    *, user, reader, reason: str, hide_comments: bool = False, moment: datetime | None = None
) -> ReaderStanding:
    """The reader may not comment any more; optionally their published comments go too."""
    _require(user, MODERATE)
    moment = moment or timezone.now()
    standing, _created = ReaderStanding.objects.get_or_create(user=reader)
    standing.blocked = True
    standing.reason, standing.changed_at = (reason or "").strip()[:200], moment
    standing.save()
    if hide_comments:
        for comment in Comment.objects.filter(author=reader).exclude(
            status__in=[CommentStatus.REJECTED, CommentStatus.DELETED]
        ):
            _unpublish(comment, CommentStatus.REJECTED)
            comment.decided_at, comment.decided_by = moment, user
            comment.reason = standing.reason or _("The author is blocked.")
            comment.save()
    log(reader, "comments.block", user=user, data={"reason": standing.reason})
    return standing


@transaction.atomic
def restore_reader(*, user, reader, moment: datetime | None = None) -> ReaderStanding:
    """Lift a silence or a block."""
    _require(user, MODERATE)
    standing, _created = ReaderStanding.objects.get_or_create(user=reader)
    standing.blocked, standing.silenced_until = False, None
    standing.changed_at = moment or timezone.now()
    standing.save()
    log(reader, "comments.restore", user=user)
    return standing


@transaction.atomic
def register_reader(*, username: str, password: str, display_name: str = "", address: str = ""):
    """A new reader account, or None when the name is taken.

    The caller answers both the same way, so that registration does not tell
    anybody which names exist; the password is hashed either way, so that the time
    taken does not tell it either.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from xinxuan.accounts.roles import GROUP_NAMES, Role

    User = get_user_model()
    hashed = make_password(password)
    if User.objects.filter(username__iexact=username).exists():
        return None
    try:
        with transaction.atomic():
            user = User.objects.create(
                username=username, password=hashed, display_name=display_name.strip()
            )
    except IntegrityError:  # registered at the same moment by someone else
        return None
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.READER]))
    log(user, "comments.register", user=user, data={"address": address})
    return user


# ---------------------------------------------------------------------------
# Lexicon lists


def _list_entry_text(entry) -> str:
    return entry.name if isinstance(entry, LexiconCategory) else entry.word


@transaction.atomic
def save_list_entry(*, user, entry: LexiconWord | LexiconCategory | WhitelistWord):
    """Create or change a listed word, a category or a whitelisted word (the
    workbench's forms); the filter is rebuilt with it."""
    _require(user, EDIT_LEXICON)
    text = _list_entry_text(entry).strip()
    if not isinstance(entry, LexiconCategory) and not filtering.current_lexicon().plain(text):
        raise ActionRefused(
            _("The word has no character the filter reads (only punctuation or spaces).")
        )
    created = entry.pk is None
    entry.save()
    data = {"text": text}
    if isinstance(entry, LexiconWord):
        data |= {"category": entry.category.name, "action": entry.effective_action}
    elif isinstance(entry, LexiconCategory):
        data |= {"action": entry.action}
    if not isinstance(entry, WhitelistWord):
        data["homophones"] = entry.homophones
    log(entry, "comments.list_add" if created else "comments.list_change", user=user, data=data)
    filtering.forget()
    return entry


@transaction.atomic
def delete_list_entry(*, user, entry: LexiconWord | LexiconCategory | WhitelistWord) -> None:
    """Remove a listed word, a category (with its words) or a whitelisted word."""
    _require(user, EDIT_LEXICON)
    data = {"text": _list_entry_text(entry)}
    if isinstance(entry, LexiconCategory):
        data["words"] = entry.words.count()
    log(entry, "comments.list_delete", user=user, data=data)
    entry.delete()
    filtering.forget()


@transaction.atomic
def import_lexicon(*, user, text: str, replace: bool = False) -> dict[str, int]:
    """Load words (the lexicon file format) and declared categories; counts what changed.

    With ``replace`` every listed word not in the file is removed.  A bad line
    refuses the whole file and names the line.
    """
    _require(user, EDIT_LEXICON)
    existing = LexiconCategory.objects.all()
    categories = {c.name: Action(c.action) for c in existing}
    declared: dict[str, tuple[Action, bool]] = {}
    try:
        entries = lexicon.parse_lexicon(
            text,
            categories={**lexicon.DEFAULT_CATEGORIES, **categories},
            by_sound=[c.name for c in existing if c.homophones],
        )
        for line in text.splitlines():
            parts = line.strip().split()
            if len(parts) in (3, 4) and parts[0] == "@category":
                declared[parts[1]] = (Action(parts[2].lower()), len(parts) == 4)
    except lexicon.LexiconError as error:
        raise ActionRefused(str(error)) from error
    for name, (action, homophones) in declared.items():
        LexiconCategory.objects.update_or_create(
            name=name, defaults={"action": action, "homophones": homophones}
        )
    for entry in entries:
        if entry.category not in categories and entry.category not in declared:
            LexiconCategory.objects.get_or_create(
                name=entry.category,
                defaults={"action": lexicon.DEFAULT_CATEGORIES[entry.category]},
            )
    too_long = next((e.word for e in entries if len(e.word) > 50), None)
    if too_long:
        raise ActionRefused(_("A word is longer than 50 characters: %(w)s") % {"w": too_long[:60]})
    by_name = {c.name: c for c in LexiconCategory.objects.all()}
    added = 0
    kept = set()
    for entry in entries:
        category = by_name[entry.category]
        action = "" if entry.action == Action(category.action) else entry.action
        word, created = LexiconWord.objects.update_or_create(
            word=entry.word,
            category=category,
            defaults={"action": action, "homophones": entry.homophones and not category.homophones},
        )
        kept.add(word.pk)
        added += created
    removed = 0
    if replace:
        removed, _detail = LexiconWord.objects.exclude(pk__in=kept).delete()
    anchor = next(iter(by_name.values()), None)
    if anchor is not None:
        log(
            anchor,
            "comments.import_lexicon",
            user=user,
            data={"words": len(entries), "added": added, "removed": removed},
        )
    filtering.forget()
    return {"words": len(entries), "added": added, "removed": removed}


@transaction.atomic
def import_whitelist(*, user, text: str, replace: bool = False) -> dict[str, int]:
    """Load whitelisted words, one a line."""
    _require(user, EDIT_LEXICON)
    words = lexicon.parse_whitelist(text)
    added = 0
    for word in words:
        if len(word) > 50:
            raise ActionRefused(_("A word is longer than 50 characters: %(w)s") % {"w": word[:60]})
        _obj, created = WhitelistWord.objects.get_or_create(word=word)
        added += created
    removed = 0
    if replace:
        removed, _detail = WhitelistWord.objects.exclude(word__in=words).delete()
    first = WhitelistWord.objects.first()
    if first is not None:
        log(
            first, "comments.import_whitelist", user=user, data={"added": added, "removed": removed}
        )
    filtering.forget()
    return {"words": len(words), "added": added, "removed": removed}
