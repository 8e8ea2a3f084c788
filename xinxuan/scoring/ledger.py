"""The score ledger: outcomes in the database → engine events → stored score lines.

The engine (``xinxuan.scoring.engine``) knows nothing of the database; this module is
the adapter.  Units and persons travel to the engine as their primary keys in text,
events as ``o<outcome pk>``.

Which regulation scores an event: every rule set *in force on the event's date*
(status active, period covering the date) issued by a unit *above* the item's unit.
A bureau's rule set credits its direct sub-units (a section's item counts for the
field office the section belongs to); a province's rule set credits its bureaus.

What is recomputed after a change — exactly what it affects, idempotently:

* an item's outcome changes → that item's lines are replaced (``rescore_item``);
* an outcome without an item (deduction, adjustment, missed commission) changes →
  that outcome's lines are replaced (``rescore_outcome``);
* under a rule set with period rules (quotas, caps, bases, rates, steps, vetoes,
  escalation, nullification), the period stage of each unit whose sums moved is
  recomputed as well (``rescore_unit_period_stage``). Period rules read only the
  unit's item lines summed per month, clause and sign; ``ClauseSum`` rows keep those
  sums as lines change, so one outcome costs a few sums, not every line of the year;
* a rule set is activated or edited → everything it scores (``rescore_ruleset``).

``Standing`` and ``ClauseSum`` rows are running sums of the lines and move by the
difference between the old and the new lines, so seeing the standings costs one small
query; a full rescoring rebuilds both (``rebuild_standings``).
"""

from __future__ import annotations

import datetime
import gc
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, TextField, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from xinxuan.lib.exceptions import Unscorable
from xinxuan.organisation.models import MemberTarget, Person, TeamMembership, Unit, UnitTarget
from xinxuan.outcomes.models import Carrier, Level, Outcome, Route, SuperiorBody
from xinxuan.scoring import engine
from xinxuan.scoring import standings as standings_by_period
from xinxuan.scoring.explanations import CalcStore, share_text
from xinxuan.scoring.models import ClauseSum, MonthlyScore, RuleSet, ScoreLine, Standing
from xinxuan.submissions.models import Item, ItemAuthor, ItemUnit

ZERO = Decimal(0)
ONE = Decimal(1)


class LedgerError(Unscorable):
    """The rule set in force cannot score an outcome or an item; nothing was saved.

    An ``ActionRefused`` (from ``lib.exceptions``), so a view that shows refusals
    shows this one too.
    """


def live_scoring() -> bool:
    """Whether actions rescore as they change the ledger (a benchmark turns it off)."""
    return getattr(settings, "XINXUAN_LIVE_SCORING", True)


_pending = threading.local()


@contextmanager
def deferred():
    """Collect changed outcomes instead of rescoring each at once (an import of many
    rows rescores every touched item once, at the end, with ``rescore_outcomes``)."""
    stack = getattr(_pending, "stack", None)
    if stack is None:
        stack = _pending.stack = []
    collected: set[int] = set()
    stack.append(collected)
    try:
        yield collected
    finally:
        stack.pop()


def deferring() -> bool:
    """Whether changes are being collected for one rescoring at the end (an import)."""
    return bool(getattr(_pending, "stack", None))


def after_change(outcome: Outcome) -> None:
    """Rescore what a changed outcome affects, now or at the end of ``deferred()``."""
    stack = getattr(_pending, "stack", None)
    if stack:
        stack[-1].add(outcome.pk)
    elif live_scoring():
        rescore_outcome(outcome)


def rescore_outcomes(pks: Iterable[int]) -> None:
    """Rescore a batch of changed outcomes: their items together (``rescore_items``),
    each loose outcome once, the period stage of each rule set once at the end."""
    if not live_scoring():
        return
    ctx = Context(lock=True)
    outcomes = list(Outcome.objects.filter(pk__in=list(pks)))
    due = rescore_items({o.item_id for o in outcomes if o.item_id}, ctx=ctx, period=False)
    for outcome in outcomes:
        if not outcome.item_id:
            due.update(rescore_outcome(outcome, ctx=ctx, period=False))
    run_period_stages(due, ctx=ctx)


# ------------------------------------------------------------------ rule sets

_compiled: dict[tuple[int, int, str], engine.RuleSet] = {}


def compile_ruleset(ruleset: RuleSet) -> engine.RuleSet:
    """The engine's rule set for a stored one, compiled once per version (and text, so
    that a reused primary key never picks up another rule set's compilation)."""
    key = (ruleset.pk, ruleset.version, ruleset.text)
    found = _compiled.get(key)
    if found is None:
        found = engine.load_ruleset(ruleset.text, source=ruleset.name)
        if len(_compiled) > 64:
            _compiled.clear()
        _compiled[key] = found
    return found


@dataclass
class Tree:
    """The unit tree as parent links, loaded once per rescoring."""

    parent: dict[int, int | None]

    @classmethod
    def load(cls) -> Tree:
        return cls(dict(Unit.objects.values_list("pk", "parent_id")))

    def ancestors(self, unit_id: int) -> list[int]:
        chain, seen = [], {unit_id}
        node = self.parent.get(unit_id)
        while node is not None and node not in seen:
            chain.append(node)
            seen.add(node)
            node = self.parent.get(node)
        return chain

    def credited(self, issuer_id: int, unit_id: int) -> int | None:
        """The unit an issuer's rule set credits for ``unit_id``: its direct child on the
        way down; None if the unit is not below the issuer — the issuer itself included,
        which is assessed by its superior's rule set, never by its own."""
        node = unit_id
        seen = set()
        while node is not None and node not in seen:
            seen.add(node)
            up = self.parent.get(node)
            if up == issuer_id:
                return node
            node = up
        return None


class Context:
    """Rule sets in force and the unit tree, fetched once for one rescoring."""

    def __init__(self, *, lock: bool = False) -> None:
        self.tree = Tree.load()
        rulesets = RuleSet.objects.active().order_by("pk")
        if lock and transaction.get_connection().in_atomic_block:
            # Whoever writes score lines first takes the rule sets in force, always in
            # this order (a full rescoring takes its own rule set first and no item):
            # a rule-set change and an adoption wait for each other, never deadlock.
            rulesets = rulesets.select_for_update()
        self.rulesets = list(rulesets)
        self._summed: dict[int, Summed] | None = None

    def summed(self) -> dict[int, Summed]:
        """The rule sets in force whose clause sums are kept (those with period
        rules), by primary key; sums missing altogether (a database from before they
        were kept) are built first."""
        if self._summed is None:
            self._summed = {}
            for rs in self.rulesets:
                compiled = compile_ruleset(rs)
                if not has_period_rules(compiled):
                    continue
                if not ClauseSum.objects.filter(ruleset=rs).exists():
                    rebuild_clause_sums(rs)
                self._summed[rs.pk] = Summed(compiled.uses_weeks, compiled.escalating)
        return self._summed

    def ruleset(self, pk: int) -> RuleSet:
        return next(rs for rs in self.rulesets if rs.pk == pk)

    def rulesets_for(self, unit_id: int, day: datetime.date) -> list[RuleSet]:
        above = set(self.tree.ancestors(unit_id))
        return [
            rs
            for rs in self.rulesets
            if rs.unit_id in above and rs.effective_from <= day <= rs.effective_to
        ]


def has_period_rules(rs: engine.RuleSet) -> bool:
    """Whether the rule set has rules that depend on a whole period's lines."""
    escalating = any(d.params.get("escalation") for d in rs.deductions.values())
    return bool(
        rs.quotas
        or rs.rates
        or rs.steps
        or rs.caps
        or rs.base
        or rs.vetoes
        or rs.nullification
        or escalating
    )


# ------------------------------------------------------------------ adapters


def _shares(pairs: Iterable[tuple[int, Decimal]], credit) -> tuple[engine.Share, ...]:
    merged: dict[int, Decimal] = {}
    for unit_id, weight in pairs:
        target = credit(unit_id)
        if target is not None:
            merged[target] = merged.get(target, ZERO) + weight
    return tuple(engine.Share(str(pk), weight) for pk, weight in merged.items())


def engine_item(item: Item, ruleset: RuleSet, tree: Tree, route: str | None) -> engine.Item:
    """The engine's view of an item under one rule set (units as that rule set credits them)."""

    def credit(unit_id: int) -> int | None:
        return tree.credited(ruleset.unit_id, unit_id)

    unit_pairs = [(s.unit_id, s.share) for s in item.unit_shares.all()] or [
        (item.unit_id, Decimal(1))
    ]
    units = _shares(unit_pairs, credit)
    persons = []
    for author in item.author_shares.all():
        unit = credit(author.person.unit_id)
        persons.append(
            engine.Share(str(author.person_id), author.share, str(unit) if unit else None)
        )
    return engine.Item(
        id=str(item.pk),
        kind=item.kind.code,
        units=units,
        persons=tuple(persons),
        title=item.title,
        char_count=item.char_count,
        topics=tuple(t.code for t in item.topics.all()),
        route=route,
    )


def engine_event(outcome: Outcome, credited_unit: int | None = None) -> engine.Event:
    """The engine's view of an outcome.  ``credited_unit`` for outcomes without an item."""
    endorsement = outcome.kind == "endorsement"
    level = outcome.scoring_level
    level_code = level.code if level is not None else None
    return engine.Event(
        id=f"o{outcome.pk}",
        type=outcome.kind,
        date=outcome.date,
        item_id=str(outcome.item_id) if outcome.item_id else None,
        unit=str(credited_unit) if credited_unit is not None else None,
        person=str(outcome.person_id) if outcome.person_id and not outcome.item_id else None,
        carrier=outcome.carrier.code if outcome.carrier_id else None,
        level=None if endorsement else level_code,
        grade=outcome.grade or None,
        placement=outcome.placement or None,
        use=outcome.use or None,
        issue=outcome.issue or None,
        leader=outcome.leader or None,
        leader_level=level_code if endorsement else None,
        leader_rank=outcome.leader_rank or None,
        route=outcome.route.code if outcome.route_id else None,
        rule=outcome.rule or None,
        points=outcome.points,
        assessor=str(outcome.recorded_by) if outcome.recorded_by_id else None,
        reason=outcome.reason or None,
        revoked=outcome.revoked_at is not None,
        due=outcome.due,
    )


