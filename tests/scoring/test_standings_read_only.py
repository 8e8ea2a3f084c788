"""Reading the standings never writes: not even the missed commissions, which the daily
``manage.py record_missed_commissions`` records."""

import datetime as dt

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.submissions.world import make_world
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring.models import ScoreLine, Standing
from xinxuan.submissions import actions

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Outcome, ScoreLine, Standing, ModelLogEntry)
    }


def test_opening_the_standings_changes_no_row(client):
    world = make_world()
    actions.commission_item(
        user=world.office, unit=world.org.dept, title="过期约稿", deadline=dt.date(2011, 4, 15)
    )
    before = counts()
    for who in (world.office, world.head):
        client.force_login(who)
        response = client.get(reverse("scoring:standings", args=[world.ruleset.pk]))
        assert response.status_code == 200
    assert counts() == before
