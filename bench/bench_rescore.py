#!/usr/bin/env python3
"""A rule set activated or changed: every stored event rescored to updated standings.

Builds a year of 1,000,000 events (about 330,000 items, each with its unit and an
author) in a throw-away database, then times what the office waits on after changing a
rule set: the background task (``scoring.tasks``) from its start to the updated
standings — reading the events, one engine run, deleting the old score lines, writing
the new ones, the standings, the planner's statistics.  Beside it, in the same run and
interleaved with it, the bare write of the same number of rows: ``INSERT … SELECT`` of
the score lines into a table without indexes (SQLite) or ``COPY`` of their rows from
memory into it (PostgreSQL).  Garbage collection stays on, as in production.

    .venv/bin/python bench/bench_rescore.py            # SQLite, var/bench-rescore.sqlite3
    .venv/bin/python bench/bench_rescore.py --database postgres://postgres@127.0.0.1:5432/bench_rescore

The data set is generated once per database, in SQL (``INSERT … SELECT`` from a
counter), and reused by later runs; ``--rebuild`` starts afresh.  The target is
≤ 30 s for 1,000,000 events on either database.  ``--phases`` prints the wall and CPU
seconds of each phase of every timed task; ``--profile FILE`` writes the cProfile
statistics of the last one.
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

TARGET_S = 30.0


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-rescore.sqlite3'}")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--phases", action="store_true", help="print wall and CPU seconds of each phase"
    )
    parser.add_argument("--profile", help="write cProfile statistics of the last task here")
    return parser.parse_args()


def ensure_pg_database(url: str, rebuild: bool) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if rebuild:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(args: argparse.Namespace) -> None:
    if args.database.startswith("sqlite:///"):
        path = Path(args.database.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        ensure_pg_database(args.database, args.rebuild)
    os.environ["XINXUAN_DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def counter(n: int) -> str:
    """A CTE ``n(i)`` counting 0 … n-1, in SQL both databases understand."""
    return f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {n - 1})"


def clone(cursor, model, template_pk: int, count: int, overrides: dict[str, str], joins=""):
    """Insert ``count`` copies of one row of ``model``, columns replaced by SQL
    expressions of the counter ``n.i`` (and of ``joins``)."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [overrides.get(c, f"t.{c}") for c in columns]
    cursor.execute(
        f"{counter(count)} INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM n CROSS JOIN {table} t {joins} "
        f"WHERE t.id = {template_pk}"
    )


