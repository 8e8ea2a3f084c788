"""Turn items and events into score lines (item stage, period stage) and totals."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import groupby, repeat
from math import gcd
from operator import attrgetter, itemgetter
from typing import Any, overload

from .allocation import allocate, integer_weights
from .explain import fmt
from .model import (
    Calc,
    Event,
    Item,
    PeriodData,
    PeriodSum,
    Result,
    ScoreLine,
    Share,
    Total,
    UnitInfo,
    fold_key,
)
from .periods import months_between, period_end, period_key, period_range
from .problems import Problem, ScoringError
from .ruleset import Carrier, RuleSet

ZERO = Decimal(0)
# NamedTuple's own __new__ is a Python function; building lines straight from the
# tuple type saves a frame per line on the hot path.
_new = tuple.__new__
ONE = Decimal(1)
_ITEM_ID = attrgetter("item_id")
Labels = tuple[str, str]

EVENT_LABELS: dict[str, Labels] = {
    "report": ("上报", "report"),
    "adoption": ("采用", "adoption"),
    "endorsement": ("批示", "endorsement"),
    "publication": ("媒体发表", "publication"),
    "prize": ("获奖", "prize"),
    "deduction": ("扣分", "deduction"),
    "item_nullification": ("稿件作废", "item nullification"),
    "period_nullification": ("时段作废", "period nullification"),
    "commission_due": ("约稿", "commission due"),
    "commission_delivered": ("约稿完成", "commission delivered"),
    "commission_missed": ("约稿未完成", "commission missed"),
    "manual_adjustment": ("手工加减分", "manual adjustment"),
}


def _fail(event: Event, key: str, zh: str, en: str) -> ScoringError:
    return ScoringError([Problem(f"event {event.id}", 0, key, zh, en)])


def _event_order(event: Event) -> tuple[datetime.date, str]:
    return (event.date, event.id)


# ------------------------------------------------------------------ valuation


def effective_kind(rs: RuleSet, item: Item) -> str:
    """The item's kind after length thresholds (≥ N 字 counts as another kind)."""
    kind = rs.kinds.get(item.kind)
    if kind is None:
        raise ScoringError(
            [
                Problem(
                    f"item {item.id}",
                    0,
                    "kind",
                    f"未知类别 {item.kind!r}",
                    f"unknown kind {item.kind!r}",
                )
            ]
        )
    if (
        kind.reclassify_at_chars is not None
        and kind.reclassify_as is not None
        and item.char_count >= kind.reclassify_at_chars
    ):
        return kind.reclassify_as
    return item.kind


def _zero(zh: str, en: str) -> tuple[str, str, Decimal]:
    return (zh, en, ZERO)


def _outcome_calc(rs: RuleSet, event: Event, kind: str, route: str | None) -> Calc:
    """Adoption or media publication: carrier, level, kind, grade, placement, use, route."""
    etype = event.type
    key = (
        etype,
        event.carrier,
        event.level,
        kind,
        event.grade,
        event.placement,
        event.use,
        route,
    )
    cached = rs.cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    type_zh, type_en = EVENT_LABELS[etype]
    carrier = rs.carriers.get(event.carrier) if event.carrier else None
    if event.carrier and carrier is None:
        raise _fail(
            event, "carrier", f"未知载体 {event.carrier!r}", f"unknown carrier {event.carrier!r}"
        )
    level: str | None = carrier.level or None if carrier else event.level
    if carrier is not None and level is None:
        # a carrier whose own points decide its value needs no level
        level_zh, level_en = carrier.label
    elif level is None or level not in rs.levels:
        raise _fail(event, "level", f"未知级别 {level!r}", f"unknown level {level!r}")
    else:
        level_zh, level_en = rs.levels[level]
    factors: list[tuple[str, str, Decimal]] = []
    base: Decimal | None = None
    base_label: Labels = (level_zh, f"{level_en} level")
    note: Labels | None = None
    ranged = carrier is not None and (carrier.low is not None or carrier.high is not None)
    if carrier is not None and ranged:
        base, base_label, note = _chosen(event, carrier.id, carrier.low, carrier.high)
    elif carrier is not None:
        if event.grade and event.grade in carrier.grades:
            base = carrier.grades[event.grade]
            base_label = (f"等次 {event.grade}", f"grade {event.grade}")
        elif event.grade:
            raise _fail(
                event,
                "grade",
                f"载体 {carrier.id} 没有等次 {event.grade!r}",
                f"carrier {carrier.id} has no grade {event.grade!r}",
            )
        elif kind in carrier.kinds:
            base = carrier.kinds[kind]
            label = rs.kinds[kind].label
            base_label = (f"{label[0]}", f"{label[1]}")
        elif carrier.points is not None:
            base = carrier.points
            base_label = (level_zh, f"{level_en} level")
    matrix = rs.outcome_matrix[etype]
    if base is None:
        for ancestor in rs.kind_chain(kind):
            row = matrix.get(ancestor)
            if row is not None and level in row:
                base = row[level]
                kl = rs.kinds[ancestor].label
                base_label = (f"{kl[0]} {level_zh}", f"{kl[1]}, {level_en} level")
                break
    if base is None and level is not None:
        base = rs.outcome_points[etype].get(level)
    if base is None:
        base = ZERO
        factors.append(_zero("本级别不计分", "level not scored"))
    kind_rule = rs.kinds[kind]
    if kind_rule.factor != ONE:
        factors.append((kind_rule.label[0], kind_rule.label[1], kind_rule.factor))
    for extra in rs.factors.values():
        if _factor_applies(rs, extra.params, etype, level, carrier, kind):
            factors.append((extra.label[0], extra.label[1], Decimal(str(extra.params["factor"]))))
    if event.placement:
        placement = rs.placements.get(event.placement)
        if placement is None:
            raise _fail(
                event,
                "placement",
                f"未知版面 {event.placement!r}",
                f"unknown placement {event.placement!r}",
            )
        value = Decimal(str(placement.params["value"]))
        if placement.params.get("mode", "multiply") == "replace":
            base = value
            base_label = placement.label
        else:
            factors.append((placement.label[0], placement.label[1], value))
    each_unit = False
    if event.use:
        use = rs.uses.get(event.use)
        if use is None:
            raise _fail(event, "use", f"未知采用方式 {event.use!r}", f"unknown use {event.use!r}")
        if "each_unit" in use.params:
            # 综合采用: a fixed value to each contributing unit, however many there are
            each_unit = True
            base = Decimal(str(use.params["each_unit"]))
            base_label = (f"{use.label[0]}每个单位", f"{use.label[1]}, each unit")
        else:
            factors.append((use.label[0], use.label[1], Decimal(str(use.params.get("factor", 1)))))
    if route:
        rule = rs.routes.get(route)
        if rule is None:
            raise _fail(event, "route", f"未知途径 {route!r}", f"unknown route {route!r}")
        by_level = rule.params.get("levels", {})
        if level in by_level:
            factors.append(
                (
                    f"{rule.label[0]}（报{level_zh}）",
                    f"{rule.label[1]} (to {level_en} level)",
                    Decimal(str(by_level[level])),
                )
            )
        else:
            factors.append(
                (rule.label[0], rule.label[1], Decimal(str(rule.params.get("factor", 1))))
            )
    if carrier is not None:
        if not carrier.counts:
            factors.append(_zero("该载体不计分", "carrier counts nothing"))
        elif carrier.requires_route and route not in carrier.requires_route:
            names = "、".join(rs.routes[r].label[0] for r in carrier.requires_route)
            factors.append(
                (
                    f"须经{names}报送",
                    "only counts if forwarded by " + ", ".join(carrier.requires_route),
                    ZERO,
                )
            )
    name = carrier.label if carrier else (level_zh, f"{level_en} level")
    clause = f"{etype}.carrier.{carrier.id}" if carrier else f"{etype}.level.{level}"
    calc = Calc(
        clause=clause,
        label=(f"{name[0]}{type_zh}", f"{type_en} in {name[1]}"),
        base=base,
        base_label=base_label,
        factors=tuple(factors),
        version=rs.version,
        note=note,
        each_unit=each_unit,
    )
    if not ranged:
        rs.cache[key] = calc
    return calc


def _factor_applies(
    rs: RuleSet,
    p: dict[str, Any],
    etype: str,
    level: str | None,
    carrier: Carrier | None,
    kind: str,
) -> bool:
    """Whether a ``[factors.*]`` rule (市级以上加倍, 期刊减半 …) applies to an outcome."""
    if p.get("events") and etype not in p["events"]:
        return False
    if "min_level" in p and not rs.level_at_least(level, p["min_level"]):
        return False
    if p.get("levels") and level not in p["levels"]:
        return False
    if p.get("carriers") and (carrier is None or carrier.id not in p["carriers"]):
        return False
    if p.get("classes"):
        cls = carrier.carrier_class if carrier is not None else None
        ancestry = []
        while cls is not None and cls not in ancestry:
            ancestry.append(cls)
            cls = rs.carrier_classes[cls].params.get("parent")
        if not set(ancestry) & set(p["classes"]):
            return False
    return not p.get("kinds") or bool(set(rs.kind_chain(kind)) & set(p["kinds"]))


def _chosen(
    event: Event, rule_id: str, low: Decimal | None, high: Decimal | None
) -> tuple[Decimal, Labels, Labels]:
    """An assessor's chosen value inside a rule's range (open on a side without a bound):
    the value, its label with the range, and the note of who chose it and why."""
    shown = f"{low if low is not None else ''}～{high if high is not None else ''}"
    shown_en = f"{low if low is not None else ''}…{high if high is not None else ''}"
    if event.points is None:
        raise _fail(
            event,
            "points",
            f"条款 {rule_id} 须填写评定分值（{shown}）",
            f"clause {rule_id} needs a chosen value ({shown_en})",
        )
    if (low is not None and event.points < low) or (high is not None and event.points > high):
        raise _fail(
            event,
            "points",
            f"评定分值 {event.points} 不在范围 {shown} 内",
            f"chosen value {event.points} is outside {shown_en}",
        )
    who = event.assessor or "?"
    why = event.reason or ""
    return (
        event.points,
        (f"评定分（范围 {shown}）", f"chosen value (range {shown_en})"),
        (f"评定人 {who}：{why}", f"assessed by {who}: {why}"),
    )


# Events worth one fixed value from the rule set: event type → (section of the rule
# set, key in it, clause, labels).  No value in the rule set: the event scores nothing.
_FIXED_EVENTS: dict[str, tuple[str, str, str, Labels]] = {
    "commission_delivered": (
        "commission",
        "delivered",
        "commission.delivered",
        ("约稿完成", "commission delivered"),
    ),
    "commission_missed": (
        "commission",
        "missed",
        "commission.missed",
        ("约稿未完成", "commission missed"),
    ),
    "item_nullification": (
        "nullification",
        "item_deduction",
        "nullification.item",
        ("稿件作废扣分", "deduction for a nullified item"),
    ),
    "period_nullification": (
        "nullification",
        "period_deduction",
        "nullification.period",
        ("时段作废扣分", "deduction for a voided period"),
    ),
}


