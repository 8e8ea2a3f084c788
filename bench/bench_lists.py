#!/usr/bin/env python3
"""The workbench's lists with a province's year in the database, as the office sees them.

Builds, once per database, a province of 30 bureaus with 300 departments and 5,000
writers, 100,000 items, 300,000 outcomes and 1,000,000 score lines (bulk inserts; the
score lines are written by one ``INSERT … SELECT`` per kind of line, not by the
engine: the lists read them, they do not check them).  Then requests every page of
``PAGES`` through Django's test client as the province office's user — the server's
time, without network or browser — in rounds, the pages taking turns, and prints per
page the median time, the spread (lowest–highest), the number of queries and the
ratio to the cheapest page of the run (the health check, which reads no rows).
A script to run by hand, never a timed test:

    .venv/bin/python bench/bench_lists.py                      # SQLite (var/bench-lists.sqlite3)
    .venv/bin/python bench/bench_lists.py --database postgres://postgres@127.0.0.1:5432/bench_lists

Another page is one more line in ``PAGES``: a label, a URL name, and how to find its
arguments and query in the built data (``--page NAME`` measures only those named).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUREAUS = 30
DEPARTMENTS = 10  # per bureau, its office included
PERSONS = 5_000
# (user name, unit code, role): who reads the lists
USERS = [
    ("bench-province", "bench-office", "office"),
    ("bench-office", "bench-b7-d0", "office"),
    ("bench-head", "bench-b7-d3", "head"),
    ("bench-officer", "bench-b7-d3", "officer"),
]


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    # (the built data) -> (URL arguments, query string)
    where: Callable[[dict], tuple[list, str]] = lambda data: ([], "")


PAGES = [
    Page("health (baseline)", "healthz"),
    Page("desk", "wagtailadmin_home"),
    Page("items, page 1", "wagtailsnippets_submissions_item:list"),
    Page("items, page 500", "wagtailsnippets_submissions_item:list", lambda d: ([], "p=500")),
    Page(
        "items of one unit",
        "wagtailsnippets_submissions_item:list",
        lambda d: ([], f"unit={d['unit']}"),
    ),
    Page("items, search", "wagtailsnippets_submissions_item:list", lambda d: ([], "q=稿件 77")),
    Page("ledger, page 1", "outcomes:ledger"),
    Page("ledger, page 500", "outcomes:ledger", lambda d: ([], "p=500")),
    Page("ledger of one unit", "outcomes:ledger", lambda d: ([], f"unit={d['unit']}")),
    Page("ledger, adoptions", "outcomes:ledger", lambda d: ([], "kind=adoption")),
    Page("standings", "scoring:standings", lambda d: ([d["ruleset"]], "")),
    Page("standings, Q2", "scoring:standings", lambda d: ([d["ruleset"]], "period=2011-Q2")),
    Page("standings lines", "scoring:standings-lines", lambda d: ([d["ruleset"]], "")),
    Page(
        "lines of one unit",
        "scoring:standings-lines",
        lambda d: ([d["ruleset"]], f"unit={d['unit']}"),
    ),
    Page("bureau standings", "scoring:standings", lambda d: ([d["bureau_ruleset"]], "")),
    Page("bureau lines", "scoring:standings-lines", lambda d: ([d["bureau_ruleset"]], "")),
]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-lists.sqlite3'}")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--outcomes", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--page", action="append", help="measure only the pages so labelled")
    parser.add_argument("--user", action="append", help="measure only as these users")
    parser.add_argument("--rebuild", action="store_true")
    return parser.parse_args()


def setup(args: argparse.Namespace) -> None:
    if args.database.startswith("sqlite:///"):
        path = Path(args.database.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        base, _, name = args.database.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if args.rebuild:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not found.fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["XINXUAN_DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(
    args: argparse.Namespace,
    *,
    bureaus: int = BUREAUS,
    departments: int = DEPARTMENTS,
    issuer: str = "bench-province",
) -> dict:
    """The province's year, generated once in SQL; returns what the pages need.

    ``bureaus`` and ``departments`` shape the tree (``bench_bulletin.py`` builds one
    bureau of 300 departments); ``issuer`` is the code of the unit whose rule set the
    score lines are written under (it credits the outcomes' units)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.db.models import Count, Max, Min

    from bench.bench_rescore import clone
    from xinxuan.accounts.roles import GROUP_NAMES, Role
    from xinxuan.organisation.models import Person, Unit, UnitKind
    from xinxuan.outcomes import demo as outcomes_demo
    from xinxuan.outcomes.models import Carrier, Level, Outcome, Route, SuperiorBody
    from xinxuan.scoring import ledger
    from xinxuan.scoring.demo import RULESETS
    from xinxuan.scoring.models import RuleSet, RuleSetStatus, ScoreLine
    from xinxuan.submissions import demo as submissions_demo
    from xinxuan.submissions.models import Item, ItemAuthor, ItemKind, ItemStatus, ItemUnit

    User = get_user_model()
    if not Unit.objects.filter(code="bench-province").exists():
        started = time.perf_counter()
        print("generating a province's year in SQL …", flush=True)
        quiet = lambda _m: None  # noqa: E731
        with transaction.atomic():
            submissions_demo.load(log=quiet)
            outcomes_demo._reference_data()
            province = Unit.objects.create(
                name="基准省局", code="bench-province", kind=UnitKind.BUREAU
            )
            office = Unit.objects.create(
                name="基准省局办公室", code="bench-office", kind=UnitKind.OFFICE, parent=province
            )
            Unit.objects.bulk_create(
                Unit(name=f"基准市局{b}", code=f"bench-b{b}", kind=UnitKind.BUREAU, parent=province)
                for b in range(bureaus)
            )
            bureau_units = list(Unit.objects.filter(code__startswith="bench-b").order_by("pk"))
            Unit.objects.bulk_create(
                Unit(
                    name=f"基准市局{b}{'办公室' if d == 0 else f'第{d}处'}",
                    code=f"bench-b{b}-d{d}",
                    kind=UnitKind.OFFICE if d == 0 else UnitKind.DEPARTMENT,
                    parent=bureau,
                    sort_order=d,
                )
                for b, bureau in enumerate(bureau_units)
                for d in range(departments)
            )
            departments = list(
                Unit.objects.filter(code__contains="-d", code__startswith="bench-b")
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            Person.objects.bulk_create(
                Person(name=f"作者{n}", unit_id=departments[n % len(departments)])
                for n in range(PERSONS)
            )
            # one user per role that reads the lists: the province office, a bureau's
            # office, a department's head and its information officer
            for username, unit_code, role in USERS:
                if not Unit.objects.filter(code=unit_code).exists():
                    continue  # a tree of another shape (bench_bulletin.py)
                user = User.objects.create_user(username=username, password="bench-lists-42")
                user.groups.add(Group.objects.get(name=GROUP_NAMES[Role(role)]))
                unit = office if unit_code == "bench-office" else Unit.objects.get(code=unit_code)
                Person.objects.create(name=f"{username}的信息员", unit=unit, user=user)
        writers = dict(
            Person.objects.filter(unit_id__in=departments)
            .order_by("-pk")
            .values_list("unit_id", "pk")
        )  # each department's first writer (the lowest pk wins, last in this order)
        kinds = list(ItemKind.objects.order_by("pk").values_list("pk", flat=True))
        carriers = list(Carrier.objects.order_by("pk").values_list("pk", flat=True))
        city = Level.objects.get(code="city").pk
        body, route = SuperiorBody.objects.first().pk, Route.objects.first().pk
        sqlite = connection.vendor == "sqlite"
        num = "n.i" if sqlite else "n.i::text"
        if sqlite:
            minute = "datetime('2011-01-01 00:00:00', '+' || n.i || ' minutes')"
            day = "date('2011-01-01', '+' || (((n.i % 360) * 7919) % 360) || ' days')"
        else:
            minute = "(TIMESTAMPTZ '2011-01-01 00:00:00+00' + n.i * INTERVAL '1 minute')"
            day = "(DATE '2011-01-01' + ((n.i % 360) * 7919) % 360)"
        n_items, n_depts = args.items, len(departments)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_dept (k INTEGER, unit_id BIGINT, person_id BIGINT)"
            )
            cursor.executemany(
                "INSERT INTO bench_dept VALUES (%s, %s, %s)",
                [(k, unit, writers[unit]) for k, unit in enumerate(departments)],
            )
            cursor.execute("CREATE TEMP TABLE bench_kind (k INTEGER, kind_id BIGINT)")
            cursor.executemany("INSERT INTO bench_kind VALUES (%s, %s)", list(enumerate(kinds)))
            cursor.execute("CREATE TEMP TABLE bench_carrier (k INTEGER, carrier_id BIGINT)")
            cursor.executemany(
                "INSERT INTO bench_carrier VALUES (%s, %s)", list(enumerate(carriers))
            )
            moment = dt.datetime(2011, 1, 1, tzinfo=dt.UTC)
            template = Item.objects.create(
                title="基准稿件",
                kind_id=kinds[0],
                unit_id=departments[0],
                status=ItemStatus.REPORTED,
                created_at=moment,
                status_since=moment,
                char_count=800,
                source_key="bench-lists-template",
            )
            # item n: kind n % kinds, department n % departments, one minute after n - 1
            clone(
                cursor,
                Item,
                template.pk,
                n_items,
                {
                    "title": f"'基准稿件 ' || {num}",
                    "kind_id": "k.kind_id",
                    "unit_id": "d.unit_id",
                    "created_at": minute,
                    "status_since": minute,
                    "source_key": f"'bench-lists:' || {num}",
                },
                joins=(
                    f"JOIN bench_dept d ON d.k = n.i % {n_depts} "
                    f"JOIN bench_kind k ON k.k = n.i % {len(kinds)}"
                ),
            )
            template.delete()
            print(f"  items: {time.perf_counter() - started:.0f} s", flush=True)
            # the ids are contiguous, though not in the order of n on PostgreSQL: an
            # item's department and writer are read from the item itself below
            ids = Item.objects.filter(source_key__startswith="bench-lists:").aggregate(
                first=Min("pk"), last=Max("pk"), count=Count("pk")
            )
            first = ids["first"]
            assert ids["last"] - first + 1 == ids["count"] == n_items, "ids not contiguous"
            item, line = Item._meta.db_table, "i.source_key LIKE 'bench-lists:%%'"
            cursor.execute(
                f"INSERT INTO {ItemUnit._meta.db_table} (item_id, unit_id, share, sort_order) "
                f"SELECT i.id, i.unit_id, 1, 0 FROM {item} i WHERE {line}"
            )
            cursor.execute(
                f"INSERT INTO {ItemAuthor._meta.db_table} (item_id, person_id, share, sort_order) "
                f"SELECT i.id, d.person_id, 1, 0 FROM {item} i "
                f"JOIN bench_dept d ON d.unit_id = i.unit_id WHERE {line}"
            )
            one = Outcome.objects.create(
                kind="report",
                item_id=first,
                unit_id=departments[0],
                date=dt.date(2011, 1, 1),
                import_key="bench-lists-template",
            )
            # outcome n: item n % items (its department); the first of each item its
            # report, then adoptions, publications and every eleventh an endorsement
            report = f"n.i < {n_items}"
            endorsed = f"n.i >= {n_items} AND n.i % 11 = 0"
            clone(
                cursor,
                Outcome,
                one.pk,
                args.outcomes,
                {
                    "kind": f"CASE WHEN {report} THEN 'report' WHEN n.i % 11 = 0 THEN "
                    "'endorsement' WHEN n.i % 2 = 0 THEN 'adoption' ELSE 'publication' END",
                    "item_id": f"({first} + n.i % {n_items})",
                    "unit_id": "i.unit_id",
                    "date": day,
                    "import_key": f"'bench-lists:' || {num}",
                    "superior_body_id": f"CASE WHEN {report} THEN {body} END",
                    "route_id": f"CASE WHEN {report} THEN {route} END",
                    "leader": f"CASE WHEN {endorsed} THEN '市长' ELSE '' END",
                    "level_id": f"CASE WHEN {endorsed} THEN {city} END",
                    "carrier_id": f"CASE WHEN n.i >= {n_items} AND n.i % 11 <> 0 "
                    "THEN c.carrier_id END",
                },
                joins=(
                    f"JOIN {item} i ON i.id = {first} + n.i % {n_items} "
                    f"JOIN bench_carrier c ON c.k = (n.i * 31) % {len(carriers)}"
                ),
            )
            one.delete()
            print(f"  outcomes: {time.perf_counter() - started:.0f} s", flush=True)
            for table in ("bench_dept", "bench_kind", "bench_carrier"):
                cursor.execute(f"DROP TABLE {table}")
            ruleset = RuleSet.objects.create(
                unit=Unit.objects.get(code=issuer),
                name="基准 2011",
                code="bench-lists-2011",
                effective_from=dt.date(2011, 1, 1),
                effective_to=dt.date(2011, 12, 31),
                status=RuleSetStatus.ACTIVE,
                text=(RULESETS / "changzhou-2011.toml").read_text(encoding="utf-8"),
                engine_version="2011.1",
            )
            write_lines(connection, ruleset.pk, ScoreLine)
            print(f"  score lines: {time.perf_counter() - started:.0f} s", flush=True)
            ledger.rebuild_standings(ruleset)
            print(f"  standings: {time.perf_counter() - started:.0f} s", flush=True)
        # the planner's statistics, as PostgreSQL's autovacuum keeps them; SQLite has
        # none until ANALYZE, and without them reads the ledger by unit and sorts it all
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    department = Unit.objects.filter(code="bench-b7-d3").first()
    bureau_ruleset = bureau_standings(bureau="bench-b7") if department else None
    return {
        "bureau_ruleset": bureau_ruleset,
        "users": {u.username: u for u in User.objects.filter(username__in=[n for n, *_r in USERS])},
        "unit": department.pk if department else None,
        "ruleset": RuleSet.objects.get(code="bench-lists-2011").pk,
    }


def bureau_standings(*, bureau: str) -> int:
    """A bureau's own rule set for 2011, crediting its departments: the standings its
    head and officer read.  Its lines are the province's lines of the bureau's units,
    copied once."""
    import datetime as dt

    from django.db import connection, transaction

    from xinxuan.organisation.models import Unit
    from xinxuan.scoring import ledger
    from xinxuan.scoring.models import RuleSet, RuleSetStatus, ScoreLine

    code = f"{bureau}-2011"
    found = RuleSet.objects.filter(code=code).first()
    if found is not None:
        return found.pk
    province = RuleSet.objects.get(code="bench-lists-2011")
    unit = Unit.objects.get(code=bureau)
    with transaction.atomic():
        ruleset = RuleSet.objects.create(
            unit=unit,
            name=f"{unit.name} 2011",
            code=code,
            effective_from=dt.date(2011, 1, 1),
            effective_to=dt.date(2011, 12, 31),
            status=RuleSetStatus.ACTIVE,
            text=province.text,
            engine_version="2011.1",
        )
        columns = (
            "version, outcome_id, event_key, item_id, unit_id, person_id, clause, points, "
            "date, tally, calc_id, share"
        )
        ids = ", ".join(str(pk) for pk in unit.descendant_ids())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ScoreLine._meta.db_table} (ruleset_id, {columns}) "
                f"SELECT {ruleset.pk}, {columns} FROM {ScoreLine._meta.db_table} "
                f"WHERE ruleset_id = {province.pk} AND unit_id IN ({ids})"
            )
        ledger.rebuild_standings(ruleset)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ruleset.pk


