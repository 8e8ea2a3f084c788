"""Command line: score an events file under a rule set, or check a rule set.

    python -m xinxuan.scoring.engine score --rules R.toml --events E.csv [--period 2011]
    python -m xinxuan.scoring.engine appraise --rules R.toml --events E.csv [--period 2011]
    python -m xinxuan.scoring.engine check --rules R.toml

Needs no database and no Django. Exit code 2 on bad input, with the problems listed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import sys
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from .appraisal import (
    award_prizes,
    criticisms,
    decide_plaque,
    eligibility,
    elimination_list,
    item_awards,
)
from .events_io import ParsedEvents, parse_date, read_events, read_units
from .explain import describe, display, explain, fmt
from .model import PeriodData, Result
from .periods import period_range
from .problems import EngineError
from .ruleset import RuleSet, load_ruleset_file
from .scoring import score

USAGE = (
    "python -m xinxuan.scoring.engine score --rules R.toml --events E.csv "
    "[--period 2011 | --from 2011-01-01 --to 2011-12-31] [--format table|json] "
    "[--explain] [--lang zh|en] [--units units.csv]"
)

APPRAISE_USAGE = (
    "python -m xinxuan.scoring.engine appraise --rules R.toml --events E.csv "
    "[--period 2011] [--units units.csv] [--holder UNIT] [--members a,b,c] "
    "[--format table|json] [--lang zh|en]"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m xinxuan.scoring.engine")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("score", help="score an events file / 计分", usage=USAGE)
    s.add_argument("--rules", required=True, help="rule set TOML file")
    s.add_argument("--events", required=True, help="events ledger (.csv, .xlsx or .jsonl)")
    s.add_argument("--input-format", choices=("csv", "jsonl"), help="default: by extension")
    s.add_argument("--period", help="2011, 2011-H1, 2011-Q2, 2011-03 or 2011-W05")
    s.add_argument("--from", dest="date_from", help="first day, e.g. 2011-01-01")
    s.add_argument("--to", dest="date_to", help="last day, e.g. 2011-12-31")
    s.add_argument("--format", choices=("table", "json"), default="table")
    s.add_argument("--explain", action="store_true", help="print every score line")
    s.add_argument("--lang", choices=("zh", "en"), default="zh")
    s.add_argument("--units", help="units CSV: tree, classes, targets, persons")
    s.add_argument("--skip-bad-rows", action="store_true", help="score the good rows only")
    a = sub.add_parser("appraise", help="appraisal of a period / 评比", usage=APPRAISE_USAGE)
    a.add_argument("--rules", required=True, help="rule set TOML file")
    a.add_argument("--events", required=True, help="events ledger (.csv, .xlsx or .jsonl)")
    a.add_argument("--input-format", choices=("csv", "jsonl"), help="default: by extension")
    a.add_argument("--period", help="2011, 2011-H1, 2011-Q2, 2011-03 or 2011-W05")
    a.add_argument("--from", dest="date_from", help="first day, e.g. 2011-01-01")
    a.add_argument("--to", dest="date_to", help="last day, e.g. 2011-12-31")
    a.add_argument("--format", choices=("table", "json"), default="table")
    a.add_argument("--lang", choices=("zh", "en"), default="zh")
    a.add_argument("--units", help="units CSV: tree, classes, targets, persons")
    a.add_argument("--skip-bad-rows", action="store_true", help="score the good rows only")
    a.add_argument("--holder", help="unit holding the rotating award before this period")
    a.add_argument(
        "--members",
        help="team members for last-place elimination, comma-separated "
        "(default: the persons of the units file, else every person scored)",
    )
    c = sub.add_parser("check", help="validate a rule set / 校验规则")
    c.add_argument("--rules", required=True)
    return parser


class _InputError(Exception):
    pass


def _window(args: argparse.Namespace, rs: RuleSet) -> tuple[datetime.date, datetime.date]:
    try:
        if args.period:
            start, end = period_range(args.period)
        else:
            start = parse_date(args.date_from) if args.date_from else rs.effective_from
            end = parse_date(args.date_to) if args.date_to else rs.effective_to
    except ValueError as exc:
        raise _InputError(f"日期或时段无效 / bad date or period: {exc}") from None
    if start > end:
        raise _InputError("--from 晚于 --to / --from is after --to")
    if end < rs.effective_from or start > rs.effective_to:
        raise _InputError(
            f"时段 {start}～{end} 不在规则的有效期 {rs.effective_from}～{rs.effective_to} 内 / "
            f"the period {start}…{end} lies outside the rule set's "
            f"{rs.effective_from}…{rs.effective_to}"
        )
    return start, end


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return f"{(value * 100).quantize(Decimal('0.1'))}%"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[list[str]], out: TextIO) -> None:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)]
        out.write("  ".join(cells).rstrip() + "\n")


def _print_table(rs: RuleSet, result: Result, pd: PeriodData, lang: str, out: TextIO) -> None:
    zh = lang == "zh"
    names = {u.id: u.name or u.id for u in pd.units}
    head = (
        ["名次", "单位", "类别", "得分", "目标", "完成率", "采用"]
        if zh
        else ["rank", "unit", "class", "points", "target", "completion", "adopted"]
    )
    rows = [head]
    for total in result.units.values():
        rows.append(
            [
                str(total.rank),
                names.get(total.id, total.id),
                total.unit_class or "",
                display(rs, total.points),
                display(rs, total.target) if total.target is not None else "-",
                _pct(total.completion),
                str(total.adopted),
            ]
        )
    _table(rows, out)
    if result.persons:
        out.write("\n")
        head = ["名次", "人员", "单位", "得分"] if zh else ["rank", "person", "unit", "points"]
        rows = [head]
        for total in result.persons.values():
            rows.append([str(total.rank), total.id, total.unit or "", display(rs, total.points)])
        _table(rows, out)


def _as_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    return value


def _json(
    result: Result, window: tuple[datetime.date, datetime.date], explained: bool, lang: str
) -> str:
    data: dict[str, Any] = {
        "ruleset": result.ruleset_id,
        "version": result.version,
        "from": window[0],
        "to": window[1],
        "units": [dataclasses.asdict(t) for t in result.units.values()],
        "persons": [dataclasses.asdict(t) for t in result.persons.values()],
        "classes": result.classes,
    }
    if explained:
        data["lines"] = [
            {
                "unit": line.unit,
                "person": line.person,
                "item": line.item,
                "event": line.event,
                "clause": line.clause,
                "settings": line.settings,
                "date": line.date,
                "points": line.points,
                "explanation": explain(line, lang),
            }
            for line in result.lines
        ]
    return json.dumps(_as_json(data), ensure_ascii=False, indent=2) + "\n"


def _scored(
    args: argparse.Namespace,
) -> tuple[RuleSet, tuple[datetime.date, datetime.date], PeriodData, ParsedEvents, Result]:
    """Load the rule set, the ledger and the units, and score the window."""
    rs = load_ruleset_file(args.rules)
    window = _window(args, rs)
    fmt_in = args.input_format or ("jsonl" if str(args.events).endswith(".jsonl") else "csv")
    if not Path(args.events).is_file():
        raise _InputError(f"找不到事件文件 / events file not found: {args.events}")
    parsed = read_events(Path(args.events), fmt_in, skip_bad_rows=args.skip_bad_rows, ruleset=rs)
    for problem in parsed.errors:
        sys.stderr.write("已跳过 / skipped: " + problem.render_both() + "\n")
    if args.units:
        if not Path(args.units).is_file():
            raise _InputError(f"找不到单位文件 / units file not found: {args.units}")
        pd = read_units(Path(args.units))
    else:
        pd = PeriodData()
    pd = dataclasses.replace(pd, start=window[0], end=window[1])
    events = [e for e in parsed.events if window[0] <= e.date <= window[1]]
    return rs, window, pd, parsed, score(rs, parsed.items, events, pd)


def run_appraise(args: argparse.Namespace, out: TextIO) -> int:
    """Prizes, eligibility, the rotating award, criticisms and the elimination list."""
    rs, window, pd, parsed, result = _scored(args)
    if not rs.appraisal:
        raise _InputError(
            "规则中没有 [appraisal] 评比规定 / the rule set has no [appraisal] section"
        )
    zh = args.lang == "zh"
    known = set(result.units) | {u.id for u in pd.units}
    if args.holder and args.holder not in known:
        raise _InputError(
            f"--holder {args.holder}：没有这个单位 / no such unit; "
            f"已知单位 / known units: {', '.join(sorted(known)) or '-'}"
        )
    if args.members is not None:
        members = [m.strip() for m in args.members.split(",") if m.strip()]
    else:
        members = [p.id for p in pd.persons] or list(result.persons)
    report: dict[str, Any] = {
        "ruleset": rs.id,
        "version": rs.version,
        "from": window[0],
        "to": window[1],
    }
    for who in ("collective", "individual"):
        if who in rs.appraisal:
            report[f"{who}_prizes"] = [
                {
                    "tier": a.tier,
                    "label": a.label[0] if zh else a.label[1],
                    "winner": a.winner,
                    "class": a.unit_class,
                    "place": a.place,
                }
                for a in award_prizes(rs, result, who)
            ]
            totals = result.units if who == "collective" else result.persons
            report[f"{who}_eligibility"] = [
                {
                    "id": v.id,
                    "points": totals[v.id].points,
                    "completion": totals[v.id].completion,
                    "eligible": v.eligible,
                    "reason": v.reason_zh if zh else v.reason_en,
                }
                for v in eligibility(rs, result, who)
            ]
    if "plaque" in rs.appraisal:
        decision = decide_plaque(rs, result, args.holder)
        report["plaque"] = {
            "holder": decision.holder,
            "changed": decision.changed,
            "reason": decision.reason_zh if zh else decision.reason_en,
        }
    if "criticism" in rs.appraisal:
        report["criticisms"] = criticisms(rs, result)
    if "elimination" in rs.appraisal:
        report["elimination"] = [
            {
                "person": m,
                "points": result.persons[m].points if m in result.persons else Decimal(0),
            }
            for m in elimination_list(rs, result, members)
        ]
    if "item_awards" in rs.appraisal:
        report["item_awards"] = item_awards(rs, result, parsed.items)
    if args.format == "json":
        out.write(json.dumps(_as_json(report), ensure_ascii=False, indent=2) + "\n")
        return 0
    _print_appraisal(rs, report, zh, out)
    return 0


_APPRAISAL_TITLES = {
    "collective_prizes": ("集体奖项", "collective prizes"),
    "individual_prizes": ("个人奖项", "individual prizes"),
    "collective_eligibility": ("集体参评资格", "collective eligibility"),
    "individual_eligibility": ("个人参评资格", "individual eligibility"),
    "plaque": ("流动示范点", "rotating award"),
    "criticisms": ("通报批评", "public criticism"),
    "elimination": ("末位淘汰名单（待办公室确认）", "elimination list (to be confirmed)"),
    "item_awards": ("优秀稿件", "best items"),
}


def _print_appraisal(rs: RuleSet, report: dict[str, Any], zh: bool, out: TextIO) -> None:
    out.write(f"{rs.name} [{rs.id} {rs.version}] {report['from']} – {report['to']}\n")
    yes, no = ("是", "否") if zh else ("yes", "no")
    for key, (title_zh, title_en) in _APPRAISAL_TITLES.items():
        if key not in report:
            continue
        if key == "plaque":  # the award's own name (流动红旗, 流动示范点 …)
            rule = rs.appraisal["plaque"]
            title_zh = rule.get("label_zh", title_zh)
            title_en = rule.get("label_en", title_en)
        out.write(f"\n{title_zh if zh else title_en}\n")
        value = report[key]
        if key.endswith("_prizes"):
            head = (
                ["奖项", "名次", "获奖者", "类别"] if zh else ["prize", "place", "winner", "class"]
            )
            rows = [[a["label"], str(a["place"]), a["winner"], a["class"] or ""] for a in value]
        elif key.endswith("_eligibility"):
            head = (
                ["单位/人员", "得分", "完成率", "参评", "说明"]
                if zh
                else ["who", "points", "completion", "eligible", "why"]
            )
            rows = [
                [
                    v["id"],
                    display(rs, v["points"]),
                    _pct(v["completion"]),
                    yes if v["eligible"] else no,
                    v["reason"],
                ]
                for v in value
            ]
        elif key == "plaque":
            head = ["持有单位", "变更", "说明"] if zh else ["holder", "changed", "why"]
            rows = [[value["holder"] or "-", yes if value["changed"] else no, value["reason"]]]
        elif key == "elimination":
            head = ["人员", "得分"] if zh else ["person", "points"]
            rows = [[v["person"], display(rs, v["points"])] for v in value]
        else:
            head = ["单位/稿件"] if zh else ["unit / item"]
            rows = [[v] for v in value]
        if rows:
            _table([head, *rows], out)
        else:
            out.write("（无）\n" if zh else "(none)\n")


def run_score(args: argparse.Namespace, out: TextIO) -> int:
    rs, window, pd, _parsed, result = _scored(args)
    if args.format == "json":
        out.write(_json(result, window, args.explain, args.lang))
        return 0
    title = f"{rs.name} [{rs.id} {rs.version}] {window[0]} – {window[1]}"
    out.write(title + "\n\n")
    _print_table(rs, result, pd, args.lang, out)
    if args.explain:
        out.write("\n")
        for line in result.lines:
            out.write(describe(line, args.lang) + "\n")
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            rs = load_ruleset_file(args.rules)
            out.write(
                f"OK: {rs.id} {rs.version} ({rs.status}) {rs.effective_from} – {rs.effective_to}\n"
            )
            return 0
        if args.command == "appraise":
            return run_appraise(args, out)
        return run_score(args, out)
    except EngineError as exc:
        for problem in exc.problems:
            sys.stderr.write(problem.render_both() + "\n")
        return 2
    except _InputError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
