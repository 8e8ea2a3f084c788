"""Standings by period: units and persons ranked for a year, half, quarter, month or
week of a rule set, with breakdowns by month, kind and level.

Read-only, except for the monthly sums (``MonthlyScore``) that the ledger asks us to
rebuild from the lines whenever it moves a unit's ``Standing``: they are derived from
the lines and nothing else writes them.  Where the numbers come from:

* the rule set's whole period: the ``Standing`` rows (the ledger's running sums);
* a half, quarter or month: ``MonthlyScore`` (a few rows per unit and month);
* a week: the lines themselves (a week is a small slice of the year).
"""

from __future__ import annotations

import contextlib
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections, router
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation.models import MemberTarget, Person, TeamMembership, Unit, UnitTarget
from xinxuan.outcomes.models import Level, Outcome, OutcomeKind
from xinxuan.scoring import engine
from xinxuan.scoring.models import MonthlyScore, RuleSet, ScoreLine, Standing

ZERO = Decimal(0)
HUNDRED = Decimal(100)
KINDS = ("year", "half", "quarter", "month", "week")


class BadFilter(ActionRefused):
    """A filter of the standings that cannot be read (a forged or stale link)."""


class BadPeriod(BadFilter):
    """A period that cannot be read or lies outside the rule set's period."""


# ------------------------------------------------------------------ keeping the monthly sums


def _unit_rows(lines) -> Iterable[dict]:
    return (
        lines.filter(person__isnull=True)
        .annotate(
            month=TruncMonth("date"),
            level_ref=Coalesce("outcome__level_id", "outcome__carrier__level_id"),
        )
        .values("unit_id", "month", "clause", "level_ref")
        .annotate(
            total=Sum("points"),
            adopted_count=Count("pk", filter=Q(tally__gt=0, clause__startswith="adoption")),
            line_count=Count("pk"),
        )
        .order_by()
    )


def _person_rows(lines) -> Iterable[dict]:
    return (
        lines.filter(person__isnull=False)
        .annotate(month=TruncMonth("date"))
        .values("unit_id", "person_id", "month")
        .annotate(
            total=Sum("points"),
            adopted_count=Count("pk", filter=Q(tally__gt=0, clause__startswith="adoption")),
            line_count=Count("pk"),
        )
        .order_by()
    )


# (rule set, unit, person, month, clause, level) -> [points, adopted, lines]
MonthKey = tuple[int, int, int | None, datetime.date, str, int | None]


def _add_month(sums: dict, key: MonthKey, points: Decimal, adopted: int, lines: int) -> None:
    entry = sums.get(key)
    if entry is None:
        sums[key] = [points, adopted, lines]
    else:
        entry[0] += points
        entry[1] += adopted
        entry[2] += lines


def stored_month_sums(lines) -> dict[MonthKey, list]:
    """The monthly sums of the stored ``lines`` (a queryset: one item's, one unit's
    period lines), keyed as ``MonthlyScore`` rows are."""
    sums: dict[MonthKey, list] = {}
    for ruleset_id in lines.order_by().values_list("ruleset_id", flat=True).distinct():
        mine = lines.filter(ruleset_id=ruleset_id)
        for r in _unit_rows(mine):
            key = (ruleset_id, r["unit_id"], None, r["month"], r["clause"], r["level_ref"])
            _add_month(sums, key, r["total"], r["adopted_count"], r["line_count"])
        for r in _person_rows(mine):
            key = (ruleset_id, r["unit_id"], r["person_id"], r["month"], "", None)
            _add_month(sums, key, r["total"], r["adopted_count"], r["line_count"])
    return sums