def populate(args: argparse.Namespace) -> None:
    import datetime as dt

    from django.db import connection, transaction

    from xinxuan.organisation import demo as organisation_demo
    from xinxuan.organisation.models import Person, Unit
    from xinxuan.outcomes import demo as outcomes_demo
    from xinxuan.outcomes.models import Carrier, Level, Outcome, Route, SuperiorBody
    from xinxuan.scoring.demo import RULESETS
    from xinxuan.scoring.models import RuleSet, RuleSetStatus
    from xinxuan.submissions import demo as submissions_demo
    from xinxuan.submissions.models import Item, ItemAuthor, ItemKind, ItemStatus, ItemUnit

    if Outcome.objects.filter(import_key__startswith="bench:").exists():
        return
    started = time.perf_counter()
    quiet = lambda _m: None  # noqa: E731
    with transaction.atomic():
        organisation_demo.load(log=quiet)
        submissions_demo.load(log=quiet)
        outcomes_demo._reference_data()
    city = Unit.objects.get(code="cz")
    units = list(
        Unit.objects.filter(parent=city).exclude(code="cz-office").values_list("pk", flat=True)
    )
    people = list(Person.objects.filter(unit_id__in=units).values_list("pk", "unit_id"))
    carriers = list(Carrier.objects.values_list("pk", flat=True))
    city_level = Level.objects.get(code="city").pk
    body, route = SuperiorBody.objects.first().pk, Route.objects.first().pk
    n_items = args.events // 3
    n_events = args.events
    print(f"generating {n_items:,} items and {n_events:,} events in SQL …", flush=True)
    moment = dt.datetime(2011, 1, 1, tzinfo=dt.UTC)
    sqlite = connection.vendor == "sqlite"
    num = "n.i" if sqlite else "n.i::text"

    def day(expr: str) -> str:
        if sqlite:
            return f"date('2011-01-01', '+' || ({expr}) || ' days')"
        return f"(DATE '2011-01-01' + ({expr}))"

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_pick (k INTEGER, unit_id BIGINT, person_id BIGINT)")
        # one row per person, so that item i goes to person i % len(people) and their unit
        cursor.executemany(
            "INSERT INTO bench_pick VALUES (%s, %s, %s)",
            [(k, unit, person) for k, (person, unit) in enumerate(people)],
        )
        cursor.execute("CREATE TEMP TABLE bench_carrier (k INTEGER, carrier_id BIGINT)")
        cursor.executemany("INSERT INTO bench_carrier VALUES (%s, %s)", list(enumerate(carriers)))
        template = Item.objects.create(
            title="基准稿件",
            kind=ItemKind.objects.get(code="zhengwu"),
            unit_id=units[0],
            status=ItemStatus.REPORTED,
            created_at=moment,
            status_since=moment,
            char_count=800,
            source_key="bench-template",
        )
        zhengwu, tongxun = (
            ItemKind.objects.get(code="zhengwu").pk,
            ItemKind.objects.get(code="tongxun").pk,
        )
        clone(
            cursor,
            Item,
            template.pk,
            n_items,
            {
                "title": f"'基准稿件 ' || {num}",
                "kind_id": f"CASE WHEN n.i % 3 = 0 THEN {tongxun} ELSE {zhengwu} END",
                "unit_id": "p.unit_id",
                "source_key": f"'bench:' || {num}",
            },
            joins=f"JOIN bench_pick p ON p.k = n.i % {len(people)}",
        )
        template.delete()
        first, last, count = (
            Item.objects.filter(source_key__startswith="bench:")
            .aggregate(first=django_min("pk"), last=django_max("pk"), count=django_count("pk"))
            .values()
        )
        assert last - first + 1 == count == n_items, "item keys are not contiguous"
        cursor.execute(
            f"INSERT INTO {ItemUnit._meta.db_table} (item_id, unit_id, share, sort_order) "
            f"SELECT id, unit_id, 1, 0 FROM {Item._meta.db_table} WHERE source_key LIKE 'bench:%%'"
        )
        cursor.execute(
            f"INSERT INTO {ItemAuthor._meta.db_table} (item_id, person_id, share, sort_order) "
            f"SELECT i.id, p.person_id, 1, 0 FROM {Item._meta.db_table} i "
            f"JOIN bench_pick p ON p.k = (i.id - {first}) % {len(people)} "
            f"WHERE i.source_key LIKE 'bench:%%'"
        )
        one = Outcome.objects.create(
            kind="report",
            item_id=first,
            unit_id=units[0],
            date=dt.date(2011, 1, 1),
            import_key="bench-template",
        )
        item = f"({first} + n.i % {n_items})"
        kind = (
            f"CASE WHEN n.i < {n_items} THEN 'report' WHEN n.i % 7 = 0 THEN 'endorsement' "
            "WHEN n.i % 2 = 0 THEN 'adoption' ELSE 'publication' END"
        )
        clone(
            cursor,
            Outcome,
            one.pk,
            n_events,
            {
                "kind": kind,
                "item_id": item,
                "unit_id": "p.unit_id",
                "date": day("((n.i % 360) * 7919) % 360"),  # no int overflow on PG
                "import_key": f"'bench:' || {num}",
                "superior_body_id": f"CASE WHEN n.i < {n_items} THEN {body} END",
                "route_id": f"CASE WHEN n.i < {n_items} THEN {route} END",
                "leader": f"CASE WHEN n.i >= {n_items} AND n.i % 7 = 0 THEN '市长' ELSE '' END",
                "level_id": f"CASE WHEN n.i >= {n_items} AND n.i % 7 = 0 THEN {city_level} END",
                "carrier_id": f"CASE WHEN n.i >= {n_items} AND n.i % 7 <> 0 THEN c.carrier_id END",
            },
            joins=(
                f"JOIN bench_pick p ON p.k = (n.i % {n_items}) % {len(people)} "
                f"JOIN bench_carrier c ON c.k = (n.i * 31) % {len(carriers)}"
            ),
        )
        one.delete()
        cursor.execute("DROP TABLE bench_pick")
        cursor.execute("DROP TABLE bench_carrier")
        cursor.execute("ANALYZE")
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    RuleSet.objects.filter(code="changzhou-2011").delete()
    RuleSet.objects.create(
        unit=city,
        name="2011",
        code="changzhou-2011",
        effective_from=dt.date(2011, 1, 1),
        effective_to=dt.date(2011, 12, 31),
        status=RuleSetStatus.ACTIVE,
        text=(RULESETS / "changzhou-2011.toml").read_text(encoding="utf-8"),
        engine_version="2011.1",
    )