def commission_events(item: Item) -> list[engine.Event]:
    """Events derived from a commissioned item: when it was due and when it came."""
    commission = item.commission
    if commission is None or commission.cancelled or item.submitted_at is None:
        return []
    delivered = timezone.localdate(item.submitted_at)
    return [
        engine.Event(
            id=f"c{commission.pk}-due",
            type="commission_due",
            date=commission.deadline,
            item_id=str(item.pk),
        ),
        engine.Event(
            id=f"c{commission.pk}-i{item.pk}",
            type="commission_delivered",
            date=delivered,
            item_id=str(item.pk),
        ),
    ]


def _fit(compiled: engine.RuleSet, events: Iterable[engine.Event]) -> list[engine.Event]:
    """Routes are facts of the ledger; a rule set that names no route ignores them."""
    return [
        e if e.route is None or e.route in compiled.routes else replace(e, route=None)
        for e in events
    ]


def _outcomes():
    return Outcome.objects.select_related(
        "carrier", "level", "superior_body__level", "route", "recorded_by"
    )


def _problems_message(error: engine.EngineError, ruleset: RuleSet | None = None) -> LedgerError:
    """The engine's problems in words the office can act on: each names the item (by
    title) or the outcome it is about, so one bad item is found, not guessed at."""
    item_ids = {
        int(p.source[5:]) for p in error.problems[:5] if re.fullmatch(r"item \d+", p.source)
    }
    titles = dict(Item.objects.filter(pk__in=item_ids).values_list("pk", "title"))
    parts = []
    for p in error.problems[:5]:
        title = titles.get(int(p.source[5:])) if re.fullmatch(r"item \d+", p.source) else None
        parts.append(f"《{title}》{p.message_zh}" if title else p.message_zh)
    text = "；".join(parts)
    if ruleset is not None:
        message = _("“%(ruleset)s” cannot score this: %(problems)s") % {
            "ruleset": ruleset.name,
            "problems": text,
        }
    else:
        message = _("The rule set in force cannot score this: %(problems)s") % {"problems": text}
    return LedgerError(message, error.problems)


# ------------------------------------------------------------------ storing lines


Key = tuple[int, int, int | None]  # ruleset, unit, person


def _sums(lines: Iterable[ScoreLine]) -> dict[Key, tuple[Decimal, int]]:
    sums: dict[Key, list] = defaultdict(lambda: [ZERO, 0])
    for line in lines:
        key = (line.ruleset_id, line.unit_id, line.person_id)
        sums[key][0] += line.points
        if line.tally and line.clause.startswith("adoption"):
            sums[key][1] += 1
    return {k: (v[0], v[1]) for k, v in sums.items()}


def _stored_sums(queryset) -> dict[Key, tuple[Decimal, int]]:
    # unordered: ordered by date, SQLite walks every line of the unit by its date index
    rows = queryset.order_by().values(
        "ruleset_id", "unit_id", "person_id", "points", "tally", "clause"
    )
    sums: dict[Key, list] = defaultdict(lambda: [ZERO, 0])
    for row in rows:
        key = (row["ruleset_id"], row["unit_id"], row["person_id"])
        sums[key][0] += row["points"]
        if row["tally"] and row["clause"].startswith("adoption"):
            sums[key][1] += 1
    return {k: (v[0], v[1]) for k, v in sums.items()}


def _move_standings(old: dict[Key, tuple], new: dict[Key, tuple]) -> None:
    # in one order, so that two writers of the same standings queue rather than deadlock
    for key in sorted(set(old) | set(new), key=lambda k: (k[0], k[1], k[2] or 0)):
        o_points, o_count = old.get(key, (ZERO, 0))
        n_points, n_count = new.get(key, (ZERO, 0))
        d_points, d_count = n_points - o_points, n_count - o_count
        if d_points == 0 and d_count == 0:
            continue
        ruleset_id, unit_id, person_id = key
        if person_id is None:
            rows = Standing.objects.filter(ruleset_id=ruleset_id, unit_id=unit_id, person=None)
        else:
            rows = Standing.objects.filter(ruleset_id=ruleset_id, person_id=person_id)
        if not rows.update(points=F("points") + d_points, adopted=F("adopted") + d_count):
            Standing.objects.get_or_create(
                ruleset_id=ruleset_id,
                unit_id=unit_id,
                person_id=person_id,
                defaults={"points": ZERO, "adopted": 0},
            )
            rows.update(points=F("points") + d_points, adopted=F("adopted") + d_count)


def _to_rows(ruleset: RuleSet, lines: Iterable[engine.ScoreLine]) -> list[ScoreLine]:
    """Model rows for a few lines (one item, one outcome, a period stage); a full
    rescoring writes its million lines with ``_write_lines`` instead."""
    rows = []
    version = ruleset.version_label
    for line in lines:
        event = line.event or ""
        outcome_id = int(event[1:]) if event.startswith("o") and event[1:].isdigit() else None
        rows.append(
            ScoreLine(
                ruleset=ruleset,
                version=version,
                outcome_id=outcome_id,
                event_key=event,
                item_id=int(line.item) if line.item else None,
                unit_id=int(line.unit),
                person_id=int(line.person) if line.person else None,
                clause=line.calc.clause,
                points=line.points,
                date=line.date,
                tally=line.tally,
                share=share_text(line.share),
            )
        )
        # stored (``calc_id``) by ``_replace``, and only if the line is written
        rows[-1].engine_calc = line.calc
    return rows


# what makes two lines the same line: every stored field but the primary key
LINE_FIELDS = (
    "ruleset_id",
    "version",
    "outcome_id",
    "event_key",
    "item_id",
    "unit_id",
    "person_id",
    "clause",
    "points",
    "date",
    "tally",
    "share",
)


def _levels(outcomes: Iterable[Outcome]) -> dict[int, int | None]:
    """The level each outcome's lines are summed under by month (its own, else its
    carrier's), from outcomes loaded with their carriers."""
    return {
        o.pk: o.level_id
        if o.level_id is not None
        else (o.carrier.level_id if o.carrier_id else None)
        for o in outcomes
    }


def _replace(
    queryset,
    rows: list[ScoreLine],
    summed: dict[int, Summed] | None = None,
    *,
    levels: dict[int, int | None] | None = None,
) -> set[tuple[int, int]]:
    """Put ``rows`` in place of the lines of ``queryset``, moving the standings and,
    for the rule sets in ``summed``, the clause sums; returns the (rule set, unit)
    pairs whose period stage the change may move.

    Only the lines that differ are written: a stored line equal to a new one in every
    field stays as it is.  One outcome changes a line or two of its item and of its
    unit's period stage, and every line deleted and written again costs its indexes;
    the sums move by the lines removed and added, which is the same difference as
    between all the old lines and all the new.  ``levels``: the monthly sums' level of
    outcomes already loaded (the others are read)."""
    stored = queryset.order_by().annotate(
        level_ref=Coalesce("outcome__level_id", "outcome__carrier__level_id")
    )
    waiting: dict[tuple, list[int]] = defaultdict(list)
    levels = dict(levels or {})
    for pk, *fields, level in stored.values_list("pk", *LINE_FIELDS, "calc__digest", "level_ref"):
        waiting[tuple(fields)].append(pk)
        if fields[2] is not None:  # the outcome
            levels[fields[2]] = level
    calcs = CalcStore()
    added = []
    for row in rows:
        key = (*(getattr(row, name) for name in LINE_FIELDS), calcs.digest(row.engine_calc))
        kept = waiting.get(key)
        if kept:
            kept.pop()
        else:
            added.append(row)
    removed = [
        ScoreLine(pk=pk, **dict(zip(LINE_FIELDS, key[:-1], strict=True)))
        for key, pks in waiting.items()
        for pk in pks
    ]
    for row, calc_pk in zip(added, calcs.pks(row.engine_calc for row in added), strict=True):
        row.calc_id = calc_pk
    for start in range(0, len(removed), 1000):
        ScoreLine.objects.filter(
            pk__in=[line.pk for line in removed[start : start + 1000]]
        ).delete()
    ScoreLine.objects.bulk_create(added, batch_size=2000)
    _move_standings(_sums(removed), _sums(added))
    # the monthly sums follow every line, also one that moved between months
    standings_by_period.move_months(
        standings_by_period.row_month_sums(removed, levels),
        standings_by_period.row_month_sums(added, levels),
    )
    if not summed:
        return set()
    old_clauses, new_clauses = (
        _clause_sums(
            (
                (line.ruleset_id, line.unit_id, line.date, line.clause, line.points, line.tally)
                for line in lines
                if line.item_id is not None and line.person_id is None
            ),
            summed,
        )
        for lines in (removed, added)
    )
    return _move_clause_sums(old_clauses, new_clauses)


# ------------------------------------------------------------------ clause sums


@dataclass(frozen=True)
class Summed:
    """How a rule set's clause sums are kept: by day when a rule counts weeks, else by
    month; the clauses of escalating deductions, whose lines count one by one."""

    weekly: bool
    escalating: frozenset[str]

    def granule(self, day: datetime.date) -> datetime.date:
        return day if self.weekly else day.replace(day=1)


# rule set, unit, granule, clause, sign -> points, tally, lines
SumKey = tuple[int, int, datetime.date, str, int]


def _sign(points: Decimal) -> int:
    return (points > 0) - (points < 0)


def _add_clause_sum(sums: dict, key: SumKey, points: Decimal, tally: int, lines: int) -> None:
    entry = sums.get(key)
    if entry is None:
        sums[key] = [points, tally, lines]
    else:
        entry[0] += points
        entry[1] += tally
        entry[2] += lines