def write_lines(connection, ruleset_id: int, ScoreLine) -> None:
    """About 1,000,000 score lines from the outcomes: each outcome's unit line, two
    person lines for the item's writer, one more unit line for a third of them."""
    from xinxuan.scoring.models import ScoreCalc

    line = ScoreLine._meta.db_table
    outcome = "outcomes_outcome"
    author = "submissions_itemauthor"
    calc, _ = ScoreCalc.objects.get_or_create(
        digest="bench-lists", defaults={"data": {"text": "基准 = 1", "text_en": "bench = 1"}}
    )
    text, text_values = ", calc_id, share", f", {calc.pk}, ''"
    common = (
        f"{ruleset_id}, '2011.1', o.id, 'o' || o.id, o.item_id, o.unit_id, %s, "
        f"o.kind || '.bench', 1, o.date, %s{text_values}"
    )
    insert = (
        f"INSERT INTO {line} (ruleset_id, version, outcome_id, event_key, item_id, unit_id, "
        f"person_id, clause, points, date, tally{text}) "
    )
    with connection.cursor() as cursor:
        cursor.execute(insert + f"SELECT {common % ('NULL', '1')} FROM {outcome} o")
        for _copy in range(2):
            cursor.execute(
                insert + f"SELECT {common % ('a.person_id', '0')} FROM {outcome} o "
                f"JOIN {author} a ON a.item_id = o.item_id"
            )
        cursor.execute(
            insert + f"SELECT {common % ('NULL', '0')} FROM {outcome} o WHERE o.id % 3 = 0"
        )


