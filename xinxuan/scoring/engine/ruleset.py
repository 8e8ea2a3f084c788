"""Load a rule set from TOML text, validate it, and compile it for fast scoring."""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .formula import Formula, FormulaError
from .model import EVENT_TYPES
from .problems import Problem, RuleSetError
from .schema import PERIODS, SETTINGS, TABLES, TIER_KEYS

# Bounds of what a rule set may hold.  A regulation is a few kilobytes of small
# numbers; anything far beyond is a mistake or an attack, refused at its line before
# it can exhaust the reader (nesting) or overflow the stored points (magnitude).
MAX_TEXT_CHARS = 200_000
MAX_NESTING = 16
MAX_NUMBER = Decimal(10_000)
MAX_INTEGER = 1_000_000
MAX_DECIMAL_PLACES = 6

CONVERSION_VARIABLES = frozenset(
    {"score", "target", "completion", "rank", "units", "adopted", "best"}
)
Labels = tuple[str, str]


def find_line(text: str, path: Sequence[str]) -> int:
    """Line number (1-based) where a dotted key or table header is written.

    tomllib reports no positions for keys, so this scans the text: the line whose
    table header plus key matches the longest prefix of ``path`` wins.
    """
    target = tuple(path)
    current: tuple[str, ...] = ()
    best_line, best_len = 0, 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.split("#", 1)[0].strip() if "#" in raw else raw.strip()
        if not stripped:
            continue
        if stripped.startswith("["):
            header = stripped.strip("[]").strip()
            current = _split_key(header)
            full = current
        elif "=" in stripped:
            full = current + _split_key(stripped.split("=", 1)[0])
        else:
            continue
        size = 0
        for mine, wanted in zip(full, target, strict=False):
            if mine != wanted:
                break
            size += 1
        if size == len(full) and size > best_len:
            best_line, best_len = number, size
            if size == len(target):
                break
    return best_line


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.strip().split("."))


@dataclass(frozen=True, slots=True)
class Kind:
    id: str
    label: Labels
    factor: Decimal
    inherits: str | None
    reclassify_at_chars: int | None
    reclassify_as: str | None


@dataclass(frozen=True, slots=True)
class Carrier:
    id: str
    label: Labels
    level: str
    carrier_class: str | None
    points: Decimal | None
    low: Decimal | None  # a range the assessor chooses the value in
    high: Decimal | None
    counts: bool
    requires_route: tuple[str, ...]
    grades: dict[str, Decimal]
    kinds: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class Named:
    """A labelled clause with its own parameters (deduction, quota, cap …)."""

    id: str
    label: Labels
    params: dict[str, Any]