def _fixed_calc(
    rs: RuleSet,
    clause: str,
    label: Labels,
    base: Decimal,
    base_label: Labels = ("", ""),
    factors: tuple[tuple[str, str, Decimal], ...] = (),
    settings: tuple[str, ...] = (),
) -> Calc:
    key = ("fixed", clause, label, base, base_label, factors, settings)
    cached = rs.cache.get(key)
    if cached is None:
        cached = Calc(
            clause=clause,
            label=label,
            base=base,
            base_label=base_label,
            factors=factors,
            settings=settings,
            version=rs.version,
        )
        rs.cache[key] = cached
    return cached


def _ranged_calc(rs: RuleSet, event: Event, section: str) -> Calc:
    rules = rs.deductions if section == "deduction" else rs.adjustments
    rule = rules.get(event.rule or "")
    if rule is None:
        raise _fail(event, "rule", f"未知条款 {event.rule!r}", f"unknown clause {event.rule!r}")
    params = rule.params
    clause = f"{section}.{rule.id}"
    if "min" not in params and "max" not in params:
        return _fixed_calc(rs, clause, rule.label, Decimal(str(params["points"])))
    low = Decimal(str(params["min"])) if "min" in params else None
    high = Decimal(str(params["max"])) if "max" in params else None
    base, base_label, note = _chosen(event, rule.id, low, high)
    return Calc(
        clause=clause,
        label=rule.label,
        base=base,
        base_label=base_label,
        version=rs.version,
        note=note,
    )


def _value(rs: RuleSet, event: Event, kind: str | None, route: str | None) -> Calc | None:
    """The points an event is worth before shares and item-level settings."""
    t = event.type
    if t == "adoption" or t == "publication":
        if kind is None:
            raise _fail(event, "item_id", "采用/发表须对应稿件", f"a {t} needs an item")
        return _outcome_calc(rs, event, kind, event.route or route)
    if t == "report" or t == "submission":
        return _report_calc(rs, event, kind)
    if t == "endorsement":
        level = event.leader_level
        by_carrier = rs.endorsement_by_carrier.get(level or "", {})
        factors: tuple[tuple[str, str, Decimal], ...] = ()
        if level is None and rs.endorsement_value is not None:
            # the value does not depend on the leader's level
            base = rs.endorsement_value
            base_label = ("领导批示", "leader's endorsement")
            clause = "endorsement.value"
        elif level is None:
            raise _fail(
                event,
                "leader_level",
                "缺少领导级别：本办法按领导级别计批示分",
                "the leader's level is missing: this rule set values endorsements by it",
            )
        elif level not in rs.levels:
            raise _fail(
                event, "leader_level", f"未知领导级别 {level!r}", f"unknown leader level {level!r}"
            )
        elif event.carrier and event.carrier in by_carrier:
            # a leader level × carrier table
            lz, le = rs.levels[level]
            cz, ce = rs.carriers[event.carrier].label
            base = by_carrier[event.carrier]
            base_label = (f"{lz}领导批示{cz}所载稿件", f"{le} leader, item in {ce}")
            clause = f"endorsement.level.{level}"
        else:
            lz, le = rs.levels[level]
            main = event.leader_rank == "main" and level in rs.endorsement_main
            if main or level in rs.endorsement_points or rs.endorsement_value is None:
                base = (rs.endorsement_main if main else rs.endorsement_points).get(level, ZERO)
            else:
                base = rs.endorsement_value
            base_label = (
                (f"{lz}主要领导", f"{le} principal leader")
                if main
                else (f"{lz}领导", f"{le} leader")
            )
            clause = f"endorsement.level.{level}"
        bonus = rs.endorsement_carrier_bonus.get(event.carrier or "")
        if bonus is not None:
            carrier_label = rs.carriers[event.carrier or ""].label
            base = base + bonus
            base_label = (
                f"{base_label[0]} + {carrier_label[0]}加分 {bonus}",
                f"{base_label[1]} + {carrier_label[1]} bonus {bonus}",
            )
        mode = rs.setting("endorsement_mode")
        label = (
            ("领导批示加分", "endorsement bonus")
            if mode == "bonus"
            else ("领导批示", "endorsement")
        )
        return _fixed_calc(rs, clause, label, base, base_label, factors, ("endorsement_mode",))
    if t == "prize":
        prize = rs.prizes.get(event.rule or "")
        if prize is None:
            raise _fail(event, "rule", f"未知奖项 {event.rule!r}", f"unknown prize {event.rule!r}")
        grades = prize.params.get("grades", {})
        if event.grade and event.grade in grades:
            return _fixed_calc(
                rs,
                f"prize.{prize.id}",
                prize.label,
                Decimal(str(grades[event.grade])),
                (f"等次 {event.grade}", f"grade {event.grade}"),
            )
        return _fixed_calc(
            rs, f"prize.{prize.id}", prize.label, Decimal(str(prize.params.get("points", 0)))
        )
    if t == "deduction":
        return _ranged_calc(rs, event, "deduction")
    if t == "manual_adjustment":
        return _ranged_calc(rs, event, "adjustment")
    fixed = _FIXED_EVENTS.get(t)
    if fixed is not None:
        section, key, clause, label = fixed
        value = getattr(rs, section).get(key)
        return None if value is None else _fixed_calc(rs, clause, label, Decimal(str(value)))
    if t == "commission_due":
        return None
    raise _fail(event, "type", f"未知事件类型 {t!r}", f"unknown event type {t!r}")


def _late_calc(rs: RuleSet, event: Event) -> Calc | None:
    """The deduction for a report delivered after it was due (迟报), if the rule set has one."""
    if event.due is None or event.date <= event.due:
        return None
    late = rs.report_late if event.type == "report" else rs.submission_late
    if event.type not in ("report", "submission") or late is None:
        return None
    days = (event.date - event.due).days
    return _fixed_calc(
        rs,
        f"{event.type}.late",
        ("迟报", "late report"),
        late,
        (f"应于 {event.due} 报送，迟 {days} 天", f"due {event.due}, {days} days late"),
    )


def _report_calc(rs: RuleSet, event: Event, kind: str | None) -> Calc:
    """上报 (upward; by the destination's level if the rule set says so) or 报送 (to the
    own office)."""
    if event.type == "submission":
        points, kinds, levels = rs.submission_points, rs.submission_kinds, {}
        label: Labels = ("报送", "submission")
    else:
        points, kinds, levels = rs.report_points, rs.report_kinds, rs.report_levels
        label = ("上报", "report")
    clause = event.type
    if points is None and not kinds and not levels:
        # reports still count for quotas and adoption rates
        return _fixed_calc(rs, clause, (f"{label[0]}（不计分）", f"{label[1]} (no points)"), ZERO)
    carrier = rs.carriers.get(event.carrier or "")
    destination = (carrier.level or None) if carrier is not None else event.level
    if destination in levels:
        lz, le = rs.levels[destination or ""]
        return _fixed_calc(
            rs, clause, label, levels[destination or ""], (f"报{lz}", f"to {le} level")
        )
    if kind is not None and kind in kinds:
        return _fixed_calc(rs, clause, label, kinds[kind])
    return _fixed_calc(rs, clause, label, points or ZERO)


def _with_factor(
    rs: RuleSet, calc: Calc, factor: tuple[str, str, Decimal], setting: str | None
) -> Calc:
    key = ("with", calc, factor, setting)
    cached = rs.cache.get(key)
    if cached is None:
        settings = (
            calc.settings
            if setting is None or setting in calc.settings
            else (*calc.settings, setting)
        )
        cached = Calc(
            clause=calc.clause,
            label=calc.label,
            base=calc.base,
            base_label=calc.base_label,
            factors=(*calc.factors, factor),
            settings=settings,
            version=calc.version,
            note=calc.note,
        )
        if calc.note is None:
            rs.cache[key] = cached
    return cached


# ------------------------------------------------------------------ item stage


def _apply_item_settings(
    rs: RuleSet, valued: list[tuple[Event, Calc]], commissioned: bool = False
) -> list[tuple[Event, Calc]]:
    """Several adoptions / publications / endorsements, report vs adoption, commissioned
    items, nullification."""
    s = rs.settings
    drop: dict[int, tuple[str, str, Decimal, str]] = {}
    for etype, setting in (("adoption", "multi_adoption"), ("publication", "multi_publication")):
        outcomes = [i for i, (e, c) in enumerate(valued) if e.type == etype and c.gross > 0]
        mode = s[setting]
        if len(outcomes) > 1 and mode != "sum":
            top_n = s[f"{setting}_top_n"]
            for i, why in _dropped_outcomes(rs, valued, outcomes, etype, mode, top_n):
                drop[i] = (why[0], why[1], ZERO, setting)
    adoptions = [i for i, (e, c) in enumerate(valued) if e.type == "adoption" and c.gross > 0]
    adopted = any(i not in drop for i in adoptions)
    endorsements = [i for i, (e, c) in enumerate(valued) if e.type == "endorsement" and c.gross > 0]
    if endorsements and s["endorsement_mode"] == "bonus" and not adopted:
        for i in endorsements:
            drop[i] = (
                "稿件未被采用，批示不加分",
                "no adoption, so no endorsement bonus",
                ZERO,
                "endorsement_mode",
            )
    elif len(endorsements) > 1 and s["multi_endorsement"] == "highest":
        best = min(
            endorsements, key=lambda i: (-valued[i][1].gross, valued[i][0].date, valued[i][0].id)
        )
        for i in endorsements:
            if i != best:
                drop[i] = (
                    "多次批示仅计最高",
                    "highest endorsement only",
                    ZERO,
                    "multi_endorsement",
                )
    if adopted and s["report_and_adoption"] == "adoption_only":
        for i, (e, _c) in enumerate(valued):
            if e.type == "report":
                drop[i] = (
                    "已被采用，上报不另计分",
                    "adopted, so the report does not count",
                    ZERO,
                    "report_and_adoption",
                )
    extra: list[tuple[Event, Calc]] = []
    adopted_value = rs.commission.get("adopted")
    counted = [i for i in adoptions if i not in drop]
    if commissioned and adopted_value is not None and counted:
        # 约稿 adopted: its own value, besides the carrier's or instead of it
        first = counted[0]
        if s["commission_adoption"] == "besides":
            extra.append(
                (
                    valued[first][0],
                    _fixed_calc(
                        rs,
                        "commission.adopted",
                        ("约稿采用", "commissioned item adopted"),
                        adopted_value,
                        settings=("commission_adoption",),
                    ),
                )
            )
        else:
            e, c = valued[first]
            valued[first] = (
                e,
                _fixed_calc(
                    rs,
                    c.clause,
                    c.label,
                    adopted_value,
                    ("约稿按约稿分值计", "commissioned: the commission's value"),
                    settings=("commission_adoption",),
                ),
            )
            for i in counted[1:]:
                drop[i] = (
                    "约稿只计一次约稿分值",
                    "commissioned: counted once",
                    ZERO,
                    "commission_adoption",
                )
    nullified = any(e.type == "item_nullification" for e, _c in valued)
    out: list[tuple[Event, Calc]] = []
    for i, (e, c) in enumerate([*valued, *extra]):
        if i in drop:
            zh, en, f, setting = drop[i]
            c = _with_factor(rs, c, (zh, en, f), setting)
        if nullified and c.gross > 0:
            c = _with_factor(rs, c, ("稿件作废", "item nullified", ZERO), None)
        out.append((e, c))
    return out


