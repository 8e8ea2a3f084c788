"""Year-end (or any period) appraisal as pure functions over a scoring ``Result``.

The Django appraisal app records the decisions; these functions only compute them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .model import Item, Result, Total
from .ruleset import RuleSet


@dataclass(frozen=True, slots=True)
class Award:
    tier: str
    label: tuple[str, str]
    winner: str
    unit_class: str | None
    place: int  # 1-based place among the eligible of its group


@dataclass(frozen=True, slots=True)
class PlaqueDecision:
    holder: str | None
    changed: bool
    reason_zh: str
    reason_en: str


def vetoed_units(result: Result) -> frozenset[str]:
    """Units with a veto line (annual zero) in the result."""
    return frozenset(
        line.unit
        for line in result.lines
        if line.person is None and line.clause.startswith("veto.")
    )


# (unit or person, clause) → (points, lines with positive points): what ties are broken on
Tallies = dict[tuple[str, str], tuple[Decimal, int]]


def clause_tallies(result: Result, who: str = "collective") -> Tallies:
    """Points and counted lines per unit (or person) and clause, from the result's lines."""
    out: Tallies = {}
    for line in result.lines:
        if (line.person is None) != (who == "collective"):
            continue
        key = (line.unit if line.person is None else line.person, line.clause)
        points, count = out.get(key, (Decimal(0), 0))
        out[key] = (points + line.points, count + (1 if line.points > 0 else 0))
    return out


def tie_break_key(
    rs: RuleSet, who: str, tallies: Tallies | None, result: Result | None = None
) -> Callable[[Total], tuple[Decimal, ...]]:
    """The order of the rule set's ``tie_break`` criteria among equal points, as a sort
    key (smaller first): ``completion`` (higher completion of target; none is lowest),
    ``adopted`` (more items adopted), ``adopted:<level>`` (more adoptions by carriers of
    that level or above), ``points:<clause>`` (more points from that clause and the
    clauses below it, e.g. ``points:endorsement``)."""
    criteria: list[str] = list(rs.appraisal.get(who, {}).get("tie_break", ()))
    if not criteria:
        return lambda total: ()
    if tallies is None:
        tallies = clause_tallies(result, who) if result is not None else {}
    by_id: dict[str, list[tuple[str, Decimal, int]]] = defaultdict(list)
    for (who_id, clause), (points, count) in tallies.items():
        by_id[who_id].append((clause, points, count))

    def adopted_at(level: str, key: str) -> Decimal:
        count = 0
        for clause, _points, lines in by_id.get(key, ()):
            carrier = rs.carriers.get(clause.removeprefix("adoption.carrier."))
            if clause.startswith("adoption.carrier.") and carrier is not None:
                count += lines if rs.level_at_least(carrier.level, level) else 0
        return Decimal(count)

    def points_of(prefix: str, key: str) -> Decimal:
        return sum(
            (p for c, p, _n in by_id.get(key, ()) if c == prefix or c.startswith(prefix + ".")),
            Decimal(0),
        )

    def order(total: Total) -> tuple[Decimal, ...]:
        out: list[Decimal] = []
        for criterion in criteria:
            if criterion == "completion":
                completion = total.completion
                out.append(-completion if completion is not None else Decimal("Infinity"))
            elif criterion == "adopted":
                out.append(Decimal(-total.adopted))
            elif criterion.startswith("adopted:"):
                out.append(-adopted_at(criterion.removeprefix("adopted:"), total.id))
            elif criterion.startswith("points:"):
                out.append(-points_of(criterion.removeprefix("points:"), total.id))
        return tuple(out)

    return order