class RuleSet:
    """A validated, compiled rule set. Treat as immutable."""

    def __init__(self, data: dict[str, Any], text: str, source: str) -> None:
        head = data["ruleset"]
        self.source = source
        self.text = text
        self.id: str = head["id"]
        self.version: str = head["version"]
        self.name: str = head.get("name", self.id)
        self.issuer: str = head.get("issuer", "")
        self.effective_from: datetime.date = _as_date(head["effective_from"])
        self.effective_to: datetime.date = _as_date(head["effective_to"])
        self.status: str = head.get("status", "draft")
        settings = {name: spec[1] for name, spec in SETTINGS.items()}
        settings.update(data.get("settings", {}))
        self.settings: dict[str, Any] = settings
        self.share_quantum = Decimal(str(settings["share_quantum"]))
        self.levels: dict[str, Labels] = {
            key: _labels(key, value) for key, value in data.get("levels", {}).items()
        }
        self.level_rank = {key: index for index, key in enumerate(self.levels)}
        self.kinds: dict[str, Kind] = {
            key: Kind(
                id=key,
                label=_labels(key, value),
                factor=_dec(value.get("factor", 1)),
                inherits=value.get("inherits"),
                reclassify_at_chars=value.get("reclassify_at_chars"),
                reclassify_as=value.get("reclassify_as"),
            )
            for key, value in data.get("kinds", {}).items()
        }
        self.carrier_classes: dict[str, Named] = _named(data.get("carrier_classes"))
        self.carriers: dict[str, Carrier] = {
            key: Carrier(
                id=key,
                label=_labels(key, value),
                level=value.get("level", ""),
                carrier_class=value.get("class"),
                points=_dec(value["points"]) if "points" in value else None,
                low=_dec(value["min"]) if "min" in value else None,
                high=_dec(value["max"]) if "max" in value else None,
                counts=value.get("counts", True),
                requires_route=tuple(value.get("requires_route", ())),
                grades=_dec_map(value.get("grades", {})),
                kinds=_dec_map(value.get("kinds", {})),
            )
            for key, value in data.get("carriers", {}).items()
        }
        self.placements = _named(data.get("placements"))
        self.routes = _named(data.get("routes"))
        self.uses = _named(data.get("uses"))
        self.factors = _named(data.get("factors"))
        self.outcome_points: dict[str, dict[str, Decimal]] = {}
        self.outcome_matrix: dict[str, dict[str, dict[str, Decimal]]] = {}
        for outcome in ("adoption", "publication"):
            table = data.get(outcome, {})
            self.outcome_points[outcome] = _dec_map(table.get("points", {}))
            self.outcome_matrix[outcome] = {
                kind: _dec_map(row) for kind, row in table.get("matrix", {}).items()
            }
        report = data.get("report", {})
        self.report_points: Decimal | None = _dec(report["points"]) if "points" in report else None
        self.report_kinds = _dec_map(report.get("kinds", {}))
        self.report_levels = _dec_map(report.get("levels", {}))
        self.report_late: Decimal | None = _dec(report["late"]) if "late" in report else None
        submission = data.get("submission", {})
        self.submission_points: Decimal | None = (
            _dec(submission["points"]) if "points" in submission else None
        )
        self.submission_kinds = _dec_map(submission.get("kinds", {}))
        self.submission_late: Decimal | None = (
            _dec(submission["late"]) if "late" in submission else None
        )
        endorsement = data.get("endorsement", {})
        self.endorsement_points = _dec_map(endorsement.get("points", {}))
        self.endorsement_main = _dec_map(endorsement.get("main_leader_points", {}))
        self.endorsement_carrier_bonus = _dec_map(endorsement.get("carrier_bonus", {}))
        self.endorsement_by_carrier = {
            level: _dec_map(row) for level, row in endorsement.get("by_carrier", {}).items()
        }
        self.endorsement_value: Decimal | None = (
            _dec(endorsement["value"]) if "value" in endorsement else None
        )
        self.prizes = _named(data.get("prizes"))
        self.commission = _dec_map(data.get("commission", {}))
        self.deductions = _named(data.get("deductions"))
        self.adjustments = _named(data.get("adjustments"))
        self.nullification: dict[str, Any] = dict(data.get("nullification", {}))
        self.vetoes = _named(data.get("vetoes"))
        self.quotas = _named(data.get("quotas"))
        self.base: dict[str, Any] | None = data.get("base")
        self.rates = _named(data.get("rates"))
        self.steps = _named(data.get("steps"))
        self.caps = _named(data.get("caps"))
        conversion = data.get("conversion")
        self.conversion: Formula | None = (
            Formula(conversion["formula"], CONVERSION_VARIABLES)
            if conversion and "formula" in conversion
            else None
        )
        self.conversion_label: Labels = (
            _labels("performance", conversion) if conversion else ("", "")
        )
        self.appraisal: dict[str, dict[str, Any]] = dict(data.get("appraisal", {}))
        self.cache: dict[tuple[object, ...], Any] = {}
        self.settings_key = tuple(sorted(self.settings))
        self.escalating = frozenset(
            f"deduction.{key}" for key, d in self.deductions.items() if d.params.get("escalation")
        )
        # which item-level settings need the slower per-item pass
        self.multi_adoption_active = settings["multi_adoption"] != "sum"
        self.multi_publication_active = settings["multi_publication"] != "sum"
        self.item_settings_active = settings["report_and_adoption"] == "adoption_only"
        self.per_item_shares = settings["share_rounding"] == "per_item"
        self.uses_weeks = "week" in {
            str(value)
            for table in (data.get(k, {}) for k in ("quotas", "rates", "steps", "caps", "vetoes"))
            for rule in table.values()
            for value in rule.values()
        } | {str((data.get("base") or {}).get("period")), str(self.nullification.get("period"))} | {
            str(d.get("escalation_period")) for d in data.get("deductions", {}).values()
        }

    def level_at_least(self, level: str | None, lowest: str) -> bool:
        """Whether ``level`` is ``lowest`` or above it (levels are listed highest first)."""
        return level in self.level_rank and self.level_rank[level] <= self.level_rank[lowest]

    def setting(self, name: str) -> Any:
        return self.settings[name]

    def kind_chain(self, kind: str) -> list[str]:
        """The kind and the kinds it inherits from, nearest first."""
        chain = [kind]
        while (parent := self.kinds[chain[-1]].inherits) is not None:
            chain.append(parent)
        return chain

    def label_maps(self) -> dict[str, dict[str, str]]:
        """Label (zh or en) or id -> id, per vocabulary, for reading ledgers."""
        maps: dict[str, dict[str, str]] = {}
        sources: dict[str, dict[str, Labels]] = {
            "kind": {k: v.label for k, v in self.kinds.items()},
            "level": dict(self.levels),
            "carrier": {k: v.label for k, v in self.carriers.items()},
            "placement": {k: v.label for k, v in self.placements.items()},
            "route": {k: v.label for k, v in self.routes.items()},
            "use": {k: v.label for k, v in self.uses.items()},
            "rule": {
                **{k: v.label for k, v in self.prizes.items()},
                **{k: v.label for k, v in self.deductions.items()},
                **{k: v.label for k, v in self.adjustments.items()},
            },
        }
        for vocabulary, labels in sources.items():
            mapping: dict[str, str] = {}
            for key, (zh, en) in labels.items():
                mapping[key] = key
                if zh:
                    mapping.setdefault(zh, key)
                if en:
                    mapping.setdefault(en, key)
            maps[vocabulary] = mapping
        return maps


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _dec_map(table: dict[str, Any]) -> dict[str, Decimal]:
    return {key: _dec(value) for key, value in table.items()}