def row_month_sums(rows, levels: dict[int, int | None] | None = None) -> dict[MonthKey, list]:
    """The monthly sums of ``ScoreLine`` rows not read from the database (what is about
    to replace the stored ones, or what was removed).  ``levels``: the level of some of
    their outcomes, already known (the others are read, and added to it)."""
    levels = {} if levels is None else levels
    outcome_ids = {r.outcome_id for r in rows if r.outcome_id and r.person_id is None}
    if missing := outcome_ids - levels.keys():
        levels.update(
            Outcome.objects.filter(pk__in=missing)
            .annotate(level_ref=Coalesce("level_id", "carrier__level_id"))
            .values_list("pk", "level_ref")
        )
    sums: dict[MonthKey, list] = {}
    for r in rows:
        month = r.date.replace(day=1)
        adopted = 1 if r.tally > 0 and r.clause.startswith("adoption") else 0
        if r.person_id is None:
            key = (r.ruleset_id, r.unit_id, None, month, r.clause, levels.get(r.outcome_id))
        else:
            key = (r.ruleset_id, r.unit_id, r.person_id, month, "", None)
        _add_month(sums, key, r.points, adopted, 1)
    return sums


def move_months(old: dict[MonthKey, list], new: dict[MonthKey, list]) -> None:
    """Move the monthly sums by the difference of the lines replaced (``old``) and
    their replacement (``new``): a recorded outcome touches a few rows, instead of
    the unit's months being summed again from all its lines."""
    # in one order, so that two writers of the same rows queue rather than deadlock
    for key in sorted(
        set(old) | set(new), key=lambda k: (k[0], k[1], k[2] or 0, k[3], k[4], k[5] or 0)
    ):
        o_points, o_adopted, o_lines = old.get(key, (ZERO, 0, 0))
        n_points, n_adopted, n_lines = new.get(key, (ZERO, 0, 0))
        d_points, d_adopted, d_lines = n_points - o_points, n_adopted - o_adopted, n_lines - o_lines
        if not (d_points or d_adopted or d_lines):
            continue
        ruleset_id, unit_id, person_id, month, clause, level_id = key
        rows = MonthlyScore.objects.filter(
            ruleset_id=ruleset_id,
            unit_id=unit_id,
            person_id=person_id,
            month=month,
            clause=clause,
            level_id=level_id,
        )
        change = {
            "points": F("points") + d_points,
            "adopted": F("adopted") + d_adopted,
            "lines": F("lines") + d_lines,
        }
        if not rows.update(**change):
            MonthlyScore.objects.create(
                ruleset_id=ruleset_id,
                unit_id=unit_id,
                person_id=person_id,
                month=month,
                clause=clause,
                level_id=level_id,
                points=d_points,
                adopted=d_adopted,
                lines=d_lines,
            )
        elif d_lines < 0:
            rows.filter(lines__lte=0).delete()


def store_months(sums: dict[MonthKey, list]) -> None:
    """Monthly sums summed as the lines were written (a full rescoring, after its
    ``DELETE``), stored as they are."""
    MonthlyScore.objects.bulk_create(
        (
            MonthlyScore(
                ruleset_id=ruleset_id,
                unit_id=unit_id,
                person_id=person_id,
                month=month,
                clause=clause,
                level_id=level_id,
                points=points,
                adopted=adopted,
                lines=lines,
            )
            for (ruleset_id, unit_id, person_id, month, clause, level_id), (
                points,
                adopted,
                lines,
            ) in sums.items()
        ),
        batch_size=2000,
    )