def _clause_sums(lines: Iterable[tuple], summed: dict[int, Summed]) -> dict[SumKey, list]:
    """Unit lines of items, as (rule set, unit, date, clause, points, tally), summed."""
    sums: dict[SumKey, list] = {}
    for ruleset_id, unit_id, day, clause, points, tally in lines:
        how = summed.get(ruleset_id)
        if how is None:
            continue
        key = (ruleset_id, unit_id, how.granule(day), clause, _sign(points))
        _add_clause_sum(sums, key, points, tally, 1)
        if clause in how.escalating:
            # the order of these lines counts, not only their sum: mark the unit moved
            _add_clause_sum(sums, (ruleset_id, unit_id, datetime.date.min, "", 0), ZERO, 0, 0)
    return sums


def _move_clause_sums(old: dict[SumKey, list], new: dict[SumKey, list]) -> set[tuple[int, int]]:
    moved: set[tuple[int, int]] = set()
    # in one order, so that two writers of the same sums queue rather than deadlock
    for key in sorted(set(old) | set(new)):
        o_points, o_tally, o_lines = old.get(key, (ZERO, 0, 0))
        n_points, n_tally, n_lines = new.get(key, (ZERO, 0, 0))
        if key[3] == "":  # an escalating deduction's line: its unit moved
            moved.add(key[:2])
            continue
        d_points, d_tally, d_lines = n_points - o_points, n_tally - o_tally, n_lines - o_lines
        if not (d_points or d_tally or d_lines):
            continue
        moved.add(key[:2])
        ruleset_id, unit_id, day, clause, sign = key
        rows = ClauseSum.objects.filter(
            ruleset_id=ruleset_id, unit_id=unit_id, date=day, clause=clause, sign=sign
        )
        change = {
            "points": F("points") + d_points,
            "tally": F("tally") + d_tally,
            "lines": F("lines") + d_lines,
        }
        if not rows.update(**change):
            ClauseSum.objects.get_or_create(
                ruleset_id=ruleset_id, unit_id=unit_id, date=day, clause=clause, sign=sign
            )
            rows.update(**change)
        if d_lines < 0:
            rows.filter(lines__lte=0).delete()
    return moved


def rebuild_clause_sums(ruleset: RuleSet) -> None:
    """The clause sums of a rule set recomputed from its lines (none are kept for a
    rule set without period rules)."""
    ClauseSum.objects.filter(ruleset=ruleset).delete()
    compiled = compile_ruleset(ruleset)
    if not has_period_rules(compiled):
        return
    how = Summed(compiled.uses_weeks, compiled.escalating)
    sign = Case(When(points__gt=0, then=1), When(points__lt=0, then=-1), default=0)
    grouped = (
        ScoreLine.objects.filter(ruleset=ruleset, item__isnull=False, person__isnull=True)
        .annotate(sign=sign)
        .values("unit_id", "date", "clause", "sign")
        .annotate(sum_points=Sum("points"), sum_tally=Sum("tally"), lines=Count("pk"))
        .order_by()
    )
    sums: dict[SumKey, list] = {}
    for row in grouped.iterator(chunk_size=5000):
        key = (ruleset.pk, row["unit_id"], how.granule(row["date"]), row["clause"], row["sign"])
        _add_clause_sum(sums, key, row["sum_points"], row["sum_tally"], row["lines"])
    ClauseSum.objects.bulk_create(
        (
            ClauseSum(
                ruleset=ruleset,
                unit_id=unit_id,
                date=day,
                clause=clause,
                sign=sign,
                points=points,
                tally=tally,
                lines=lines,
            )
            for (_r, unit_id, day, clause, sign), (points, tally, lines) in sums.items()
        ),
        batch_size=5000,
    )


# ------------------------------------------------------------------ rescoring


def _item_route(outcomes: Sequence[Outcome]) -> str | None:
    reports = [o for o in outcomes if o.kind == "report" and o.route_id and not o.revoked_at]
    return reports[-1].route.code if reports else None


def _items_query():
    return Item.objects.select_related("kind", "commission").prefetch_related(
        "unit_shares", "author_shares__person", "topics"
    )


def _item_rows(item: Item, outcomes: Sequence[Outcome], ctx: Context) -> list[ScoreLine]:
    """The score lines of one item under every rule set in force for its events."""
    route = _item_route(outcomes)
    groups: dict[int, list[engine.Event]] = defaultdict(list)
    for event in [*(engine_event(o) for o in outcomes), *commission_events(item)]:
        for rs in ctx.rulesets_for(item.unit_id, event.date):
            groups[rs.pk].append(event)
    rows: list[ScoreLine] = []
    for ruleset_pk, events in groups.items():
        ruleset = ctx.ruleset(ruleset_pk)
        compiled = compile_ruleset(ruleset)
        eitem = engine_item(item, ruleset, ctx.tree, route if route in compiled.routes else None)
        if not eitem.units:
            continue
        try:
            lines = engine.score_item(compiled, eitem, _fit(compiled, events))
            rows.extend(_to_rows(ruleset, lines))
        except engine.EngineError as error:
            raise _problems_message(error, ruleset) from None
    return rows


@dataclass
class Due:
    """Period stages due after lines changed: per rule set with period rules, the units
    whose clause sums or loose lines moved."""

    rulesets: dict[int, RuleSet] = field(default_factory=dict)
    units: dict[int, set[int]] = field(default_factory=dict)

    def add(self, ruleset: RuleSet, unit_ids: Iterable[int]) -> None:
        self.rulesets[ruleset.pk] = ruleset
        self.units.setdefault(ruleset.pk, set()).update(unit_ids)

    def add_moved(self, moved: Iterable[tuple[int, int]], ctx: Context) -> None:
        for ruleset_id, unit_id in moved:
            self.add(ctx.ruleset(ruleset_id), [unit_id])

    def update(self, other: Due) -> None:
        for pk, ruleset in other.rulesets.items():
            self.add(ruleset, other.units.get(pk, ()))


# more units moved than this at once (an import): one stage for the whole rule set
UNIT_STAGES = 20


def run_period_stages(due: Due, *, ctx: Context) -> None:
    """Recompute the period stages a change made due: unit by unit where the rule set
    allows, else the whole rule set's."""
    for pk in sorted(due.rulesets):
        ruleset, units = due.rulesets[pk], due.units.get(pk, set())
        if len(units) <= UNIT_STAGES and all(unit_stage_fits(ruleset, u, ctx.tree) for u in units):
            for unit_id in sorted(units):
                rescore_unit_period_stage(ruleset, unit_id, ctx=ctx)
        else:
            rescore_period_stage(ruleset, ctx=ctx)


def rescore_item(item: Item | int, *, ctx: Context | None = None) -> list[ScoreLine]:
    """Replace the score lines of one item under every rule set in force for its events."""
    ctx = ctx or Context(lock=True)
    item_id = item if isinstance(item, int) else item.pk
    item = _items_query().get(pk=item_id)
    outcomes = list(_outcomes().filter(item_id=item.pk).order_by("date", "pk"))
    rows = _item_rows(item, outcomes, ctx)
    due = Due()
    stored = ScoreLine.objects.filter(item_id=item.pk, ruleset__in=ctx.rulesets)
    due.add_moved(_replace(stored, rows, ctx.summed(), levels=_levels(outcomes)), ctx)
    run_period_stages(due, ctx=ctx)
    return rows


RESCORE_BATCH = 500


def rescore_items(
    item_ids: Iterable[int], *, ctx: Context | None = None, period: bool = True
) -> Due:
    """``rescore_item`` for many items (an import): a few queries per batch of items
    instead of several per item, the period stages once at the end (or left to the
    caller with ``period=False``: the stages due are returned)."""
    ctx = ctx or Context(lock=True)
    ids = sorted(set(item_ids))
    due = Due()
    for start in range(0, len(ids), RESCORE_BATCH):
        batch = ids[start : start + RESCORE_BATCH]
        by_item: dict[int, list[Outcome]] = defaultdict(list)
        outcomes = list(_outcomes().filter(item_id__in=batch).order_by("date", "pk"))
        for outcome in outcomes:
            by_item[outcome.item_id].append(outcome)
        rows: list[ScoreLine] = []
        for item in _items_query().filter(pk__in=batch):
            rows.extend(_item_rows(item, by_item.get(item.pk, []), ctx))
        # the lines of rule sets in force only: a rule set out of force keeps none
        # (its rescoring task clears them), and its sums are not ours to move
        stored = ScoreLine.objects.filter(item_id__in=batch, ruleset__in=ctx.rulesets)
        moved = _replace(stored, rows, ctx.summed(), levels=_levels(outcomes))
        due.add_moved(moved, ctx)
    if period:
        run_period_stages(due, ctx=ctx)
    return due


def rescore_outcome(outcome: Outcome, *, ctx: Context | None = None, period: bool = True) -> Due:
    """Rescore what one outcome affects: its item, or, without an item, its own lines.
    Returns the period stages due (already recomputed if ``period``)."""
    ctx = ctx or Context(lock=True)
    if outcome.item_id:
        return rescore_items([outcome.item_id], ctx=ctx, period=period)
    rows: list[ScoreLine] = []
    due = Due()
    own = ScoreLine.objects.filter(outcome=outcome, item__isnull=True)
    summed = ctx.summed()
    # where its lines were: a changed unit or date moves them out of a unit's stage
    due.add_moved({(r, u) for r, u in own.values_list("ruleset_id", "unit_id") if r in summed}, ctx)
    for ruleset in ctx.rulesets_for(outcome.unit_id, outcome.date):
        compiled = compile_ruleset(ruleset)
        unit = ctx.tree.credited(ruleset.unit_id, outcome.unit_id)
        if has_period_rules(compiled):
            # the period stage scores the unit's events without an item
            if unit is not None:
                due.add(ruleset, [unit])
            continue
        event = engine_event(outcome, unit)
        try:
            lines = engine.score_period(compiled, [], [event], engine.PeriodData())
        except engine.EngineError as error:
            raise _problems_message(error, ruleset) from None
        rows.extend(_to_rows(ruleset, lines))
    _replace(own, rows)
    if period:
        run_period_stages(due, ctx=ctx)
    return due


def _scope(ruleset: RuleSet, tree: Tree, unit_id: int | None = None) -> set[int]:
    """The units a rule set credits (``unit_id``: those it credits as that unit)."""
    return {
        pk
        for pk in tree.parent
        if (credited := tree.credited(ruleset.unit_id, pk)) is not None
        and (unit_id is None or credited == unit_id)
    }


