#!/usr/bin/env python3
"""Recording or revoking one outcome and reading the updated standings, live-scored.

With 100,000 items and 300,000 events in the database, times the workbench's
request — ``record_adoption`` / ``revoke_outcome`` followed by the standings query —
and prints p50 and p95 beside the same request with live scoring switched off, as a
ratio.  The target is p95 ≤ 50 ms.  A script to run by hand, never a timed test:

    .venv/bin/python bench/bench_ledger.py                      # SQLite (var/bench-ledger.sqlite3)
    .venv/bin/python bench/bench_ledger.py --database postgres://postgres@127.0.0.1:5432/xinxuan_bench

The data set is generated once per database and reused by later runs
(``--rebuild`` starts afresh).  ``--items`` and ``--events`` change its size.
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


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-ledger.sqlite3'}")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    return parser.parse_args()


def ensure_pg_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(args: argparse.Namespace) -> None:
    if args.database.startswith("sqlite:///"):
        path = Path(args.database.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.rebuild and path.exists():
            path.unlink()
    else:
        ensure_pg_database(args.database)
    os.environ["XINXUAN_DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(args: argparse.Namespace) -> None:
    import datetime as dt
    import random

    from django.db import transaction

    from xinxuan.organisation import demo as organisation_demo
    from xinxuan.organisation.models import Unit
    from xinxuan.outcomes import demo as outcomes_demo
    from xinxuan.outcomes.models import Carrier, Level, Outcome, Route, SuperiorBody
    from xinxuan.scoring import ledger
    from xinxuan.scoring.demo import RULESETS
    from xinxuan.scoring.models import RuleSet, RuleSetStatus
    from xinxuan.submissions import demo as submissions_demo
    from xinxuan.submissions.models import Item, ItemKind, ItemStatus, ItemUnit

    if args.rebuild:
        RuleSet.objects.all().delete()
    if Item.objects.filter(source_key__startswith="bench:").count() >= args.items:
        return
    started = time.perf_counter()
    quiet = lambda _m: None  # noqa: E731
    with transaction.atomic():
        organisation_demo.load(log=quiet)
        submissions_demo.load(log=quiet)
        outcomes_demo._reference_data()
    city = Unit.objects.get(code="cz")
    units = list(Unit.objects.filter(parent=city).exclude(code="cz-office"))
    kinds = {k.code: k for k in ItemKind.objects.all()}
    carriers = list(Carrier.objects.all())
    levels = {lv.code: lv for lv in Level.objects.all()}
    body = SuperiorBody.objects.first()
    route = Route.objects.first()
    rng = random.Random(7)
    start = dt.date(2011, 1, 1)
    moment = dt.datetime(2011, 1, 1, tzinfo=dt.UTC)
    print(f"generating {args.items:,} items and {args.events:,} events …", flush=True)
    with transaction.atomic():
        Item.objects.bulk_create(
            (
                Item(
                    title=f"基准稿件 {n}",
                    kind=kinds["zhengwu" if n % 3 else "tongxun"],
                    unit=units[n % len(units)],
                    status=ItemStatus.REPORTED,
                    created_at=moment,
                    status_since=moment,
                    char_count=800,
                    source_key=f"bench:{n}",
                )
                for n in range(args.items)
            ),
            batch_size=5000,
        )
        pks = list(
            Item.objects.filter(source_key__startswith="bench:").values_list("pk", "unit_id")
        )
        ItemUnit.objects.bulk_create(
            (ItemUnit(item_id=pk, unit_id=unit) for pk, unit in pks), batch_size=5000
        )
        outcomes = []
        for n in range(args.events):
            pk, unit = pks[n % len(pks)]
            day = start + dt.timedelta(days=rng.randrange(360))
            if n < len(pks):
                kind, extra = "report", {"superior_body": body, "route": route}
            elif n % 7 == 0:
                kind, extra = "endorsement", {"leader": "市长", "level": levels["city"]}
            else:
                kind, extra = rng.choice(["adoption", "publication"]), {}
                extra["carrier"] = rng.choice(carriers)
            outcomes.append(
                Outcome(
                    kind=kind,
                    item_id=pk,
                    unit_id=unit,
                    date=day,
                    import_key=f"bench:{n}",
                    **extra,
                )
            )
            if len(outcomes) == 10000:
                Outcome.objects.bulk_create(outcomes)
                outcomes = []
        Outcome.objects.bulk_create(outcomes)
    text = (RULESETS / "changzhou-2011.toml").read_text(encoding="utf-8")
    ruleset = RuleSet.objects.create(
        unit=city,
        name="2011",
        code="changzhou-2011",
        effective_from=dt.date(2011, 1, 1),
        effective_to=dt.date(2011, 12, 31),
        status=RuleSetStatus.ACTIVE,
        text=text,
        engine_version="2011.1",
    )
    print("scoring the year in full …", flush=True)
    lines = ledger.rescore_ruleset(ruleset)
    print(f"  {lines:,} score lines; set up in {time.perf_counter() - started:.0f} s", flush=True)


def measure(args: argparse.Namespace, live: bool) -> tuple[list[float], list[float]]:
    import datetime as dt
    import random

    from django.contrib.auth import get_user_model
    from django.test.utils import override_settings

    from xinxuan.outcomes import actions
    from xinxuan.outcomes.models import Carrier
    from xinxuan.scoring import ledger
    from xinxuan.scoring.models import RuleSet
    from xinxuan.submissions.models import Item

    user = get_user_model().objects.filter(is_superuser=True).first()
    ruleset = RuleSet.objects.get(code="changzhou-2011", status="active")
    carrier = Carrier.objects.get(code="sheng-dongtai")
    pks = list(Item.objects.filter(source_key__startswith="bench:").values_list("pk", flat=True))
    rng = random.Random(11 if live else 12)
    record_ms, revoke_ms = [], []
    with override_settings(XINXUAN_LIVE_SCORING=live):
        for run in range(args.runs):
            item = Item.objects.get(pk=rng.choice(pks))
            t0 = time.perf_counter()
            outcome = actions.record_adoption(
                item=item,
                user=user,
                carrier=carrier,
                date=dt.date(2011, 6, 1),
                issue=f"bench-{live}-{run}-{time.time_ns()}",
            )
            rows = ledger.standings(ruleset)
            t1 = time.perf_counter()
            actions.revoke_outcome(outcome=outcome, user=user, reason="基准测试")
            rows = ledger.standings(ruleset)
            t2 = time.perf_counter()
            assert rows
            record_ms.append((t1 - t0) * 1000)
            revoke_ms.append((t2 - t1) * 1000)
    return record_ms, revoke_ms


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    args = parse()
    setup(args)
    populate(args)
    from django.db import connection

    from xinxuan.outcomes.models import Outcome
    from xinxuan.submissions.models import Item

    print(
        f"{connection.vendor}: {Item.objects.count():,} items, "
        f"{Outcome.objects.count():,} events in the database"
    )
    measure(argparse.Namespace(**{**vars(args), "runs": 10}), live=True)  # warm up
    live = measure(args, live=True)
    off = measure(args, live=False)
    print(f"{'request':<34}{'p50 ms':>9}{'p95 ms':>9}{'off p50':>9}{'off p95':>9}{'ratio':>8}")
    for name, on_ms, off_ms in (
        ("record adoption + standings", live[0], off[0]),
        ("revoke outcome + standings", live[1], off[1]),
    ):
        print(
            f"{name:<34}{p(on_ms, 50):>9.1f}{p(on_ms, 95):>9.1f}"
            f"{p(off_ms, 50):>9.1f}{p(off_ms, 95):>9.1f}{p(on_ms, 95) / p(off_ms, 95):>8.2f}"
        )
    worst = max(p(live[0], 95), p(live[1], 95))
    print(
        f"p95 with live scoring: {worst:.1f} ms (target ≤ 50 ms): "
        + ("met" if worst <= 50 else "NOT met")
    )


if __name__ == "__main__":
    main()
