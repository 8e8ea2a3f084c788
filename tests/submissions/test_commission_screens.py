"""The commission screens of the workbench go through the actions: commissioning is
audited, and moving a deadline rescores the items delivered for it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.submissions.world import RULESET_2011, make_world, write_item
from xinxuan.scoring.models import ScoreLine
from xinxuan.submissions import actions
from xinxuan.submissions.models import Commission

pytestmark = pytest.mark.django_db

WITH_COMMISSIONS = RULESET_2011 + "\n[commission]\ndelivered = 2\nmissed = -10\nlate = -3\n"


def dept_points(world):
    lines = ScoreLine.objects.filter(unit=world.org.dept, person=None)
    return sum((line.points for line in lines), Decimal(0))


def test_commissioning_from_the_screen_is_audited(client):
    world = make_world()
    client.force_login(world.office)
    response = client.post(
        reverse("wagtailsnippets_submissions_commission:add"),
        {"title": "口岸疫情约稿", "unit": world.org.dept.pk, "deadline": "2011-06-30"},
    )
    assert response.status_code == 302
    commission = Commission.objects.get(title="口岸疫情约稿")
    assert commission.created_by == world.office
    assert ModelLogEntry.objects.filter(
        content_type__model="commission",
        object_id=str(commission.pk),
        action="xinxuan.commission.create",
    ).exists()


def test_moving_the_deadline_rescores_the_delivered_item_at_once(client):
    world = make_world(ruleset_text=WITH_COMMISSIONS)
    commission = actions.commission_item(
        user=world.office, unit=world.org.dept, title="约稿", deadline=dt.date(2011, 4, 15)
    )
    item = write_item(world, commission=commission)
    item.submitted_at = dt.datetime(2011, 4, 18, 10, tzinfo=dt.UTC)
    actions.submit_item(item=item, user=world.officer)
    assert dept_points(world) == Decimal(-1)  # delivered (+2) late (−3)
    client.force_login(world.office)
    response = client.post(
        reverse("wagtailsnippets_submissions_commission:edit", args=[commission.pk]),
        {"title": "约稿", "unit": world.org.dept.pk, "deadline": "2011-04-30"},
    )
    assert response.status_code == 302
    assert dept_points(world) == Decimal(2)  # now on time
    entry = ModelLogEntry.objects.get(content_type__model="commission", action="wagtail.edit")
    assert entry.data["changes"]["deadline"] == ["2011-04-15", "2011-04-30"]
