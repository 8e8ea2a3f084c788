"""The outcome ledger: what happened to items outside, and the carriers it happened in.

Every outcome is an event for the scoring engine; points are never stored here, only
derived (``xinxuan.scoring``).  Outcomes are never deleted: a mistake is revoked with
a reason, which the ledger keeps.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from xinxuan.organisation.models import Person, Unit
from xinxuan.submissions.models import Commission, Item


class Level(models.Model):
    """A level of carrier, leader or superior body (局级 · 市级 · 省级 · 国家级)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    code = models.SlugField(_("code in the rule set"), max_length=40, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=0, help_text=_("Higher is more senior.")
    )

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("code")]), FieldPanel("rank")]

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["-rank"]

    def __str__(self) -> str:
        return self.name


class CarrierKind(models.TextChoices):
    PUBLICATION = "publication", _("Information publication")
    MEDIA = "media", _("Media outlet")
    WEBSITE = "website", _("Website")


class Carrier(models.Model):
    """A publication or outlet that adopts or publishes items (刊物 / 媒体)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    code = models.SlugField(_("code in the rule set"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CarrierKind.choices)
    level = models.ForeignKey(Level, verbose_name=_("level"), on_delete=models.PROTECT)
    carrier_class = models.CharField(_("class"), max_length=40, blank=True)
    grades = models.CharField(
        _("grades"),
        max_length=200,
        blank=True,
        help_text=_("Grades inside this carrier, separated by commas (参阅, 重要 …)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("level")]),
        FieldRowPanel([FieldPanel("carrier_class"), FieldPanel("grades")]),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["-level__rank", "name"]

    def __str__(self) -> str:
        return self.name

    def grade_list(self) -> list[str]:
        return [g.strip() for g in self.grades.replace("，", ",").split(",") if g.strip()]


class SuperiorBody(models.Model):
    """A body items are reported up to (总局办公厅, 省政府办公厅, 市委办 …)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    level = models.ForeignKey(Level, verbose_name=_("level"), on_delete=models.PROTECT)

    panels = [FieldPanel("name"), FieldPanel("level")]

    class Meta:
        verbose_name = _("superior body")
        verbose_name_plural = _("superior bodies")
        ordering = ["-level__rank", "name"]

    def __str__(self) -> str:
        return self.name


class Route(models.Model):
    """How an item travelled upward (直报, 经办公室转报 …)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    code = models.SlugField(_("code in the rule set"), max_length=40, unique=True)

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("code")])]

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OutcomeKind(models.TextChoices):
    """The kinds of event; the values are the scoring engine's event types."""

    SUBMISSION = "submission", _("Submitted to the office")
    REPORT = "report", _("Reported upward")
    ADOPTION = "adoption", _("Adoption")
    ENDORSEMENT = "endorsement", _("Leader endorsement")
    PUBLICATION = "publication", _("Media publication")
    PRIZE = "prize", _("Prize")
    DEDUCTION = "deduction", _("Deduction")
    MANUAL_ADJUSTMENT = "manual_adjustment", _("Manual adjustment")
    COMMISSION_MISSED = "commission_missed", _("Commission missed")


ITEM_KINDS = (
    OutcomeKind.SUBMISSION,
    OutcomeKind.REPORT,
    OutcomeKind.ADOPTION,
    OutcomeKind.ENDORSEMENT,
    OutcomeKind.PUBLICATION,
    OutcomeKind.PRIZE,
)


class Use(models.TextChoices):
    SOLE = "sole", _("Sole use")
    COMBINED = "combined", _("Combined use")


class LeaderRank(models.TextChoices):
    MAIN = "main", _("Principal leader")
    OTHER = "other", _("Other leader")


class Source(models.TextChoices):
    WORKBENCH = "workbench", _("Entered in the workbench")
    IMPORT = "import", _("Imported from a spreadsheet")
    AUTOMATIC = "automatic", _("Produced automatically")


class OutcomeQuerySet(models.QuerySet["Outcome"]):
    def active(self) -> OutcomeQuerySet:
        return self.filter(revoked_at__isnull=True)


