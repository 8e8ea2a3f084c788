#!/usr/bin/env python3
"""Importing a 10,000-row ledger sheet: the preview and the confirmed import.

Builds a bureau with the 2011 rule set in force (the tests' world), generates a sheet
of ``--rows`` rows (items reported, adopted, published, endorsed), and times the
office's path through it — ``plan_import`` (the preview) and ``run_import`` (what the
import task runs, with its progress callback) — against a baseline measured in the
same run: ``bulk_create`` of the same items and Outcome rows, nothing checked, audited
or scored.  The two are interleaved and repeated (``--runs``, at least 3); the script
prints medians, spread and the ratio.  A script to run by hand, never a timed test:

    .venv/bin/python bench/bench_import.py                    # SQLite (var/bench-import.sqlite3)
    XINXUAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tasks \
        .venv/bin/python bench/bench_import.py

The target: preview + import of 10,000 rows ≤ 20 s on either database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = (
    "事件编号,稿件编号,标题,类别,字数,单位,作者,事件,日期,载体,等次,采用方式,领导,领导级别,领导职务"
)
UNITS = ["动植检处", "卫生检疫处", "轻纺处"]
CARRIERS = ["总局《专报信息》", "省政府《动态信息》", "市委市政府信息"]
MEDIA = ["常州日报", "中国国门时报"]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get(
        "XINXUAN_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-import.sqlite3'}"
    )
    parser.add_argument("--database", default=default)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of one import")
    args = parser.parse_args()
    args.runs = max(args.runs, 3)
    return args


def ensure_pg_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(args: argparse.Namespace) -> None:
    if args.database.startswith("sqlite:///"):
        Path(args.database.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    else:
        ensure_pg_database(args.database)
    os.environ["XINXUAN_DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fresh_world():
    """An empty database with the tests' world: bureau, units, users, the 2011 rule set."""
    from django.core.management import call_command

    from tests.submissions.world import make_world

    call_command("flush", interactive=False, verbosity=0)  # post_migrate brings the roles back
    return make_world()


def sheet(rows: int) -> str:
    """Four rows per item: reported, adopted, published or endorsed, adopted again."""
    lines = [HEADER]
    n = 0
    item = 0
    while n < rows:
        item += 1
        unit = UNITS[item % len(UNITS)]
        day = f"2011-{item % 12 + 1:02d}-{item % 27 + 1:02d}"
        events = [
            f"I{item},稿件 {item},政务信息,{800 + item % 900},{unit},,上报,{day},,,,,,",
            f"I{item},,,,,,采用,{day},{CARRIERS[item % 3]},,独家采用,,,",
            (
                f"I{item},,,,,,媒体发表,{day},{MEDIA[item % 2]},,,,,"
                if item % 2
                else f"I{item},,,,,,批示,{day},,,,王市长,市级,主要"
            ),
            f"I{item},,,,,,采用,{day},{CARRIERS[(item + 1) % 3]},,合用,,,",
        ]
        for event in events[: rows - n]:
            n += 1
            lines.append(f"E{n},{event}")
    return "\n".join(lines) + "\n"


def time_import(
    world, text: str, rows: int, profile: str | None = None
) -> tuple[float, float, float]:
    from xinxuan.outcomes import importing
    from xinxuan.outcomes.models import Outcome
    from xinxuan.scoring.ledger import compile_ruleset

    ruleset = compile_ruleset(world.ruleset)
    bureau = world.org.bureau
    done: list[int] = []
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    c0 = time.process_time()
    t0 = time.perf_counter()
    plan = importing.plan_import(text, bureau=bureau, ruleset=ruleset)
    t1 = time.perf_counter()
    importing.run_import(
        text,
        bureau=bureau,
        ruleset=ruleset,
        user=world.office,
        skip_bad_rows=False,
        progress=lambda n, total: done.append(n),
    )
    t2 = time.perf_counter()
    cpu = time.process_time() - c0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    assert not plan.problems, plan.problems[:3]
    assert Outcome.objects.count() == rows, Outcome.objects.count()
    assert done and done[-1] == rows, done[-3:]
    return t1 - t0, t2 - t1, cpu