def award_prizes(
    rs: RuleSet,
    result: Result,
    who: str = "collective",
    exclude: Collection[str] = (),
    tallies: Tallies | None = None,
) -> list[Award]:
    """Prizes by rank (tiers with counts), per class if ``by_class``.

    Ineligible entries (below ``min_completion``, vetoed when ``exclude_vetoed``, or
    in ``exclude``) are skipped and their place passes down. Equal points are ordered by
    the rule set's ``tie_break`` criteria (``tie_break_key``; ``tallies`` are counted
    from the result's lines unless given), then by identifier: a tie that remains at a
    prize boundary is for the office to decide (the Django proposal shows it).
    """
    rule: dict[str, Any] = rs.appraisal.get(who, {})
    if not rule:
        return []
    totals = result.units if who == "collective" else result.persons
    tie_break = tie_break_key(rs, who, tallies, result)
    groups: dict[str | None, list[Total]] = defaultdict(list)
    for verdict in eligibility(rs, result, who, exclude):
        if verdict.eligible:
            total = totals[verdict.id]
            groups[total.unit_class if rule.get("by_class") else None].append(total)
    awards: list[Award] = []
    for group, members in groups.items():
        ordered = sorted(members, key=lambda t: (-t.points, *tie_break(t), t.id))
        index = 0
        for tier in rule.get("tiers", []):
            label = (tier.get("label_zh", tier["id"]), tier.get("label_en", tier["id"]))
            for _ in range(int(tier["count"])):
                if index >= len(ordered):
                    break
                awards.append(Award(tier["id"], label, ordered[index].id, group, index + 1))
                index += 1
    return awards


@dataclass(frozen=True, slots=True)
class Eligibility:
    id: str
    eligible: bool
    reason_zh: str
    reason_en: str


def eligibility(
    rs: RuleSet, result: Result, who: str = "collective", exclude: Collection[str] = ()
) -> list[Eligibility]:
    """Whether each unit (or person) may win a prize, and why not: a parent unit, excluded,
    vetoed (``exclude_vetoed``), no points, below ``min_points``, or below
    ``min_completion`` — a unit without a target passes that gate unless
    ``without_target = "ineligible"``."""
    rule: dict[str, Any] = rs.appraisal.get(who, {})
    totals = result.units if who == "collective" else result.persons
    vetoed = vetoed_units(result) if rule.get("exclude_vetoed") else frozenset()
    minimum = rule.get("min_completion")
    min_points = rule.get("min_points")
    out: list[Eligibility] = []
    for total in totals.values():
        why: tuple[str, str] | None = None
        if who == "collective" and _has_children(result, total.id):
            why = ("上级单位，不参评", "a parent unit: not ranked")
        elif total.id in exclude:
            why = ("已排除", "excluded")
        elif total.id in vetoed:
            why = ("一票否决", "vetoed")
        elif total.points <= 0:
            why = ("无得分", "no points")
        elif min_points is not None and total.points < Decimal(str(min_points)):
            why = (f"得分低于 {min_points}", f"below {min_points} points")
        elif minimum is not None and not _completion_ok(
            total.completion, Decimal(str(minimum)), rule
        ):
            pct = f"{Decimal(str(minimum)) * 100:.0f}%"
            why = (
                (f"完成率低于 {pct}", f"completion below {pct}")
                if total.completion is not None
                else ("无目标，按规定不参评", "no target: ineligible by the rules")
            )
        out.append(
            Eligibility(total.id, False, *why)
            if why is not None
            else Eligibility(total.id, True, "符合条件", "eligible")
        )
    return out


def _completion_ok(completion: Decimal | None, minimum: Decimal, rule: dict[str, Any]) -> bool:
    if completion is None:
        return bool(rule.get("without_target", "eligible") == "eligible")
    return completion >= minimum


def _has_children(result: Result, unit: str) -> bool:
    total = result.units[unit]
    return total.points != total.own_points or (total.own_points == 0 and total.points != 0)


