#!/usr/bin/env python3
"""Recording or revoking one outcome and reading the updated standings, live-scored.

With 100,000 items and 300,000 events in the database, times the workbench's
request — ``record_adoption`` / ``revoke_outcome`` followed by the standings query —
under two rule sets of the same year, one at a time in force: the 2011 regulation
as shipped ("plain"), and the same with period rules (a monthly report quota, a
quarterly adoption rate, a yearly step reward and media cap, a veto: "period").
Beside them, the same action with live scoring switched off ("off") and a bare
insert of the outcome row in its own transaction ("insert", the baseline of the
ratios).  The contenders take turns in rounds (``--rounds``, each ``--runs`` changes
per contender); p50 and p95 are over all changes, the spread is the lowest and
highest p95 of the rounds.  The target is p95 ≤ 50 ms.  A script to run by hand,
never a timed test:

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


PERIOD_RULES = """
[commission]
delivered = 5
missed = -10
late = -2

[quotas.monthly]
label_zh = "月度上报任务"
period = "month"
counts = "report"
required = 30
basis = "per_piece"
per_piece = -1

[rates.quarterly]
label_zh = "季度采用率低于30%"
period = "quarter"
below = 0.3
points = -1
min_reports = 3

[steps.yearly]
label_zh = "年度采用阶梯奖励"
period = "year"
counts = "adoption"
thresholds = [[1000, 20], [3000, 50]]

[caps.media]
label_zh = "媒体发表年度封顶"
period = "year"
clauses = ["publication"]
cap = 600