def django_min(field):
    from django.db.models import Min

    return Min(field)


def django_max(field):
    from django.db.models import Max

    return Max(field)


def django_count(field):
    from django.db.models import Count

    return Count(field)


PHASES: dict[str, list[float]] = {}


def time_phases() -> None:
    """Wrap the task's phases so that each adds its wall and CPU seconds to ``PHASES``
    (the rest of the task — the audit entry, the commit, the job — is what is left)."""
    from xinxuan.scoring import engine, ledger, standings

    def wrap(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def timed(*args, **kwargs):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                found = PHASES.setdefault(label, [0.0, 0.0])
                found[0] += time.perf_counter() - t0
                found[1] += time.process_time() - c0

        setattr(owner, name, timed)

    wrap(ledger, "run_input", "reading the events")
    wrap(engine, "score", "engine run")
    wrap(ledger, "clear_ruleset", "deleting the old lines")
    wrap(ledger, "_chunk_rows", "lines to rows")
    wrap(ledger._CopySink, "write", "writing the rows")
    wrap(ledger._InsertSink, "write", "writing the rows")
    wrap(ledger, "_write_lines", "lines written (engine's lines, rows, writes)")
    wrap(ledger, "_store_standings", "standings stored")
    wrap(standings, "store_months", "monthly sums stored")
    wrap(ledger, "_build_again", "indexes (and keys) built again")
    wrap(ledger, "rebuild_clause_sums", "clause sums")
    wrap(ledger, "_analyze", "ANALYZE")


def print_phases(total_wall: float, total_cpu: float) -> None:
    print(f"  {'phase':<40} {'wall s':>8} {'CPU s':>8}")
    for label, (wall, cpu) in PHASES.items():
        print(f"  {label:<40} {wall:8.2f} {cpu:8.2f}")
    print(f"  {'whole task':<40} {total_wall:8.2f} {total_cpu:8.2f}")
    PHASES.clear()


def rescoring_task(ruleset, profile: str | None = None) -> tuple[float, dict]:
    """The background task as the worker runs it; seconds and its result (which also
    has the process's CPU seconds: on a shared machine, the part of the wall time this
    process itself worked — SQLite's work included, PostgreSQL's server not)."""
    from xinxuan.jobs import running
    from xinxuan.jobs.models import Job, JobKind, JobStatus
    from xinxuan.scoring import tasks

    job = Job.objects.create(
        kind=JobKind.RESCORE, title="bench", subject=tasks.subject(ruleset), user=None
    )
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0, c0 = time.perf_counter(), time.process_time()
    running.run(job.pk, tasks._rescore)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    if PHASES:
        print_phases(seconds, cpu)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert (job.done, job.total) == (4, 4) or job.done == job.total
    return seconds, {**job.result, "cpu": cpu}


COLUMNS = (
    "ruleset_id, version, outcome_id, event_key, item_id, unit_id, person_id, clause, "
    "points, date, tally, calc_id, share"
)


def bare_write(ruleset, payload: bytes | None) -> float:
    """The same number of rows written the barest way the database offers."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute(
            f"CREATE TABLE bench_copy AS SELECT {COLUMNS} FROM scoring_scoreline WHERE 1 = 0"
        )
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY bench_copy ({COLUMNS}) FROM STDIN") as copy:
                copy.write(payload)
        else:
            cursor.execute(
                f"INSERT INTO bench_copy ({COLUMNS}) SELECT {COLUMNS} FROM scoring_scoreline "
                f"WHERE ruleset_id = %s",
                [ruleset.pk],
            )
    seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def copy_payload(ruleset) -> bytes | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    chunks = []
    with connection.cursor() as cursor:
        query = f"SELECT {COLUMNS} FROM scoring_scoreline WHERE ruleset_id = {ruleset.pk}"
        with cursor.cursor.copy(f"COPY ({query}) TO STDOUT") as copy:
            for data in copy:
                chunks.append(bytes(data))
    return b"".join(chunks)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} s ({min(values):.1f}–{max(values):.1f})"


def main() -> None:
    args = parse()
    setup(args)
    populate(args)
    import gc

    from django.db import connection

    from xinxuan.outcomes.models import Outcome
    from xinxuan.scoring.models import RuleSet, ScoreLine, Standing

    assert gc.isenabled()
    ruleset = RuleSet.objects.get(code="changzhou-2011")
    print(
        f"{connection.vendor}: {Outcome.objects.filter(import_key__startswith='bench:').count():,}"
        " events "
        f"in the database; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if not ScoreLine.objects.filter(ruleset=ruleset).exists():
        print("first scoring (no old lines to delete; not counted) …", flush=True)
        seconds, result = rescoring_task(ruleset)
        print(
            f"  {seconds:.1f} s (CPU {result['cpu']:.1f} s), {result['lines']:,} lines", flush=True
        )
    if args.phases:
        time_phases()
    payload = copy_payload(ruleset)
    task_s, bare_s, cpu_s, lines = [], [], [], 0
    for run in range(args.runs):
        # interleaved, the order alternating, so that a change of load hits both
        order = ("task", "bare") if run % 2 == 0 else ("bare", "task")
        for contender in order:
            if contender == "task":
                last = run == args.runs - 1
                seconds, result = rescoring_task(ruleset, args.profile if last else None)
                task_s.append(seconds)
                cpu_s.append(result["cpu"])
                lines = result["lines"]
                assert Standing.objects.filter(ruleset=ruleset).exists()
            else:
                bare_s.append(bare_write(ruleset, payload))
        print(
            f"  run {run + 1}: rescoring {task_s[-1]:.1f} s (CPU {cpu_s[-1]:.1f} s), "
            f"bare write {bare_s[-1]:.1f} s; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    what = "COPY" if connection.vendor == "postgresql" else "INSERT … SELECT"
    ratios = [t / b for t, b in zip(task_s, bare_s, strict=True)]
    print(f"{lines:,} score lines per run; load {os.getloadavg()[0]:.1f}")
    print(f"rescoring task to updated standings: {spread(task_s)}; CPU {spread(cpu_s)}")
    print(f"bare {what} of {lines:,} rows:        {spread(bare_s)}")
    print(
        f"ratio: {statistics.median(ratios):.1f}× ({min(ratios):.1f}–{max(ratios):.1f}); "
        f"target ≤ {TARGET_S:.0f} s: "
        + ("met" if statistics.median(task_s) <= TARGET_S else "NOT met")
    )


if __name__ == "__main__":
    main()