def _children(ruleset: RuleSet, tree: Tree) -> list[int]:
    return [pk for pk, parent in tree.parent.items() if parent == ruleset.unit_id]


def period_data(ruleset: RuleSet, tree: Tree, unit_id: int | None = None) -> engine.PeriodData:
    """Units credited by the rule set (or only ``unit_id``), with their targets."""
    children = [pk for pk in _children(ruleset, tree) if unit_id is None or pk == unit_id]
    # the target in the same query: one round trip less on every recorded outcome
    target = UnitTarget.objects.filter(unit=OuterRef("pk"), year=ruleset.effective_from.year)
    units = (
        Unit.objects.filter(pk__in=children)
        .select_related("unit_class")
        .annotate(target=Subquery(target.values("points")[:1]))
    )
    return engine.PeriodData(
        units=tuple(
            engine.UnitInfo(
                id=str(u.pk),
                name=u.label,
                unit_class=u.unit_class.code if u.unit_class else None,
                target=u.target,
                order=u.sort_order,
            )
            for u in units
        ),
        start=ruleset.effective_from,
        end=ruleset.effective_to,
    )


def _loose_events(ruleset: RuleSet, tree: Tree, unit_id: int | None = None) -> list[engine.Event]:
    scope = _scope(ruleset, tree, unit_id)
    loose = {
        "item__isnull": True,
        "unit_id__in": scope,
        "date__gte": ruleset.effective_from,
        "date__lte": ruleset.effective_to,
    }
    if unit_id is not None:
        # One unit's, on a change: most units have no event without an item.  Their ids
        # alone are read along the partial index and compile in a fraction of the time
        # of the six joins below, which are then read for those ids only.
        pks = list(Outcome.objects.filter(**loose).values_list("pk", flat=True))
        if not pks:
            return []
        loose = {"pk__in": pks}
    outcomes = _outcomes().filter(**loose)
    return [engine_event(o, tree.credited(ruleset.unit_id, o.unit_id)) for o in outcomes]


def unit_stage_fits(ruleset: RuleSet, unit_id: int, tree: Tree) -> bool:
    """Whether one unit's period lines can be recomputed without the other units'.

    Not when a person's repeated deductions escalate (a person's deductions may be
    recorded under several units), nor for a unit that is not one of the issuer's
    children today (its stored lines were credited under an older tree)."""
    compiled = compile_ruleset(ruleset)
    if any(d.params.get("escalation_persons") for d in compiled.deductions.values()):
        return False
    return unit_id in _children(ruleset, tree)


def _period_lines(
    ruleset: RuleSet, ctx: Context, unit_id: int | None = None
) -> list[engine.ScoreLine]:
    """The lines of a rule set's period stage (of one unit's only, with ``unit_id``),
    from the clause sums of the item lines and the events without an item."""
    compiled = compile_ruleset(ruleset)
    sums = ClauseSum.objects.filter(ruleset=ruleset)
    escalating = ScoreLine.objects.filter(
        ruleset=ruleset,
        item__isnull=False,
        person__isnull=True,
        clause__in=sorted(compiled.escalating),
    )
    if unit_id is not None:
        sums, escalating = sums.filter(unit_id=unit_id), escalating.filter(unit_id=unit_id)
    period_sums = [
        engine.PeriodSum(str(unit), day, clause, points, tally, lines)
        for unit, day, clause, points, tally, lines in sums.exclude(
            clause__in=compiled.escalating
        ).values_list("unit_id", "date", "clause", "points", "tally", "lines")
    ]
    # a repeated deduction weighs by its order, so its lines come one by one
    item_lines = [
        engine.ScoreLine(
            str(row["unit_id"]),
            None,
            str(row["item_id"]),
            row["event_key"] or None,
            engine.Calc(row["clause"], ("", ""), row["points"], ("", "")),
            None,
            row["points"],
            row["date"],
            row["tally"],
        )
        for row in (
            escalating.values(
                "unit_id", "item_id", "event_key", "clause", "points", "date", "tally"
            )
            if compiled.escalating
            else ()
        )
    ]
    try:
        return engine.score_period(
            compiled,
            item_lines,
            _loose_events(ruleset, ctx.tree, unit_id),
            period_data(ruleset, ctx.tree, unit_id),
            sums=period_sums,
        )
    except engine.EngineError as error:
        raise _problems_message(error, ruleset) from None


def rescore_period_stage(ruleset: RuleSet, *, ctx: Context | None = None) -> None:
    """Recompute the lines of a rule set that do not belong to one item."""
    ctx = ctx or Context(lock=True)
    ctx.summed()  # the clause sums exist before they are read
    lines = _period_lines(ruleset, ctx)
    _replace(ScoreLine.objects.filter(ruleset=ruleset, item__isnull=True), _to_rows(ruleset, lines))


def rescore_unit_period_stage(ruleset: RuleSet, unit_id: int, *, ctx: Context) -> None:
    """Recompute one unit's lines of a rule set that belong to no item: its events
    without an item and its period rules (see ``unit_stage_fits``)."""
    lines = _period_lines(ruleset, ctx, unit_id)
    _replace(
        ScoreLine.objects.filter(ruleset=ruleset, item__isnull=True, unit_id=unit_id),
        _to_rows(ruleset, lines),
    )


@contextmanager
def references_unchecked():
    """Around a full rescoring's transaction (entered before it begins): on SQLite the
    connection's foreign keys are not checked line by line while two million lines are
    written — a lookup in the outcome, item, unit, person, calculation and rule-set
    tables per line, about a fifth of the writing.

    Nothing is lost: SQLite's transactions begin ``IMMEDIATE`` here (``settings``), so
    from its first statement the rescoring is the database's only writer, and every
    line refers to rows it read inside that transaction or wrote itself (its
    calculations) — none can be deleted under it.  The keys are checked again for every
    later write once the transaction is over.  Inside a transaction already (a test, an
    action run with the immediate task backend) SQLite cannot switch the checks off, and
    they stay on.  PostgreSQL sets its keys aside in ``_postgresql_rewriting``."""
    connection = transaction.get_connection()
    unchecked = (
        connection.vendor == "sqlite"
        and not connection.in_atomic_block
        and connection.disable_constraint_checking()
    )
    try:
        yield
    finally:
        if unchecked:
            connection.enable_constraint_checking()


def rescore_ruleset(ruleset: RuleSet, *, progress=None) -> int:
    """Score everything a rule set covers from scratch; returns the number of lines.

    One engine run over all its events (``engine.score``), then its lines replaced in
    one transaction: one ``DELETE``, the new lines written in bulk (``_write_lines``),
    the standings summed on the way, the planner's statistics refreshed.
    ``progress(done, total)`` is called as it loads, scores and writes.
    """
    tick = progress or (lambda _done, _total: None)
    # the collector paused for the whole run (see ``_collector_paused``): the engine's
    # records and the lines being written are millions of live objects as well
    with _collector_paused(), transaction.atomic(), _bulk_settings():
        tree = Tree.load()
        compiled = compile_ruleset(ruleset)
        levels: dict[int, int | None] = {}
        engine_items, events = run_input(ruleset, compiled, tree, levels)
        tick(1, STEPS)
        try:
            result = engine.score(compiled, engine_items, events, period_data(ruleset, tree))
        except engine.EngineError as error:
            raise _problems_message(error, ruleset) from None
        del engine_items, events
        tick(2, STEPS)
        with _rewriting(ruleset, len(result.lines)) as alone:
            clear_ruleset(ruleset, alone=alone)
            count, sums, months = _write_lines(
                ruleset, result.lines, len(result.lines), tick, levels
            )
        del levels
        _store_standings(ruleset, sums)
        # the derived sums the standings by period and the per-unit period stage read
        standings_by_period.store_months(months)
        rebuild_clause_sums(ruleset)
        _analyze()
    tick(STEPS, STEPS)
    return count


@contextmanager
def _bulk_settings():
    """Settings for a full rescoring, undone after it, none of them touching what is
    written or when it is safe on disk:

    * SQLite: a page cache of 256 MiB instead of 2 MiB for the connection (a million
      events read in date order, their items looked up, two million lines written
      and indexed go through far more pages than the default holds);
    * PostgreSQL, for the rest of the rescoring's transaction: memory enough for its
      sorts and joins (the keys checked, the indexes built, the monthly sums) not to
      spill to disk, and plans made for reading every row of a server-side cursor,
      not the first few.
    """
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
        if connection.vendor != "sqlite":
            yield
            return
        cursor.execute("PRAGMA cache_size")
        (cache,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")


def _store_standings(ruleset: RuleSet, sums: dict[tuple[int, int | None], tuple]) -> None:
    Standing.objects.bulk_create(
        (
            Standing(ruleset=ruleset, unit_id=u, person_id=p, points=pts, adopted=n)
            for (u, p), (pts, n) in _one_per_writer(sums).items()
        ),
        batch_size=2000,
    )


@contextmanager
def _rewriting(ruleset: RuleSet, new_lines: int):
    """Around the deletion and rewrite of a rule set's lines, inside the caller's
    transaction (should anything fail, the rollback brings back the old lines and
    everything below).  Yields whether the table holds no other rule set's lines and
    is the rewrite's alone: ``clear_ruleset`` may then empty it wholesale.

    When the new lines are at least as many as the other rule sets' lines kept in the
    table (a year's rule set is usually most of it), what the database checks and
    keeps up to date line by line is set aside and done once over the finished table:

    * SQLite: the score lines' indexes are dropped and created again afterwards from
      their stored definitions — building an index once is several times cheaper than
      keeping it up to date through millions of deletions and insertions.  Readers
      (WAL) go on reading the old lines.
    * PostgreSQL: the same with the indexes, and the foreign keys are dropped and
      added again from their definitions, ``NOT VALID``, after one pass over the new
      lines has checked all their references at once (``_check_references``; a key
      added and validated scans the lines once per key, most of what was left of the
      rebuild), where a kept key fires a check per line and key.  This needs the
      score-line table to itself: the locks are asked for without waiting
      (``NOWAIT``) and, if anyone holds them, the lines are written with the indexes
      and keys in place — slower, never blocked.  Once the locks are held, pages that
      read score lines and writes to the tables the lines refer to wait for the
      commit.
    """
    connection = transaction.get_connection()
    assert connection.in_atomic_block, "the lines are rewritten in one transaction"
    if connection.vendor == "sqlite":
        with _sqlite_rewriting(connection, ruleset, new_lines) as alone:
            yield alone
    elif connection.vendor == "postgresql":
        with _postgresql_rewriting(connection, ruleset, new_lines) as alone:
            yield alone
    else:
        yield False


def _others(cursor, ruleset: RuleSet) -> int:
    table = ScoreLine._meta.db_table  # our own name, no input
    cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE ruleset_id <> %s", [ruleset.pk])  # noqa: S608
    return cursor.fetchone()[0]


@contextmanager
def _sqlite_rewriting(connection, ruleset: RuleSet, new_lines: int):
    table = ScoreLine._meta.db_table
    with connection.cursor() as cursor:
        indexes, others = [], _others(cursor, ruleset)
        if new_lines >= others:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = %s AND sql IS NOT NULL ORDER BY name",
                [table],
            )
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        # Counted in this transaction before its first write (the indexes dropped):
        # in WAL mode a writer that came in between makes that write fail, so the
        # count still holds when the lines are deleted.
        yield bool(indexes) and not others
        _build_again(cursor, [sql for _name, sql in indexes])