def decide_plaque(rs: RuleSet, result: Result, previous_holder: str | None) -> PlaqueDecision:
    """The rotating plaque (流动示范点): completion ≥ threshold and, if required, first
    in class; the highest such unit gets it. When nobody qualifies the holder keeps
    it or it is withdrawn, per ``keep_when_nobody_qualifies``."""
    rule = rs.appraisal.get("plaque", {})
    min_points = Decimal(str(rule["min_points"])) if "min_points" in rule else None
    # with an absolute threshold alone, no completion is asked for
    threshold = (
        Decimal(str(rule.get("threshold", 1)))
        if "threshold" in rule or min_points is None
        else None
    )
    candidates = [
        t
        for t in result.units.values()
        if (threshold is None or _completion_ok(t.completion, threshold, rule))
        and (min_points is None or t.points >= min_points)
        and (t.completion is not None or t.points > 0)
        and (not rule.get("first_in_class", False) or t.class_rank == 1)
        and not _has_children(result, t.id)
    ]
    if candidates:
        best = min(candidates, key=lambda t: (-t.points, t.id))
        if best.completion is not None and threshold is not None:
            pct = best.completion * 100
            zh = f"{best.id} 完成目标 {pct:.0f}%，得分最高"
            en = f"{best.id} reached {pct:.0f}% of target with the highest score"
        else:
            zh = f"{best.id} 得分 {best.points}，达到条件且得分最高"
            en = f"{best.id} scored {best.points}, qualifying with the highest score"
        return PlaqueDecision(best.id, best.id != previous_holder, zh, en)
    if rule.get("keep_when_nobody_qualifies", True) and previous_holder is not None:
        return PlaqueDecision(
            previous_holder,
            False,
            "无单位达到条件，原单位保留",
            "nobody qualifies; the holder keeps it",
        )
    return PlaqueDecision(
        None, previous_holder is not None, "无单位达到条件，收回", "nobody qualifies; withdrawn"
    )


def criticisms(rs: RuleSet, result: Result) -> list[str]:
    """Units with N consecutive months below ``min_points`` (public criticism)."""
    rule = rs.appraisal.get("criticism")
    if not rule:
        return []
    needed = int(rule["consecutive_months"])
    minimum = Decimal(str(rule.get("min_points", 0)))
    out = []
    for total in result.units.values():
        run = 0
        for _month, points in total.by_month:
            run = run + 1 if points < minimum else 0
            if run >= needed:
                out.append(total.id)
                break
    return out


def elimination_list(rs: RuleSet, result: Result, members: Sequence[str]) -> list[str]:
    """Team members proposed for last-place elimination (末位淘汰), lowest first:
    the bottom k or bottom x %, optionally only those below a minimum score."""
    rule = rs.appraisal.get("elimination")
    if not rule or not members:
        return []
    zero = Decimal(0)
    scored = sorted(
        members, key=lambda m: (result.persons[m].points if m in result.persons else zero, m)
    )
    if "bottom_k" in rule:
        count = int(rule["bottom_k"])
    else:
        count = math.ceil(Decimal(str(rule.get("bottom_percent", 0))) * len(members) / 100)
    chosen = scored[:count]
    if "below" in rule:
        limit = Decimal(str(rule["below"]))
        chosen = [
            m for m in chosen if (result.persons[m].points if m in result.persons else zero) < limit
        ]
    return chosen


def item_awards(rs: RuleSet, result: Result, items: Iterable[Item]) -> list[str]:
    """Items with the most points (优秀信息), optionally only of some kinds."""
    rule = rs.appraisal.get("item_awards")
    if not rule:
        return []
    kinds = set(rule.get("kinds", ()))
    allowed = {i.id for i in items if not kinds or i.kind in kinds}
    points: dict[str, Decimal] = defaultdict(Decimal)
    for line in result.lines:
        if line.person is None and line.item in allowed:
            points[line.item] += line.points
    ranked = sorted((p for p in points.items() if p[1] > 0), key=lambda p: (-p[1], p[0]))
    return [item_id for item_id, _ in ranked[: int(rule["count"])]]
