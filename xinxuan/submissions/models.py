"""Items (稿件) that departments write, their shares, topics and commissions (约稿).

The review workflow lives in ``actions.py``; a model here only knows its own state.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import LockableMixin, Orderable, RevisionMixin
from wagtail.search import index

from xinxuan.organisation.models import Person, Unit

share_validators = [MinValueValidator(Decimal("0.01"), _("A share must be above zero."))]


class ItemKind(models.Model):
    """A configurable kind of item (政务信息, 简讯, 通讯稿 …).

    ``code`` is the kind's identifier in the rule sets (``[kinds.<code>]``).
    """

    name = models.CharField(_("name"), max_length=40, unique=True)
    code = models.SlugField(_("code in the rule set"), max_length=40, unique=True)
    is_press = models.BooleanField(
        _("press piece"),
        default=False,
        help_text=_("Press pieces may be passed to the portal once approved."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldRowPanel([FieldPanel("is_press"), FieldPanel("sort_order")]),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = _("item kind")
        verbose_name_plural = _("item kinds")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A key topic of the year (重点主题), e.g. the implementation of 《质量发展纲要》."""

    name = models.CharField(_("name"), max_length=80)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldPanel("year"),
        FieldPanel("description"),
    ]

    class Meta:
        verbose_name = _("key topic")
        verbose_name_plural = _("key topics")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"


class Commission(models.Model):
    """A piece the office commissions (约稿) from a unit, due by a deadline."""

    title = models.CharField(_("subject"), max_length=200)
    unit = models.ForeignKey(
        Unit, verbose_name=_("commissioned unit"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    brief = models.TextField(_("brief"), blank=True)
    topic = models.ForeignKey(
        Topic, verbose_name=_("key topic"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commissioned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("commissioned at"), default=timezone.now)
    cancelled = models.BooleanField(_("cancelled"), default=False)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("unit", widget=forms.Select), FieldPanel("deadline")]),
        FieldPanel("topic", widget=forms.Select),
        FieldPanel("brief"),
    ]

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["-deadline"]

    def __str__(self) -> str:
        return f"{self.title}（{self.unit}，{self.deadline}）"

    def delivery(self) -> Item | None:
        """The first item delivered for this commission, by submission time."""
        return self.items.exclude(submitted_at__isnull=True).order_by("submitted_at", "pk").first()


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting the department head")
    HEAD_APPROVED = "head_approved", _("Awaiting the office")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    REPORTED = "reported", _("Reported upward")


APPROVED_STATES = (ItemStatus.APPROVED, ItemStatus.REPORTED)


class ItemQuerySet(models.QuerySet["Item"]):
    def approved(self) -> ItemQuerySet:
        return self.filter(status__in=APPROVED_STATES)

    def for_year(self, year: int) -> ItemQuerySet:
        return self.filter(created_at__year=year)


class Item(LockableMixin, RevisionMixin, index.Indexed, ClusterableModel):
    """A piece of writing (稿件) and where it stands in review."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.ForeignKey(ItemKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    body = RichTextField(_("body"), blank=True)
    char_count = models.PositiveIntegerField(_("characters"), default=0, editable=False)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("submitting unit"),
        on_delete=models.PROTECT,
        related_name="items",
        help_text=_("The unit the item belongs to in review; co-units are listed below."),
    )
    topics = ParentalManyToManyField(Topic, verbose_name=_("key topics"), blank=True)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    commission = models.ForeignKey(
        Commission,
        verbose_name=_("commission"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ItemStatus.choices,
        default=ItemStatus.DRAFT,
        editable=False,
    )
    status_since = models.DateTimeField(_("in this state since"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    # Natural key of an item brought in by a spreadsheet import ("<bureau code>:<稿件编号>").
    source_key = models.CharField(_("import key"), max_length=120, blank=True, editable=False)
    # The create form's one-time key: a second post of the same form finds this item.
    create_token = models.CharField(max_length=40, blank=True, editable=False)

    objects = ItemQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldRowPanel(
            [FieldPanel("kind", widget=forms.Select), FieldPanel("unit", widget=forms.Select)]
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("topics"),
                FieldRowPanel([FieldPanel("is_urgent"), FieldPanel("deadline")]),
                FieldPanel("commission", widget=forms.Select),
            ],
            heading=_("Topics, urgency and commission"),
        ),
        InlinePanel("unit_shares", heading=_("Units and shares"), label=_("unit")),
        InlinePanel("author_shares", heading=_("Authors and shares"), label=_("author")),
        InlinePanel("photos", heading=_("Photos"), label=_("photo")),
        InlinePanel("attachments", heading=_("Attachments"), label=_("attachment")),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        # with a context: Wagtail's own "item(s)" (any listed thing) is 项
        verbose_name = pgettext_lazy("manuscript", "item")
        verbose_name_plural = pgettext_lazy("manuscript", "items")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["unit", "status"]),
            # the item list, newest first: a page read along the index, not a sort of all
            models.Index(fields=["created_at", "id"], name="item_created_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"], condition=~Q(source_key=""), name="item_source_key_unique"
            ),
            models.UniqueConstraint(
                fields=["create_token"],
                condition=~Q(create_token=""),
                name="item_create_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_approved(self) -> bool:
        """Approved by the office (and possibly reported): ready for the portal."""
        return self.status in APPROVED_STATES

    def plain_text(self) -> str:
        return re.sub(r"\s+", "", strip_tags(self.body or ""))

    def count_chars(self) -> int:
        """Characters of the body without markup and white space (字数)."""
        return len(self.plain_text())

    def holder(self) -> str:
        """Who has the item in hand now, in words an officer understands."""
        if self.status in (ItemStatus.DRAFT, ItemStatus.RETURNED):
            return str(_("the author (%(unit)s)") % {"unit": self.unit})
        if self.status == ItemStatus.SUBMITTED:
            return str(_("the head of %(unit)s") % {"unit": self.unit})
        return str(_("the office"))

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.deadline and self.deadline < now and self.status not in APPROVED_STATES)


class ItemUnit(Orderable):
    """A unit taking part in an item, with its share of the credit."""

    item = ParentalKey(Item, on_delete=models.CASCADE, related_name="unit_shares")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    share = models.DecimalField(
        _("share"), max_digits=6, decimal_places=2, default=1, validators=share_validators
    )

    panels = [FieldRowPanel([FieldPanel("unit", widget=forms.Select), FieldPanel("share")])]

    class Meta(Orderable.Meta):
        verbose_name = _("unit share")
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="one_share_per_item_unit"),
        ]


class ItemAuthor(Orderable):
    """An author of an item, with a share of the person credit (3:2 for the first two …)."""

    item = ParentalKey(Item, on_delete=models.CASCADE, related_name="author_shares")
    person = models.ForeignKey(Person, verbose_name=_("author"), on_delete=models.PROTECT)
    share = models.DecimalField(
        _("share"), max_digits=6, decimal_places=2, default=1, validators=share_validators
    )

    panels = [FieldRowPanel([FieldPanel("person", widget=forms.Select), FieldPanel("share")])]

    class Meta(Orderable.Meta):
        verbose_name = _("author share")
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="one_share_per_item_person"),
        ]


class ItemPhoto(Orderable):
    item = ParentalKey(Item, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("image"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class ItemAttachment(Orderable):
    item = ParentalKey(Item, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    panels = [FieldPanel("document")]


class NoteKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    RETURN = "return", _("Returned with reason")


class ReviewNote(models.Model):
    """A reviewer's comment on an item, or the reason it was sent back."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=10, choices=NoteKind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:40]
