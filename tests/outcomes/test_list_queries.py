"""The workbench's lists make as many queries for a full page as for a short one:
nothing is looked up row by row (a province's year has 100,000 items)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.submissions.world import make_world
from xinxuan.organisation.models import Person
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring import ledger
from xinxuan.submissions.models import Item, ItemAuthor, ItemStatus, ItemUnit

pytestmark = pytest.mark.django_db

ITEMS = "wagtailsnippets_submissions_item:list"
LEDGER = "outcomes:ledger"


@pytest.fixture
def world():
    return make_world()


def add_items(world, count: int) -> None:
    """``count`` reported items, each of two units and a writer, with an adoption, an
    endorsement and a publication; and a deduction without an item."""
    org = world.org
    writer = Person.objects.create(name="陈一", unit=org.dept)
    for n in range(count):
        unit = [org.dept, org.other_dept, org.section][n % 3]
        item = Item.objects.create(
            title=f"稿件 {n}",
            kind=list(world.kinds.values())[n % 4],
            unit=unit,
            status=ItemStatus.REPORTED,
            created_at=timezone.now(),
            status_since=timezone.now(),
            char_count=800,
        )
        ItemUnit.objects.create(item=item, unit=unit, share=Decimal(2))
        ItemUnit.objects.create(item=item, unit=org.office, share=Decimal(1))
        ItemAuthor.objects.create(item=item, person=writer, share=Decimal(1))
        day = dt.date(2011, 3, 1) + dt.timedelta(days=n)
        for kind, extra in (
            ("adoption", {"carrier": world.carriers["sheng-dongtai"]}),
            ("endorsement", {"leader": "市长", "level": world.levels["city"]}),
            ("publication", {"carrier": world.carriers["changzhou-ribao"]}),
        ):
            Outcome.objects.create(kind=kind, item=item, unit=unit, date=day, **extra)
        Outcome.objects.create(
            kind="deduction",
            unit=unit,
            person=writer if unit == org.dept else None,
            rule="late-report",
            date=day,
            reason="迟报",
            recorded_by=world.office,
        )
    ledger.rescore_ruleset(world.ruleset)


def queries_for(client, url, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


STANDINGS = "scoring:standings"
LINES = "scoring:standings-lines"
DESK = "wagtailadmin_home"


def rows(response) -> int:
    return response.content.decode().count("<tr")


@pytest.mark.parametrize("username", ["office", "head", "officer"])
@pytest.mark.parametrize(
    ("url_name", "query", "grows"),
    [
        pytest.param(ITEMS, "", True, id="items"),
        pytest.param(ITEMS, "q=稿件", True, id="items-searched"),
        pytest.param(ITEMS, "status=reported", True, id="items-filtered"),
        pytest.param(LEDGER, "", True, id="ledger"),
        pytest.param(LEDGER, "kind=adoption", True, id="ledger-filtered"),
        pytest.param(LEDGER, "revoked=false", True, id="ledger-live-only"),
        pytest.param(STANDINGS, "", False, id="standings"),
        pytest.param(STANDINGS, "period=2011-Q1", False, id="standings-quarter"),
        pytest.param(LINES, "", True, id="standings-lines"),
        pytest.param(LINES, "period=2011-03&kind=adoption", True, id="standings-lines-filtered"),
        pytest.param(LINES, "period=2011-W09", True, id="standings-lines-week"),
        pytest.param(DESK, "", False, id="desk"),
    ],
)
def test_a_full_page_costs_the_queries_of_a_short_one(
    world, client, username, url_name, query, grows, django_assert_max_num_queries
):
    client.force_login(getattr(world, username))
    args = [world.ruleset.pk] if url_name in (STANDINGS, LINES) else []
    url = reverse(url_name, args=args) + (f"?{query}" if query else "")
    add_items(world, 2)
    few = queries_for(client, url, django_assert_max_num_queries)
    shown = rows(client.get(url))
    add_items(world, 30)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
    if grows:
        # the longer page does show more rows: the count compared two different pages
        assert rows(response) > shown


@pytest.mark.parametrize("page", [1, 2, 3])
def test_a_ledger_page_read_by_its_ids_shows_the_rows_of_that_page(world, client, page):
    """The ledger reads a page's ids first, then the rows: the same rows in the same
    order as slicing the ordered ledger."""
    add_items(world, 40)  # 160 outcomes: four pages of 50 (the last one short)
    client.force_login(world.office)
    response = client.get(reverse(LEDGER) + f"?p={page}")
    assert response.status_code == 200
    shown = [row.outcome.pk for row in response.context["object_list"]]
    ordered = Outcome.objects.order_by("date", "pk").values_list("pk", flat=True)
    per_page = response.context["paginator"].per_page
    assert shown == list(ordered[(page - 1) * per_page : page * per_page])
    assert shown