def _labels(key: str, table: dict[str, Any]) -> Labels:
    zh = table.get("label_zh") or table.get("label_en") or key
    en = table.get("label_en") or key
    return (str(zh), str(en))


def _named(table: dict[str, Any] | None) -> dict[str, Named]:
    if not table:
        return {}
    return {key: Named(key, _labels(key, value), dict(value)) for key, value in table.items()}


# ---------------------------------------------------------------- validation


class _Checker:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.problems: list[Problem] = []

    def add(self, path: Sequence[str], zh: str, en: str) -> None:
        self.problems.append(
            Problem(self.source, find_line(self.text, path), ".".join(path), zh, en)
        )

    def value(self, path: tuple[str, ...], kind: str, value: Any) -> None:
        ok = True
        want_zh, want_en = kind, kind
        if kind == "str":
            ok = isinstance(value, str)
            want_zh, want_en = "文字", "a string"
        elif kind == "int":
            ok = _is_integer(value)
            want_zh = f"整数（绝对值不超过 {MAX_INTEGER}）"
            want_en = f"an integer (at most {MAX_INTEGER} either way)"
        elif kind == "bool":
            ok = isinstance(value, bool)
            want_zh, want_en = "true 或 false", "true or false"
        elif kind == "date":
            want_zh, want_en = "日期（如 2011-01-01）", "a date (e.g. 2011-01-01)"
            ok = isinstance(value, datetime.date) or _is_iso(value)
        elif kind == "decimal":
            ok = _is_decimal(value)
            want_zh = f"数值（如 2.5；绝对值不超过 {MAX_NUMBER}，至多 {MAX_DECIMAL_PLACES} 位小数）"
            want_en = (
                f"a number (e.g. 2.5; at most {MAX_NUMBER} either way, "
                f"{MAX_DECIMAL_PLACES} decimal places)"
            )
        elif kind == "period":
            ok = value in PERIODS
            want_zh = want_en = " | ".join(PERIODS)
        elif kind.startswith("enum:"):
            choices = kind[5:].split("|")
            ok = value in choices
            want_zh = "以下之一：" + " | ".join(choices)
            want_en = "one of " + " | ".join(choices)
        elif kind == "list_str":
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            want_zh, want_en = "文字列表", "a list of strings"
        elif kind == "list_int":
            ok = isinstance(value, list) and all(_is_integer(v) and v > 0 for v in value)
            want_zh, want_en = "正整数列表", "a list of positive integers"
        elif kind == "list_decimal":
            ok = isinstance(value, list) and all(_is_decimal(v) for v in value)
            want_zh, want_en = "数值列表", "a list of numbers"
        elif kind == "map_decimal":
            ok = isinstance(value, dict) and all(_is_decimal(v) for v in value.values())
            want_zh, want_en = "表：名称 = 数值", "a table of name = number"
        elif kind == "map_map_decimal":
            ok = isinstance(value, dict) and all(
                isinstance(row, dict) and all(_is_decimal(v) for v in row.values())
                for row in value.values()
            )
            want_zh, want_en = "二维表：类别.级别 = 数值", "a table of kind.level = number"
        elif kind == "steps":
            ok = isinstance(value, list) and all(
                isinstance(step, list)
                and len(step) == 2
                and _is_integer(step[0])
                and _is_decimal(step[1])
                for step in value
            )
            want_zh, want_en = "[[数量, 分值], …]", "[[count, points], …]"
        elif kind == "tiers":
            ok = isinstance(value, list) and all(isinstance(t, dict) for t in value)
            want_zh, want_en = "[[…tiers]] 表数组", "an array of [[…tiers]] tables"
            if ok:
                for index, tier in enumerate(value):
                    self.tier(path, index, tier)
        if not ok:
            shown = repr(value)
            shown = shown if len(shown) <= 60 else shown[:57] + "…"
            self.add(
                path,
                f"值 {shown} 无效，应为{want_zh}",
                f"invalid value {shown}, expected {want_en}",
            )

    def tier(self, path: tuple[str, ...], index: int, tier: dict[str, Any]) -> None:
        for key, value in tier.items():
            if key not in TIER_KEYS:
                self.add(path, f"未知键 {key}", f"unknown key {key}")
            else:
                self.value(path, TIER_KEYS[key], value)
        if "id" not in tier or "count" not in tier:
            self.add(
                path,
                f"第 {index + 1} 个等次缺少 id 或 count",
                f"tier {index + 1} needs an id and a count",
            )

    def table(self, path: tuple[str, ...], spec: dict[str, str], table: Any) -> None:
        if not isinstance(table, dict):
            self.add(path, "应为表 [..]", "expected a table [..]")
            return
        for key, value in table.items():
            if key not in spec:
                known = ", ".join(spec)
                self.add(
                    (*path, key),
                    f"未知的键 {key}（可用：{known}）",
                    f"unknown key {key} (known: {known})",
                )
            else:
                self.value((*path, key), spec[key], value)


