"""Server time of each role's desk (the workbench home) with the demo data.

Run against a database with the demo loaded (``manage.py load_demo``), e.g.
``XINXUAN_VAR_DIR=/tmp/demo-var .venv/bin/python bench/bench_desks.py``. Each role's
home page is requested through Django's test client (the whole request: middleware,
session, Wagtail's own panels and the desk) with the desk and, interleaved, without it
(the baseline: the same home page with an empty panel in its place). GC stays on.
Prints per role the median and spread of ``--runs`` requests, the ratio to the
baseline and the number of queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.admin.ui.components import Component  # noqa: E402

from xinxuan.appraisal import wagtail_hooks  # noqa: E402

ROLES = ("officer", "head", "office", "leader", "province")


class Empty(Component):
    order = 10

    def render_html(self, parent_context=None):
        return ""


def timed(client: Client) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get("/admin/", HTTP_HOST="127.0.0.1")
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed * 1000, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    desk_panel = wagtail_hooks.DeskPanel
    print(f"{'role':<10}{'desk ms':>10}{'spread':>16}{'without':>10}{'ratio':>8}{'queries':>9}")
    for username in ROLES:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        client.get("/admin/", HTTP_HOST="127.0.0.1")  # warm up
        with_desk, without, count = [], [], 0
        for _ in range(args.runs):
            wagtail_hooks.DeskPanel = desk_panel
            ms, count = timed(client)
            with_desk.append(ms)
            wagtail_hooks.DeskPanel = Empty
            without.append(timed(client)[0])
        wagtail_hooks.DeskPanel = desk_panel
        median, base = statistics.median(with_desk), statistics.median(without)
        spread = f"{min(with_desk):.0f}–{max(with_desk):.0f}"
        print(
            f"{username:<10}{median:>10.1f}{spread:>16}{base:>10.1f}{median / base:>8.2f}{count:>9}"
        )


if __name__ == "__main__":
    main()