def _dropped_outcomes(
    rs: RuleSet,
    valued: list[tuple[Event, Calc]],
    outcomes: list[int],
    etype: str,
    mode: str,
    top_n: int,
) -> list[tuple[int, Labels]]:
    """The adoptions (or publications) of one item that ``mode`` does not count."""
    ranked = sorted(
        outcomes, key=lambda i: (-valued[i][1].gross, valued[i][0].date, valued[i][0].id)
    )
    keep: list[int] = []
    if mode == "highest":
        keep = ranked[:1]
        why = ("同一稿件仅计最高", f"highest {etype} only")
    elif mode == "top_levels":
        seen: list[str] = []
        for i in ranked:
            carrier_id = valued[i][0].carrier
            level = rs.carriers[carrier_id].level if carrier_id else valued[i][0].level
            if (level or "") not in seen and len(seen) < top_n:
                seen.append(level or "")
                keep.append(i)
        why = (f"仅计最高的 {top_n} 个不同级别", f"only the top {top_n} distinct levels")
    else:
        classes: set[str] = set()
        for i in ranked:
            carrier = valued[i][0].carrier
            cls = (rs.carriers[carrier].carrier_class or carrier) if carrier else valued[i][0].level
            if (cls or "") not in classes:
                classes.add(cls or "")
                keep.append(i)
        why = ("每类载体只计一次", "once per carrier class")
    return [(i, why) for i in outcomes if i not in keep]


def _unit_split(
    rs: RuleSet, item: Item
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[int, int] | None, ...]]:
    key = ("units", rs.settings["unit_split"], item.units)
    cached = rs.cache.get(key)
    if cached is None:
        cached = _split(item.units, rs.settings["unit_split"], None)
        rs.cache[key] = cached
    return cached


def _person_split(
    rs: RuleSet, item: Item
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[int, int] | None, ...]]:
    key = ("persons", rs.settings["person_split"], item.persons)
    cached = rs.cache.get(key)
    if cached is None:
        mode = rs.settings["person_split"]
        cached = _split(item.persons, mode, rs.settings["person_ratio"])
        rs.cache[key] = cached
    return cached