[vetoes.commission]
label_zh = "全年两次未完成约稿"
event = "commission_missed"
count = 2
period = "year"
"""
CODES = {"plain": "changzhou-2011", "period": "changzhou-2011-period"}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-ledger.sqlite3'}")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
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
    from xinxuan.scoring.models import RuleSet
    from xinxuan.submissions import demo as submissions_demo
    from xinxuan.submissions.models import Item, ItemKind, ItemStatus, ItemUnit

    if args.rebuild:
        RuleSet.objects.all().delete()
    if Item.objects.filter(source_key__startswith="bench:").count() >= args.items:
        # what an earlier version of this script left: the revoked outcomes of its runs
        Outcome.objects.filter(issue__startswith="bench-", revoked_at__isnull=False).delete()
        add_rulesets()
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
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    add_rulesets()


def add_rulesets() -> None:
    """The two rule sets of 2011, each scored in full once (the period one is in force
    only while it is measured)."""
    import datetime as dt

    from xinxuan.organisation.models import Unit
    from xinxuan.scoring import ledger
    from xinxuan.scoring.demo import RULESETS
    from xinxuan.scoring.models import RuleSet, RuleSetStatus

    city = Unit.objects.get(code="cz")
    text = (RULESETS / "changzhou-2011.toml").read_text(encoding="utf-8")
    for name, code in CODES.items():
        if RuleSet.objects.filter(code=code).exists():
            continue
        started = time.perf_counter()
        ruleset = RuleSet.objects.create(
            unit=city,
            name=f"2011 {name}",
            code=code,
            effective_from=dt.date(2011, 1, 1),
            effective_to=dt.date(2011, 12, 31),
            status=RuleSetStatus.ACTIVE if name == "plain" else RuleSetStatus.DRAFT,
            text=text + (PERIOD_RULES if name == "period" else ""),
            engine_version="2011.1",
        )
        print(f"scoring the year in full under “{ruleset.name}” …", flush=True)
        lines = ledger.rescore_ruleset(ruleset)
        print(f"  {lines:,} score lines in {time.perf_counter() - started:.0f} s", flush=True)


def in_force(name: str) -> None:
    """Put the rule set of ``name`` in force and the other out, without rescoring (both
    were scored in full once; their lines stay)."""
    from xinxuan.scoring.models import RuleSet, RuleSetStatus

    for other, code in CODES.items():
        status = RuleSetStatus.ACTIVE if other == name else RuleSetStatus.DRAFT
        RuleSet.objects.filter(code=code).update(status=status)


def measure(contender: str, runs: int, seed: int) -> tuple[list[float], list[float]]:
    """``runs`` adoptions recorded and revoked, each followed by the standings; for
    "insert" a bare insert of the outcome row (nothing to revoke: deleted untimed)."""
    import datetime as dt
    import random

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test.utils import override_settings

    from xinxuan.outcomes import actions
    from xinxuan.outcomes.models import Carrier, Outcome
    from xinxuan.scoring import ledger
    from xinxuan.scoring.models import RuleSet
    from xinxuan.submissions.models import Item

    in_force("period" if contender == "period" else "plain")
    user = get_user_model().objects.filter(is_superuser=True).first()
    ruleset = RuleSet.objects.get(code=CODES["period" if contender == "period" else "plain"])
    carrier = Carrier.objects.get(code="sheng-dongtai")
    pks = list(Item.objects.filter(source_key__startswith="bench:").values_list("pk", flat=True))
    rng = random.Random(seed)
    record_ms, revoke_ms = [], []
    with override_settings(XINXUAN_LIVE_SCORING=contender != "off"):
        for run in range(runs):
            item = Item.objects.get(pk=rng.choice(pks))
            issue = f"bench-{contender}-{run}-{time.time_ns()}"
            if contender == "insert":
                t0 = time.perf_counter()
                with transaction.atomic():
                    outcome = Outcome.objects.create(
                        kind="adoption",
                        item=item,
                        unit_id=item.unit_id,
                        carrier=carrier,
                        date=dt.date(2011, 6, 1),
                        issue=issue,
                        recorded_by=user,
                    )
                record_ms.append((time.perf_counter() - t0) * 1000)
                outcome.delete()
                continue
            t0 = time.perf_counter()
            outcome = actions.record_adoption(
                item=item, user=user, carrier=carrier, date=dt.date(2011, 6, 1), issue=issue
            )
            rows = ledger.standings(ruleset)
            t1 = time.perf_counter()
            actions.revoke_outcome(outcome=outcome, user=user, reason="基准测试")
            rows = ledger.standings(ruleset)
            t2 = time.perf_counter()
            assert rows
            record_ms.append((t1 - t0) * 1000)
            revoke_ms.append((t2 - t1) * 1000)
            # untimed: the revoked outcome goes, or the items drawn again by the next
            # run (the draws are seeded) would carry ever more revoked events
            Outcome.objects.filter(pk=outcome.pk).delete()
    return record_ms, revoke_ms


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


CONTENDERS = ("insert", "off", "plain", "period")


def main() -> None:
    args = parse()
    setup(args)
    populate(args)
    from django.db import connection

    from xinxuan.outcomes.models import Outcome
    from xinxuan.scoring.models import ScoreLine
    from xinxuan.submissions.models import Item

    print(
        f"{connection.vendor}: {Item.objects.count():,} items, "
        f"{Outcome.objects.count():,} events, {ScoreLine.objects.count():,} score lines "
        f"(both rule sets) in the database; load {os.getloadavg()[0]:.2f}"
    )
    for contender in CONTENDERS:  # warm up
        measure(contender, 5, 0)
    samples: dict[tuple[str, str], list[float]] = {}
    rounds: dict[tuple[str, str], list[float]] = {}
    for n in range(args.rounds):
        order = CONTENDERS[n % len(CONTENDERS) :] + CONTENDERS[: n % len(CONTENDERS)]
        for contender in order:
            record, revoke = measure(contender, args.runs, 100 * n + len(contender))
            for what, values in (("record", record), ("revoke", revoke)):
                if values:
                    samples.setdefault((contender, what), []).extend(values)
                    rounds.setdefault((contender, what), []).append(p(values, 95))
    in_force("plain")
    base = p(samples[("insert", "record")], 95)
    print(f"load {os.getloadavg()[0]:.2f}; {args.rounds} rounds × {args.runs} changes each")
    print(
        f"{'contender':<10}{'change':<8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p95 of rounds':>18}{'p95 / insert':>14}"
    )
    for (contender, what), values in samples.items():
        spread = rounds[(contender, what)]
        print(
            f"{contender:<10}{what:<8}{p(values, 50):>9.1f}{p(values, 95):>9.1f}"
            f"{min(spread):>9.1f}–{max(spread):<8.1f}{p(values, 95) / base:>14.1f}"
        )
    for contender in ("plain", "period"):
        worst = max(p(samples[(contender, w)], 95) for w in ("record", "revoke"))
        print(
            f"p95 with live scoring, {contender}: {worst:.1f} ms (target ≤ 50 ms): "
            + ("met" if worst <= 50 else "NOT met")
        )


if __name__ == "__main__":
    main()