def _is_iso(value: Any) -> bool:
    try:
        datetime.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_INTEGER


def _is_decimal(value: Any) -> bool:
    """A finite number of sensible size: nan, inf, 1e999 and 0.0000001 are refused."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_NUMBER
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return False
    if not isinstance(value, Decimal) or not value.is_finite():
        return False
    exponent = value.as_tuple().exponent
    return (
        abs(value) <= MAX_NUMBER and isinstance(exponent, int) and exponent >= -MAX_DECIMAL_PLACES
    )


def _check_size(text: str, source: str) -> list[Problem]:
    """Refuse a text too long, or nested too deeply for the TOML reader, at its line."""
    if len(text) > MAX_TEXT_CHARS:
        line = text.count("\n", 0, MAX_TEXT_CHARS) + 1
        return [
            Problem(
                source,
                line,
                "",
                f"规则文本过长：超过 {MAX_TEXT_CHARS} 个字符",
                f"the rule set is too long: more than {MAX_TEXT_CHARS} characters",
            )
        ]
    depth, line, quote = 0, 1, ""
    for char in text:
        if char == "\n":
            line += 1
            quote = ""  # a single-line string ends with its line (or is an error anyway)
        elif quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return [
                    Problem(
                        source,
                        line,
                        "",
                        f"数组或表嵌套过深（超过 {MAX_NESTING} 层）",
                        f"arrays or tables nested too deeply (more than {MAX_NESTING} levels)",
                    )
                ]
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "#":
            quote = "\n"  # a comment runs to the end of its line
    return []


def _check_range(c: _Checker, path: tuple[str, ...], rule: dict[str, Any]) -> None:
    """A range may be open on one side (``min`` only: no upper bound)."""
    if "min" in rule and "max" in rule and _dec(rule["min"]) > _dec(rule["max"]):
        c.add((*path, "min"), "min 大于 max", "min is greater than max")
    if ("min" in rule or "max" in rule) and "points" in rule and path[0] != "deductions":
        c.add(
            (*path, "points"),
            "points 与 min/max 只能给出一种",
            "give either points or min/max, not both",
        )


def _find_cycle(edges: dict[str, str | None]) -> list[str] | None:
    for start in edges:
        seen = [start]
        node = edges.get(start)
        while node is not None:
            if node in seen:
                return [*seen[seen.index(node) :], node]
            seen.append(node)
            node = edges.get(node)
    return None


def _check_structure(data: dict[str, Any], c: _Checker) -> None:
    direct = {path for path in TABLES if "*" not in path and "." not in path}
    starred = {path.split(".")[0] for path in TABLES if path.endswith(".*")}
    for top, table in data.items():
        if top in direct:
            c.table((top,), TABLES[top], table)
        elif top in starred:
            if not isinstance(table, dict):
                c.add((top,), "应为表", "expected a table")
                continue
            for key, sub in table.items():
                c.table((top, key), TABLES[f"{top}.*"], sub)
        elif top == "appraisal":
            for key, sub in table.items():
                spec = TABLES.get(f"appraisal.{key}")
                if spec is None:
                    c.add(
                        ("appraisal", key),
                        f"未知的评比规则 appraisal.{key}",
                        f"unknown appraisal rule appraisal.{key}",
                    )
                else:
                    c.table(("appraisal", key), spec, sub)
        else:
            c.add(
                (top,),
                f"未知的规则类型 [{top}]",
                f"unknown rule type [{top}]",
            )


def _check_references(data: dict[str, Any], c: _Checker) -> None:
    head = data.get("ruleset")
    if not isinstance(head, dict):
        c.add(("ruleset",), "缺少 [ruleset] 表", "missing the [ruleset] table")
        return
    for key in ("id", "version", "effective_from", "effective_to"):
        if key not in head:
            c.add(("ruleset",), f"缺少 ruleset.{key}", f"missing ruleset.{key}")
    if not c.problems and _as_date(head["effective_from"]) > _as_date(head["effective_to"]):
        c.add(
            ("ruleset", "effective_to"),
            "有效期结束早于开始",
            "effective_to is before effective_from",
        )
    levels = data.get("levels", {})
    kinds = data.get("kinds", {})
    carriers = data.get("carriers", {})
    classes = data.get("carrier_classes", {})
    routes = data.get("routes", {})

    def ref(path: tuple[str, ...], value: Any, pool: dict[str, Any], what: Labels) -> None:
        if value not in pool:
            c.add(
                path,
                f"引用了未定义的{what[0]} {value!r}",
                f"refers to an undefined {what[1]} {value!r}",
            )

    level_w = ("级别", "level")
    kind_w = ("类别", "kind")
    for key, kind in kinds.items():
        if "inherits" in kind:
            ref(("kinds", key, "inherits"), kind["inherits"], kinds, kind_w)
        if "reclassify_as" in kind:
            ref(("kinds", key, "reclassify_as"), kind["reclassify_as"], kinds, kind_w)
            if "reclassify_at_chars" not in kind:
                c.add(
                    ("kinds", key, "reclassify_as"),
                    "需同时给出 reclassify_at_chars",
                    "reclassify_as needs reclassify_at_chars",
                )
    for field, what in (("inherits", "kinds"), ("reclassify_as", "kinds")):
        cycle = _find_cycle({k: v.get(field) for k, v in kinds.items() if v.get(field) in kinds})
        if cycle:
            c.add(
                ("kinds", cycle[0], field),
                "循环引用：" + " → ".join(cycle),
                f"circular reference in {what}: " + " → ".join(cycle),
            )
    for key, cls in classes.items():
        if "parent" in cls:
            ref(("carrier_classes", key, "parent"), cls["parent"], classes, ("载体类", "class"))
    cycle = _find_cycle(
        {k: v.get("parent") for k, v in classes.items() if v.get("parent") in classes}
    )
    if cycle:
        c.add(
            ("carrier_classes", cycle[0], "parent"),
            "循环引用：" + " → ".join(cycle),
            "circular reference in carrier_classes: " + " → ".join(cycle),
        )
    for key, carrier in carriers.items():
        path = ("carriers", key)
        own_value = any(k in carrier for k in ("points", "grades", "min", "max"))
        if "level" in carrier:
            ref((*path, "level"), carrier["level"], levels, level_w)
        elif not own_value:
            c.add(
                path,
                "载体须指定 level（或以 points、grades、min/max 给出自己的分值）",
                "a carrier needs a level (or its own points, grades or min/max)",
            )
        _check_range(c, path, carrier)
        if "class" in carrier:
            ref((*path, "class"), carrier["class"], classes, ("载体类", "carrier class"))
        for route in carrier.get("requires_route", []):
            ref((*path, "requires_route"), route, routes, ("途径", "route"))
        for kind in carrier.get("kinds", {}):
            ref((*path, "kinds", kind), kind, kinds, kind_w)
    for outcome in ("adoption", "publication"):
        table = data.get(outcome, {})
        for level in table.get("points", {}):
            ref((outcome, "points", level), level, levels, level_w)
        for kind, row in table.get("matrix", {}).items():
            ref((outcome, "matrix", kind), kind, kinds, kind_w)
            for level in row if isinstance(row, dict) else ():
                ref((outcome, "matrix", kind, level), level, levels, level_w)
    for kind in data.get("report", {}).get("kinds", {}):
        ref(("report", "kinds", kind), kind, kinds, kind_w)
    endorsement = data.get("endorsement", {})
    for table_key in ("points", "main_leader_points"):
        for level in endorsement.get(table_key, {}):
            ref(("endorsement", table_key, level), level, levels, level_w)
    for carrier in endorsement.get("carrier_bonus", {}):
        ref(("endorsement", "carrier_bonus", carrier), carrier, carriers, ("载体", "carrier"))
    for key, route in routes.items():
        for level in route.get("levels", {}):
            ref(("routes", key, "levels", level), level, levels, level_w)
    for key, factor in data.get("factors", {}).items():
        path = ("factors", key)
        if "factor" not in factor:
            c.add(path, "缺少 factor", "missing factor")
        for event in factor.get("events", []):
            if event not in ("adoption", "publication"):
                c.add(
                    (*path, "events"),
                    f"事件 {event!r} 无效，应为 adoption 或 publication",
                    f"invalid event {event!r}, expected adoption or publication",
                )
        if "min_level" in factor:
            ref((*path, "min_level"), factor["min_level"], levels, level_w)
        for level in factor.get("levels", []):
            ref((*path, "levels"), level, levels, level_w)
        for carrier in factor.get("carriers", []):
            ref((*path, "carriers"), carrier, carriers, ("载体", "carrier"))
        for cls in factor.get("classes", []):
            ref((*path, "classes"), cls, classes, ("载体类", "carrier class"))
        for kind in factor.get("kinds", []):
            ref((*path, "kinds"), kind, kinds, kind_w)
    for level in data.get("report", {}).get("levels", {}):
        ref(("report", "levels", level), level, levels, level_w)
    for kind in data.get("submission", {}).get("kinds", {}):
        ref(("submission", "kinds", kind), kind, kinds, kind_w)
    for level, row in data.get("endorsement", {}).get("by_carrier", {}).items():
        ref(("endorsement", "by_carrier", level), level, levels, level_w)
        for carrier in row:
            ref(
                ("endorsement", "by_carrier", level, carrier),
                carrier,
                carriers,
                ("载体", "carrier"),
            )
    for section in ("deductions", "adjustments"):
        for key, rule in data.get(section, {}).items():
            path = (section, key)
            has_range = "min" in rule or "max" in rule
            _check_range(c, path, rule)
            if section == "adjustments" and not has_range:
                c.add(path, "手工加减分须给出 min 或 max", "an adjustment needs min or max")
            if section == "deductions" and not has_range and "points" not in rule:
                c.add(path, "须给出 points 或 min/max", "needs points or min/max")
    for key, veto in data.get("vetoes", {}).items():
        if veto.get("event") not in EVENT_TYPES:
            c.add(
                ("vetoes", key, "event"),
                f"未知事件类型 {veto.get('event')!r}",
                f"unknown event type {veto.get('event')!r}",
            )
        if veto.get("count", 0) < 1:
            c.add(("vetoes", key, "count"), "count 须 ≥ 1", "count must be ≥ 1")
    needs = {"per_piece": "per_piece", "flat": "flat", "points": "k"}
    for key, quota in data.get("quotas", {}).items():
        for field in ("period", "counts", "required"):
            if field not in quota:
                c.add(("quotas", key), f"缺少 {field}", f"missing {field}")
        if "basis" not in quota and "met" not in quota:
            c.add(
                ("quotas", key),
                "须给出 basis（未完成扣分）或 met（完成奖励）",
                "needs a basis (deduction when short) or met (points when met)",
            )
        basis = quota.get("basis")
        # per_piece and flat are written with their sign (−1 a missing piece), k without
        # it (−k × the shortfall): a shortfall written the other way would earn points
        checks: tuple[tuple[str, Callable[[Any], bool], str, str], ...] = (
            (
                "per_piece",
                lambda v: v <= 0,
                "须为负数（每缺一篇扣的分，如 -1）",
                "must be negative (points per missing piece, e.g. -1)",
            ),
            (
                "flat",
                lambda v: v <= 0,
                "须为负数（未完成时扣的分，如 -2）",
                "must be negative (points when short, e.g. -2)",
            ),
            (
                "k",
                lambda v: v >= 0,
                "须为正数（按差额的倍数扣分，如 0.5）",
                "must be positive (the multiple of the shortfall deducted, e.g. 0.5)",
            ),
        )
        for field, sign_ok, zh, en in checks:
            value = quota.get(field)
            if (
                isinstance(value, int | float | Decimal)
                and not isinstance(value, bool)
                and not sign_ok(value)
            ):
                c.add(("quotas", key, field), f"{field} {zh}", f"{field} {en}")
        if basis in needs and needs[basis] not in quota:
            c.add(
                ("quotas", key, "basis"),
                f"basis = {basis} 需要 {needs[basis]}",
                f"basis = {basis} needs {needs[basis]}",
            )
    for section, required in (
        ("rates", ("period", "below", "points")),
        ("steps", ("period", "counts", "thresholds")),
        ("caps", ("period", "clauses", "cap")),
        ("vetoes", ("event", "count")),
    ):
        for key, rule in data.get(section, {}).items():
            for field in required:
                if field not in rule:
                    c.add((section, key), f"缺少 {field}", f"missing {field}")
    base = data.get("base")
    if base is not None and ("period" not in base or "points" not in base):
        c.add(("base",), "[base] 需要 period 和 points", "[base] needs period and points")
    elif base is not None and "requires_quota" in base:
        quota = data.get("quotas", {}).get(base["requires_quota"])
        if quota is None:
            ref(("base", "requires_quota"), base["requires_quota"], {}, ("定额", "quota"))
        elif quota.get("period") != base["period"]:
            c.add(
                ("base", "requires_quota"),
                "基础分与所依定额的 period 须相同",
                "the base and the quota it requires need the same period",
            )
    conversion = data.get("conversion")
    if conversion is not None:
        if "formula" not in conversion:
            c.add(("conversion",), "缺少 formula", "missing formula")
        elif isinstance(conversion["formula"], str):
            try:
                Formula(conversion["formula"], CONVERSION_VARIABLES)
            except FormulaError as exc:
                c.add(("conversion", "formula"), exc.message_zh, exc.message_en)
    appraisal = data.get("appraisal", {}) if isinstance(data.get("appraisal"), dict) else {}
    for who in ("collective", "individual"):
        rule = appraisal.get(who)
        criteria = rule.get("tie_break", []) if isinstance(rule, dict) else []
        for criterion in criteria if isinstance(criteria, list) else []:
            problem = tie_break_problem(criterion, levels)
            if problem is not None:
                c.add(("appraisal", who, "tie_break"), *problem)
    quantum = data.get("settings", {}).get("share_quantum")
    if quantum is not None and _is_decimal(quantum) and _dec(quantum) <= 0:
        c.add(("settings", "share_quantum"), "须大于 0", "must be greater than 0")


TIE_BREAKS = ("completion", "adopted", "adopted:<level>", "points:<clause>")


def tie_break_problem(criterion: Any, levels: dict[str, Any]) -> tuple[str, str] | None:
    """Why ``criterion`` is not a tie-break of ``appraisal.*.tie_break`` (zh, en), or None."""
    if criterion in ("completion", "adopted"):
        return None
    if isinstance(criterion, str) and criterion.startswith("adopted:"):
        level = criterion.removeprefix("adopted:")
        if level in levels:
            return None
        return (f"引用了未定义的级别 {level!r}", f"refers to an undefined level {level!r}")
    if isinstance(criterion, str) and criterion.startswith("points:") and len(criterion) > 7:
        return None
    return (
        f"未知的并列处理方式 {criterion!r}（可用：{'、'.join(TIE_BREAKS)}）",
        f"unknown tie-break {criterion!r} (allowed: {', '.join(TIE_BREAKS)})",
    )


# the messages of Python's TOML reader, in Chinese (the rest stay as they are)
_TOML_MESSAGES_ZH = {
    "Invalid value": "值无效（字符串须加引号，日期写作 2011-01-01）",
    "Invalid statement": "无法识别的语句",
    "Expected '=' after a key in a key/value pair": "键后缺少“=”",
    "Invalid initial character for a key part": "键名的首字符无效",
    "Unclosed array": "数组缺少“]”",
    "Unclosed inline table": "内联表缺少“}”",
    "Unterminated string": "字符串缺少结束引号",
    "Illegal character": "含有非法字符",
    "Cannot overwrite a value": "重复定义了同一个键",
    "Invalid date or datetime": "日期或时间无效",
    "Expected newline or end of document after a statement": "一行只能写一条语句",
    "Expected ']' at the end of a table declaration": "表名后缺少“]”",
    "Expected ']]' at the end of an array declaration": "表数组名后缺少“]]”",
}


def _toml_error_zh(message: str, text: str) -> tuple[int, str]:
    """The line of a TOML syntax error and its message in Chinese."""
    if match := re.search(r"\(at line (\d+), column (\d+)\)", message):
        line, column = int(match.group(1)), int(match.group(2))
        where = f"（第 {line} 行第 {column} 列）"
    elif "(at end of document)" in message:
        line = text.count("\n") + 1
        where = "（在文件末尾：文件可能不完整）"
    else:
        line, where = 0, ""
    core = re.sub(r"\s*\(at [^)]*\)\s*$", "", message)
    for english, chinese in _TOML_MESSAGES_ZH.items():
        if core.startswith(english):
            core = chinese
            break
    return line, core + where


class _BadNumber(ValueError):
    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


def _toml_decimal(literal: str) -> Decimal:
    """TOML floats as Decimal; an exponent beyond what Decimal holds is refused."""
    try:
        return Decimal(literal)
    except InvalidOperation:
        raise _BadNumber(literal) from None


def load_ruleset(text: str, source: str = "<string>") -> RuleSet:
    """Parse and validate rule-set TOML text; raise ``RuleSetError`` listing all problems."""
    c = _Checker(text, source)
    if problems := _check_size(text, source):
        raise RuleSetError(problems)
    try:
        data = tomllib.loads(text, parse_float=_toml_decimal)
    except _BadNumber as bad:
        line = next((n for n, raw in enumerate(text.splitlines(), 1) if bad.literal in raw), 0)
        raise RuleSetError(
            [
                Problem(
                    source,
                    line,
                    "",
                    f"数 {bad.literal[:40]} 无效：超出范围",
                    f"the number {bad.literal[:40]} is out of range",
                )
            ]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        line, zh = _toml_error_zh(str(exc), text)
        raise RuleSetError(
            [Problem(source, line, "", f"TOML 语法错误：{zh}", f"TOML syntax error: {exc}")]
        ) from None
    _check_structure(data, c)
    if not c.problems:
        _check_references(data, c)
    if c.problems:
        raise RuleSetError(c.problems)
    return RuleSet(data, text, source)


def load_ruleset_file(path: str | Path) -> RuleSet:
    """Load a rule set from a file (UTF-8, BOM allowed)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleSetError(
            [Problem(str(p), 0, "", f"无法读取文件：{exc}", f"cannot read file: {exc}")]
        ) from None
    return load_ruleset(text, str(p))