def _build_again(cursor, indexes: list[str], keys: Sequence[_Key] = (), ruleset_pk=None) -> None:
    """The indexes (and keys) set aside, created again from their definitions; the
    keys' references checked first over the rule set's new lines."""
    for sql in indexes:
        cursor.execute(sql)
    if keys:
        _check_references(cursor, keys, ruleset_pk)
    table = ScoreLine._meta.db_table
    for key in keys:
        cursor.execute(
            f'ALTER TABLE {table} ADD CONSTRAINT "{key.name}" '
            f"{key.definition.removesuffix(' NOT VALID')} NOT VALID"
        )


@dataclass(frozen=True)
class _Key:
    """A foreign key of the score lines as the catalogue states it."""

    name: str
    definition: str
    to_table: str
    column: str
    to_column: str


def _check_references(cursor, keys: Sequence[_Key], ruleset_pk) -> None:
    """Every reference of the rule set's new lines checked in one pass over them: one
    hash join per key, a count per key of lines whose row is missing.

    Why the keys then come back ``NOT VALID``: ``ADD CONSTRAINT … FOREIGN KEY``
    validates by scanning the whole table once per key (six scans of two million
    lines); ``NOT VALID`` enforces the key on every later write and deletion exactly
    as a validated one (only the scan of the rows already there is left out), and this
    check is that scan, done once for all keys over the only lines that changed.  The
    other rule sets' lines were checked when written, and their references cannot have
    gone since: the keys were in force until the tables they refer to were locked
    against writes (``SHARE ROW EXCLUSIVE``), and they stay locked until the commit.
    The check is not skipped for the new lines even though they were computed from
    rows just read: those rows were read before the locks were taken, and an item, an
    outcome, a unit or a person deleted in between would otherwise leave lines pointing
    nowhere.  ``VALIDATE CONSTRAINT`` succeeds on the result (a test runs it)."""
    from django.db import IntegrityError

    table = ScoreLine._meta.db_table
    joins = " ".join(
        f"LEFT JOIN {k.to_table} r{n} ON r{n}.{k.to_column} = l.{k.column}"
        for n, k in enumerate(keys)
    )
    missing = [
        f"(l.{k.column} IS NOT NULL AND r{n}.{k.to_column} IS NULL)" for n, k in enumerate(keys)
    ]
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {m})" for m in missing)
    cursor.execute(
        f"SELECT {counts} FROM {table} l {joins} "  # noqa: S608 (names from the catalogue)
        f"WHERE l.ruleset_id = %s AND ({' OR '.join(missing)})",
        [ruleset_pk],
    )
    for key, count in zip(keys, cursor.fetchone(), strict=True):
        if count:
            raise IntegrityError(
                f'insert or update on table "{table}" violates foreign key constraint '
                f'"{key.name}": {count} lines refer to a missing row of {key.to_table}'
            )


@contextmanager
def _postgresql_rewriting(connection, ruleset: RuleSet, new_lines: int):
    from django.db import DatabaseError

    table = ScoreLine._meta.db_table
    keys, indexes, alone = [], [], False
    with connection.cursor() as cursor:
        if new_lines >= _others(cursor, ruleset):
            cursor.execute(
                "SELECT c.conname, pg_get_constraintdef(c.oid), c.confrelid::regclass::text, "
                "a.attname, r.attname FROM pg_constraint c "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                "JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1] "
                "WHERE c.conrelid = %s::regclass AND c.contype = 'f' "
                "AND cardinality(c.conkey) = 1 ORDER BY c.conname",
                [table],
            )
            keys = [_Key(*row) for row in cursor.fetchall()]
            cursor.execute(
                "SELECT COUNT(*) FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype = 'f'",
                [table],
            )
            assert cursor.fetchone()[0] == len(keys), "the score lines' keys are single columns"
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) "
                "FROM pg_index WHERE indrelid = %s::regclass AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = indexrelid) ORDER BY 1",
                [table],
            )
            indexes = cursor.fetchall()
            try:
                with transaction.atomic():
                    # Rows the caller's transaction wrote before (in a test, an action
                    # run with the immediate task backend) still wait for their checks,
                    # and no table with checks pending can be altered: they are made
                    # now — and the checks deferred again afterwards, which is where
                    # they were when no constraint is deferrable but checked at once.
                    cursor.execute(
                        "SELECT COUNT(*) FROM pg_constraint WHERE condeferrable AND NOT condeferred"
                    )
                    if not cursor.fetchone()[0]:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                    cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE NOWAIT")
                    referred = ", ".join(sorted({k.to_table for k in keys}))
                    cursor.execute(f"LOCK TABLE {referred} IN SHARE ROW EXCLUSIVE MODE NOWAIT")
                    # counted again under the lock (the count above was not), along
                    # the rule-set index while it is there: two seeks, not a scan
                    cursor.execute(
                        f"SELECT EXISTS (SELECT 1 FROM {table} WHERE ruleset_id < %s) "  # noqa: S608
                        f"OR EXISTS (SELECT 1 FROM {table} WHERE ruleset_id > %s)",
                        [ruleset.pk, ruleset.pk],
                    )
                    alone = not cursor.fetchone()[0]
                    for key in keys:
                        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{key.name}"')
                    for name, _definition in indexes:
                        cursor.execute(f"DROP INDEX {name}")
            except DatabaseError:  # a lock held by someone else: the lines as they are
                keys, indexes, alone = [], [], False
        yield alone
        _build_again(
            cursor, [definition for _name, definition in indexes], keys, ruleset_pk=ruleset.pk
        )


def rebuild_standings(ruleset: RuleSet) -> None:
    """Standings and clause sums of a rule set recomputed from its lines (after a full
    rescoring)."""
    Standing.objects.filter(ruleset=ruleset).delete()
    sums = _stored_sums(ScoreLine.objects.filter(ruleset=ruleset))
    Standing.objects.bulk_create(
        Standing(ruleset=ruleset, unit_id=u, person_id=p, points=pts, adopted=n)
        for (u, p), (pts, n) in _one_per_writer(
            {(u, p): v for (_r, u, p), v in sums.items()}
        ).items()
    )
    standings_by_period.rebuild_months(ruleset)
    rebuild_clause_sums(ruleset)


STEPS = 12  # loading, scoring, writing (nine parts), standings


