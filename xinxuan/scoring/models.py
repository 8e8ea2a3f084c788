"""Rule sets as the office keeps them, and the score ledger derived from outcomes.

Points are never entered: ``ScoreLine`` rows are written only by ``ledger.py`` from
outcomes and the rule set in force, and ``Standing`` rows are their running sums.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xinxuan.organisation.models import Person, Unit
from xinxuan.outcomes.models import Outcome
from xinxuan.submissions.models import Item


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft for comments")
    ACTIVE = "active", _("In force")
    RETIRED = "retired", _("Retired")


class RuleSetQuerySet(models.QuerySet["RuleSet"]):
    def active(self) -> RuleSetQuerySet:
        return self.filter(status=RuleSetStatus.ACTIVE)

    def in_force(self, unit_ids, day) -> RuleSetQuerySet:
        return self.active().filter(
            unit_id__in=unit_ids, effective_from__lte=day, effective_to__gte=day
        )


class RuleSet(models.Model):
    """A regulation (管理办法) issued by a unit for its sub-units, in force for a period."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="rulesets",
        help_text=_("The unit that assesses its sub-units by this regulation."),
    )
    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("identifier"), max_length=80)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"))
    status = models.CharField(
        _("status"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    text = models.TextField(_("rule set (TOML)"))
    version = models.PositiveIntegerField(_("version"), default=1)
    engine_version = models.CharField(_("declared version"), max_length=40, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["-effective_from", "unit__sort_order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__gte=models.F("effective_from")),
                name="ruleset_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_status_display()}，v{self.version}）"

    @property
    def version_label(self) -> str:
        """What every stored score line records: the declared version and our revision."""
        return f"{self.engine_version or self.code} · v{self.version}"


class RuleSetVersion(models.Model):
    """Every saved text of a rule set, kept for ever."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("rule set (TOML)"))
    status = models.CharField(_("status"), max_length=10, choices=RuleSetStatus.choices)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rule set version")
        verbose_name_plural = _("rule set versions")
        ordering = ["ruleset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "number"], name="one_row_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.ruleset.name} v{self.number}"


class ScoreCalc(models.Model):
    """The arithmetic of a clause as the engine worked it out, stored once and shared by
    every line it produced (a year of a province has millions of lines but a few
    thousand distinct calculations): clause, labels, base, factors, settings and note,
    each label in Chinese and English.  A line's explanation is rendered from it in the
    reader's language when it is shown (``ScoreLine.explanation``).

    A calculation stored before the lines kept it (migration 0002) holds the two
    rendered texts instead (``{"text": …, "text_en": …}``) and shows them as they were.
    """

    digest = models.CharField(max_length=64, unique=True)
    data = models.JSONField()

    class Meta:
        verbose_name = _("score calculation")
        verbose_name_plural = _("score calculations")

    def __str__(self) -> str:
        return str(self.data.get("clause") or self.data.get("text", ""))


class ScoreLine(models.Model):
    """One line of points: which event, which clause, which arithmetic, which version."""

    # not indexed on its own: the (ruleset, unit, date) index below starts with it
    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    version = models.CharField(_("rule set version"), max_length=60)
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.CASCADE, related_name="score_lines"
    )
    # The engine's event id: "o<outcome pk>" or a derived event such as "c<commission>-due".
    event_key = models.CharField(max_length=40, blank=True)
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.CASCADE, related_name="score_lines"
    )
    # Not indexed on its own: every query that picks a unit's lines also names the rule
    # set, and (ruleset, unit, date) serves it; an index no query reads costs every line
    # written (a full rewrite builds it again over millions of lines).  Deleting a unit
    # that has lines (rare: the admin's, and people protect a unit) reads the table.
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="score_lines", db_index=False
    )
    # indexed where set only (``scoreline_person`` below): half the lines are a unit's
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="score_lines",
        db_index=False,
    )
    clause = models.CharField(_("clause"), max_length=80)
    points = models.DecimalField(_("points"), max_digits=12, decimal_places=4)
    date = models.DateField(_("date"))
    tally = models.PositiveSmallIntegerField(default=0)
    # What the explanation needs: the shared calculation and this line's share of the
    # event ("1/3"; blank for all of it).  Not indexed: lines are found by rule set,
    # item or unit, never by their calculation, and every index slows a full rewrite.
    calc = models.ForeignKey(ScoreCalc, on_delete=models.PROTECT, related_name="+", db_index=False)
    share = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("score line")
        verbose_name_plural = _("score lines")
        ordering = ["date", "pk"]
        indexes = [
            models.Index(fields=["ruleset", "unit", "date"]),
            # a writer's lines (the lines behind a writer's figure, a person deleted)
            models.Index(
                fields=["person"], condition=Q(person__isnull=False), name="scoreline_person"
            ),
            # a unit's lines that belong to no item: what its period stage replaces
            models.Index(
                fields=["ruleset", "unit"],
                condition=Q(item__isnull=True),
                name="scoreline_loose_ruleset_unit",
            ),
            # the lines behind the standings, newest first: a page read along the
            # index instead of a sort of the year's unit lines (the unit in it, so that
            # the lines of units the reader may not see are passed over in the index)
            models.Index(
                fields=["ruleset", "date", "id", "unit"],
                condition=Q(person__isnull=True),
                name="scoreline_unit_lines_by_date",
            ),
            # the standings' lines of no item (deductions, period rules), newest first:
            # without it the index above is walked through every unit line to find them
            models.Index(
                fields=["ruleset", "date", "id"],
                condition=Q(item__isnull=True, person__isnull=True),
                name="scoreline_loose_by_date",
            ),
        ]

    def __str__(self) -> str:
        return self.explanation

    def explain(self, lang: str) -> str:
        """The line's arithmetic in Chinese (``"zh"``) or English (``"en"``)."""
        from xinxuan.scoring.explanations import explain_line

        return explain_line(self, lang)

    @property
    def explanation(self) -> str:
        """The arithmetic in the language of the request (Chinese unless English)."""
        return self.explain("en" if (get_language() or "zh").startswith("en") else "zh")


class Standing(models.Model):
    """A unit's (or a person's) running total under one rule set: the sum of its lines."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="standings")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="standings")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="standings"
    )
    points = models.DecimalField(_("points"), max_digits=14, decimal_places=4, default=0)
    adopted = models.IntegerField(_("adopted items"), default=0)

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        constraints = [
            models.UniqueConstraint(
                fields=["ruleset", "unit"],
                condition=Q(person__isnull=True),
                name="one_unit_standing_per_ruleset",
            ),
            models.UniqueConstraint(
                fields=["ruleset", "person"],
                condition=Q(person__isnull=False),
                name="one_person_standing_per_ruleset",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.unit}: {self.points}"


class MonthlyScore(models.Model):
    """The score lines of one month summed, for standings by period and breakdowns.

    Derived, never written by hand: ``scoring/standings.py`` rebuilds a unit's rows from
    its lines whenever the ledger moves that unit's ``Standing``. A unit's rows keep the
    clause and the level (for the breakdowns); a person's only the month.
    """

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, null=True, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    clause = models.CharField(max_length=80, blank=True)
    level = models.ForeignKey(
        "outcomes.Level", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    points = models.DecimalField(max_digits=14, decimal_places=4)
    adopted = models.IntegerField(default=0)
    lines = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # covering: a period's sums and breakdowns are read from the index alone
            models.Index(
                fields=[
                    "ruleset",
                    "month",
                    "unit",
                    "person",
                    "clause",
                    "level",
                    "points",
                    "adopted",
                    "lines",
                ],
                name="monthly_by_month",
            ),
            models.Index(fields=["ruleset", "unit", "person"], name="monthly_by_owner"),
        ]

    def __str__(self) -> str:
        owner = f"p{self.person_id}" if self.person_id else f"u{self.unit_id}"
        return f"{owner} {self.month:%Y-%m} {self.clause}: {self.points}"


class ClauseSum(models.Model):
    """The unit lines of items under a rule set with period rules, summed per unit,
    month (day when a rule counts weeks), clause and sign of the points: what the
    period rules read. Kept by ``ledger.py`` as lines change, like ``Standing``, so
    that one recorded outcome recomputes one unit's period lines from a few sums."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="clause_sums")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    clause = models.CharField(max_length=80)
    sign = models.SmallIntegerField()
    points = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    tally = models.IntegerField(default=0)
    lines = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ruleset", "unit", "date", "clause", "sign"], name="one_clause_sum"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date} {self.clause} {self.sign:+d}: {self.points}"
