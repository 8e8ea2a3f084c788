"""Reader comments on portal articles, the lexicon lists, abuse reports and reader standing.

Every change goes through ``actions.py``; these models hold state and small queries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from xinxuan.comments.lexicon import Action, Entry


class FilterAction(models.TextChoices):
    REJECT = Action.REJECT.value, _("reject")
    HOLD = Action.HOLD.value, _("hold for review")
    MASK = Action.MASK.value, _("mask")


class LexiconCategory(index.Indexed, models.Model):
    """A category of listed words (色情, 暴力, 反动, 广告, 辱骂, or one the office adds)."""

    name = models.CharField(_("category name"), max_length=30, unique=True)
    action = models.CharField(
        _("action"), max_length=10, choices=FilterAction.choices, default=FilterAction.HOLD
    )
    homophones = models.BooleanField(
        _("find by sound"),
        default=False,
        help_text=_(
            "Also find the category's words of two or three characters written with "
            "characters that sound the same (longer words always are)."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [FieldPanel("name"), FieldPanel("action"), FieldPanel("homophones")]
    search_fields = [index.SearchField("name")]

    class Meta:
        verbose_name = _("lexicon category")
        verbose_name_plural = _("lexicon categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LexiconWord(index.Indexed, models.Model):
    """A listed word; its action is the category's unless it names its own."""

    word = models.CharField(_("word"), max_length=50)
    category = models.ForeignKey(
        LexiconCategory, verbose_name=_("category"), on_delete=models.CASCADE, related_name="words"
    )
    action = models.CharField(
        _("action"),
        max_length=10,
        choices=FilterAction.choices,
        blank=True,
        help_text=_("Empty means the category's action."),
    )
    homophones = models.BooleanField(
        _("find by sound"),
        default=False,
        help_text=_(
            "Also find this word of two or three characters written with characters "
            "that sound the same (longer words always are)."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [
        FieldPanel("word"),
        FieldPanel("category"),
        FieldPanel("action"),
        FieldPanel("homophones"),
    ]
    search_fields = [index.SearchField("word"), index.AutocompleteField("word")]

    class Meta:
        verbose_name = _("listed word")
        verbose_name_plural = _("listed words")
        ordering = ["category__name", "word"]
        constraints = [
            models.UniqueConstraint(fields=["word", "category"], name="comments_word_unique")
        ]

    def __str__(self) -> str:
        return self.word

    @property
    def effective_action(self) -> str:
        return self.action or self.category.action

    def as_entry(self) -> Entry:
        """The word as the lexicon filter reads it."""
        return Entry(
            self.word,
            self.category.name,
            Action(self.effective_action),
            homophones=self.homophones or self.category.homophones,
        )


class WhitelistWord(index.Indexed, models.Model):
    """A word that is fine although a listed word is inside it (打击赌博)."""

    word = models.CharField(_("word"), max_length=50, unique=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [FieldPanel("word")]
    search_fields = [index.SearchField("word"), index.AutocompleteField("word")]

    class Meta:
        verbose_name = _("whitelisted word")
        verbose_name_plural = _("whitelisted words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class Moderation(models.TextChoices):
    BEFORE = "before", _("review before publishing (先审后发)")
    AFTER = "after", _("publish first, review after (先发后审)")


class ChannelCommentPolicy(models.Model):
    """How a channel's comments are moderated; a channel without one is reviewed first."""

    channel = models.OneToOneField(
        "portal.ChannelPage",
        verbose_name=_("channel"),
        on_delete=models.CASCADE,
        related_name="comment_policy",
    )
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.BEFORE
    )
    open = models.BooleanField(_("comments open"), default=True)

    panels = [FieldPanel("channel"), FieldPanel("moderation"), FieldPanel("open")]

    class Meta:
        verbose_name = _("channel comment policy")
        verbose_name_plural = _("channel comment policies")

    def __str__(self) -> str:
        return f"{self.channel} · {self.get_moderation_display()}"


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")
    DELETED = "deleted", _("deleted by its author")


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=CommentStatus.PUBLISHED)

    def visible_to(self, user):
        """Published comments, and the reader's own comments waiting for review."""
        if getattr(user, "is_authenticated", False):
            return self.filter(
                Q(status=CommentStatus.PUBLISHED) | Q(status=CommentStatus.PENDING, author=user)
            )
        return self.published()

    def reported(self):
        return self.filter(reports__resolved_at__isnull=True).distinct()


class Comment(models.Model):
    """A reader's comment on an article, or a reply to one (one level deep)."""

    # Posting is the portal's busiest write: no search index, no reference index
    # (together they cost more than the rest of a post; see bench/README.md).
    wagtail_reference_index_ignore = True

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="reader_comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    body = models.TextField(_("text as written"))
    shown_body = models.TextField(_("text as shown"), help_text=_("Masked words replaced."))
    status = models.CharField(
        _("status"), max_length=10, choices=CommentStatus.choices, db_index=True
    )
    filter_decision = models.CharField(_("filter decision"), max_length=10, blank=True)
    filter_matches = models.JSONField(_("filter matches"), default=list, blank=True)
    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("reader comments")  # "comments" is a count in the portal
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["page", "status"], name="comments_page_status")]

    def __str__(self) -> str:
        return self.shown_body[:30]

    @property
    def categories(self) -> str:
        return ", ".join(dict.fromkeys(m.get("category", "") for m in self.filter_matches))

    def editable_until(self):
        minutes = getattr(settings, "COMMENTS_EDIT_MINUTES", 15)
        return self.created_at + timezone.timedelta(minutes=minutes)

    def can_be_edited_by(self, user, moment=None) -> bool:
        return (
            self.author_id == getattr(user, "pk", None)
            and self.status in (CommentStatus.PENDING, CommentStatus.PUBLISHED)
            and (moment or timezone.now()) <= self.editable_until()
        )


class ReportReason(models.TextChoices):
    ABUSE = "abuse", _("abusive or insulting")
    ILLEGAL = "illegal", _("illegal content")
    ADVERTISING = "ad", _("advertising or spam")
    OTHER = "other", _("something else")


class CommentReport(models.Model):
    """A reader's report that a comment breaks the rule."""

    wagtail_reference_index_ignore = True

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=ReportReason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("abuse report")
        verbose_name_plural = _("abuse reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="comments_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.comment}"


class ReaderStanding(models.Model):
    """Whether a reader may comment: silenced until a time, or blocked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="comment_standing",
    )
    silenced_until = models.DateTimeField(_("silenced until"), null=True, blank=True)
    blocked = models.BooleanField(_("blocked"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("reader standing")
        verbose_name_plural = _("reader standings")

    def __str__(self) -> str:
        return str(self.user)

    def may_comment(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return not self.blocked and not (self.silenced_until and self.silenced_until > moment)
