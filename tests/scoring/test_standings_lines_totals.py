"""The lines page counts and sums its lines from the monthly sums: the same figures as
counting and summing the lines themselves, for every filter the standings link with."""

from __future__ import annotations

import uuid

import pytest
from django.db.models import Count, Sum
from django.urls import reverse

from tests.outcomes.test_list_queries import add_items
from tests.submissions.world import make_world
from xinxuan.organisation.access import visible_unit_ids
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring import charts
from xinxuan.scoring import standings as by_period
from xinxuan.scoring.models import ScoreLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    add_items(world, 12)
    # a revoked outcome moves the sums: its lines are gone from both
    outcome = Outcome.objects.filter(kind="adoption").first()
    outcome_actions.revoke_outcome(user=world.office, outcome=outcome, reason="误录")
    return world


def filters(world) -> list[dict]:
    org = world.org
    writer = ScoreLine.objects.filter(person__isnull=False).values_list("person_id", flat=True)[0]
    return [
        {},
        {"unit": str(org.dept.pk)},
        {"unit": str(org.other_dept.pk), "kind": "adoption"},
        {"person": str(writer)},
        {"kind": "deduction"},
        {"kind": "period"},
        {"level": by_period.NO_LEVEL},
        {"level": str(world.levels["city"].pk)},
        {"level": str(world.carriers["sheng-dongtai"].level_id)},
    ]


@pytest.mark.parametrize("period_key", ["", "2011-Q1", "2011-03", "2011-H2"])
@pytest.mark.parametrize("username", ["office", "head"])
def test_the_monthly_sums_count_what_the_lines_do(world, period_key, username):
    user = getattr(world, username)
    period = by_period.parse_period(world.ruleset, period_key)
    ids = visible_unit_ids(user)
    for wanted in filters(world):
        lines = by_period.lines_behind(world.ruleset, period, **wanted)
        if ids is not None:
            lines = lines.filter(unit_id__in=ids)
        counted = lines.aggregate(n=Count("pk"), points=Sum("points"))
        assert by_period.behind_totals(world.ruleset, period, ids, **wanted) == (
            counted["n"],
            counted["points"],
        ), wanted


def test_a_week_or_a_writers_kind_is_counted_from_the_lines(world):
    week = by_period.parse_period(world.ruleset, "2011-W10")
    assert by_period.behind_totals(world.ruleset, week, None) is None
    year = by_period.whole(world.ruleset)
    assert by_period.behind_totals(world.ruleset, year, None, person="1", kind="adoption") is None


def test_the_lines_page_shows_the_count_and_points_of_its_lines(world, client):
    client.force_login(world.office)
    url = reverse("scoring:standings-lines", args=[world.ruleset.pk])
    response = client.get(url + f"?unit={world.org.dept.pk}")
    assert response.status_code == 200
    lines = ScoreLine.objects.filter(ruleset=world.ruleset, unit=world.org.dept, person=None)
    total = lines.aggregate(points=Sum("points"))["points"]
    assert response.context["page"].paginator.count == lines.count() > 0
    assert response.context["total"] == total


def test_a_chart_is_drawn_again_when_its_figures_change(monkeypatch):
    drawn = []
    render = charts._svg
    monkeypatch.setattr(charts, "_svg", lambda chart: drawn.append(1) or render(chart))
    title = f"逐月得分 {uuid.uuid4().hex}"  # not drawn by another test of this process
    first = charts.trend(title, ["1月", "2月"], [1, 2])
    again = charts.trend(title, ["1月", "2月"], [1, 2])
    changed = charts.trend(title, ["1月", "2月"], [1, 3])
    assert first == again != changed
    assert len(drawn) == 2
