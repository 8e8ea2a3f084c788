#!/usr/bin/env python3
"""The CPU one recorded (and one revoked) outcome costs, with the standings read after
it: this process's CPU plus, on PostgreSQL, its server backend's (from /proc).

On a machine shared with other work, wall-clock p95s swing with the load; CPU time
barely does, so two versions of the code can be compared on the same data by running
this script from each worktree in turn (``bench_ledger.py`` must have built the data).
A script to run by hand, never a timed test:

    .venv/bin/python bench/bench_change_cpu.py --rules period
    .venv/bin/python bench/bench_change_cpu.py --database postgres://postgres@127.0.0.1:5432/NAME
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-ledger.sqlite3'}")
    parser.add_argument("--rules", choices=("plain", "period"), default="period")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ["XINXUAN_DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import bench_ledger
    from django.contrib.auth import get_user_model
    from django.db import connection

    from xinxuan.outcomes import actions
    from xinxuan.outcomes.models import Carrier
    from xinxuan.scoring import ledger
    from xinxuan.scoring.models import RuleSet
    from xinxuan.submissions.models import Item

    bench_ledger.in_force(args.rules)
    user = get_user_model().objects.filter(is_superuser=True).first()
    ruleset = RuleSet.objects.get(code=bench_ledger.CODES[args.rules])
    carrier = Carrier.objects.get(code="sheng-dongtai")
    pks = list(Item.objects.filter(source_key__startswith="bench:").values_list("pk", flat=True))
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]

    def server() -> float:
        if backend is None:
            return 0.0
        with open(f"/proc/{backend}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    rng = random.Random(args.seed)
    costs: dict[str, list[tuple[float, float]]] = {"record": [], "revoke": []}
    for run in range(args.runs + 3):  # three to warm up
        item = Item.objects.get(pk=rng.choice(pks))
        c0, s0 = time.process_time(), server()
        outcome = actions.record_adoption(
            item=item,
            user=user,
            carrier=carrier,
            date=dt.date(2011, 6, 1),
            issue=f"cpu-{time.time_ns()}",
        )
        ledger.standings(ruleset)
        c1, s1 = time.process_time(), server()
        actions.revoke_outcome(outcome=outcome, user=user, reason="基准测试")
        ledger.standings(ruleset)
        c2, s2 = time.process_time(), server()
        if run >= 3:
            costs["record"].append((c1 - c0, s1 - s0))
            costs["revoke"].append((c2 - c1, s2 - s1))
    bench_ledger.in_force("plain")
    print(f"{connection.vendor}, {args.rules}, load {os.getloadavg()[0]:.2f}")
    for what, values in costs.items():
        client = statistics.mean(v[0] for v in values) * 1000
        backend_cpu = statistics.mean(v[1] for v in values) * 1000
        print(
            f"  {what}: client {client:5.1f} ms + server {backend_cpu:5.1f} ms"
            f" = {client + backend_cpu:5.1f} ms CPU (mean of {len(values)})"
        )


if __name__ == "__main__":
    main()
