"""A report upward is valued by the level of the body it went to (``[report] levels``),
in the workbench as on the command line, and the ledger export carries that level."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.submissions.world import RULESET_2011, make_world, points_of, reported_item
from xinxuan.outcomes.models import Outcome, OutcomeKind, SuperiorBody

pytestmark = pytest.mark.django_db

BY_LEVEL = RULESET_2011.replace(
    "[report]\npoints = 0.5\n", "[report]\npoints = 0.5\nlevels = {national = 10, provincial = 2}\n"
)


@pytest.fixture
def world():
    assert BY_LEVEL != RULESET_2011
    return make_world(ruleset_text=BY_LEVEL)


@pytest.mark.parametrize(
    ("level", "points"),
    [
        pytest.param("national", Decimal(10), id="to-the-state-council-10"),
        pytest.param("provincial", Decimal(2), id="to-the-province-2"),
        pytest.param("city", Decimal("0.5"), id="elsewhere-the-plain-points"),
    ],
)
def test_a_report_scores_by_its_destinations_level(world, level, points):
    world.body.level = world.levels[level]
    world.body.save()
    reported_item(world)
    assert points_of(world.org.dept) == points


def test_the_export_names_the_destinations_level(client, world):
    reported_item(world)
    client.force_login(world.office)
    response = client.get(reverse("outcomes:ledger") + "?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = [line.split(",") for line in text.splitlines()]
    report = next(r for r in rows if "上报" in r)
    level_name = report[header.index("级别")]
    assert level_name and level_name != "national"  # the rule set's name, not its key
    assert Outcome.objects.get(kind=OutcomeKind.REPORT).superior_body == world.body
    assert SuperiorBody.objects.count() == 1
