"""The numbers a bulletin prints, gathered once for the Word and the Excel file.

Read only: the standings of the period are the sums of the stored score lines in it,
the headline figures come from ``outcomes.figures``, the prizes and the plaque from a
confirmed appraisal.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from xinxuan.appraisal.models import Appraisal, Award, PlaqueAward
from xinxuan.organisation.models import Unit, UnitTarget
from xinxuan.outcomes.figures import Headline, headline_figures
from xinxuan.scoring import ledger
from xinxuan.scoring.models import RuleSet, ScoreLine

from .models import PeriodKind

ZERO = Decimal(0)


def period_range(kind: str, year: int, index: int) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of month ``index`` (1–12), quarter ``index`` (1–4) or the
    year; ``ValueError`` for an index out of range."""
    if kind == PeriodKind.YEAR:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if kind == PeriodKind.QUARTER:
        if not 1 <= index <= 4:
            raise ValueError(index)
        first = 3 * (index - 1) + 1
        last = first + 2
        return datetime.date(year, first, 1), datetime.date(
            year, last, calendar.monthrange(year, last)[1]
        )
    if not 1 <= index <= 12:
        raise ValueError(index)
    return datetime.date(year, index, 1), datetime.date(
        year, index, calendar.monthrange(year, index)[1]
    )


def period_label(kind: str, start: datetime.date) -> str:
    if kind == PeriodKind.YEAR:
        return _("the year %(year)s") % {"year": start.year}
    if kind == PeriodKind.QUARTER:
        quarter = (start.month - 1) // 3 + 1
        return _("quarter %(quarter)s of %(year)s") % {"quarter": quarter, "year": start.year}
    return _("%(month)s/%(year)s") % {"month": start.month, "year": start.year}


@dataclass(frozen=True)
class StandingRow:
    rank: int
    unit: Unit
    points: Decimal
    target: Decimal | None
    completion: Decimal | None  # percent, the year only


@dataclass
class BulletinData:
    unit: Unit
    ruleset: RuleSet
    kind: str
    start: datetime.date
    end: datetime.date
    label: str
    headline: Headline
    standings: list[StandingRow]
    awards: list[Award] = field(default_factory=list)
    plaque: PlaqueAward | None = None


def period_standings(ruleset: RuleSet, start, end, *, year: bool) -> list[StandingRow]:
    """The units' points in the period: the stored standings for the rule set's whole
    period, the sums of its score lines dated in a month or quarter."""
    if (start, end) == (ruleset.effective_from, ruleset.effective_to):
        return [
            StandingRow(r.rank, r.unit, r.points, r.target, r.completion if year else None)
            for r in ledger.standings(ruleset)
        ]
    units = list(Unit.objects.filter(parent_id=ruleset.unit_id, is_active=True))
    sums = dict(
        ScoreLine.objects.filter(
            ruleset=ruleset, person__isnull=True, date__gte=start, date__lte=end, unit__in=units
        )
        .values("unit_id")
        .annotate(total=Sum("points"))
        .values_list("unit_id", "total")
    )
    targets = dict(
        UnitTarget.objects.filter(year=start.year, unit__in=units).values_list("unit_id", "points")
    )
    scored = sorted(
        ((sums.get(u.pk, ZERO), u) for u in units if u.pk in sums or u.pk in targets),
        key=lambda pair: (-pair[0], pair[1].sort_order),
    )
    rows: list[StandingRow] = []
    for index, (points, unit) in enumerate(scored):
        target = targets.get(unit.pk)
        rank = rows[-1].rank if rows and rows[-1].points == points else index + 1
        completion = points / target * 100 if (year and target) else None
        rows.append(StandingRow(rank, unit, points, target, completion))
    return rows


def gather(*, ruleset: RuleSet, kind: str, start, end) -> BulletinData:
    year = kind == PeriodKind.YEAR
    data = BulletinData(
        unit=ruleset.unit,
        ruleset=ruleset,
        kind=kind,
        start=start,
        end=end,
        label=period_label(kind, start),
        headline=headline_figures(unit=ruleset.unit, start=start, end=end),
        standings=period_standings(ruleset, start, end, year=year),
    )
    if year:
        appraisal = Appraisal.objects.filter(ruleset=ruleset).first()
        if appraisal is not None and appraisal.is_confirmed:
            data.awards = list(
                appraisal.awards.filter(withdrawn=False).select_related("unit", "person", "item")
            )
        data.plaque = (
            PlaqueAward.objects.filter(bureau=ruleset.unit, ruleset=ruleset)
            .select_related("holder")
            .first()
        )
    return data