class Outcome(models.Model):
    """One event of the ledger: a report, adoption, endorsement, publication, prize,
    deduction or adjustment, for an item or (deductions, adjustments) for a unit."""

    kind = models.CharField(_("kind"), max_length=20, choices=OutcomeKind.choices)
    item = models.ForeignKey(
        Item,
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    # The item's unit for item outcomes; the unit concerned otherwise.  Access goes by it.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="outcomes"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT
    )
    date = models.DateField(_("date"))
    # 报送 and 上报: the day it was due; ``date`` is the day it was delivered, and the
    # rule set's ``late`` deduction follows from the two.
    due = models.DateField(_("due date"), null=True, blank=True)
    carrier = models.ForeignKey(
        Carrier, verbose_name=_("carrier"), null=True, blank=True, on_delete=models.PROTECT
    )
    level = models.ForeignKey(
        Level,
        verbose_name=_("level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("The leader's level for an endorsement; otherwise the carrier's applies."),
    )
    superior_body = models.ForeignKey(
        SuperiorBody,
        verbose_name=_("superior body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    route = models.ForeignKey(
        Route, verbose_name=_("route"), null=True, blank=True, on_delete=models.PROTECT
    )
    grade = models.CharField(_("grade"), max_length=40, blank=True)
    use = models.CharField(_("use"), max_length=10, choices=Use.choices, blank=True)
    placement = models.CharField(_("placement"), max_length=40, blank=True)
    issue = models.CharField(_("issue number"), max_length=40, blank=True)
    evidence = models.FileField(
        _("evidence file"),
        upload_to="evidence/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "docx", "doc"])],
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    leader = models.CharField(_("leader"), max_length=40, blank=True)
    leader_rank = models.CharField(
        _("leader rank"), max_length=10, choices=LeaderRank.choices, blank=True
    )
    text = models.TextField(_("text"), blank=True, help_text=_("The endorsement's words."))
    rule = models.CharField(
        _("clause"),
        max_length=60,
        blank=True,
        help_text=_("The rule set's prize, deduction or adjustment the event refers to."),
    )
    points = models.DecimalField(
        _("chosen points"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    range_min = models.DecimalField(
        _("range from"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    range_max = models.DecimalField(
        _("range to"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    commission = models.ForeignKey(
        Commission, null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.WORKBENCH
    )
    # Natural keys: ``fingerprint`` says "the same outcome" for live rows (two clerks
    # recording one adoption); ``import_key`` is the spreadsheet's 事件编号 per bureau.
    fingerprint = models.CharField(max_length=200, blank=True, editable=False)
    import_key = models.CharField(max_length=120, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["item", "date"]),
            models.Index(fields=["unit", "date"]),
            models.Index(fields=["kind", "date"]),
            # the ledger of one kind counted from the index alone (its pages are read
            # along the one above)
            models.Index(fields=["kind", "unit"], name="outcome_kind_unit"),
            # the ledger in date order: a page read along the index, not a sort of all;
            # the unit in it, so that the rows a deep page skips are tested for the
            # user's units without reading them
            models.Index(fields=["date", "id", "unit"], name="outcome_date_id_unit"),
            # a unit's outcomes without an item, which its period stage reads on a change
            models.Index(
                fields=["unit", "date"],
                condition=Q(item__isnull=True),
                name="outcome_loose_unit_date",
            ),
            # the headline figures (figures.py): each count read from this index alone,
            # a bureau's from its units' ranges, not from the whole province's
            models.Index(
                fields=["unit", "kind", "date", "item", "level", "carrier"],
                condition=Q(revoked_at__isnull=True),
                name="outcome_live_figures",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(revoked_at__isnull=True) & ~Q(fingerprint=""),
                name="one_live_outcome_per_fingerprint",
            ),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="outcome_import_key"
            ),
            models.UniqueConstraint(
                fields=["commission"],
                condition=Q(kind="commission_missed") & Q(revoked_at__isnull=True),
                name="one_missed_event_per_commission",
            ),
            models.CheckConstraint(
                condition=Q(item__isnull=False)
                | ~Q(kind__in=["submission", "report", "adoption", "endorsement", "publication"]),
                name="item_outcomes_have_an_item",
            ),
        ]

    def __str__(self) -> str:
        what = self.item.title if self.item_id else str(self.unit)
        return f"{self.get_kind_display()} · {what} · {self.date}"

    @property
    def scoring_level(self) -> Level | None:
        """The level the rule set values this event by: its own, or for a report
        upward the level of the body it went to (a report to the province: 省级)."""
        if self.level_id:
            return self.level
        if self.kind == OutcomeKind.REPORT and self.superior_body_id:
            return self.superior_body.level
        return None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def summary(self, labels: dict[str, str] | None = None) -> str:
        """The outcome's particulars in one line: carrier, grade, leader, issue …;
        ``labels`` gives the Chinese names of the rule set's keys it stores (a prize's
        ``haoxinwen`` is 好新闻奖), so that no key is shown."""
        labels = labels or {}
        parts = [
            str(x)
            for x in (
                self.carrier,
                self.superior_body,
                self.route,
                self.grade,
                self.get_use_display() if self.use else "",
                labels.get(self.placement, self.placement),
                self.issue and issue_label(self.issue),
                self.due and _("due %(day)s") % {"day": self.due.isoformat()},
                self.leader,
                self.level if self.kind == OutcomeKind.ENDORSEMENT else "",
                self.get_leader_rank_display() if self.leader_rank else "",
                labels.get(self.rule, self.rule),
                self.points,
            )
            if x not in (None, "")
        ]
        return " · ".join(parts)


def issue_label(issue: str) -> str:
    """第128期 from 128 — and from 第128期, 第128 or 128期 as typed, never 第第128期期."""
    text = issue.strip()
    if "第" in text and "期" in text:
        return text
    if "期" in text:
        return f"第{text}"
    return f"{text}期" if text.startswith("第") else f"第{text}期"
