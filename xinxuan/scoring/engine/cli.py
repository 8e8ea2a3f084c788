"""Command line: score an events file under a rule set, or check a rule set.

    python -m xinxuan.scoring.engine score --rules R.toml --events E.csv [--period 2011]
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

from .events_io import parse_date, read_events, read_units
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m xinxuan.scoring.engine")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("score", help="score an events file / 计分", usage=USAGE)
    s.add_argument("--rules", required=True, help="rule set TOML file")
    s.add_argument("--events", required=True, help="events ledger (.csv or .jsonl)")
    s.add_argument("--input-format", choices=("csv", "jsonl"), help="default: by extension")
    s.add_argument("--period", help="2011, 2011-H1, 2011-Q2, 2011-03 or 2011-W05")
    s.add_argument("--from", dest="date_from", help="first day, e.g. 2011-01-01")
    s.add_argument("--to", dest="date_to", help="last day, e.g. 2011-12-31")
    s.add_argument("--format", choices=("table", "json"), default="table")
    s.add_argument("--explain", action="store_true", help="print every score line")
    s.add_argument("--lang", choices=("zh", "en"), default="zh")
    s.add_argument("--units", help="units CSV: tree, classes, targets, persons")
    s.add_argument("--skip-bad-rows", action="store_true", help="score the good rows only")
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


def run_score(args: argparse.Namespace, out: TextIO) -> int:
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
    result = score(rs, parsed.items, events, pd)
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
        return run_score(args, out)
    except EngineError as exc:
        for problem in exc.problems:
            sys.stderr.write(problem.render_both() + "\n")
        return 2
    except _InputError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