def run_input(
    ruleset: RuleSet,
    compiled: engine.RuleSet,
    tree: Tree,
    levels: dict[int, int | None] | None = None,
) -> tuple[list[engine.Item], list[engine.Event]]:
    """The engine's items and events of everything a rule set covers, read as plain
    rows (no model instances: a year has a million outcomes).  The same items and
    events ``engine_item`` and ``engine_event`` make of the models, in the order
    ``rescore_item`` reads them (a test compares the two).

    ``levels``, when given, gets each outcome's level as its monthly sums keep it: its
    own, else its carrier's (``standings._unit_rows``)."""
    with _collector_paused():
        return _run_input(ruleset, compiled, tree, levels)


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while the input is read: the million
    events and their lists are kept, not garbage, yet each of the collector's full
    passes, which come as often as the tracked objects grow by a quarter, went over
    all those read so far — half the reading time.  What the reading drops is freed
    by reference counting as before; a cycle, if any, at the next collection.  Nested
    (a full rescoring pauses it for its whole run), the outermost turns it back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run_input(
    ruleset: RuleSet,
    compiled: engine.RuleSet,
    tree: Tree,
    levels: dict[int, int | None] | None,
) -> tuple[list[engine.Item], list[engine.Event]]:
    scope = sorted(_scope(ruleset, tree))
    start, end = ruleset.effective_from, ruleset.effective_to
    by_item, routes = _item_events(scope, start, end, compiled.routes, levels)

    # Every item of the units in scope: a superset of those with events or a commission
    # (the loop below skips the others).  Not "pk IN (their outcomes) OR …": PostgreSQL
    # cannot hash a million-row subquery in its working memory and runs it per row.
    items = Item.objects.filter(unit_id__in=scope)
    decimals = _Memo(_decimal)
    unit_shares: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for rows in _chunks(
        ItemUnit.objects.filter(item__unit_id__in=scope)
        .order_by("item_id", "sort_order", "pk")
        .values_list("item_id", "unit_id", "share")
    ):
        for item_id, unit_id, share in rows:
            unit_shares[item_id].append((unit_id, decimals[share]))
    authors: dict[int, list[tuple[int, Decimal, int]]] = defaultdict(list)
    for rows in _chunks(
        ItemAuthor.objects.filter(item__unit_id__in=scope)
        .order_by("item_id", "sort_order", "pk")
        .values_list("item_id", "person_id", "share", "person__unit_id")
    ):
        for item_id, person_id, share, unit_id in rows:
            authors[item_id].append((person_id, decimals[share], unit_id))
    topics: dict[int, list[str]] = defaultdict(list)
    for rows in _chunks(
        Item.topics.through.objects.filter(item__unit_id__in=scope)
        .order_by("item_id", "-topic__year", "topic__name")
        .values_list("item_id", "topic__code")
    ):
        for item_id, code in rows:
            topics[item_id].append(code)

    def credit(unit_id: int) -> int | None:
        return tree.credited(ruleset.unit_id, unit_id)

    # Shares are frozen: items with the same units (or the same author with the same
    # share) use the same objects instead of a third of a million new ones each.
    unit_cache: dict[tuple, tuple[engine.Share, ...]] = {}
    person_cache: dict[tuple[int, Decimal, int], engine.Share] = {}
    engine_items: list[engine.Item] = []
    events: list[engine.Event] = []
    fields = (
        "pk",
        "kind__code",
        "unit_id",
        "title",
        "char_count",
        "commission_id",
        "commission__cancelled",
        "commission__deadline",
        "submitted_at",
    )
    for rows in _chunks(items.order_by("pk").values_list(*fields)):
        for pk, kind, unit_id, title, chars, commission, cancelled, deadline, submitted in rows:
            own = by_item.get(pk, ())
            extra = ()
            if commission is not None and not cancelled and submitted is not None:
                extra = [
                    e
                    for e in _commission_pair(commission, _date(deadline), pk, _datetime(submitted))
                    if start <= e.date <= end
                ]
            if not own and not extra:
                continue
            persons = []
            for author in authors.get(pk, ()):
                person = person_cache.get(author)
                if person is None:
                    person_id, share, person_unit = author
                    unit = credit(person_unit)
                    person = person_cache[author] = engine.Share(
                        str(person_id), share, str(unit) if unit else None
                    )
                persons.append(person)
            shared = unit_shares.get(pk)
            # (an item's own unit weighs Decimal(1), not a stored "1.00": kept apart)
            key = tuple(shared) if shared else ("own", unit_id)
            units = unit_cache.get(key)
            if units is None:
                units = unit_cache[key] = _shares(shared or [(unit_id, ONE)], credit)
            if not units:
                continue
            route = routes.get(pk)
            engine_items.append(
                engine.Item(
                    id=str(pk),
                    kind=kind,
                    units=units,
                    persons=tuple(persons),
                    title=title,
                    char_count=chars,
                    topics=tuple(topics.get(pk, ())),
                    route=route if route in compiled.routes else None,
                )
            )
            events.extend(own)
            events.extend(extra)
    # the items' events were fitted as they were read (their routes)
    loose = _loose_events(ruleset, tree)
    events.extend(_fit(compiled, loose))
    if levels is not None and loose:
        levels.update(
            Outcome.objects.filter(
                item__isnull=True, unit_id__in=scope, date__gte=start, date__lte=end
            )
            .annotate(level_ref=Coalesce("level_id", "carrier__level_id"))
            .values_list("pk", "level_ref")
        )
    return engine_items, events


def _item_events(
    scope: list[int],
    start: datetime.date,
    end: datetime.date,
    named: Container[str],
    levels: dict[int, int | None] | None,
) -> tuple[dict[int, list[engine.Event]], dict[int, str]]:
    """The events of the items of the units in ``scope`` from ``start`` to ``end``, by
    item, each item's in the order ``rescore_item`` reads them (date, then pk), their
    routes fitted to the rule set's (``named``, as ``_fit`` does); and the route each
    item's last live report names.  ``levels``: see ``run_input``."""
    outcomes = Outcome.objects.filter(item__isnull=False, item__unit_id__in=scope)
    if connections[outcomes.db].vendor == "sqlite":
        # Dates read as their text, each distinct one parsed once (``days``): for the
        # date's declared type the driver would call Django's converter on every row.
        # Compared as text, the range is not looked up in the date index either, which
        # would then fetch each of a million outcomes apart from the others; SQLite
        # reads the outcomes along the item index instead, in the order asked for.
        day, due = Cast("date", TextField()), Cast("due", TextField())
        outcomes = outcomes.alias(day=day).filter(
            day__gte=start.isoformat(), day__lte=end.isoformat()
        )
    else:
        day, due = F("date"), F("due")
        outcomes = outcomes.filter(date__gte=start, date__lte=end)
    rows = outcomes.order_by("item_id", "date", "pk").values_list(
        "pk",
        "kind",
        day,
        "item_id",
        "carrier_id",
        "level_id",
        "superior_body_id",
        "route_id",
        "grade",
        "placement",
        "use",
        "issue",
        "leader",
        "leader_rank",
        "rule",
        "points",
        "recorded_by_id",
        "reason",
        "revoked_at",
        due,
    )
    # a code or a value for each key a row holds, None for None
    carriers = {None: None, **dict(Carrier.objects.values_list("pk", "code"))}
    carrier_levels = {None: None, **dict(Carrier.objects.values_list("pk", "level_id"))}
    level_codes = {None: None, **dict(Level.objects.values_list("pk", "code"))}
    body_levels = {None: None, **dict(SuperiorBody.objects.values_list("pk", "level_id"))}
    route_codes = {None: None, **dict(Route.objects.values_list("pk", "code"))}
    fitted = {pk: code if code in named else None for pk, code in route_codes.items()}
    days = _Memo(_date, {None: None})
    decimals = _Memo(_decimal, {None: None})
    names = _Memo(_user_name, {None: None})
    item_keys = _Memo(str)

    by_item: dict[int, list[engine.Event]] = defaultdict(list)
    routes: dict[int, str] = {}
    for chunk in _chunks(rows):
        for (
            pk,
            kind,
            date,
            item,
            carrier,
            level,
            body,
            route,
            grade,
            placement,
            use,
            issue,
            leader,
            leader_rank,
            rule,
            points,
            recorder,
            reason,
            revoked_at,
            due_date,
        ) in chunk:
            if levels is not None:
                levels[pk] = carrier_levels[carrier] if level is None else level
            if level is None and kind == "report":
                level = body_levels[body]  # ``Outcome.scoring_level``: a report's destination
            if kind == "endorsement":
                level, leader_level = None, level_codes[level]
            else:
                level, leader_level = level_codes[level], None
            if route is not None and kind == "report" and revoked_at is None:
                routes[item] = route_codes[route]  # the last live report's
            by_item[item].append(
                _event(
                    f"o{pk}",
                    kind,
                    days[date],
                    item_keys[item],
                    None,
                    None,
                    carriers[carrier],
                    level,
                    grade or None,
                    placement or None,
                    use or None,
                    issue or None,
                    leader or None,
                    leader_level,
                    leader_rank or None,
                    fitted[route],
                    rule or None,
                    decimals[points],
                    names[recorder],
                    reason or None,
                    revoked_at is not None,
                    days[due_date],
                )
            )
    return by_item, routes


ROWS_PER_FETCH = 20_000


def _chunks(queryset) -> Iterator[list[tuple]]:
    """The rows of a ``values_list`` query as the driver gives them, a list at a time:
    none of Django's per-value converters (a million rows would spend most of their
    reading time in them).  PostgreSQL's driver returns dates and decimals as they are;
    SQLite's what Django registered for the columns' declared types (``_date``,
    ``_decimal`` and ``_datetime`` give what Django's converters give)."""
    connection = connections[queryset.db]
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    # PostgreSQL: a server-side cursor inside a transaction, the rows coming in chunks
    # rather than a million of them held by the driver at once
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(ROWS_PER_FETCH):
            yield rows


class _Memo(dict):
    """A value computed once per distinct key: a million rows hold a few hundred
    dates, a few distinct points and shares, a few dozen recorders."""

    def __init__(self, compute: Callable, known: dict | None = None) -> None:
        super().__init__(known or {})
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _decimal(value) -> Decimal:
    # what Django's converter gives on SQLite: the stored number with the field's two
    # places (PostgreSQL's driver gives the Decimal itself)
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def _datetime(value) -> datetime.datetime:
    # SQLite keeps UTC without an offset, and its driver may already have made a naive
    # datetime of it (the column's declared type): aware either way, as Django reads it
    moment = (
        value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)
    )
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _user_name(pk: int) -> str:
    return str(get_user_model().objects.get(pk=pk))


class _EventSlots:
    """``engine.Event``'s slots, in its order, without its frozen ``__setattr__``."""

    __slots__ = engine.Event.__slots__


def _event(
    id: str,
    type: str,
    date: datetime.date,
    item_id: str | None,
    unit: str | None,
    person: str | None,
    carrier: str | None,
    level: str | None,
    grade: str | None,
    placement: str | None,
    use: str | None,
    issue: str | None,
    leader: str | None,
    leader_level: str | None,
    leader_rank: str | None,
    route: str | None,
    rule: str | None,
    points: Decimal | None,
    assessor: str | None,
    reason: str | None,
    revoked: bool,
    due: datetime.date | None,
) -> engine.Event:
    """``engine.Event(...)`` of the same fields in the same order: the same event, made
    several times faster.  A frozen dataclass sets each of its 22 fields through
    ``object.__setattr__``, a third of the time of reading a million events; here they
    are set as plain slots of a twin class of the same layout, and the object then
    becomes an ``engine.Event`` (``__class__`` may change between classes whose slots
    are the same).  A test compares the two for every field."""
    event = _EventSlots()
    event.id = id
    event.type = type
    event.date = date
    event.item_id = item_id
    event.unit = unit
    event.person = person
    event.carrier = carrier
    event.level = level
    event.grade = grade
    event.placement = placement
    event.use = use
    event.issue = issue
    event.leader = leader
    event.leader_level = leader_level
    event.leader_rank = leader_rank
    event.route = route
    event.rule = rule
    event.points = points
    event.assessor = assessor
    event.reason = reason
    event.revoked = revoked
    event.due = due
    event.__class__ = engine.Event
    return event


