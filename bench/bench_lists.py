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
]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-lists.sqlite3'}")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--outcomes", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--page", action="append", help="measure only the pages so labelled")
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
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not found.fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["XINXUAN_DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(args: argparse.Namespace) -> dict:
    """The province's year, built once; returns what the pages need to find."""
    import datetime as dt
    import random

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from xinxuan.accounts.roles import GROUP_NAMES, Role
    from xinxuan.organisation.models import Person, Unit, UnitKind
    from xinxuan.outcomes import demo as outcomes_demo
    from xinxuan.outcomes.models import Carrier, Level, Outcome
    from xinxuan.scoring import ledger
    from xinxuan.scoring.demo import RULESETS
    from xinxuan.scoring.models import RuleSet, RuleSetStatus, ScoreLine
    from xinxuan.submissions import demo as submissions_demo
    from xinxuan.submissions.models import Item, ItemAuthor, ItemKind, ItemStatus, ItemUnit

    User = get_user_model()
    province = Unit.objects.filter(code="bench-province").first()
    if province is None:
        started = time.perf_counter()
        print("building a province's year …", flush=True)
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
                for b in range(BUREAUS)
            )
            bureaus = list(Unit.objects.filter(code__startswith="bench-b").order_by("pk"))
            Unit.objects.bulk_create(
                Unit(
                    name=f"基准市局{b}{'办公室' if d == 0 else f'第{d}处'}",
                    code=f"bench-b{b}-d{d}",
                    kind=UnitKind.OFFICE if d == 0 else UnitKind.DEPARTMENT,
                    parent=bureau,
                    sort_order=d,
                )
                for b, bureau in enumerate(bureaus)
                for d in range(DEPARTMENTS)
            )
            departments = list(
                Unit.objects.filter(code__contains="-d", code__startswith="bench-b").order_by("pk")
            )
            Person.objects.bulk_create(
                Person(name=f"作者{n}", unit=departments[n % len(departments)])
                for n in range(PERSONS)
            )
            user = User.objects.create_user(username="bench-office", password="bench-office-42")
            user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.OFFICE]))
            Person.objects.create(name="省局信息员", unit=office, user=user)
        persons = list(
            Person.objects.filter(unit__code__startswith="bench-b").values_list("pk", "unit_id")
        )
        by_unit: dict[int, list[int]] = {}
        for pk, unit_id in persons:
            by_unit.setdefault(unit_id, []).append(pk)
        kinds = list(ItemKind.objects.all())
        carriers = list(Carrier.objects.all())
        city = Level.objects.get(code="city")
        rng = random.Random(3)
        moment = dt.datetime(2011, 1, 1, tzinfo=dt.UTC)
        with transaction.atomic():
            Item.objects.bulk_create(
                (
                    Item(
                        title=f"基准稿件 {n}",
                        kind=kinds[n % len(kinds)],
                        unit=departments[n % len(departments)],
                        status=ItemStatus.REPORTED,
                        created_at=moment + dt.timedelta(minutes=n),
                        status_since=moment + dt.timedelta(minutes=n),
                        char_count=800,
                        source_key=f"bench-lists:{n}",
                    )
                    for n in range(args.items)
                ),
                batch_size=5000,
            )
            items = list(
                Item.objects.filter(source_key__startswith="bench-lists:")
                .order_by("pk")
                .values_list("pk", "unit_id")
            )
            ItemUnit.objects.bulk_create(
                (ItemUnit(item_id=pk, unit_id=unit) for pk, unit in items), batch_size=5000
            )
            ItemAuthor.objects.bulk_create(
                (ItemAuthor(item_id=pk, person_id=by_unit[unit][0]) for pk, unit in items),
                batch_size=5000,
            )
            batch = []
            for n in range(args.outcomes):
                pk, unit = items[n % len(items)]
                kind = "report" if n < len(items) else rng.choice(["adoption", "publication"])
                extra = {"carrier": rng.choice(carriers)} if kind != "report" else {}
                if n % 11 == 0 and kind != "report":
                    kind, extra = "endorsement", {"leader": "市长", "level": city}
                batch.append(
                    Outcome(
                        kind=kind,
                        item_id=pk,
                        unit_id=unit,
                        date=dt.date(2011, 1, 1) + dt.timedelta(days=rng.randrange(360)),
                        import_key=f"bench-lists:{n}",
                        **extra,
                    )
                )
                if len(batch) == 10000:
                    Outcome.objects.bulk_create(batch)
                    batch = []
            Outcome.objects.bulk_create(batch)
            ruleset = RuleSet.objects.create(
                unit=province,
                name="基准 2011",
                code="bench-lists-2011",
                effective_from=dt.date(2011, 1, 1),
                effective_to=dt.date(2011, 12, 31),
                status=RuleSetStatus.ACTIVE,
                text=(RULESETS / "changzhou-2011.toml").read_text(encoding="utf-8"),
                engine_version="2011.1",
            )
            write_lines(connection, ruleset.pk, ScoreLine)
            ledger.rebuild_standings(ruleset)
        # the planner's statistics, as PostgreSQL's autovacuum keeps them; SQLite has
        # none until ANALYZE, and without them reads the ledger by unit and sorts it all
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    department = Unit.objects.get(code="bench-b7-d3")
    return {
        "user": User.objects.get(username="bench-office"),
        "unit": department.pk,
        "ruleset": RuleSet.objects.get(code="bench-lists-2011").pk,
    }