def time_baseline(world, text: str, rows: int) -> tuple[float, float]:
    """The same items and outcomes written with ``bulk_create``: the floor of the job."""
    import csv
    import datetime as dt
    import io

    from django.db import transaction
    from django.utils import timezone

    from xinxuan.organisation.models import Unit
    from xinxuan.outcomes.models import Carrier, Level, Outcome
    from xinxuan.submissions.models import Item, ItemStatus, ItemUnit

    c0 = time.process_time()
    t0 = time.perf_counter()
    reader = csv.DictReader(io.StringIO(text))
    units = {u.name: u for u in Unit.objects.all()}
    carriers = {c.name: c for c in Carrier.objects.all()}
    levels = {lv.name: lv for lv in Level.objects.all()}
    kind = world.kinds["zhengwu"]
    moment = timezone.now()
    with transaction.atomic():
        records = list(reader)
        items = {}
        for r in records:
            if r["事件"] == "上报":
                items[r["稿件编号"]] = Item(
                    title=r["标题"],
                    kind=kind,
                    unit=units[r["单位"]],
                    char_count=int(r["字数"]),
                    status=ItemStatus.REPORTED,
                    status_since=moment,
                    created_at=moment,
                    source_key=f"baseline:{r['稿件编号']}",
                )
        Item.objects.bulk_create(items.values(), batch_size=2000)
        ItemUnit.objects.bulk_create(
            (ItemUnit(item=i, unit=i.unit, share=1) for i in items.values()), batch_size=2000
        )
        kinds = {
            "上报": "report",
            "采用": "adoption",
            "媒体发表": "publication",
            "批示": "endorsement",
        }
        Outcome.objects.bulk_create(
            (
                Outcome(
                    kind=kinds[r["事件"]],
                    item=items[r["稿件编号"]],
                    unit=items[r["稿件编号"]].unit,
                    date=dt.date.fromisoformat(r["日期"]),
                    carrier=carriers.get(r["载体"]),
                    level=levels.get(r["领导级别"]),
                    leader=r["领导"],
                    import_key=f"baseline:{r['事件编号']}",
                )
                for r in records
            ),
            batch_size=2000,
        )
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert Outcome.objects.count() == rows
    return elapsed, cpu


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def main() -> None:
    args = parse()
    setup(args)
    from django.db import connection

    text = sheet(args.rows)
    previews, imports, totals, baselines, cpus, base_cpus = [], [], [], [], [], []
    print(
        f"{connection.vendor}: {args.rows:,} rows, {args.runs} runs "
        "(import and baseline interleaved)"
    )
    for run in range(args.runs):
        world = fresh_world()
        profile = args.profile if run == 0 else None
        preview, confirm, cpu = time_import(world, text, args.rows, profile=profile)
        previews.append(preview)
        imports.append(confirm)
        totals.append(preview + confirm)
        cpus.append(cpu)
        world = fresh_world()
        base, base_cpu = time_baseline(world, text, args.rows)
        baselines.append(base)
        base_cpus.append(base_cpu)
        print(
            f"  run {run + 1}: preview {preview:.2f} s, import {confirm:.2f} s "
            f"(CPU {cpu:.2f} s); baseline {base:.2f} s (CPU {base_cpu:.2f} s)",
            flush=True,
        )
    fresh_world()
    median_total, median_base = statistics.median(totals), statistics.median(baselines)
    print(f"{'figure':<34}{'median s':>10}{'spread s':>14}")
    for name, values in (
        ("preview (plan_import)", previews),
        ("import (run_import)", imports),
        ("preview + import", totals),
        ("preview + import, CPU of Python", cpus),
        ("baseline (bulk_create)", baselines),
        ("baseline, CPU of Python", base_cpus),
    ):
        print(f"{name:<34}{statistics.median(values):>10.2f}{spread(values):>14}")
    ratios = [t / b for t, b in zip(totals, baselines, strict=True)]
    print(
        f"ratio preview + import / baseline: median {statistics.median(ratios):.1f}× "
        f"(runs {spread(ratios)}); of the medians {median_total / median_base:.1f}×"
    )
    print(
        f"preview + import of {args.rows:,} rows: {median_total:.1f} s (target ≤ 20 s): "
        + ("met" if median_total <= 20 else "NOT met")
    )


if __name__ == "__main__":
    main()