def _split(
    shares: tuple[Share, ...], mode: str, ratio: list[int] | None
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[int, int] | None, ...]]:
    """Who gets a part and the integer weights; weights == [] means each gets all."""
    if mode == "none" or not shares:
        return ((), (), ())
    if mode == "fixed_each":
        return (tuple(s.id for s in shares), (), tuple(None for _ in shares))
    chosen = list(shares)
    if mode == "equal":
        weights = [1] * len(chosen)
    elif mode == "participants":
        chosen = [s for s in shares if s.weight > 0]
        weights = [1] * len(chosen)
    elif mode == "ratio_first_n":
        assert ratio is not None
        chosen = chosen[: len(ratio)]
        weights = list(ratio[: len(chosen)])
    else:
        weights = integer_weights([s.weight for s in chosen])
    total = sum(weights)
    parts = []
    for w in weights:
        g = gcd(w, total) or 1
        parts.append(None if w == total else (w // g, total // g))
    return (tuple(s.id for s in chosen), tuple(weights), tuple(parts))


def score_item(rs: RuleSet, item: Item, events: Sequence[Event]) -> list[ScoreLine]:
    """Item stage: every line that depends only on this item and its own events."""
    stage = _ItemStage(rs, daily=False)
    stage.add_items(((item, events),), _Buckets())
    return list(stage.lines())


# Everything that decides the value of an event of an item besides the item's kind
# and route (and whether it was revoked). Ranged clauses (a chosen value with an
# assessor's note) are valued per event and never looked up here.
_EVENT_KEY = attrgetter(
    "type",
    "carrier",
    "level",
    "grade",
    "placement",
    "use",
    "route",
    "leader_level",
    "leader_rank",
    "rule",
    "points",
    "revoked",
    "due",
)
_ORDER_KEY = attrgetter("date", "id")
# fields of an item-stage record (one per counted event of an item; see _ItemStage)
_R_ITEM, _R_EVENT, _R_CALC, _R_DATE, _R_TALLY, _R_GRANULE, _R_UNITS, _R_PERSONS = range(8)
# (item, event, calc number, date, tally, granule, unit recipients, person recipients,
# the item's points before this record: shares round once per item, see ``_ItemStage``).
# The calc is kept by its number in ``_ItemStage.calcs``: a record then holds no object
# the garbage collector tracks, so the collector drops it from its lists and full
# collections do not walk a million records again and again.
Record = tuple[str, str, int, datetime.date, int, datetime.date, int, int, Decimal]
Recipients = tuple[
    tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[tuple[int, int] | None, ...]
]


def _fast_value(
    rs: RuleSet,
    e: Event,
    kind: str,
    route: str | None,
    fast: dict[tuple[Any, ...], Hit],
    key: tuple[Any, ...],
) -> Hit:
    """Value an event once per (kind, route, event key); see ``Hit``."""
    t = e.type
    if e.revoked or t == "commission_due":
        hit: Hit = (None, 0, 0, ZERO, "", False, t)
    else:
        calc = _value(rs, e, kind, route)
        plain = (
            t in _PLAIN_TYPES
            and calc is not None
            and calc.note is None
            and not calc.each_unit
            and e.due is None
        )
        hit = _hit(calc, t, plain=plain)
    if hit[0] is None or hit[0].note is None:  # a note belongs to one event
        fast[key] = hit
    return hit


def _hit(calc: Calc | None, t: str, plain: bool = True) -> Hit:
    if calc is None:
        return (None, 0, 0, ZERO, "", plain, t)
    gross = calc.gross
    counted = gross > 0 or t == "report"
    return (
        calc,
        _TALLY_BITS.get(t, 0) if counted else 0,
        1 if calc.category == "adoption" else 0,
        gross,
        calc.fold,
        plain,
        t,
    )


# An event's value as the item stage uses it: (calc, tally bit, adoption 1/0, gross
# points, fold key, plain, type). The tally bit is the event type's bit when the event
# may be the first counted one of its type (quotas, rates and steps count those); a
# *plain* event (report, adoption, publication without a note) needs no item-level
# setting unless the rule set's adoption settings are active.
Hit = tuple[Calc | None, int, int, Decimal, str, bool, str]
_PLAIN_TYPES = frozenset(("report", "submission", "adoption", "publication"))
_TALLY_BITS = {"report": 1, "adoption": 2, "publication": 4, "endorsement": 8, "submission": 16}
_MISS: Hit = (None, 0, 0, ZERO, "", False, "")
_IS_PLAIN = itemgetter(5)
_SHARE_KEY = attrgetter("id", "weight", "unit")


def _adoption_settings_apply(
    hits: list[Hit], multi_active: bool, item_active: bool, multi_publication: bool
) -> bool:
    adoptions = sum(1 for hit in hits if hit[6] == "adoption")
    if adoptions and item_active or adoptions > 1 and multi_active:
        return True
    return multi_publication and sum(1 for hit in hits if hit[6] == "publication") > 1


class _ItemStage:
    """The item stage of a whole run, held compactly.

    A full rescoring yields millions of score lines; building each as an object and
    then summing them again is most of the work. Here every counted event of an item
    becomes one *record* (item, event, calc, date, tally, granule, unit and person
    recipients), and the recipients (units and persons with their integer weights) are
    shared per item. The unit and person sums that the period stage and the totals
    need are counted while the records are made, and ``ScoreLine`` objects are built on
    demand from the same records by ``lines()``: same lines, same order, same points
    (each part comes from the same ``allocate`` call, cached per gross and weights).
    """

    def __init__(self, rs: RuleSet, daily: bool) -> None:
        self.rs = rs
        self.daily = daily
        self.records: list[Record] = []
        # a full run with plain items summed by columns (see ``defer``)
        self.groups: Sequence[tuple[Item, Sequence[Event]]] = ()
        self.summed: list[bool] = []
        self.deferred = 0
        self.rows: Any = None  # columnar.Rows of the deferred items, if any
        self.calcs: list[Calc] = []
        self._calc_ids: dict[int, int] = {}  # id(calc) -> its number (calcs keeps it alive)
        # recipients: (ids, person units or (), weights, shares); index 0 is nobody
        self.recipients: list[Recipients] = [((), (), (), ())]
        self._recipient_ids: dict[object, int] = {}
        self.granule: dict[datetime.date, datetime.date] = {}
        self.null_calc = _fixed_calc(rs, "nullification.item", ("稿件作废", "item nullified"), ZERO)
        self.quantum = rs.share_quantum
        cache = rs.cache
        quantum = self.quantum

        # the cache is keyed by the text of the points: 5 and 5.0 are equal Decimals
        # but their parts are written with different exponents, and a line must not
        # depend on which of them was split first
        def parts(gross: Decimal, weights: tuple[int, ...]) -> list[Decimal]:
            key = ("alloc", str(gross), weights)
            found: list[Decimal] | None = cache.get(key)
            if found is None:
                found = cache[key] = allocate(gross, weights, quantum)
            return found

        self.parts = parts

        def shares(before: Decimal, gross: Decimal, weights: tuple[int, ...]) -> list[Decimal]:
            # rounding once per item: this record's parts are the item's running total
            # split after it minus the running total split before it, so a recipient's
            # parts of an item add up to its share of the item's total, however many
            # events the item had (largest remainder over the item's total)
            if not before:
                return parts(gross, weights)
            key = ("cum", str(before), str(gross), weights)
            found: list[Decimal] | None = cache.get(key)
            if found is None:
                after = parts(before + gross, weights)
                found = cache[key] = [
                    a - b for a, b in zip(after, parts(before, weights), strict=True)
                ]
            return found

        self.shares = shares

    def _recipients(self, key: object, value: Recipients) -> int:
        index = self._recipient_ids.get(key)
        if index is None:
            index = self._recipient_ids[key] = len(self.recipients)
            self.recipients.append(value)
        return index

    def _valued(
        self, item: Item, kind: str, events: Sequence[Event], hits: list[Hit], fast: dict[Any, Hit]
    ) -> tuple[list[Event], list[Hit], bool]:
        """The general path of one item: revoked events, commissions, endorsements,
        deductions, nullification and the item-level settings. Returns the counted
        events with their final values, and whether one of them is a deduction."""
        rs = self.rs
        valued: list[tuple[Event, Calc]] = []
        deductions = False
        due: datetime.date | None = None
        commissioned = False
        for e, hit in zip(events, hits, strict=True):
            if e.revoked:
                continue
            if hit is _MISS:
                hit = _fast_value(rs, e, kind, item.route, fast, _EVENT_KEY(e))
            calc, t = hit[0], hit[6]
            if t == "commission_due":
                due = e.date if due is None else min(due, e.date)
                continue
            if t == "deduction":
                deductions = True
            if calc is not None:
                valued.append((e, calc))
                late = _late_calc(rs, e)
                if late is not None:
                    valued.append((e, late))
            elif t == "item_nullification":
                valued.append((e, self.null_calc))
            if t == "commission_delivered":
                commissioned = True
        valued = _apply_item_settings(rs, valued, commissioned or due is not None)
        late_value = rs.commission.get("late")
        if due is not None and late_value is not None:
            for e, _c in list(valued):
                if e.type == "commission_delivered" and e.date > due:
                    late = _fixed_calc(
                        rs,
                        "commission.late",
                        ("约稿逾期", "commission delivered late"),
                        late_value,
                        (f"截止 {due}", f"due {due}"),
                    )
                    valued.append((e, late))
        return [e for e, _c in valued], [_hit(c, e.type) for e, c in valued], deductions

    def add_items(
        self,
        groups: Iterable[tuple[Item, Sequence[Event]]],
        buckets: _Buckets,
        positions: Sequence[int] | None = None,
    ) -> None:
        """Score items (their events in any order) and add their lines to ``buckets``.

        ``positions`` are the items' places in the run (default: their order here);
        ``buckets.person_first`` keeps the place where each person was first credited.
        """
        rs = self.rs
        person_first = buckets.person_first
        data = buckets.data
        data_get = data.get
        person_sums = buckets.persons
        persons_get = person_sums.get
        person_unit = buckets.person_unit
        recipient_list = self.recipients
        deductions = False
        first = len(self.records)
        cache = rs.cache
        person_mode = rs.settings["person_split"]
        per_item = rs.per_item_shares
        shares = self.shares
        # adoption settings that look at all of an item's adoptions at once
        multi_active = rs.multi_adoption_active
        multi_publication = rs.multi_publication_active
        item_active = rs.item_settings_active
        daily = self.daily
        granule = self.granule
        granule_get = granule.get
        append = self.records.append
        calcs = self.calcs
        calc_ids = self._calc_ids
        calc_ids_get = calc_ids.get
        recipient_ids = self._recipient_ids
        recipients = self._recipients
        event_key = _EVENT_KEY
        order_key = _ORDER_KEY
        is_plain = _IS_PLAIN
        share_key = _SHARE_KEY
        miss = repeat(_MISS)
        for n, (item, events) in enumerate(groups):
            kind_key = ("kind", item.kind, item.char_count, item.route)
            found = cache.get(kind_key)
            if found is None:
                kind = effective_kind(rs, item)
                fast_key = ("fast", kind, item.route)
                found = cache[kind_key] = (kind, cache.setdefault(fast_key, {}))
            kind, fast = found
            if len(events) > 1:
                events = sorted(events, key=order_key)
            hits = list(map(fast.get, map(event_key, events), miss))
            if all(map(is_plain, hits)) and not (
                (multi_active or item_active or multi_publication)
                and _adoption_settings_apply(hits, multi_active, item_active, multi_publication)
            ):
                pass
            else:
                events, hits, deducted = self._valued(item, kind, events, hits, fast)
                deductions = deductions or deducted
                if not hits:
                    continue
            units = item.units
            if len(units) == 1:
                unit_id = units[0].id
                us = recipient_ids.get(unit_id)
                if us is None:
                    us = recipients(unit_id, ((unit_id,), (), (), (None,)))
                first_unit = unit_id
            else:
                # Share's own hash is Python code: key by its fields instead
                ukey = tuple(map(share_key, units))
                us = recipient_ids.get(ukey)
                if us is None:
                    unit_ids, unit_wt, unit_parts = _unit_split(rs, item)
                    us = recipients(ukey, (unit_ids, (), unit_wt, unit_parts))
                first_unit = units[0].id if units else ""
            persons = item.persons
            if len(persons) == 1 and person_mode != "none" and persons[0].weight > 0:
                only = persons[0]
                pkey: object = ("p", only.id, only.unit or first_unit)
                ps = recipient_ids.get(pkey)
                if ps is None:
                    ps = recipients(pkey, ((only.id,), (only.unit or first_unit,), (), (None,)))
            else:
                pkey = ("ps", tuple(map(share_key, persons)), first_unit)
                ps = recipient_ids.get(pkey)
                if ps is None:
                    person_ids, person_wt, person_parts = _person_split(rs, item)
                    by_id = {p.id: (p.unit or first_unit) for p in persons}
                    ps = recipients(
                        pkey,
                        (person_ids, tuple(by_id[p] for p in person_ids), person_wt, person_parts),
                    )
            item_id = item.id
            unit_ids, _none, unit_wt, _shares = recipient_list[us]
            person_ids, person_units, person_wt, _shares = recipient_list[ps]
            tallied = 0
            # one unit and one person, each with all of it: the common case
            simple = not unit_wt and not person_wt and len(unit_ids) == 1 == len(person_ids)
            if simple:
                uid = unit_ids[0]
                pid = person_ids[0]
            running = ZERO  # the item's points so far (shares round once per item)
            for e, (calc, tbit, adopt, gross, fold, _p, _t) in zip(events, hits, strict=True):
                tally = 0
                if tbit & ~tallied:
                    tallied |= tbit
                    tally = 1
                date = e.date
                g = granule_get(date)
                if g is None:
                    g = granule[date] = date if daily else date.replace(day=1)
                cn = calc_ids_get(id(calc))
                if cn is None:
                    cn = calc_ids[id(calc)] = len(calcs)
                    calcs.append(calc)
                if simple:
                    append((item_id, e.id, cn, date, tally, g, us, ps, ZERO))
                else:
                    rus = us
                    before = ZERO
                    if calc.each_unit and unit_wt:
                        # 综合采用: the whole value to each contributing unit
                        each_key = ("each", us)
                        rus = recipient_ids.get(each_key) or recipients(
                            each_key, (unit_ids, (), (), (None,) * len(unit_ids))
                        )
                    elif per_item:
                        before = running
                        running += gross
                    append((item_id, e.id, cn, date, tally, g, rus, ps, before))
                # the sums of the lines this record stands for (see _Buckets.add_all)
                if simple:
                    key = (uid, g, fold)
                    entry = data_get(key)
                    if entry is None:
                        data[key] = [calc, gross, tally, 1]
                    else:
                        entry[1] += gross
                        entry[2] += tally
                        entry[3] += 1
                    pk = (pid, g)
                    entry = persons_get(pk)
                    if entry is None:
                        person_sums[pk] = [gross, tally & adopt]
                        if pid not in person_unit:
                            person_unit[pid] = person_units[0]
                            person_first[pid] = n if positions is None else positions[n]
                    else:
                        entry[0] += gross
                        entry[1] += tally & adopt
                    continue
                if rus is not us:
                    values = [gross] * len(unit_ids)
                elif unit_wt:
                    values = shares(before, gross, unit_wt)
                else:
                    values = [gross] * len(unit_ids)
                for uid, pts in zip(unit_ids, values, strict=True):
                    # a share of nothing (weight 0), or one whose sign differs from the
                    # event's (rounding once per item), is summed by its own sign, as
                    # _Buckets.add_all does: both paths give the same sums
                    key = (
                        uid,
                        g,
                        fold
                        if (pts > 0) == (gross > 0) and (pts < 0) == (gross < 0)
                        else fold_key(calc.clause, pts),
                    )
                    entry = data_get(key)
                    if entry is None:
                        data[key] = [calc, pts, tally, 1]
                    else:
                        entry[1] += pts
                        entry[2] += tally
                        entry[3] += 1
                values = (
                    shares(before, gross, person_wt) if person_wt else [gross] * len(person_ids)
                )
                for pid, puid, pts in zip(person_ids, person_units, values, strict=True):
                    pk = (pid, g)
                    entry = persons_get(pk)
                    if entry is None:
                        person_sums[pk] = [pts, tally & adopt]
                        if pid not in person_unit:
                            person_unit[pid] = puid
                            person_first[pid] = n if positions is None else positions[n]
                    else:
                        entry[0] += pts
                        entry[1] += tally & adopt
        escalating = buckets.escalating
        if escalating and deductions:
            lines = buckets.escalating_lines
            for record in self.records[first:]:
                if calcs[record[2]].clause in escalating:
                    lines.extend(self.lines((record,)))

    def count(self) -> int:
        """The number of score lines the records stand for."""
        sizes = [len(r[0]) for r in self.recipients]
        counts = Counter(map(itemgetter(_R_UNITS, _R_PERSONS), self.records))
        lines: int = sum((sizes[u] + sizes[p]) * n for (u, p), n in counts.items())
        return lines + self.deferred

    def defer(
        self,
        groups: Sequence[tuple[Item, Sequence[Event]]],
        summed: list[bool],
        n: int,
        rows: Any = None,
    ) -> None:
        """The run's items in order; ``summed`` marks those whose sums were taken by
        ``columnar.pre_aggregate`` (``n`` lines): their records are made on demand,
        from ``rows`` (``columnar.Rows``) for the items it has, else by scoring the
        items again."""
        self.groups = groups
        self.summed = summed
        self.deferred = n
        self.rows = rows

    def _replayed(self, groups: list[tuple[Item, Sequence[Event]]]) -> list[Record]:
        """The records of items whose sums were taken by columns: the item stage run
        again over them, into buckets nobody reads."""
        start = len(self.records)
        self.add_items(groups, _Buckets(self.daily))
        made = self.records[start:]
        del self.records[start:]
        return made

    def _from_rows(self, item: Item, events: Sequence[Event], at: int, end: int) -> list[Record]:
        """The records of a plain item with one unit and one person from its rows (see
        ``columnar.Rows``): what ``add_items`` appends for it, without valuing it again
        (the values are the same ``Calc`` objects, from the same cache)."""
        rows = self.rows
        unit_id = item.units[0].id
        us = self._recipient_ids.get(unit_id)
        if us is None:
            us = self._recipients(unit_id, ((unit_id,), (), (), (None,)))
        only = item.persons[0]
        pkey = ("p", only.id, only.unit or unit_id)
        ps = self._recipient_ids.get(pkey)
        if ps is None:
            ps = self._recipients(pkey, ((only.id,), (only.unit or unit_id,), (), (None,)))
        calc_ids, calcs, granule = self._calc_ids, self.calcs, self.granule
        event_of, pair_of, tally_of, pair_calcs = rows.event, rows.pair, rows.tally, rows.calcs
        item_id = item.id
        out = []
        for j in range(at, end):
            e = events[event_of[j]]
            calc = pair_calcs[pair_of[j]]
            cn = calc_ids.get(id(calc))
            if cn is None:
                cn = calc_ids[id(calc)] = len(calcs)
                calcs.append(calc)
            date = e.date
            g = granule.get(date)
            if g is None:
                g = granule[date] = date if self.daily else date.replace(day=1)
            out.append((item_id, e.id, cn, date, tally_of[j], g, us, ps, ZERO))
        return out

    def _in_order(self) -> Iterator[Record]:
        """Every record of the run in item order: kept ones and those made again."""
        records = self.records
        end = len(records)
        at = 0
        batch: list[tuple[Item, Sequence[Event]]] = []
        groups = self.groups
        rows = self.rows
        starts = rows.starts if rows is not None else None
        events: list[Event] = groups.all_events if rows is not None else []  # type: ignore[attr-defined]
        for k, summed in enumerate(self.summed):
            if summed:
                if starts is not None and starts[k] < starts[k + 1]:
                    if batch:
                        yield from self._replayed(batch)
                        batch = []
                    item = groups.items[k]  # type: ignore[attr-defined]
                    yield from self._from_rows(item, events, starts[k], starts[k + 1])
                    continue
                batch.append(groups[k])
                if len(batch) >= 1000:
                    yield from self._replayed(batch)
                    batch = []
                continue
            if batch:
                yield from self._replayed(batch)
                batch = []
            item_id = groups[k][0].id
            start = at
            while at < end and records[at][0] == item_id:
                at += 1
            yield from records[start:at]
        if batch:
            yield from self._replayed(batch)

    def grouped_lines(self, records: Iterable[Record] | None = None) -> Iterator[LineGroup]:
        """The score lines as groups, one per record (see ``line_groups``): the
        record's item, event, date and tally, and its lines' parts, one tuple shared
        by every record with the same calc, recipients and points before it."""
        if records is None and self.deferred:
            records = self._in_order()
        recipients = self.recipients
        split = self.shares
        calcs = self.calcs
        made: dict[tuple[Any, ...], tuple[LinePart, ...]] = {}
        made_get = made.get
        for item_id, event_id, cn, date, tally, _g, us, ps, before in (
            self.records if records is None else records
        ):
            # ``before`` by its text: 1.5 and 1.50 are equal but split with different
            # exponents (nothing before, whatever its exponent, splits the same)
            key = (cn, us, ps, str(before)) if before else (cn, us, ps)
            parts = made_get(key)
            if parts is None:
                calc = calcs[cn]
                gross = calc.gross
                out: list[LinePart] = []
                ids, _pu, weights, shares = recipients[us]
                if weights:
                    for uid, share, pts in zip(
                        ids, shares, split(before, gross, weights), strict=True
                    ):
                        out.append((uid, None, calc, share, pts))
                else:
                    out.extend((uid, None, calc, None, gross) for uid in ids)
                ids, punits, weights, shares = recipients[ps]
                if weights:
                    for pid, puid, share, pts in zip(
                        ids, punits, shares, split(before, gross, weights), strict=True
                    ):
                        out.append((puid, pid, calc, share, pts))
                else:
                    out.extend(
                        (puid, pid, calc, None, gross)
                        for pid, puid in zip(ids, punits, strict=True)
                    )
                parts = made[key] = tuple(out)
            yield (item_id, event_id, date, tally, parts)

    def lines(self, records: Iterable[Record] | None = None) -> Iterator[ScoreLine]:
        """The score lines, built from the records (per record: unit lines, then person
        lines, exactly as they were always ordered)."""
        for item_id, event_id, date, tally, parts in self.grouped_lines(records):
            for unit, person, calc, share, pts in parts:
                yield _new(
                    ScoreLine, (unit, person, item_id, event_id, calc, share, pts, date, tally)
                )


# A line without its event: unit, person (None for unit credit), calc, share, points.
LinePart = tuple[str, str | None, Calc, tuple[int, int] | None, Decimal]
# The lines of one event's record: item, event, date, tally, and its lines' parts.
LineGroup = tuple[str | None, str | None, datetime.date, int, tuple[LinePart, ...]]


def line_groups(lines: Sequence[ScoreLine]) -> Iterator[LineGroup]:
    """The lines of a run in their order, grouped as they were made: per event of an
    item, its item, event, date and tally once, with the parts that differ per line
    (unit, person, calc, share, points) in a tuple shared by every event with the same
    value and recipients — a writer of a million lines turns each distinct part into
    a row's values once, and no ``ScoreLine`` object is made on the way. Lines not made
    by the item stage (the period stage's) come one group each."""
    if isinstance(lines, _Ledger) and lines._all is None:
        yield from lines._stage.grouped_lines()
        rest: Iterable[ScoreLine] = lines._tail
    else:
        rest = lines
    for line in rest:
        yield (
            line.item,
            line.event,
            line.date,
            line.tally,
            ((line.unit, line.person, line.calc, line.share, line.points),),
        )


class _Ledger(Sequence[ScoreLine]):
    """``Result.lines`` of a full run: the item-stage lines, built on demand from the
    compact records of ``_ItemStage``, followed by the period-stage lines.

    Iterating builds each line as it goes; indexing builds (and keeps) them all once.
    """

    __slots__ = ("_all", "_len", "_stage", "_tail")

    def __init__(self, stage: _ItemStage, tail: Sequence[ScoreLine]) -> None:
        self._stage = stage
        self._tail = tuple(tail)
        self._len: int | None = None
        self._all: tuple[ScoreLine, ...] | None = None

    def __iter__(self) -> Iterator[ScoreLine]:
        if self._all is not None:
            yield from self._all
            return
        yield from self._stage.lines()
        yield from self._tail

    def __len__(self) -> int:
        if self._len is None:
            self._len = self._stage.count() + len(self._tail)
        return self._len

    @overload
    def __getitem__(self, index: int) -> ScoreLine: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ScoreLine, ...]: ...

    def __getitem__(self, index: int | slice) -> ScoreLine | tuple[ScoreLine, ...]:
        if self._all is None:
            self._all = tuple(self)
        return self._all[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


# ------------------------------------------------------------------ period stage


def _matches(clause: str, prefixes: Sequence[str]) -> bool:
    return any(clause == p or clause.startswith(p + ".") for p in prefixes)


class _Buckets:
    """Unit lines summed per (unit, month, clause, sign of the points) for the period
    rules and totals; per (unit, day, …) when a rule works by weeks. Person lines are
    summed per (person, month) apart. Sums are exact, so the order of adding does not
    matter.

    Period rules only look at clauses, signs and sums, never at one line, so each sum
    keeps a calc of its clause (the first one added) to name it.
    """

    def __init__(self, daily: bool = False, escalating: frozenset[str] = frozenset()) -> None:
        self.daily = daily
        self.escalating = escalating
        self.escalating_lines: list[ScoreLine] = []
        # (unit, granule, fold key: clause and sign) -> [a calc of the clause, points, tally, lines]
        self.data: dict[tuple[str, datetime.date, str], list[Any]] = {}
        self.persons: dict[tuple[str, datetime.date], list[Any]] = {}
        self.person_unit: dict[str, str] = {}
        # person -> place in the run of the item that first credited them (full runs)
        self.person_first: dict[str, int] = {}
        self.granule: dict[datetime.date, datetime.date] = {}
        self._groups: dict[tuple[str, datetime.date], dict[str, list[Any]]] | None = None

    def _granule(self, date: datetime.date) -> datetime.date:
        g = self.granule.get(date)
        if g is None:
            g = self.granule[date] = date if self.daily else date.replace(day=1)
        return g

    def add(self, line: ScoreLine) -> None:
        self.add_all((line,))

    def add_all(self, lines: Iterable[ScoreLine]) -> None:
        data = self.data
        persons = self.persons
        granule = self.granule
        person_unit = self.person_unit
        escalating = self.escalating
        for line in lines:
            date = line.date
            g = granule.get(date)
            if g is None:
                g = self._granule(date)
            person = line.person
            calc = line.calc
            if person is not None:
                pkey = (person, g)
                pentry = persons.get(pkey)
                adopted = 1 if line.tally and calc.category == "adoption" else 0
                if pentry is None:
                    persons[pkey] = [line.points, adopted]
                    if person not in person_unit:
                        person_unit[person] = line.unit
                else:
                    pentry[0] += line.points
                    pentry[1] += adopted
                if escalating and calc.clause in escalating:
                    self.escalating_lines.append(line)
                continue
            if escalating and calc.clause in escalating:
                self.escalating_lines.append(line)
            points = line.points
            fold = calc.fold if points == calc.gross else fold_key(calc.clause, points)
            key = (line.unit, g, fold)
            entry = data.get(key)
            if entry is None:
                entry = data[key] = [calc, points, line.tally, 1]
                if self._groups is not None:
                    self._groups.setdefault((line.unit, g), {})[fold] = entry
            else:
                entry[1] += points
                entry[2] += line.tally
                entry[3] += 1

    def add_sums(self, sums: Iterable[PeriodSum]) -> None:
        """Lines already summed (by the ledger) count as the lines they sum. Each sum
        holds lines of one clause and one sign, so it folds under that sign."""
        data = self.data
        for s in sums:
            calc = Calc(s.clause, ("", ""), s.points, ("", ""))
            key = (s.unit, self._granule(s.date), calc.fold)
            entry = data.get(key)
            if entry is None:
                entry = data[key] = [calc, s.points, s.tally, s.lines]
                if self._groups is not None:
                    self._groups.setdefault((s.unit, key[1]), {})[calc.fold] = entry
            else:
                entry[1] += s.points
                entry[2] += s.tally
                entry[3] += s.lines

    def groups(self) -> dict[tuple[str, datetime.date], dict[str, list[Any]]]:
        """The sums by (unit, granule), then by (clause, sign): [a calc of the clause,
        points, tally, lines]. The same lists as in ``data``; built on first use and kept
        up to date by later lines (period rules)."""
        groups = self._groups
        if groups is None:
            groups = self._groups = {}
            for (unit, date, fold), entry in self.data.items():
                inner = groups.get((unit, date))
                if inner is None:
                    inner = groups[(unit, date)] = {}
                inner[fold] = entry
        return groups

    def by_period(self, kind: str) -> dict[tuple[str, str], list[list[Any]]]:
        """The sums per (unit, period of ``kind``): [a calc, points, tally, lines]."""
        out: dict[tuple[str, str], list[list[Any]]] = defaultdict(list)
        keys: dict[datetime.date, str] = {}
        for (unit, date), folded in self.groups().items():
            pk = keys.get(date)
            if pk is None:
                pk = keys[date] = period_key(date, kind)
            out[(unit, pk)].extend(folded.values())
        return out

    def line_counts(self, kind: str, clause: str) -> dict[tuple[str, str], int]:
        """Number of unit lines of a clause (prefix) per (unit, period)."""
        out: dict[tuple[str, str], int] = defaultdict(int)
        for (unit, date), folded in self.groups().items():
            for calc, _points, _tally, n in folded.values():
                name = calc.clause
                if _matches(name, (clause,)) and not name.endswith("escalation"):
                    out[(unit, period_key(date, kind))] += n
        return out


def score_period(
    rs: RuleSet,
    item_lines: Iterable[ScoreLine],
    period_events: Sequence[Event],
    period_data: PeriodData,
    sums: Iterable[PeriodSum] = (),
) -> list[ScoreLine]:
    """Period stage: lines from unit-level events and from aggregates per period.

    Applied in this order: unit-level events, escalation, period nullification,
    quotas, adoption rates, step rules, caps, base (with floor and cap on additions),
    vetoes. Period rules apply to unit credit only.

    Unit lines of items may come as lines or already summed (``sums``); lines of an
    escalating deduction must come as lines, since their order counts.
    """
    buckets = _Buckets(rs.uses_weeks, rs.escalating)
    item_lines = list(item_lines)
    buckets.add_all(item_lines)
    buckets.add_sums(sums)
    return _period_stage(rs, item_lines, buckets, period_events, period_data)


def _period_stage(
    rs: RuleSet,
    item_lines: list[ScoreLine],
    buckets: _Buckets,
    period_events: Sequence[Event],
    period_data: PeriodData,
) -> list[ScoreLine]:
    out: list[ScoreLine] = []
    nullified_periods: list[tuple[str, datetime.date]] = []
    for e in sorted(period_events, key=_event_order):
        if e.revoked:
            continue
        if e.unit is None:
            raise _fail(
                e, "unit", "不对应稿件的事件须指定单位", "an event without an item needs a unit"
            )
        if e.type in ("adoption", "publication", "report"):
            raise _fail(e, "item_id", "采用/发表/上报须对应稿件", f"a {e.type} needs an item")
        if e.type == "period_nullification":
            nullified_periods.append((e.unit, e.date))
        calc = _value(rs, e, None, e.route)
        if calc is None:
            continue
        line = ScoreLine(e.unit, None, None, e.id, calc, None, calc.gross, e.date, 0)
        out.append(line)
        buckets.add(line)
        if e.person is not None:
            # a deduction or adjustment that names a person counts in the person's total
            person_line = ScoreLine(e.unit, e.person, None, e.id, calc, None, calc.gross, e.date, 0)
            out.append(person_line)
            buckets.add(person_line)

    def emit(unit: str, date: datetime.date, calc: Calc, points: Decimal) -> None:
        line = ScoreLine(unit, None, None, None, calc, None, points, date, 0)
        out.append(line)
        buckets.add(line)

    # escalating deductions: the n-th deduction of a clause in a period weighs more
    escalating = {
        f"deduction.{d.id}": d for d in rs.deductions.values() if d.params.get("escalation")
    }
    if escalating:
        seen: dict[tuple[str, str, str], int] = defaultdict(int)
        candidates = [line for line in buckets.escalating_lines if line.event is not None]
        counted: set[tuple[str, str | None, str | None]] = set()
        for line in sorted(
            candidates, key=lambda ln: (ln.date, ln.event or "", ln.unit, ln.person or "")
        ):
            rule = escalating[line.calc.clause]
            if line.person is not None and not rule.params.get("escalation_persons"):
                continue
            who = line.unit if line.person is None else line.person
            if (who, line.person, line.event) in counted:
                continue
            counted.add((who, line.person, line.event))
            pkind = rule.params.get("escalation_period", "year")
            nkey = (f"{who}\0{line.person is None}", rule.id, period_key(line.date, pkind))
            seen[nkey] += 1
            steps = [Decimal(str(v)) for v in rule.params["escalation"]]
            factor = steps[min(seen[nkey], len(steps)) - 1]
            if factor != ONE:
                extra = _fixed_calc(
                    rs,
                    f"deduction.{rule.id}.escalation",
                    (f"{rule.label[0]}（累犯加重）", f"{rule.label[1]} (repeated)"),
                    line.points,
                    (f"第 {seen[nkey]} 次", f"occurrence {seen[nkey]}"),
                    (("倍数 − 1", "factor − 1", factor - ONE),),
                )
                if line.person is None:
                    emit(line.unit, line.date, extra, extra.gross)
                else:
                    # the person's own n-th deduction, in the person's total
                    person_line = _new(
                        ScoreLine,
                        (
                            line.unit,
                            line.person,
                            None,
                            None,
                            extra,
                            None,
                            extra.gross,
                            line.date,
                            0,
                        ),
                    )
                    out.append(person_line)
                    buckets.add(person_line)

    units = [u.id for u in period_data.units] or sorted({u for u, _d, _f in buckets.data})
    null_kind = rs.nullification.get("period", "month")
    voided: set[tuple[str, str]] = set()
    if nullified_periods:
        grouped = buckets.by_period(null_kind)
        for unit, date in nullified_periods:
            key = period_key(date, null_kind)
            if (unit, key) in voided:
                continue
            voided.add((unit, key))
            total = sum(
                (
                    p
                    for c, p, _t, _n in grouped.get((unit, key), ())
                    if c.clause != "nullification.period"
                ),
                ZERO,
            )
            if total:
                calc = _fixed_calc(
                    rs,
                    "nullification.period",
                    ("时段作废", "period voided"),
                    -total,
                    (f"{key} 已得分", f"points of {key}"),
                    (),
                )
                emit(unit, period_end(date, null_kind), calc, -total)

    def periods_for(kind: str) -> list[tuple[str, str, datetime.date]]:
        start = period_data.start or rs.effective_from
        end = period_data.end or rs.effective_to
        keys: dict[str, datetime.date] = {}
        day = start
        while day <= end:  # period by period, not day by day: one stage per change
            last = period_end(day, kind)
            keys.setdefault(period_key(day, kind), last)
            day = last + datetime.timedelta(days=1)
        return [(unit, key, last) for unit in units for key, last in keys.items()]

    # Vetoes are decided here, from the events counted so far (the period rules below
    # add no lines they count), so that the quotas know which periods are voided.
    vetoed: dict[tuple[str, str], list[tuple[str, str, datetime.date, int]]] = defaultdict(list)
    for veto in rs.vetoes.values():
        kind = veto.params.get("period", "year")
        clause_for = {
            "commission_missed": "commission.missed",
            "deduction": "deduction",
            "item_nullification": "nullification.item",
            "period_nullification": "nullification.period",
        }.get(veto.params["event"], veto.params["event"])
        counted_lines = buckets.line_counts(kind, clause_for)
        for unit, key, last in periods_for(kind):
            count = counted_lines.get((unit, key), 0)
            if count >= veto.params["count"]:
                vetoed[(unit, kind)].append((veto.id, key, last, count))
    counts_voided = rs.setting("voided_period_counts_as_shortfall")

    def void_of(unit: str, kind: str, key: str, last: datetime.date) -> bool:
        """Whether a period of ``kind`` lies in a period voided by nullification or veto:
        the whole of it, so a vetoed month voids the months inside it only, never the
        quarter or year around it."""
        if _voided(voided, unit, key, kind, null_kind):
            return True
        first = period_range(key)[0]
        return any(
            period_key(first, vkind) == vkey and period_key(last, vkind) == vkey
            for (vunit, vkind), hits in vetoed.items()
            if vunit == unit
            for _id, vkey, _last, _count in hits
        )

    met: set[tuple[str, str, str]] = set()
    for quota in rs.quotas.values():
        p = quota.params
        grouped = buckets.by_period(p["period"])
        for unit, key, last in periods_for(p["period"]):
            required = period_data.quotas.get((unit, quota.id), Decimal(str(p["required"])))
            void = (voided or vetoed) and void_of(unit, p["period"], key, last)
            if void and not counts_voided:
                continue
            entries = grouped.get((unit, key), ())
            if void:
                actual = ZERO  # the voided period is measured from its 0
            elif p["counts"] == "points":
                if rs.setting("shortfall_basis") == "adoption_points":
                    actual = sum(
                        (pt for c, pt, _t, _n in entries if c.category == "adoption"), ZERO
                    )
                else:
                    actual = sum(
                        (pt for c, pt, _t, _n in entries if not c.clause.startswith("quota.")),
                        ZERO,
                    )
            else:
                actual = Decimal(sum(t for c, _pt, t, _n in entries if c.category == p["counts"]))
            shortfall = required - actual
            settings_used = tuple(
                name
                for name, used in (
                    ("voided_period_counts_as_shortfall", bool(void)),
                    ("shortfall_basis", p["counts"] == "points"),
                )
                if used
            )
            if shortfall <= 0:
                met.add((unit, quota.id, key))
                if "met" in p:
                    calc = _fixed_calc(
                        rs,
                        f"quota.{quota.id}.met",
                        (f"{quota.label[0]}（完成）", f"{quota.label[1]} (met)"),
                        Decimal(str(p["met"])),
                        (
                            f"{key} 要求 {fmt(required)}，完成 {fmt(actual)}",
                            f"{key}: required {fmt(required)}, done {fmt(actual)}",
                        ),
                        (),
                        settings_used,
                    )
                    emit(unit, last, calc, calc.gross)
                continue
            basis = p.get("basis")
            if basis is None:
                continue
            if basis == "per_piece":
                value = Decimal(str(p["per_piece"]))
                factors: tuple[tuple[str, str, Decimal], ...] = (("缺额", "shortfall", shortfall),)
            elif basis == "flat":
                value = Decimal(str(p["flat"]))
                factors = ()
            else:
                value = -Decimal(str(p["k"]))
                factors = (("差额", "points shortfall", shortfall),)
            calc = _fixed_calc(
                rs,
                f"quota.{quota.id}",
                quota.label,
                value,
                (
                    f"{key} 要求 {fmt(required)}，完成 {fmt(actual)}",
                    f"{key}: required {fmt(required)}, done {fmt(actual)}",
                ),
                factors,
                settings_used,
            )
            emit(unit, last, calc, calc.gross)

    for rate in rs.rates.values():
        p = rate.params
        grouped = buckets.by_period(p["period"])
        below = Decimal(str(p["below"]))
        for unit, key, last in periods_for(p["period"]):
            entries = grouped.get((unit, key), ())
            reported = sum(t for c, _pt, t, _n in entries if c.category == "report")
            adopted = sum(t for c, _pt, t, _n in entries if c.category == "adoption")
            if reported < p.get("min_reports", 1):
                continue
            ratio = Decimal(adopted) / Decimal(reported)
            if ratio < below:
                calc = _fixed_calc(
                    rs,
                    f"rate.{rate.id}",
                    rate.label,
                    Decimal(str(p["points"])),
                    (
                        f"{key} 采用率 {adopted}/{reported} < {below}",
                        f"{key} adoption rate {adopted}/{reported} < {below}",
                    ),
                )
                emit(unit, last, calc, calc.gross)

    for step in rs.steps.values():
        p = step.params
        grouped = buckets.by_period(p["period"])
        thresholds = sorted(((int(n), Decimal(str(v))) for n, v in p["thresholds"]), reverse=True)
        for unit, key, last in periods_for(p["period"]):
            count = sum(
                t for c, _pt, t, _n in grouped.get((unit, key), ()) if c.category == p["counts"]
            )
            for needed, value in thresholds:
                if count >= needed:
                    calc = _fixed_calc(
                        rs,
                        f"step.{step.id}",
                        step.label,
                        value,
                        (f"{key} 共 {count} 条 ≥ {needed}", f"{key}: {count} items ≥ {needed}"),
                    )
                    emit(unit, last, calc, value)
                    break

    for cap in rs.caps.values():
        p = cap.params
        grouped = buckets.by_period(p["period"])
        limit = Decimal(str(p["cap"]))
        for unit, key, last in periods_for(p["period"]):
            total = sum(
                (
                    pt
                    for c, pt, _t, _n in grouped.get((unit, key), ())
                    if _matches(c.clause, p["clauses"])
                ),
                ZERO,
            )
            if total > limit:
                calc = _fixed_calc(
                    rs,
                    f"cap.{cap.id}",
                    cap.label,
                    limit - total,
                    (
                        f"{key} 得分 {fmt(total)}，上限 {fmt(limit)}",
                        f"{key}: {fmt(total)} points, cap {fmt(limit)}",
                    ),
                )
                emit(unit, last, calc, limit - total)

    if rs.base is not None:
        p = rs.base
        grouped = buckets.by_period(p["period"])
        base = Decimal(str(p["points"]))
        floor = Decimal(str(p.get("floor", 0)))
        cap_add = Decimal(str(p["cap_additions"])) if "cap_additions" in p else None
        floor_on = rs.setting("floor_applies_to")
        needs = p.get("requires_quota")
        for unit, key, last in periods_for(p["period"]):
            entries = grouped.get((unit, key), ())
            additions = sum((pt for _c, pt, _t, _n in entries if pt > 0), ZERO)
            deductions = -sum((pt for _c, pt, _t, _n in entries if pt < 0), ZERO)
            paid = needs is None or (unit, needs, key) in met
            emit(
                unit,
                last,
                _fixed_calc(rs, "base", ("基础分", "period base"), base, (key, key))
                if paid
                else _fixed_calc(
                    rs,
                    "base",
                    ("基础分", "period base"),
                    base,
                    (key, key),
                    (("任务未完成，不计基础分", "task not met, no base", ZERO),),
                ),
                base if paid else ZERO,
            )
            if cap_add is not None and additions > cap_add:
                calc = _fixed_calc(
                    rs,
                    "base.cap",
                    ("加分上限", "cap on additions"),
                    cap_add - additions,
                    (
                        f"{key} 加分 {fmt(additions)}，上限 {fmt(cap_add)}",
                        f"{key}: additions {fmt(additions)}, cap {fmt(cap_add)}",
                    ),
                )
                emit(unit, last, calc, calc.gross)
                additions = cap_add
            if not paid:
                continue  # no base to use up: deductions count in full
            if floor_on == "base":
                excess = deductions - (base - floor)
            else:
                excess = floor - (base + additions - deductions)
            if excess > 0:
                calc = _fixed_calc(
                    rs,
                    "base.floor",
                    ("保底", "floor"),
                    excess,
                    (f"{key} 不低于 {fmt(floor)}", f"{key}: not below {fmt(floor)}"),
                    (),
                    ("floor_applies_to",),
                )
                emit(unit, last, calc, excess)

    for veto in rs.vetoes.values():
        kind = veto.params.get("period", "year")
        grouped = buckets.by_period(kind)
        for unit, key, last in periods_for(kind):
            count = next(
                (
                    n
                    for vid, vkey, _l, n in vetoed.get((unit, kind), ())
                    if vid == veto.id and vkey == key
                ),
                0,
            )
            if not count:
                continue
            entries = grouped.get((unit, key), ())
            # the period scores exactly 0, as the regulations word it; with
            # voided_period_counts_as_shortfall its task shortfall, measured from that
            # 0, is charged on top.  A longer period's quota line that merely falls on
            # its last day (a quarter's, in a vetoed March) is not the period's to void.
            total = sum(
                (
                    pt
                    for c, pt, _t, _n in entries
                    if not (
                        c.category == "quota"
                        and (counts_voided or _longer_quota(rs, c.clause, kind))
                    )
                ),
                ZERO,
            )
            if total:
                calc = _fixed_calc(
                    rs,
                    f"veto.{veto.id}",
                    veto.label,
                    -total,
                    (
                        f"{key} 共 {count} 次，得分归零",
                        f"{key}: {count} times, score set to zero",
                    ),
                    (),
                    ("voided_period_counts_as_shortfall",) if counts_voided else (),
                )
                emit(unit, last, calc, -total)
    return out


PERIOD_LENGTH = {"week": 0, "month": 1, "quarter": 2, "half": 3, "year": 4}


def _longer_quota(rs: RuleSet, clause: str, kind: str) -> bool:
    """Whether the quota behind a ``quota.<id>`` line runs over a longer period than
    ``kind``."""
    quota = rs.quotas.get(clause.split(".")[1])
    return quota is not None and PERIOD_LENGTH[quota.params["period"]] > PERIOD_LENGTH[kind]


def _voided(voided: set[tuple[str, str]], unit: str, key: str, kind: str, null_kind: str) -> bool:
    if not voided:
        return False
    if kind == null_kind:
        return (unit, key) in voided
    return False


# ------------------------------------------------------------------ whole run


def score(
    rs: RuleSet,
    items: Iterable[Item],
    events: Iterable[Event],
    period_data: PeriodData | None = None,
) -> Result:
    """Score everything: item stage, period stage and totals."""
    period_data = period_data or PeriodData()
    events = events if isinstance(events, list) else list(events)
    if len(events) >= COLUMNAR_MIN_EVENTS:
        items = items if isinstance(items, list) else list(items)
        result = _score_by_columns(rs, items, events, period_data)
        if result is not None:
            return result
    # events usually come item by item: group runs in C, merge the rare split runs
    runs = [(item_id, list(run)) for item_id, run in groupby(events, _ITEM_ID)]
    by_item = dict(runs)
    if len(by_item) < len(runs):
        by_item = {}
        for item_id, run in runs:
            bucket = by_item.get(item_id)
            if bucket is None:
                by_item[item_id] = run
            else:
                bucket.extend(run)
    del runs
    loose = by_item.pop(None, [])
    item_map = {item.id: item for item in items}
    if by_item.keys() - item_map.keys():
        missing = [item_id for item_id in by_item if item_id not in item_map]
        raise ScoringError(
            [
                Problem(
                    f"item {m}",
                    0,
                    "item_id",
                    "事件引用了不存在的稿件",
                    "event refers to an unknown item",
                )
                for m in missing[:20]
            ]
        )
    stage = _ItemStage(rs, rs.uses_weeks)
    buckets = _Buckets(rs.uses_weeks, rs.escalating)
    groups = zip(map(item_map.__getitem__, by_item), by_item.values(), strict=True)
    stage.add_items(groups, buckets)
    period_lines = _period_stage(rs, [], buckets, loose, period_data)
    lines = _Ledger(stage, period_lines)
    return _totals(rs, lines, buckets, period_data)


# Runs of at least this many events take the columnar path for their plain items (a
# test sets it to 0 to compare both paths on small inputs).
COLUMNAR_MIN_EVENTS = 50_000


def _score_by_columns(
    rs: RuleSet, items: list[Item], events: list[Event], period_data: PeriodData
) -> Result | None:
    """A full run with its plain items summed by columns (``columnar``), or None when
    that path does not apply (numpy missing, an input error: ``score`` then runs the
    ordinary way, which reports errors in its own order).

    Events are grouped by item with one stable sort of their item numbers (the same
    groups, in the same order, as ``score``'s own grouping), into one list: no list or
    tuple per item outlives the run's start, so the garbage collector's full
    collections, which walk every object of the input, stay rare."""
    try:
        import numpy as np

        from . import columnar
    except ImportError:  # pragma: no cover - numpy is a dependency
        return None
    # each item numbered in the order its first event comes (events without an item: -1)
    place = columnar.Codes()
    place[None] = -1
    positions = np.fromiter(map(place.__getitem__, map(_ITEM_ID, events)), np.int64, len(events))
    del place[None]
    positions[positions >= 0] -= 1
    # items usually come in the order of their first events: then they are the runs'
    # items as they are, without a dictionary of all items
    ordered = list(map(attrgetter("id"), items))
    if ordered == list(place):
        run_items = list(items)  # a copy: the lines built later must not see changes
    else:
        item_map = dict(zip(ordered, items, strict=True))
        try:
            run_items = list(map(item_map.__getitem__, place))
        except KeyError:
            return None
        del item_map
    del ordered
    runs = columnar.Runs(run_items, events, positions)
    del place, positions, run_items
    cache = rs.cache

    def kind_of(item: Item) -> tuple[str, dict[Any, Hit]]:
        kind_key = ("kind", item.kind, item.char_count, item.route)
        found = cache.get(kind_key)
        if found is None:
            kind = effective_kind(rs, item)
            found = cache[kind_key] = (kind, cache.setdefault(("fast", kind, item.route), {}))
        kind_found: tuple[str, dict[Any, Hit]] = found
        return kind_found

    def hit(e: Event, kind: str, route: str | None, fast: dict[Any, Hit], key: Any) -> Hit:
        return _fast_value(rs, e, kind, route, fast, key)

    person_mode = rs.settings["person_split"]
    # who of an item's units or persons gets a part, with which integer weight, depends
    # only on the mode and the weights in order: one split per (side, weights)
    splits: dict[tuple[str, tuple[Any, ...]], tuple[tuple[int, ...], tuple[int, ...]]] = {}
    _weight = attrgetter("weight")
    _id = attrgetter("id")
    _unit = attrgetter("unit")

    def split_weights(
        side: str, weights: tuple[Any, ...]
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        found = splits.get((side, weights))
        if found is None:
            numbered = tuple(Share(str(i), w) for i, w in enumerate(weights))
            if side == "units":
                ids, wt, _parts = _split(numbered, rs.settings["unit_split"], None)
            else:
                ids, wt, _parts = _split(numbered, person_mode, rs.settings["person_ratio"])
            found = splits[(side, weights)] = (tuple(map(int, ids)), wt)
        return found

    def split(side: str, shares: tuple[Share, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return split_weights(side, tuple(map(_weight, shares)))

    def recipients(item: Item) -> tuple[Any, ...]:
        """An item's units and persons with their weights, as ``add_items`` has them."""
        units = item.units
        first_unit = units[0].id if units else ""
        if len(units) == 1:
            unit_ids: tuple[str, ...] = (first_unit,)
            unit_wt: tuple[int, ...] = ()
        else:
            at, unit_wt = split("units", units)
            unit_ids = tuple(map(_id, map(units.__getitem__, at)))
        persons = item.persons
        if len(persons) == 1 and person_mode != "none" and persons[0].weight > 0:
            only = persons[0]
            return (unit_ids, unit_wt, (only.id,), (only.unit or first_unit,), ())
        at, person_wt = split("persons", persons)
        person_ids = tuple(map(_id, map(persons.__getitem__, at)))
        every = tuple(map(_id, persons))
        if len(set(every)) == len(every):
            own = map(_unit, map(persons.__getitem__, at))
            person_units = tuple(u or first_unit for u in own)
        else:  # a person named twice: the unit of the last mention, as add_items has it
            by_id = {p.id: (p.unit or first_unit) for p in persons}
            person_units = tuple(by_id[p] for p in person_ids)
        return (unit_ids, unit_wt, person_ids, person_units, person_wt)

    stage = _ItemStage(rs, rs.uses_weeks)
    try:
        plain = columnar.pre_aggregate(
            rs,
            runs,
            frozenset(u.id for u in period_data.units),
            hit,
            kind_of,
            _EVENT_KEY,
            recipients,
            stage.shares,
            split_weights,
        )
    except ScoringError:
        return None
    buckets = _Buckets(rs.uses_weeks, rs.escalating)
    summed = plain.columnar if plain is not None else [False] * len(runs)
    rest = [k for k, s in enumerate(summed) if not s]
    stage.add_items(map(runs.__getitem__, rest), buckets, rest)
    del rest
    if plain is not None:
        _merge(buckets, plain)
    stage.defer(
        runs,
        summed,
        plain.lines if plain is not None else 0,
        plain.rows if plain is not None else None,
    )
    period_lines = _period_stage(rs, [], buckets, runs.loose, period_data)
    return _totals(rs, _Ledger(stage, period_lines), buckets, period_data)


def _merge(buckets: _Buckets, plain: Any) -> None:
    """Add the columnar sums of plain items to the item stage's sums (exact Decimal
    additions, so the order does not matter)."""
    data = buckets.data
    for key, (calc, points, tally, lines) in plain.units.items():
        entry = data.get(key)
        if entry is None:
            data[key] = [calc, points, tally, lines]
        else:
            entry[1] += points
            entry[2] += tally
            entry[3] += lines
    persons = buckets.persons
    for pkey, (points, adopted) in plain.persons.items():
        pentry = persons.get(pkey)
        if pentry is None:
            persons[pkey] = [points, adopted]
        else:
            pentry[0] += points
            pentry[1] += adopted
    person_unit = buckets.person_unit
    person_first = buckets.person_first
    for person, (place, unit) in plain.first.items():
        if person not in person_unit or place < person_first[person]:
            person_unit[person] = unit
            person_first[person] = place


def totals(rs: RuleSet, lines: Sequence[ScoreLine], period_data: PeriodData) -> Result:
    """Totals per unit (with roll-up), person, class and month from score lines."""
    lines = tuple(lines)
    buckets = _Buckets()
    buckets.add_all(lines)
    return _totals(rs, lines, buckets, period_data)


def _month(date: datetime.date) -> str:
    return f"{date.year}-{date.month:02d}"


def _totals(
    rs: RuleSet, lines: Sequence[ScoreLine], buckets: _Buckets, period_data: PeriodData
) -> Result:
    unit_month: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    person_month: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    unit_adopted: dict[str, int] = defaultdict(int)
    person_adopted: dict[str, int] = defaultdict(int)
    person_unit = buckets.person_unit
    month_of: dict[datetime.date, str] = {}
    for granule in {g for _u, g in buckets.groups()} | {g for _p, g in buckets.persons}:
        month_of[granule] = _month(granule)
    for (unit, granule), folded in buckets.groups().items():
        month = month_of[granule]
        for calc, points, tally, _n in folded.values():
            clause = calc.clause
            unit_month[(unit, month)] += points
            if tally and clause.startswith("adoption"):
                unit_adopted[unit] += tally
    for (person, granule), (points, adopted) in buckets.persons.items():
        person_month[(person, month_of[granule])] += points
        person_adopted[person] += adopted
    start = period_data.start or rs.effective_from
    end = period_data.end or rs.effective_to
    months = (
        set(months_between(start, end))
        | {m for _u, m in unit_month}
        | {m for _p, m in person_month}
    )
    month_list = tuple(sorted(months))
    infos: dict[str, UnitInfo] = {u.id: u for u in period_data.units}
    for unit, _m in unit_month:
        if unit not in infos:
            infos[unit] = UnitInfo(id=unit, order=len(infos) + 1000)
    own: dict[str, dict[str, Decimal]] = {u: {} for u in infos}
    for (unit, month), value in unit_month.items():
        own[unit][month] = value
    children: dict[str, list[str]] = defaultdict(list)
    for info in infos.values():
        if info.parent is not None and info.parent in infos:
            children[info.parent].append(info.id)
    rolled: dict[str, dict[str, Decimal]] = {}

    def roll(unit: str, path: tuple[str, ...] = ()) -> dict[str, Decimal]:
        if unit in rolled:
            return rolled[unit]
        if unit in path:
            raise ScoringError(
                [
                    Problem(
                        "units",
                        0,
                        "parent",
                        f"单位上下级循环：{unit}",
                        f"circular unit tree at {unit}",
                    )
                ]
            )
        acc = dict(own[unit])
        for child in children.get(unit, ()):
            for month, value in roll(child, (*path, unit)).items():
                acc[month] = acc.get(month, ZERO) + value
        rolled[unit] = acc
        return acc

    unit_points = {u: sum(roll(u).values(), ZERO) for u in infos}
    own_points = {u: sum(own[u].values(), ZERO) for u in infos}
    unit_adopted_rolled = {u: _rolled_count(u, unit_adopted, children) for u in infos}
    # any level ranks its children: units compete with their siblings
    unit_rank = _ranks(unit_points, {u: infos[u].parent for u in infos})
    class_of = {u: infos[u].unit_class for u in infos}
    class_rank = _ranks(unit_points, class_of)
    best = max(unit_points.values(), default=ZERO)
    unit_totals: dict[str, Total] = {}
    ordered = sorted(infos.values(), key=lambda u: u.order)
    if rs.setting("report_order") == "score":
        ordered = sorted(ordered, key=lambda u: unit_rank[u.id])
    for info in ordered:
        u = info.id
        target = info.target
        completion = None
        if target:
            completion = unit_points[u] / target
        elif info.target_count:
            completion = Decimal(unit_adopted_rolled[u]) / Decimal(info.target_count)
        performance = None
        if rs.conversion is not None:
            performance = rs.conversion.evaluate(
                {
                    "score": unit_points[u],
                    "target": target or ZERO,
                    "completion": completion or ZERO,
                    "rank": Decimal(unit_rank[u]),
                    "units": Decimal(len(infos)),
                    "adopted": Decimal(unit_adopted_rolled[u]),
                    "best": best,
                }
            )
        unit_totals[u] = Total(
            id=u,
            points=unit_points[u],
            own_points=own_points[u],
            unit_class=info.unit_class,
            target=target,
            completion=completion,
            rank=unit_rank[u],
            class_rank=class_rank[u],
            adopted=unit_adopted_rolled[u],
            by_month=tuple((m, rolled[u].get(m, ZERO)) for m in month_list),
            performance=performance,
        )
    classes: dict[str, Decimal] = defaultdict(Decimal)
    for u, info in infos.items():
        if info.unit_class is not None:
            classes[info.unit_class] += own_points[u]
    person_infos = {p.id: p for p in period_data.persons}
    person_points: dict[str, Decimal] = {p: ZERO for p in person_infos}
    person_months: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (person, month), value in person_month.items():
        person_points[person] = person_points.get(person, ZERO) + value
        person_months[person][month] = value
    person_rank = _ranks(person_points, None)
    person_totals: dict[str, Total] = {}
    for p in sorted(person_points, key=lambda x: (person_rank[x], x)):
        info_p = person_infos.get(p)
        target = info_p.target if info_p else None
        completion = None
        if target:
            completion = person_points[p] / target
        elif info_p is not None and info_p.target_count:
            completion = Decimal(person_adopted[p]) / Decimal(info_p.target_count)
        unit_of = (info_p.unit if info_p else None) or person_unit.get(p)
        person_totals[p] = Total(
            id=p,
            points=person_points[p],
            own_points=person_points[p],
            unit_class=infos[unit_of].unit_class if unit_of in infos else None,
            target=target,
            completion=completion,
            rank=person_rank[p],
            class_rank=person_rank[p],
            adopted=person_adopted[p],
            by_month=tuple((m, person_months[p].get(m, ZERO)) for m in month_list),
            unit=unit_of,
        )
    return Result(
        ruleset_id=rs.id,
        version=rs.version,
        lines=lines,
        units=unit_totals,
        persons=person_totals,
        classes=dict(classes),
        months=month_list,
    )


def _rolled_count(unit: str, counts: dict[str, int], children: dict[str, list[str]]) -> int:
    return counts.get(unit, 0) + sum(
        _rolled_count(c, counts, children) for c in children.get(unit, ())
    )


def _ranks(points: dict[str, Decimal], group_of: dict[str, str | None] | None) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) by points, highest first, within groups."""
    groups: dict[str | None, list[str]] = defaultdict(list)
    for key in points:
        groups[group_of.get(key) if group_of else None].append(key)
    ranks: dict[str, int] = {}
    for members in groups.values():
        ordered = sorted(members, key=lambda k: -points[k])
        for index, key in enumerate(ordered):
            if index and points[key] == points[ordered[index - 1]]:
                ranks[key] = ranks[ordered[index - 1]]
            else:
                ranks[key] = index + 1
    return ranks