def write_lines(connection, ruleset_id: int, ScoreLine) -> None:
    """About 1,000,000 score lines from the outcomes: each outcome's unit line, two
    person lines for the item's writer, one more unit line for a third of them."""
    line = ScoreLine._meta.db_table
    outcome = "outcomes_outcome"
    author = "submissions_itemauthor"
    columns = {f.column for f in ScoreLine._meta.concrete_fields}
    if "calc_id" in columns:  # lines keep their arithmetic in one shared calculation
        from xinxuan.scoring.models import ScoreCalc

        calc, _ = ScoreCalc.objects.get_or_create(
            digest="bench-lists", defaults={"data": {"text": "基准 = 1", "text_en": "bench = 1"}}
        )
        text, text_values = ", calc_id", f", {calc.pk}"
    else:
        text = ", explanation, explanation_en"
        text_values = ", '基准 = 1', 'bench = 1'"
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


def measure(page: Page, data: dict, client) -> tuple[float, int, int]:
    """One request: milliseconds, queries, status."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    args, query = page.where(data)
    url = reverse(page.url_name, args=args) + (f"?{query}" if query else "")
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - t0) * 1000
    return elapsed, len(queries), response.status_code


def main() -> None:
    args = parse()
    setup(args)
    data = populate(args)
    from django.db import connection
    from django.test import Client

    from xinxuan.outcomes.models import Outcome
    from xinxuan.scoring.models import ScoreLine
    from xinxuan.submissions.models import Item

    print(
        f"{connection.vendor}: {Item.objects.count():,} items, {Outcome.objects.count():,} "
        f"outcomes, {ScoreLine.objects.count():,} score lines; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    pages = [
        p for p in PAGES if not args.page or p.label in args.page or p.label.startswith("health")
    ]
    from django.conf import settings
    from django.test.utils import override_settings

    # the static files' manifest is written by collectstatic, which a benchmark skips
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()
    client = Client()
    client.force_login(data["user"])
    for page in pages:  # warm up: caches, compiled templates, the first connection
        measure(page, data, client)
    times: dict[str, list[float]] = {p.label: [] for p in pages}
    counts: dict[str, set[int]] = {p.label: set() for p in pages}
    statuses: dict[str, set[int]] = {p.label: set() for p in pages}
    for n in range(args.rounds):
        for page in pages[n % len(pages) :] + pages[: n % len(pages)]:
            ms, queries, status = measure(page, data, client)
            times[page.label].append(ms)
            counts[page.label].add(queries)
            statuses[page.label].add(status)
    base = statistics.median(times[pages[0].label])
    print(f"load {os.getloadavg()[0]:.2f}; {args.rounds} rounds, pages interleaved")
    print(f"{'page':<22}{'median ms':>10}{'spread ms':>18}{'queries':>9}{'× health':>10}  status")
    for page in pages:
        values = times[page.label]
        median = statistics.median(values)
        spread = f"{min(values):.0f}–{max(values):.0f}"
        queries = "/".join(str(q) for q in sorted(counts[page.label]))
        print(
            f"{page.label:<22}{median:>10.1f}{spread:>18}{queries:>9}{median / base:>10.1f}"
            f"  {'/'.join(map(str, sorted(statuses[page.label])))}"
        )
    worst = max(statistics.median(times[p.label]) for p in pages)
    print(
        f"slowest median: {worst:.0f} ms (target ≤ 300 ms): "
        + ("met" if worst <= 300 else "NOT met")
    )


if __name__ == "__main__":
    main()