def measure(page: Page, data: dict, client) -> tuple[float, float, float, int, int]:
    """One request: wall and CPU milliseconds (the CPU of this process: on SQLite the
    database's work is in it, PostgreSQL's server is not), the milliseconds spent
    waiting on its queries (PostgreSQL's server time, as the client sees it), queries,
    status."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    args, query = page.where(data)
    url = reverse(page.url_name, args=args) + (f"?{query}" if query else "")
    with CaptureQueriesContext(connection) as queries:
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - t0) * 1000
        cpu = (time.process_time() - c0) * 1000
    sql = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    return elapsed, cpu, sql, len(queries), response.status_code


def main() -> None:
    args = parse()
    setup(args)
    data = populate(args)
    import gc

    from django.db import connection
    from django.test import Client

    from xinxuan.outcomes.models import Outcome
    from xinxuan.scoring.models import ScoreLine
    from xinxuan.submissions.models import Item

    assert gc.isenabled()
    print(
        f"{connection.vendor}: {Item.objects.count():,} items, {Outcome.objects.count():,} "
        f"outcomes, {ScoreLine.objects.count():,} score lines; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    pages = [
        p for p in PAGES if not args.page or p.label in args.page or p.label.startswith("health")
    ]
    roles = [u for u, *_r in USERS if not args.user or u in args.user]
    from django.conf import settings
    from django.test.utils import override_settings

    # the static files' manifest is written by collectstatic, which a benchmark skips
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()
    clients = {}
    for username in roles:
        clients[username] = Client()
        clients[username].force_login(data["users"][username])
    turns = [(u, p) for p in pages for u in roles]
    for username, page in turns:  # warm up: caches, compiled templates, the first connection
        measure(page, data, clients[username])
    times: dict[tuple, list[float]] = {t: [] for t in turns}
    cpus: dict[tuple, list[float]] = {t: [] for t in turns}
    sqls: dict[tuple, list[float]] = {t: [] for t in turns}
    counts: dict[tuple, set[int]] = {t: set() for t in turns}
    statuses: dict[tuple, set[int]] = {t: set() for t in turns}
    started = os.getloadavg()[0]
    for n in range(args.rounds):
        # every page of every role once a round, from a different starting point
        shift = (n * len(turns)) // args.rounds
        for turn in turns[shift:] + turns[:shift]:
            ms, cpu, sql, queries, status = measure(turn[1], data, clients[turn[0]])
            sqls[turn].append(sql)
            times[turn].append(ms)
            cpus[turn].append(cpu)
            counts[turn].add(queries)
            statuses[turn].add(status)
    print(
        f"load {started:.2f} → {os.getloadavg()[0]:.2f}; {args.rounds} rounds, "
        "pages and roles interleaved"
    )
    print(
        f"{'user':<16}{'page':<24}{'median ms':>10}{'spread ms':>14}{'CPU ms':>8}{'SQL ms':>8}"
        f"{'queries':>9}{'× health':>9}  status"
    )
    worst = 0.0
    for username in roles:
        base = statistics.median(times[(username, pages[0])])
        for page in pages:
            turn = (username, page)
            values = times[turn]
            median = statistics.median(values)
            ok = statuses[turn] == {200}
            if ok and not page.label.startswith("health"):
                worst = max(worst, median)
            spread = f"{min(values):.0f}–{max(values):.0f}"
            queries = "/".join(str(q) for q in sorted(counts[turn]))
            print(
                f"{username:<16}{page.label:<24}{median:>10.1f}{spread:>14}"
                f"{statistics.median(cpus[turn]):>8.0f}{statistics.median(sqls[turn]):>8.0f}"
                f"{queries:>9}{median / base:>9.1f}"
                f"  {'/'.join(map(str, sorted(statuses[turn])))}"
            )
    print(
        f"slowest median of a page answered 200: {worst:.0f} ms (target ≤ 300 ms): "
        + ("met" if worst <= 300 else "NOT met")
    )


if __name__ == "__main__":
    main()
