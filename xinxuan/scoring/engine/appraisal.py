"""Year-end (or any period) appraisal as pure functions over a scoring ``Result``.

The Django appraisal app records the decisions; these functions only compute them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
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


def award_prizes(
    rs: RuleSet,
    result: Result,
    who: str = "collective",
    exclude: Collection[str] = (),
) -> list[Award]:
    """Prizes by rank (tiers with counts), per class if ``by_class``.

    Ineligible entries (below ``min_completion``, vetoed when ``exclude_vetoed``, or
    in ``exclude``) are skipped and their place passes down.
    """
    rule: dict[str, Any] = rs.appraisal.get(who, {})
    if not rule:
        return []
    totals = result.units if who == "collective" else result.persons
    vetoed = vetoed_units(result) if rule.get("exclude_vetoed") else frozenset()
    minimum = rule.get("min_completion")
    groups: dict[str | None, list[Total]] = defaultdict(list)
    for total in totals.values():
        if who == "collective" and _has_children(result, total.id):
            continue
        if total.id in exclude or total.id in vetoed or total.points <= 0:
            continue
        if minimum is not None and (
            total.completion is None or total.completion < Decimal(str(minimum))
        ):
            continue
        groups[total.unit_class if rule.get("by_class") else None].append(total)
    awards: list[Award] = []
    for group, members in groups.items():
        ordered = sorted(members, key=lambda t: (-t.points, t.id))
        index = 0
        for tier in rule.get("tiers", []):
            label = (tier.get("label_zh", tier["id"]), tier.get("label_en", tier["id"]))
            for _ in range(int(tier["count"])):
                if index >= len(ordered):
                    break
                awards.append(Award(tier["id"], label, ordered[index].id, group, index + 1))
                index += 1
    return awards


def _has_children(result: Result, unit: str) -> bool:
    total = result.units[unit]
    return total.points != total.own_points or (total.own_points == 0 and total.points != 0)


def decide_plaque(rs: RuleSet, result: Result, previous_holder: str | None) -> PlaqueDecision:
    """The rotating plaque (流动示范点): completion ≥ threshold and, if required, first
    in class; the highest such unit gets it. When nobody qualifies the holder keeps
    it or it is withdrawn, per ``keep_when_nobody_qualifies``."""
    rule = rs.appraisal.get("plaque", {})
    threshold = Decimal(str(rule.get("threshold", 1)))
    candidates = [
        t
        for t in result.units.values()
        if t.completion is not None
        and t.completion >= threshold
        and (not rule.get("first_in_class", False) or t.class_rank == 1)
        and not _has_children(result, t.id)
    ]
    if candidates:
        best = min(candidates, key=lambda t: (-t.points, t.id))
        pct = (best.completion or Decimal(0)) * 100
        return PlaqueDecision(
            best.id,
            best.id != previous_holder,
            f"{best.id} 完成目标 {pct:.0f}%，得分最高",
            f"{best.id} reached {pct:.0f}% of target with the highest score",
        )
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