def _commission_pair(commission: int, deadline, item: int, submitted) -> list[engine.Event]:
    """``commission_events`` from the item's row."""
    return [
        engine.Event(
            id=f"c{commission}-due", type="commission_due", date=deadline, item_id=str(item)
        ),
        engine.Event(
            id=f"c{commission}-i{item}",
            type="commission_delivered",
            date=timezone.localdate(submitted),
            item_id=str(item),
        ),
    ]


WRITE_CHUNK = 25_000  # events (groups of lines) per chunk: some 50,000 rows
# A row's columns: first those of one part of an event's lines (the same for every
# event with the same value and recipients, turned into values once), then the
# event's own.
_COLUMNS = (
    "unit_id",
    "person_id",
    "clause",
    "points",
    "calc_id",
    "share",
    "ruleset_id",
    "version",
    "outcome_id",
    "event_key",
    "item_id",
    "date",
    "tally",
)


def _write_lines(
    ruleset: RuleSet,
    lines: Sequence[engine.ScoreLine],
    total: int,
    tick,
    levels: dict[int, int | None],
) -> tuple[int, dict[tuple[int, int | None], tuple[Decimal, int]], dict]:
    """Write a full run's lines in bulk — PostgreSQL by ``COPY`` of rows written out as
    its text format, SQLite by one ``executemany`` per chunk, no model instances — and
    sum the standings on the way (the points of each unit and person, and their
    adopted items: lines of an adoption clause that are the first counted adoption of
    their item) and the monthly sums, keyed as ``standings.row_month_sums`` keys them
    (``levels``: each outcome's level, see ``run_input``).

    The lines come as the engine made them, grouped per event (``engine.line_groups``):
    each distinct part of a line (unit, person, calc, share, points) becomes its
    values once, and a row is those values followed by its event's; the sums count
    events per (part group, month, level, tally) and are multiplied out at the end."""
    written = 0
    connection = transaction.get_connection()
    copy = connection.vendor == "postgresql"
    rows = _Rows(ruleset, copy, levels)
    sink = _CopySink(connection) if copy else _InsertSink(connection)
    groups = engine.line_groups(lines)
    with sink:
        while chunk := list(islice(groups, WRITE_CHUNK)):
            out = _chunk_rows(chunk, rows)
            sink.write(out)
            written += len(out)
            tick(2 + (9 * written) // max(total, 1), STEPS)
    sums, months = rows.sums()
    return written, sums, months


class _Rows:
    """How a line's values are written, each distinct value turned into text once (a
    year has a few hundred dates, a few dozen units and clauses, few distinct points),
    and what the written lines add to the standings and monthly sums.

    For ``COPY`` (PostgreSQL) a row is one line of its text format: values separated
    by tabs, ``\\N`` for NULL, backslash, tab and line breaks escaped.  For SQLite, a
    tuple of the values as Django would bind them (dates and decimals as text)."""

    NULL = "\\N"

    def __init__(self, ruleset: RuleSet, copy: bool, levels: dict[int, int | None]) -> None:
        self.copy = copy
        self.levels = levels
        self.ruleset_id = ruleset.pk
        self.version = ruleset.version_label
        self.calcs = CalcStore()
        # id(parts) → the parts (held, so that their id is not reused), their rows'
        # leading values, and what each adds to the sums
        self.known: dict[int, tuple[tuple, list, list]] = {}
        self.days: dict[datetime.date, tuple[str, datetime.date]] = {}  # → text, month
        # (id(parts), month, level, tally) → events
        self.counts: dict[tuple, int] = {}

    def text(self, value) -> str:
        if isinstance(value, str):
            return _copy_text(value) if self.copy else value
        return str(value)

    def learn(self, groups: Iterable[tuple]) -> None:
        """The leading values of the rows of parts not seen before (their calcs
        stored in one statement)."""
        calcs = {id(part[2]): part[2] for parts in groups for part in parts}
        pks = dict(zip(calcs, self.calcs.pks(calcs.values()), strict=True))
        null = self.NULL
        for parts in groups:
            heads, adds = [], []
            for unit, person, calc, share, points in parts:
                unit_id = int(unit)
                person_id = int(person) if person else None
                clause = calc.clause
                share = share_text(share)
                calc_pk = pks[id(calc)]
                if self.copy:
                    heads.append(
                        f"{unit_id}\t{null if person_id is None else person_id}\t"
                        f"{self.text(clause)}\t{points}\t{calc_pk}\t{self.text(share)}\t"
                    )
                else:
                    heads.append((unit_id, person_id, clause, str(points), calc_pk, share))
                adds.append((unit_id, person_id, clause, points, clause.startswith("adoption")))
            self.known[id(parts)] = (parts, heads, adds)

    def sums(self) -> tuple[dict[tuple[int, int | None], tuple[Decimal, int]], dict]:
        """The standings' sums (unit, person → points, adopted) and the monthly sums
        (``standings.MonthKey`` → points, adopted, lines) of the lines written, in the
        order their keys were first met line by line."""
        sums: dict[tuple[int, int | None], list] = {}
        months: dict[tuple, list] = {}
        ruleset_id, known = self.ruleset_id, self.known
        for (parts_id, month, level, tally), n in self.counts.items():
            for unit_id, person_id, clause, points, adoption in known[parts_id][2]:
                # n equal additions to zero: the same Decimal as adding one by one
                points = points * n
                adopted = n if tally and adoption else 0
                key = (unit_id, person_id)
                found = sums.get(key)
                if found is None:
                    found = sums[key] = [ZERO, 0]
                found[0] += points
                found[1] += adopted
                if person_id is None:
                    key = (ruleset_id, unit_id, None, month, clause, level)
                else:
                    key = (ruleset_id, unit_id, person_id, month, "", None)
                found = months.get(key)
                if found is None:
                    found = months[key] = [ZERO, 0, 0]
                found[0] += points
                found[1] += adopted
                found[2] += n
        return {k: (v[0], v[1]) for k, v in sums.items()}, months


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    return value.translate(_ESCAPES)


def _chunk_rows(chunk: list[engine.LineGroup], rows: _Rows) -> list:
    """The rows of a chunk of the engine's line groups (see ``_write_lines``)."""
    known = rows.known
    new = {id(group[4]): group[4] for group in chunk if id(group[4]) not in known}
    if new:
        rows.learn(new.values())
    out: list = []
    append = out.append
    copy, null, levels = rows.copy, rows.NULL, rows.levels
    days, counts = rows.days, rows.counts
    counts_get = counts.get
    ruleset_id, version = rows.ruleset_id, rows.version
    prefix = f"{ruleset_id}\t{_copy_text(version)}\t"
    last_event, outcome_id, event_text, level = None, None, "", None
    for item, event, date, tally, parts in chunk:
        if event != last_event:  # an event's records mostly come one by one
            last_event = event
            outcome_id = (
                int(event[1:]) if event and event[0] == "o" and event[1:].isdigit() else None
            )
            level = levels.get(outcome_id) if outcome_id is not None else None
            event_text = event or ""
            if copy and (
                "\\" in event_text or "\t" in event_text or "\n" in event_text or "\r" in event_text
            ):
                event_text = _copy_text(event_text)
        day = days.get(date)
        if day is None:
            day = days[date] = (date.isoformat(), date.replace(day=1))
        key = (id(parts), day[1], level, tally)
        counts[key] = counts_get(key, 0) + 1
        if copy:
            tail = (
                f"{prefix}{null if outcome_id is None else outcome_id}\t{event_text}\t"
                f"{int(item) if item else null}\t{day[0]}\t{tally}\n"
            )
        else:
            tail = (
                ruleset_id,
                version,
                outcome_id,
                event_text,
                int(item) if item else None,
                day[0],
                tally,
            )
        for head in known[id(parts)][1]:
            append(head + tail)
    return out


class _CopySink:
    """Rows into the score lines by PostgreSQL's ``COPY`` (psycopg 3), one ``COPY`` per
    chunk: the calcs of the next chunk are looked up on the same connection, which a
    running ``COPY`` holds."""

    def __init__(self, connection) -> None:
        self.connection = connection

    def __enter__(self):
        columns = ", ".join(_COLUMNS)
        self.sql = f"COPY {ScoreLine._meta.db_table} ({columns}) FROM STDIN"
        return self

    def write(self, rows: list[str]) -> None:
        if not rows:
            return
        with self.connection.cursor() as cursor, cursor.cursor.copy(self.sql) as copy:
            copy.write("".join(rows))

    def __exit__(self, *exc) -> None:
        pass


class _InsertSink:
    """Rows into the score lines by ``executemany`` (SQLite; in the caller's
    transaction, so one commit for them all)."""

    def __init__(self, connection) -> None:
        self.connection = connection

    def __enter__(self):
        columns = ", ".join(_COLUMNS)
        marks = ", ".join(["?"] * len(_COLUMNS))
        table = ScoreLine._meta.db_table  # our own names, no input
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.cursor = self.connection.cursor()
        return self

    def write(self, rows: list[tuple]) -> None:
        # the driver's own cursor: the rows are bound as they are, without Django's
        # per-statement wrapping (the statement is ours, with SQLite's placeholders)
        self.cursor.cursor.executemany(self.sql, rows)

    def __exit__(self, *exc) -> None:
        self.cursor.close()


def _analyze() -> None:
    """Refresh the planner's statistics of the rewritten tables (their row counts
    changed by millions; a plan made for the old counts can be far off)."""
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {ScoreLine._meta.db_table}, {Standing._meta.db_table}")
        elif connection.vendor == "sqlite":
            # a sample, not every row of every index: enough for the planner
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute(f"ANALYZE {ScoreLine._meta.db_table}")
            cursor.execute(f"ANALYZE {Standing._meta.db_table}")


def _one_per_writer(
    sums: dict[tuple[int, int | None], tuple[Decimal, int]],
) -> dict[tuple[int, int | None], tuple[Decimal, int]]:
    """A writer has one standing per rule set, also when lines credit them under two
    units (an item of their own unit, a deduction recorded under another): kept under
    their own unit where it is among them, else the first. The per-change path keeps
    the standing it found first, which is their own unit's in the usual order."""
    units_of: dict[int, list[int]] = defaultdict(list)
    for unit, person in sums:
        if person is not None:
            units_of[person].append(unit)
    several = [p for p, units in units_of.items() if len(units) > 1]
    if not several:
        return sums
    home = dict(Person.objects.filter(pk__in=several).values_list("pk", "unit_id"))
    out = {key: value for key, value in sums.items() if key[1] not in home}
    for person in several:
        units = sorted(units_of[person])
        unit = home[person] if home[person] in units else units[0]
        points, adopted = ZERO, 0
        for each in units:
            pts, n = sums[(each, person)]
            points, adopted = points + pts, adopted + n
        out[(unit, person)] = (points, adopted)
    return out


def clear_ruleset(ruleset: RuleSet, *, alone: bool = False) -> None:
    """Remove what a rule set scored (when it goes out of force): one ``DELETE`` each
    for its lines and its standings (nothing listens to their deletion, so Django
    deletes them without loading them — a test holds it to that).

    ``alone``: the caller holds the score-line table to itself, without indexes, and
    it has no other rule set's lines (``_rewriting`` says so).  Its lines are then
    removed wholesale, not row by row: ``TRUNCATE`` on PostgreSQL (transactional
    there; readers wait on the rewrite's lock anyway), a ``DELETE`` without ``WHERE``
    on SQLite (which frees the table's pages at once instead of visiting each row)."""
    if alone:
        connection = transaction.get_connection()
        table = ScoreLine._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table}")
            else:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    else:
        ScoreLine.objects.filter(ruleset=ruleset).delete()
    Standing.objects.filter(ruleset=ruleset).delete()
    MonthlyScore.objects.filter(ruleset=ruleset).delete()
    ClauseSum.objects.filter(ruleset=ruleset).delete()


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Row:
    unit: Unit
    points: Decimal
    adopted: int
    target: Decimal | None
    completion: Decimal | None
    rank: int
    gap_to_next: Decimal | None
    lead_over_second: Decimal | None


