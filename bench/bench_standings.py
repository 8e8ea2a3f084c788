#!/usr/bin/env python3
"""Standings of one year over 1,000,000 stored score lines (300 units, 5,000 writers).

Times what the standings page computes for a period — the units ranked per class, the
writers ranked, the breakdown by month, kind and level — for the year and for a quarter,
and beside it the same aggregation (GROUP BY unit, writer, month, clause over the same
lines) done by DuckDB in memory in the same run, as a ratio.  The target is ≤ 100 ms
for the year.  Contenders interleaved, repeated, medians with min–max.  A script to run
by hand, never a timed test:

    .venv/bin/python bench/bench_standings.py          # SQLite (var/bench-standings.sqlite3)
    .venv/bin/python bench/bench_standings.py --database postgres://postgres@127.0.0.1:5432/bench_standings

The data set is generated once per database and reused (``--rebuild`` starts afresh).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default=f"sqlite:///{ROOT / 'var' / 'bench-standings.sqlite3'}"
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--persons", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    return parser.parse_args()


def setup(args: argparse.Namespace) -> None:
    if args.database.startswith("sqlite:///"):
        path = Path(args.database.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.rebuild and path.exists():
            path.unlink()
    else:
        import psycopg

        base, _, name = args.database.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if args.rebuild:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["XINXUAN_DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


CLAUSES = [
    "report",
    "adoption.level.city",
    "adoption.level.provincial",
    "publication.level.city",
    "endorsement.level.city",
    "deduction.late",
]


def populate(args: argparse.Namespace) -> None:
    from django.db import transaction

    from xinxuan.organisation.models import Person, Unit, UnitClass, UnitKind, UnitTarget
    from xinxuan.outcomes.models import Level
    from xinxuan.scoring import ledger
    from xinxuan.scoring.models import RuleSet, RuleSetStatus, ScoreCalc, ScoreLine

    if RuleSet.objects.filter(code="bench-standings").exists():
        return
    started = time.perf_counter()
    rng = random.Random(7)
    with transaction.atomic():
        top = Unit.objects.create(name="基准省局", code="bench-top", kind=UnitKind.BUREAU)
        classes = [
            UnitClass.objects.get_or_create(code=f"bench-{n}", defaults={"name": f"基准{n}类"})[0]
            for n in range(2)
        ]
        units = Unit.objects.bulk_create(
            Unit(
                name=f"基准单位{n}",
                code=f"bench-u{n}",
                kind=UnitKind.DEPARTMENT,
                parent=top,
                unit_class=classes[n % 2],
                sort_order=n,
            )
            for n in range(args.units)
        )
        UnitTarget.objects.bulk_create(
            UnitTarget(unit=u, year=2011, points=Decimal(rng.randint(200, 400))) for u in units
        )
        persons = Person.objects.bulk_create(
            Person(name=f"作者{n}", unit=units[n % len(units)]) for n in range(args.persons)
        )
        ruleset = RuleSet.objects.create(
            unit=top,
            name="基准办法",
            code="bench-standings",
            status=RuleSetStatus.ACTIVE,
            effective_from=datetime.date(2011, 1, 1),
            effective_to=datetime.date(2011, 12, 31),
            text=(
                '[ruleset]\nid = "bench-standings"\nversion = "1"\nname = "基准办法"\n'
                "effective_from = 2011-01-01\neffective_to = 2011-12-31\n"
            ),
        )
        Level.objects.get_or_create(code="city", defaults={"name": "市级", "rank": 2})
    # one stored calculation shared by every line (lines keep their arithmetic there)
    calc, _ = ScoreCalc.objects.get_or_create(
        digest="bench-standings", defaults={"data": {"text": "基准", "text_en": "bench"}}
    )
    batch = []
    for n in range(args.lines):
        person = persons[rng.randrange(len(persons))] if n % 2 else None
        unit = person.unit if person else units[rng.randrange(len(units))]
        batch.append(
            ScoreLine(
                ruleset=ruleset,
                version="bench",
                unit=unit,
                person=person,
                clause=CLAUSES[n % len(CLAUSES)],
                points=Decimal(rng.randint(-2, 20)) / 2,
                date=datetime.date(2011, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
                tally=1,
                calc=calc,
            )
        )
        if len(batch) == 20_000:
            ScoreLine.objects.bulk_create(batch)
            batch = []
    ScoreLine.objects.bulk_create(batch)
    with transaction.atomic():
        ledger.rebuild_standings(ruleset)  # the Standing rows and the monthly sums
    print(f"generated {args.lines:,} lines in {time.perf_counter() - started:.0f} s")


def ours(ruleset, period) -> int:
    from xinxuan.scoring import standings as by_period

    rankings = by_period.unit_rankings(ruleset, period)
    persons = by_period.person_ranking(ruleset, period, limit=300)  # as the page shows them
    parts = by_period.breakdown(ruleset, period)
    return sum(len(r.rows) for r in rankings) + len(persons) + len(parts.by_month)


def duckdb_load(ruleset):
    """The same lines in DuckDB (through a CSV file: row inserts take minutes)."""
    import csv
    import tempfile

    import duckdb

    from xinxuan.scoring.models import ScoreLine

    query = ScoreLine.objects.filter(ruleset=ruleset).values_list(
        "unit_id", "person_id", "date", "clause", "points"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", delete=False) as f:
        writer = csv.writer(f)
        writer.writerow(["unit", "person", "day", "clause", "points"])
        writer.writerows(query.iterator(chunk_size=50_000))
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE lines AS SELECT * FROM read_csv(?, header = true, columns = {'unit': "
        "'INTEGER', 'person': 'INTEGER', 'day': 'DATE', 'clause': 'VARCHAR', 'points': "
        "'DECIMAL(12, 4)'})",
        [f.name],
    )
    os.unlink(f.name)
    return con


def duck(con, start, end) -> int:
    where = f"day BETWEEN DATE '{start}' AND DATE '{end}'"
    n = len(
        con.execute(
            f"SELECT unit, SUM(points) FROM lines WHERE person IS NULL AND {where} "
            "GROUP BY unit ORDER BY 2 DESC"
        ).fetchall()
    )
    n += len(
        con.execute(
            f"SELECT person, SUM(points) FROM lines WHERE person IS NOT NULL AND "
            f"{where} GROUP BY person ORDER BY 2 DESC"
        ).fetchall()
    )
    n += len(
        con.execute(
            f"SELECT date_trunc('month', day), clause, SUM(points) FROM lines "
            f"WHERE person IS NULL AND {where} GROUP BY 1, 2"
        ).fetchall()
    )
    return n


def main() -> None:
    args = parse()
    setup(args)
    populate(args)
    from django.db import connection

    from xinxuan.scoring import standings as by_period
    from xinxuan.scoring.models import RuleSet, ScoreLine

    ruleset = RuleSet.objects.get(code="bench-standings")
    lines = ScoreLine.objects.filter(ruleset=ruleset).count()
    started = time.perf_counter()
    con = duckdb_load(ruleset)
    print(
        f"{connection.vendor}: {lines:,} lines; DuckDB table loaded in "
        f"{time.perf_counter() - started:.0f} s (not timed below)"
    )
    print(
        f"load: {os.getloadavg()[0]:.2f} (2 cores shared with other work: absolute times "
        "are noisy, the ratio less so)"
    )
    for key in ("2011", "2011-Q2"):
        period = by_period.parse_period(ruleset, key)
        ours(ruleset, period)  # warm the caches once, as a running server has them
        duck(con, period.start, period.end)
        ours_t, duck_t = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            ours(ruleset, period)
            ours_t.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            duck(con, period.start, period.end)
            duck_t.append((time.perf_counter() - t) * 1000)
        mo, md = statistics.median(ours_t), statistics.median(duck_t)
        print(
            f"{period.label:<16} standings {mo:7.1f} ms (min {min(ours_t):.1f}, max "
            f"{max(ours_t):.1f})   DuckDB {md:6.1f} ms (min {min(duck_t):.1f}, max "
            f"{max(duck_t):.1f})   ratio {mo / md:5.2f}x   target ≤ 100 ms"
        )


if __name__ == "__main__":
    main()
