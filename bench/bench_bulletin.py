#!/usr/bin/env python3
"""A yearly bulletin (通报) of a bureau with 300 units, made as the worker makes it.

Builds once per database, with the lists benchmark's generator (``bench_lists.py``,
in SQL), one bureau of 300 departments, 5,000 writers, 100,000 items, 300,000 outcomes
and 1,000,000 score lines under the bureau's rule set for 2011, its standings and a
yearly target per unit.  Then issues a bulletin for the year and times the background
task (``bulletins.tasks.generate_bulletin``, called as the worker calls it) that
gathers the figures and writes the Word and the Excel file.  The baseline, interleaved
with it in the same run, writes the same standings table bare: a python-docx document
with one table of 300 rows and an openpyxl workbook with the same rows, nothing
styled.  Garbage collection stays on; wall-clock and CPU time of the process (on
SQLite the database's work is in it, PostgreSQL's server is not).

    .venv/bin/python bench/bench_bulletin.py                 # SQLite (var/bench-bulletin.sqlite3)
    .venv/bin/python bench/bench_bulletin.py --database postgres://postgres@127.0.0.1:5432/bench_bulletin

The last document made is kept as ``var/bench-bulletin.docx`` (and ``.xlsx``) to be
looked at.  The target is ≤ 10 s for the bulletin of 300 units.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_lists  # noqa: E402

UNITS = 300
TARGET_S = 10.0


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default=f"sqlite:///{ROOT / 'var' / 'bench-bulletin.sqlite3'}"
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--outcomes", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--profile", help="write a cProfile of one task run to this file")
    return parser.parse_args()


def populate(args: argparse.Namespace):
    from xinxuan.organisation.models import Unit, UnitTarget
    from xinxuan.scoring.models import RuleSet

    bench_lists.populate(args, bureaus=1, departments=UNITS, issuer="bench-b0")
    ruleset = RuleSet.objects.get(code="bench-lists-2011")
    units = list(Unit.objects.filter(parent__code="bench-b0").order_by("pk"))
    assert len(units) == UNITS, len(units)
    if not UnitTarget.objects.filter(unit__in=units, year=2011).exists():
        UnitTarget.objects.bulk_create(
            UnitTarget(unit=unit, year=2011, points=900 + 10 * (n % 20))
            for n, unit in enumerate(units)
        )
    return ruleset


def issue(ruleset):
    from xinxuan.bulletins.actions import issue_bulletin

    return issue_bulletin(ruleset=ruleset, user=None, period="year", issued_on=dt.date(2012, 1, 10))


def task_run(bulletin_id: int) -> tuple[float, float]:
    """The worker's call; wall and CPU seconds."""
    from xinxuan.bulletins.models import Bulletin, BulletinStatus
    from xinxuan.bulletins.tasks import generate_bulletin

    t0, c0 = time.perf_counter(), time.process_time()
    result = generate_bulletin.call(bulletin_id)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    bulletin = Bulletin.objects.get(pk=bulletin_id)
    assert result == BulletinStatus.READY, bulletin.error
    return wall, cpu


def bare_rows(ruleset) -> list[list[str]]:
    from xinxuan.scoring import ledger

    return [
        [str(r.rank), r.unit.name, f"{r.points:.1f}", f"{r.target:.0f}", f"{r.completion:.0f}%"]
        for r in ledger.standings(ruleset)
    ]


def bare_write(rows: list[list[str]]) -> tuple[float, float]:
    """The same table written the barest way: python-docx and openpyxl, no styles."""
    from docx import Document
    from openpyxl import Workbook

    t0, c0 = time.perf_counter(), time.process_time()
    document = Document()
    table = document.add_table(rows=len(rows) + 1, cols=len(rows[0]))
    header = ["名次", "单位", "得分", "目标", "完成"]
    for row, values in zip(table.rows, [header, *rows], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.save(io.BytesIO())
    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    workbook.save(io.BytesIO())
    return time.perf_counter() - t0, time.process_time() - c0


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    args = parse()
    bench_lists.setup(args)
    ruleset = populate(args)
    from django.db import connection

    from xinxuan.bulletins.models import Bulletin
    from xinxuan.scoring.models import ScoreLine, Standing

    assert gc.isenabled()
    ranked = Standing.objects.filter(ruleset=ruleset, person__isnull=True).count()
    print(
        f"{connection.vendor}: {ScoreLine.objects.filter(ruleset=ruleset).count():,} score "
        f"lines, {ranked} units ranked; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    rows = bare_rows(ruleset)
    bulletin = issue(ruleset)
    task_run(bulletin.pk)  # warm up: imports, templates of python-docx, the first queries
    bare_write(rows)
    if args.profile:
        import cProfile

        cProfile.runctx("task_run(bulletin.pk)", globals(), {"bulletin": bulletin}, args.profile)
    task_wall, task_cpu, bare_wall, bare_cpu = [], [], [], []
    for run in range(args.runs):
        order = ("task", "bare") if run % 2 == 0 else ("bare", "task")
        for contender in order:
            if contender == "task":
                wall, cpu = task_run(bulletin.pk)
                task_wall.append(wall)
                task_cpu.append(cpu)
            else:
                wall, cpu = bare_write(rows)
                bare_wall.append(wall)
                bare_cpu.append(cpu)
    made = Bulletin.objects.get(pk=bulletin.pk)
    out = ROOT / "var"
    (out / "bench-bulletin.docx").write_bytes(bytes(made.docx or b""))
    (out / "bench-bulletin.xlsx").write_bytes(bytes(made.xlsx or b""))
    ratios = [t / b for t, b in zip(task_wall, bare_wall, strict=True)]
    print(f"load {os.getloadavg()[0]:.2f}; {args.runs} runs each, interleaved")
    print(f"bulletin task ({len(rows)} units): {spread(task_wall)}; CPU {spread(task_cpu)}")
    print(f"bare python-docx + openpyxl:  {spread(bare_wall)}; CPU {spread(bare_cpu)}")
    print(
        f"ratio {statistics.median(ratios):.1f}× ({min(ratios):.1f}–{max(ratios):.1f}); "
        f"target ≤ {TARGET_S:.0f} s: "
        + ("met" if statistics.median(task_wall) <= TARGET_S else "NOT met")
    )


if __name__ == "__main__":
    main()