def standings(ruleset: RuleSet) -> list[Row]:
    """Units credited by a rule set, best first, with target completion and gaps."""
    # one query: read after every recorded outcome, each round trip counts
    standing = Standing.objects.filter(ruleset=ruleset, unit=OuterRef("pk"), person__isnull=True)
    target = UnitTarget.objects.filter(unit=OuterRef("pk"), year=ruleset.effective_from.year)
    children = list(
        Unit.objects.filter(parent_id=ruleset.unit_id, is_active=True).annotate(
            standing_points=Subquery(standing.values("points")[:1]),
            standing_adopted=Subquery(standing.values("adopted")[:1]),
            target=Subquery(target.values("points")[:1]),
        )
    )
    scored = sorted(
        (
            (u.standing_points if u.standing_points is not None else ZERO, u)
            for u in children
            if u.standing_points is not None or u.target is not None
        ),
        key=lambda pair: (-pair[0], pair[1].sort_order),
    )
    rows: list[Row] = []
    for index, (points, unit) in enumerate(scored):
        target = unit.target
        above = scored[index - 1][0] if index else None
        second = scored[1][0] if len(scored) > 1 else None
        rows.append(
            Row(
                unit=unit,
                points=points,
                adopted=unit.standing_adopted or 0,
                target=target,
                completion=(points / target * 100) if target else None,
                # equal points share a rank (1, 2, 2, 4)
                rank=rows[-1].rank if index and points == above else index + 1,
                gap_to_next=(above - points) if above is not None else None,
                lead_over_second=(points - second) if index == 0 and second is not None else None,
            )
        )
    return rows


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


def person_standings(ruleset: RuleSet, unit_ids: set[int] | None = None) -> list[PersonRow]:
    """Writers credited under a rule set, best first (equal points share a rank), with
    the teams they belonged to in the rule set's period, their yearly target (the sum
    of their member targets of that year) and its completion. ``unit_ids`` limits them
    to the units a user may see (None shows all); the ranks stay those among everyone
    the rule set credits."""
    standings = Standing.objects.filter(ruleset=ruleset, person__isnull=False)
    everyone = sorted(standings.values_list("points", flat=True), reverse=True)
    rank_of: dict[Decimal, int] = {}
    for index, points in enumerate(everyone):
        rank_of.setdefault(points, index + 1)
    if unit_ids is not None:
        standings = standings.filter(unit_id__in=unit_ids)
    rows = sorted(
        standings.select_related("person", "unit"),
        key=lambda s: (-s.points, s.person.name, s.person_id),
    )
    people = [s.person_id for s in rows]
    start, end = ruleset.effective_from, ruleset.effective_to
    targets = dict(
        MemberTarget.objects.filter(year=start.year, person_id__in=people)
        .values("person_id")
        .annotate(total=Sum("points"))
        .values_list("person_id", "total")
    )
    teams: dict[int, list[str]] = defaultdict(list)
    memberships = (
        TeamMembership.objects.filter(person_id__in=people, joined__lte=end)
        .filter(Q(left__isnull=True) | Q(left__gte=start))
        .select_related("team")
        .order_by("joined", "pk")
    )
    for membership in memberships:
        if membership.team.name not in teams[membership.person_id]:
            teams[membership.person_id].append(membership.team.name)
    out: list[PersonRow] = []
    for standing in rows:
        target = targets.get(standing.person_id)
        out.append(
            PersonRow(
                person=standing.person,
                unit=standing.unit,
                teams=tuple(teams.get(standing.person_id, ())),
                points=standing.points,
                adopted=standing.adopted,
                target=target,
                completion=(standing.points / target * 100) if target else None,
                rank=rank_of[standing.points],
            )
        )
    return out


def loose_lines(ruleset: RuleSet):
    """The lines of a rule set that belong to no item: deductions, adjustments, missed
    commissions, period rules — each with its explanation, newest first."""
    return (
        ScoreLine.objects.filter(ruleset=ruleset, item__isnull=True, person__isnull=True)
        .select_related("unit", "outcome__recorded_by", "calc")
        .order_by("-date", "-pk")
    )


def unit_totals(ruleset: RuleSet) -> dict[str, str]:
    """Each unit's points under the rule set (unit pk → points), for audit entries."""
    return {
        str(s.unit_id): str(s.points)
        for s in ruleset.standings.filter(person__isnull=True).order_by("unit_id")
    }


def outcome_points(outcome: Outcome) -> Decimal:
    """The points an outcome brings now, unit credit over every rule set (what the
    audit records before and after a change to it)."""
    lines = ScoreLine.objects.filter(outcome=outcome, person__isnull=True)
    return lines.aggregate(total=Sum("points"))["total"] or ZERO


def item_points(item: Item) -> Decimal:
    """The item's points over every rule set, unit credit only."""
    lines = ScoreLine.objects.filter(item=item, person__isnull=True)
    return lines.aggregate(total=Sum("points"))["total"] or ZERO


# ------------------------------------------------------------------ clauses and routes


@dataclass(frozen=True)
class Clause:
    """A deduction or adjustment clause of a rule set, as the office chooses it."""

    section: str  # "deduction" or "manual_adjustment"
    id: str
    label: str
    points: Decimal | None  # a fixed value (迟报 −1) …
    low: Decimal | None  # … or the range the assessor chooses in
    high: Decimal | None

    @property
    def is_ranged(self) -> bool:
        return self.low is not None or self.high is not None

    def describe(self) -> str:
        if self.is_ranged:
            from xinxuan.scoring.vocabulary import range_text

            return f"{self.label}（{range_text(self.low, self.high, signed=True)}）"
        return f"{self.label}（{fmt_signed(self.points)}）"


def fmt_signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = engine.fmt(value)
    return text if value <= 0 else f"+{text}"


def clauses(ruleset: RuleSet, section: str) -> list[Clause]:
    """The rule set's deductions (``section="deduction"``) or manual adjustments
    (``"manual_adjustment"``), in the order the text names them."""
    compiled = compile_ruleset(ruleset)
    named = compiled.deductions if section == "deduction" else compiled.adjustments
    found = []
    for key, rule in named.items():
        params = rule.params
        # a range may be open on one side (重大贡献 ≥ 2; at least 50 off: max −50)
        ranged = "min" in params or "max" in params
        found.append(
            Clause(
                section=section,
                id=key,
                label=rule.label[0] or key,
                points=None if ranged else Decimal(str(params.get("points", 0))),
                low=Decimal(str(params["min"])) if "min" in params else None,
                high=Decimal(str(params["max"])) if "max" in params else None,
            )
        )
    return found


@dataclass(frozen=True)
class RouteWarning:
    """An outcome's route that the rule set in force does not name."""

    outcome: Outcome
    ruleset: RuleSet
    known: tuple[str, ...]  # labels of the routes the rule set names; empty: none

    @property
    def message(self) -> str:
        return route_message(str(self.outcome.route), self.ruleset.name, self.known)


def route_message(route: str, ruleset_name: str, known: Sequence[str]) -> str:
    """What the office is told about a route the rule set in force does not name."""
    if not known:
        return _(
            "“%(ruleset)s” does not score by route, so the route “%(route)s” is kept in "
            "the ledger but changes no points."
        ) % {"ruleset": ruleset_name, "route": route}
    return _(
        "The route “%(route)s” is not one of the routes “%(ruleset)s” names (%(known)s): "
        "the points were computed as if no route had been given. Correct the route, or "
        "add it to the rule set."
    ) % {"route": route, "ruleset": ruleset_name, "known": "、".join(known)}


def unknown_routes(outcomes: Iterable[Outcome], unit_id: int) -> list[RouteWarning]:
    """The live outcomes whose route is not named by a rule set in force on their date."""
    ctx: Context | None = None
    warnings = []
    for outcome in outcomes:
        if not outcome.route_id or outcome.revoked_at is not None:
            continue
        ctx = ctx or Context(lock=True)
        for ruleset in ctx.rulesets_for(unit_id, outcome.date):
            compiled = compile_ruleset(ruleset)
            if outcome.route.code not in compiled.routes:
                known = tuple(r.label[0] or k for k, r in compiled.routes.items())
                warnings.append(RouteWarning(outcome, ruleset, known))
    return warnings