def rebuild_months(ruleset: RuleSet | int) -> None:
    """Every monthly sum of a rule set rebuilt from its lines (after a full rescoring):
    one ``INSERT … SELECT … GROUP BY`` for the units' rows and one for the persons',
    the database summing its millions of lines where they are — the same sums
    ``_unit_rows`` and ``_person_rows`` give (a test compares them)."""
    ruleset_id = ruleset if isinstance(ruleset, int) else ruleset.pk
    MonthlyScore.objects.filter(ruleset_id=ruleset_id).delete()
    connection = connections[router.db_for_write(MonthlyScore)]
    if connection.vendor == "sqlite":
        month = "substr(l.date, 1, 8) || '01'"  # dates are stored as YYYY-MM-DD
        points = "ROUND(SUM(l.points), 4)"  # the field's places, as Django reads a sum
    else:
        month = "CAST(date_trunc('month', l.date) AS date)"
        points = "SUM(l.points)"
    adopted = "SUM(CASE WHEN l.tally > 0 AND substr(l.clause, 1, 8) = 'adoption' THEN 1 ELSE 0 END)"
    # our own table and column names, no input
    months = MonthlyScore._meta.db_table
    lines = ScoreLine._meta.db_table
    outcomes = Outcome._meta.db_table
    carriers = Outcome._meta.get_field("carrier").related_model._meta.db_table
    level = "COALESCE(o.level_id, c.level_id)"  # the outcome's level, else its carrier's
    columns = "ruleset_id, unit_id, person_id, month, clause, level_id, points, adopted, lines"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {months} ({columns}) "  # noqa: S608
            f"SELECT l.ruleset_id, l.unit_id, NULL, {month}, l.clause, "
            f"{level}, {points}, {adopted}, COUNT(*) "
            f"FROM {lines} l LEFT JOIN {outcomes} o ON o.id = l.outcome_id "
            f"LEFT JOIN {carriers} c ON c.id = o.carrier_id "
            f"WHERE l.ruleset_id = %s AND l.person_id IS NULL "
            f"GROUP BY l.ruleset_id, l.unit_id, {month}, l.clause, {level}",
            [ruleset_id],
        )
        cursor.execute(
            f"INSERT INTO {months} ({columns}) "  # noqa: S608
            f"SELECT l.ruleset_id, l.unit_id, l.person_id, {month}, '', NULL, "
            f"{points}, {adopted}, COUNT(*) FROM {lines} l "
            f"WHERE l.ruleset_id = %s AND l.person_id IS NOT NULL "
            f"GROUP BY l.ruleset_id, l.unit_id, l.person_id, {month}",
            [ruleset_id],
        )


# ------------------------------------------------------------------ periods


@dataclass(frozen=True)
class Period:
    key: str
    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        year = self.start.year
        if self.kind == "year":
            return _("%(year)s (year)") % {"year": year}
        if self.kind == "half":
            return (
                _("%(year)s, first half") if self.start.month == 1 else _("%(year)s, second half")
            ) % {"year": year}
        if self.kind == "quarter":
            return _("%(year)s, quarter %(n)s") % {"year": year, "n": (self.start.month + 2) // 3}
        if self.kind == "month":
            return _("%(year)s, month %(n)s") % {"year": year, "n": self.start.month}
        iso_year, week, _day = self.start.isocalendar()
        return _("%(year)s, week %(n)s (%(start)s – %(end)s)") % {
            "year": iso_year,
            "n": week,
            "start": self.start.strftime("%m-%d"),
            "end": self.end.strftime("%m-%d"),
        }

    @property
    def months(self) -> list[datetime.date]:
        return [
            datetime.date(int(key[:4]), int(key[5:]), 1)
            for key in engine.periods.months_between(self.start, self.end)
        ]

    def share_of_year(self) -> Decimal:
        """The part of a yearly target that falls in this period (by months, by days
        for a week)."""
        if self.kind == "week":
            return Decimal(7) / Decimal(365)
        return Decimal(len(self.months)) / Decimal(12)


def _kind_of(key: str) -> str:
    if "-W" in key:
        return "week"
    if "-H" in key:
        return "half"
    if "-Q" in key:
        return "quarter"
    return "month" if "-" in key else "year"


def whole(ruleset: RuleSet) -> Period:
    """The rule set's own period (normally its year)."""
    kind = (
        "year"
        if (
            ruleset.effective_from.month,
            ruleset.effective_from.day,
            ruleset.effective_to.month,
            ruleset.effective_to.day,
        )
        == (1, 1, 12, 31)
        and ruleset.effective_from.year == ruleset.effective_to.year
        else "whole"
    )
    return Period(
        str(ruleset.effective_from.year), kind, ruleset.effective_from, ruleset.effective_to
    )


def parse_period(ruleset: RuleSet, key: str | None) -> Period:
    """The period a key names (2011, 2011-H1, 2011-Q3, 2011-05, 2011-W05) within the
    rule set's period; no key is the rule set's whole period."""
    if not key or key == whole(ruleset).key:
        return whole(ruleset)
    key = key.strip()[:12]
    try:
        start, end = engine.period_range(key)
    except (ValueError, OverflowError):
        raise BadPeriod(
            _("“%(key)s” is not a period: write 2011, 2011-H1, 2011-Q3, 2011-05 or 2011-W05.")
            % {"key": key}
        ) from None
    if end < ruleset.effective_from or start > ruleset.effective_to:
        raise BadPeriod(
            _("%(key)s lies outside the period of “%(ruleset)s” (%(start)s – %(end)s).")
            % {
                "key": key,
                "ruleset": ruleset.name,
                "start": ruleset.effective_from,
                "end": ruleset.effective_to,
            }
        )
    return Period(
        key, _kind_of(key), max(start, ruleset.effective_from), min(end, ruleset.effective_to)
    )


def period_choices(ruleset: RuleSet) -> list[tuple[str, list[Period]]]:
    """The periods of the picker, grouped by kind: the year, its halves, quarters,
    months and weeks (as far as they lie in the rule set's period)."""
    start, end = ruleset.effective_from, ruleset.effective_to
    groups: dict[str, list[Period]] = {kind: [] for kind in KINDS[1:]}
    day = start
    seen: set[str] = set()
    while day <= end:
        for kind in KINDS[1:]:
            key = engine.period_key(day, kind)
            if key not in seen:
                seen.add(key)
                with contextlib.suppress(BadPeriod):  # a week reaching into the next year
                    groups[kind].append(parse_period(ruleset, key))
        day += datetime.timedelta(days=1)
    names = {
        "half": _("Half-years"),
        "quarter": _("Quarters"),
        "month": _("Months"),
        "week": _("Weeks"),
    }
    return [(_("Year"), [whole(ruleset)])] + [(names[k], groups[k]) for k in KINDS[1:]]


# ------------------------------------------------------------------ sums for a period


def _sums(ruleset: RuleSet, period: Period, *, persons: bool, unit_ids=None):
    """{owner id: (points, adopted)} — owner a unit, or a person when ``persons``."""
    owner = "person_id" if persons else "unit_id"
    if period.kind in ("year", "whole"):
        rows = Standing.objects.filter(ruleset=ruleset, person__isnull=not persons)
        if unit_ids is not None:
            rows = rows.filter(unit_id__in=unit_ids)
        return {
            r[owner]: (r["points"], r["adopted"]) for r in rows.values(owner, "points", "adopted")
        }
    if period.kind == "week":
        lines = ScoreLine.objects.filter(
            ruleset=ruleset,
            date__gte=period.start,
            date__lte=period.end,
            person__isnull=not persons,
        )
        adopted = Count("pk", filter=Q(tally__gt=0, clause__startswith="adoption"))
    else:
        lines = MonthlyScore.objects.filter(
            ruleset=ruleset,
            month__gte=period.months[0],
            month__lte=period.months[-1],
            person__isnull=not persons,
        )
        adopted = Sum("adopted")
    if unit_ids is not None:
        lines = lines.filter(unit_id__in=unit_ids)
    rows = lines.values(owner).annotate(total=Sum("points"), count=adopted).order_by()
    return {r[owner]: (r["total"], r["count"] or 0) for r in rows}


# ------------------------------------------------------------------ units


def _percent(points: Decimal, target: Decimal | None) -> Decimal | None:
    if not target:
        return None
    return (points / target * HUNDRED).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    points: Decimal
    adopted: int
    target: Decimal | None
    completion: Decimal | None
    rank: int
    gap_to_next: Decimal | None  # behind the one ranked above
    to_second: Decimal | None  # the first's lead over the second; the others' gap to it


@dataclass
class Ranking:
    """The units of one class ranked together."""

    name: str
    rows: list[UnitRow] = field(default_factory=list)

    @property
    def leader(self) -> UnitRow | None:
        return self.rows[0] if self.rows else None


def _ranked(
    scored: list[tuple[Decimal, int, object]],
) -> list[tuple[int, Decimal | None, Decimal | None]]:
    """(rank, gap to the one above, difference to the second) for pairs sorted best
    first; equal points share a rank (1, 2, 2, 4)."""
    out = []
    second = scored[1][0] if len(scored) > 1 else None
    for index, (points, *_rest) in enumerate(scored):
        above = scored[index - 1][0] if index else None
        rank = out[-1][0] if index and points == above else index + 1
        if second is None:
            to_second = None
        elif index == 0:
            to_second = points - second
        else:
            to_second = points - second if index > 1 else None
        out.append((rank, above - points if above is not None else None, to_second))
    return out


def credited_units(ruleset: RuleSet) -> list[Unit]:
    """The units a rule set ranks: the issuer's sub-units, every one (also with no
    points), and any unit with points that has since moved elsewhere."""
    with_points = Standing.objects.filter(ruleset=ruleset, person__isnull=True).values("unit_id")
    return list(
        Unit.objects.filter(Q(parent_id=ruleset.unit_id, is_active=True) | Q(pk__in=with_points))
        .select_related("unit_class")
        .distinct()
        .order_by("sort_order", "name")
    )


def unit_rankings(ruleset: RuleSet, period: Period) -> list[Ranking]:
    """The credited units ranked per unit class (one ranking if they have no classes),
    with the period's points, the pro-rated yearly target and the gaps."""
    units = credited_units(ruleset)
    sums = _sums(ruleset, period, persons=False)
    targets = dict(
        UnitTarget.objects.filter(
            year=period.start.year, unit__in=[u.pk for u in units]
        ).values_list("unit_id", "points")
    )
    share = period.share_of_year()
    groups: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        groups[unit.unit_class_id].append(unit)
    classes = {u.unit_class_id: u.unit_class for u in units}
    rankings = []
    for class_id, members in sorted(
        groups.items(), key=lambda kv: (kv[0] is None, min(u.sort_order for u in kv[1]))
    ):
        scored = sorted(
            ((sums.get(u.pk, (ZERO, 0))[0], u.sort_order, u) for u in members),
            key=lambda t: (-t[0], t[1], t[2].name),
        )
        name = classes[class_id].name if class_id else _("Units without a class")
        ranking = Ranking(name)
        for (points, _order, unit), (rank, gap, to_second) in zip(
            scored, _ranked(scored), strict=True
        ):
            year_target = targets.get(unit.pk)
            target = year_target * share if year_target else None
            ranking.rows.append(
                UnitRow(
                    unit=unit,
                    points=points,
                    adopted=sums.get(unit.pk, (ZERO, 0))[1],
                    target=target,
                    completion=_percent(points, target),
                    rank=rank,
                    gap_to_next=gap,
                    to_second=to_second,
                )
            )
        rankings.append(ranking)
    return rankings


# ------------------------------------------------------------------ persons


@dataclass(frozen=True)
class PersonRow:
    person: Person
    unit: Unit
    teams: tuple[str, ...]
    points: Decimal
    adopted: int
    target: Decimal | None
    completion: Decimal | None
    rank: int
    gap_to_next: Decimal | None


class Ranked(list):
    """The first rows of a ranking, and how many there are in all (``total``)."""

    total: int = 0


def person_ranking(
    ruleset: RuleSet, period: Period, unit_ids: set[int] | None = None, *, limit: int | None = None
) -> Ranked:
    """Writers with points in the period, best first; ranks among everyone the rule set
    credits, rows only for the units in ``unit_ids`` (None: all), the first ``limit``
    of them (a page shows 300 of 5,000; ``total`` tells how many).  A writer who moved
    units or teams during the year is one row, under the unit of their first standing."""
    standing_unit: dict[int, int] = {}
    year: dict[int, tuple[Decimal, int]] = {}
    standings = Standing.objects.filter(ruleset=ruleset, person__isnull=False)
    for pk, unit_id, points, adopted in standings.values_list(
        "person_id", "unit_id", "points", "adopted"
    ):
        standing_unit[pk] = unit_id
        year[pk] = (points, adopted)
    sums = year if period.kind in ("year", "whole") else _sums(ruleset, period, persons=True)
    order = sorted(sums.items(), key=lambda kv: (-kv[1][0], kv[0]))
    places = _ranked([(points, pk) for pk, (points, _n) in order])
    rank_of = {pk: place for (pk, _s), place in zip(order, places, strict=True)}
    shown = [pk for pk, _s in order if unit_ids is None or standing_unit.get(pk) in unit_ids]
    total = len(shown)
    shown = shown[:limit] if limit is not None else shown
    # the rule set's writers by a subquery, not by a list of thousands of ids
    credited = Standing.objects.filter(ruleset=ruleset, person__isnull=False).values("person_id")
    people = (
        Person.objects.in_bulk(shown)
        if limit is not None
        else (Person.objects.filter(pk__in=credited).in_bulk())
    )
    units = Unit.objects.in_bulk({standing_unit[pk] for pk in shown if pk in standing_unit})
    targets = dict(
        MemberTarget.objects.filter(year=period.start.year, person_id__in=credited)
        .values("person_id")
        .annotate(total=Sum("points"))
        .values_list("person_id", "total")
    )
    teams: dict[int, list[str]] = defaultdict(list)
    memberships = (
        TeamMembership.objects.filter(person_id__in=credited, joined__lte=period.end)
        .filter(Q(left__isnull=True) | Q(left__gte=period.start))
        .select_related("team")
        .order_by("joined", "pk")
    )
    for membership in memberships:
        if membership.team.name not in teams[membership.person_id]:
            teams[membership.person_id].append(membership.team.name)
    share = period.share_of_year()
    rows = Ranked()
    rows.total = total
    for pk in shown:
        person = people.get(pk)
        if person is None:
            continue
        points, adopted = sums[pk]
        target = targets[pk] * share if targets.get(pk) else None
        rank, gap, _second = rank_of[pk]
        rows.append(
            PersonRow(
                person=person,
                unit=units.get(standing_unit.get(pk)) or person.unit,
                teams=tuple(teams.get(pk, ())),
                points=points,
                adopted=adopted,
                target=target,
                completion=_percent(points, target),
                rank=rank,
                gap_to_next=gap,
            )
        )
    return rows


# ------------------------------------------------------------------ breakdowns


SECTION_KINDS = {
    "report": OutcomeKind.REPORT,
    "submission": OutcomeKind.REPORT,
    "adoption": OutcomeKind.ADOPTION,
    "endorsement": OutcomeKind.ENDORSEMENT,
    "publication": OutcomeKind.PUBLICATION,
    "prize": OutcomeKind.PRIZE,
    "deduction": OutcomeKind.DEDUCTION,
    "manual_adjustment": OutcomeKind.MANUAL_ADJUSTMENT,
}


def kind_of_clause(clause: str) -> str:
    """The kind a clause counts under: an outcome kind, commissions, or period rules."""
    section = clause.split(".", 1)[0]
    if section in SECTION_KINDS:
        return SECTION_KINDS[section].value
    if section.startswith("commission"):
        return "commission"
    return "period"


def kind_label(kind: str) -> str:
    if kind == "commission":
        return _("Commissions")
    if kind == "period":
        return _("Period rules")
    return str(OutcomeKind(kind).label)


@dataclass(frozen=True)
class Slice:
    key: str  # what the lines view filters by: a month "2011-03", a kind, a level pk
    label: str
    points: Decimal
    lines: int


@dataclass(frozen=True)
class Breakdown:
    by_month: list[Slice]
    by_kind: list[Slice]
    by_level: list[Slice]


def breakdown(ruleset: RuleSet, period: Period, unit_ids: Iterable[int] | None = None) -> Breakdown:
    """The credited units' points in the period (or only ``unit_ids``'), by month, by
    kind and by level; every month of the period listed, also with nothing."""
    if period.kind == "week":
        rows = ScoreLine.objects.filter(
            ruleset=ruleset,
            person__isnull=True,
            date__gte=period.start,
            date__lte=period.end,
        ).annotate(
            month=TruncMonth("date"),
            level_ref=Coalesce("outcome__level_id", "outcome__carrier__level_id"),
        )
        if unit_ids is not None:
            rows = rows.filter(unit_id__in=list(unit_ids))
        values = (
            rows.values("month", "clause", "level_ref")
            .annotate(total=Sum("points"), count=Count("pk"))
            .order_by()
        )
    else:
        rows = MonthlyScore.objects.filter(
            ruleset=ruleset,
            person__isnull=True,
            month__gte=period.months[0],
            month__lte=period.months[-1],
        )
        if unit_ids is not None:
            rows = rows.filter(unit_id__in=list(unit_ids))
        values = (
            rows.annotate(level_ref=F("level_id"))
            .values("month", "clause", "level_ref")
            .annotate(total=Sum("points"), count=Sum("lines"))
            .order_by()
        )
    months: dict[datetime.date, list] = {m: [ZERO, 0] for m in period.months}
    kinds: dict[str, list] = defaultdict(lambda: [ZERO, 0])
    levels: dict[int | None, list] = defaultdict(lambda: [ZERO, 0])
    for r in values:
        month = r["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        for bucket, key in (
            (months, month),
            (kinds, kind_of_clause(r["clause"])),
            (levels, r["level_ref"]),
        ):
            bucket.setdefault(key, [ZERO, 0])
            bucket[key][0] += r["total"]
            bucket[key][1] += r["count"]
    level_names = dict(Level.objects.values_list("pk", "name"))
    level_rank = dict(Level.objects.values_list("pk", "rank"))
    return Breakdown(
        by_month=[
            Slice(f"{m.year}-{m.month:02d}", _("Month %(n)s") % {"n": m.month}, v[0], v[1])
            for m, v in sorted(months.items())
        ],
        by_kind=[
            Slice(k, kind_label(k), v[0], v[1])
            for k, v in sorted(kinds.items(), key=lambda kv: -kv[1][0])
        ],
        by_level=[
            Slice(str(k or NO_LEVEL), level_names.get(k, _("No level")), v[0], v[1])
            for k, v in sorted(levels.items(), key=lambda kv: -level_rank.get(kv[0], -1))
        ],
    )


# ------------------------------------------------------------------ the lines behind a figure

NO_LEVEL = "none"


def _kind_filter(kind: str) -> Q:
    sections = [s for s, k in SECTION_KINDS.items() if k.value == kind]
    if sections:
        return _starts(sections)
    if kind == "commission":
        return Q(clause__startswith="commission")
    if kind == "period":
        return ~_starts([*SECTION_KINDS, "commission"])
    raise BadFilter(_("“%(kind)s” is not a kind of points.") % {"kind": kind[:40]})


def _starts(sections: Iterable[str]) -> Q:
    q = Q()
    for section in sections:
        q |= Q(clause=section) | Q(clause__startswith=section + ".")
    return q


def _number(value: str, what: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise BadFilter(_("The %(what)s in the link cannot be read.") % {"what": what})
    return int(value)


def lines_behind(
    ruleset: RuleSet, period: Period, *, unit="", person="", kind="", level="", within=""
):
    """The score lines that make up a figure of the standings: a unit's (or a writer's)
    points in the period, or those of a unit with everything below it (``within``, a
    figure of the roll-up), of one kind or level if asked; newest first."""
    lines = ScoreLine.objects.filter(
        ruleset=ruleset, date__gte=period.start, date__lte=period.end
    ).select_related("unit", "person", "item", "outcome", "calc")
    if person:
        lines = lines.filter(person_id=_number(person, _("writer")))
    else:
        lines = lines.filter(person__isnull=True)
    if unit:
        lines = lines.filter(unit_id=_number(unit, _("unit")))
    if within:
        top = Unit.objects.filter(pk=_number(within, _("unit"))).first()
        lines = lines.filter(unit_id__in=top.descendant_ids() if top else [])
    if kind:
        lines = lines.filter(_kind_filter(kind))
    if level == NO_LEVEL:
        lines = lines.filter(
            Q(outcome__isnull=True)
            | Q(outcome__level__isnull=True, outcome__carrier__level__isnull=True)
            | Q(outcome__level__isnull=True, outcome__carrier__isnull=True)
        )
    elif level:
        number = _number(level, _("level"))
        lines = lines.filter(
            Q(outcome__level_id=number)
            | Q(outcome__level__isnull=True, outcome__carrier__level_id=number)
        )
    return lines.order_by("-date", "-pk")


def _whole_months(period: Period) -> bool:
    last = period.months[-1] if period.months else None
    following = (
        datetime.date(last.year + last.month // 12, last.month % 12 + 1, 1) if last else None
    )
    return (
        period.kind != "week"
        and period.start.day == 1
        and following is not None
        and period.end == following - datetime.timedelta(days=1)
    )


def behind_totals(
    ruleset: RuleSet,
    period: Period,
    unit_ids: set[int] | None,
    *,
    unit="",
    person="",
    kind="",
    level="",
) -> tuple[int, Decimal | None] | None:
    """How many lines ``lines_behind`` gives (within ``unit_ids``; None: all units) and
    their points, read from the monthly sums (a few rows per unit and month) instead
    of counting and summing a year's lines twice; None where the sums cannot tell (a
    period that is not whole months, a writer's lines of one kind or level)."""
    if not _whole_months(period) or (person and (kind or level)):
        return None
    rows = MonthlyScore.objects.filter(
        ruleset=ruleset, month__gte=period.months[0], month__lte=period.months[-1]
    )
    if person:
        rows = rows.filter(person_id=_number(person, _("writer")))
    else:
        rows = rows.filter(person__isnull=True)
    if unit:
        rows = rows.filter(unit_id=_number(unit, _("unit")))
    if kind:
        rows = rows.filter(_kind_filter(kind))
    if level == NO_LEVEL:
        rows = rows.filter(level__isnull=True)
    elif level:
        rows = rows.filter(level_id=_number(level, _("level")))
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    sums = rows.aggregate(lines=Sum("lines"), points=Sum("points"))
    return sums["lines"] or 0, sums["points"]


def describe_filters(params) -> list[str]:
    """The filters of a lines link in words (for the page's heading)."""
    words = []
    if (pk := params.get("unit", "")).isdigit():
        unit = Unit.objects.filter(pk=pk).first()
        words.append(unit.label if unit else "—")
    if (pk := params.get("within", "")).isdigit() and len(pk) < 12:
        unit = Unit.objects.filter(pk=pk).first()
        words.append(_("%(unit)s and its sub-units") % {"unit": unit.label} if unit else "—")
    if (pk := params.get("person", "")).isdigit():
        person = Person.objects.filter(pk=pk).first()
        words.append(person.name if person else "—")
    kind = params.get("kind", "")
    if kind in {*SECTION_KINDS.values(), "commission", "period"}:
        words.append(kind_label(kind))
    level = params.get("level", "")
    if level == NO_LEVEL:
        words.append(_("No level"))
    elif level.isdigit():
        found = Level.objects.filter(pk=level).first()
        words.append(found.name if found else "—")
    return words


# the units file of the engine's command line (docs/rules.md, "The events file")
UNITS_FILE_HEADER = ["单位", "名称", "上级", "类别", "目标分", "目标条数", "顺序"]


def units_file(ruleset: RuleSet, unit_ids: set[int] | None = None) -> list[list[str]]:
    """The rows of the units file (``--units``) that make the command line rank a
    ledger export as the workbench ranks it under ``ruleset``: the units it ranks
    (no parent: they are the top of the ranking) with their class, the year's targets
    and their order, then the units below them with their parent, so that their
    events roll up.  Units are named by their label, as the events file names them;
    ``unit_ids`` limits the rows to the units a reader may see (None: every one)."""
    ranked = credited_units(ruleset)
    targets = {
        t.unit_id: t
        for t in UnitTarget.objects.filter(
            year=ruleset.effective_from.year, unit__in=[u.pk for u in ranked]
        )
    }
    rows: list[list[str]] = []
    for unit in ranked:
        if unit_ids is not None and unit.pk not in unit_ids:
            continue
        target = targets.get(unit.pk)
        rows.append(
            [
                unit.label,
                unit.name,
                "",
                unit.unit_class.code if unit.unit_class else "",
                f"{target.points.normalize():f}" if target else "",
                str(target.adopted_items) if target and target.adopted_items else "",
                str(unit.sort_order),
            ]
        )
    children: dict[int, list[Unit]] = defaultdict(list)
    for unit in Unit.objects.filter(is_active=True).order_by("sort_order", "name"):
        if unit.parent_id is not None:
            children[unit.parent_id].append(unit)
    frontier = [u for u in ranked if unit_ids is None or u.pk in unit_ids]
    while frontier:
        below = []
        for parent in frontier:
            for unit in children.get(parent.pk, ()):
                if unit_ids is None or unit.pk in unit_ids:
                    rows.append([unit.label, unit.name, parent.label, "", "", "", ""])
                    below.append(unit)
        frontier = below
    return rows
