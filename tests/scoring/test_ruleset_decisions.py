"""Putting a rule set in force or retiring it asks why; the audit keeps who, why and
the standings before and after."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.submissions.world import make_ruleset, make_world, reported_item
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.scoring import actions
from xinxuan.scoring.models import RuleSetStatus

pytestmark = pytest.mark.django_db

NO_REASON = "请说明启用或停用该规则的理由"


@pytest.fixture
def world():
    return make_world()


def test_retiring_without_a_reason_is_refused_in_chinese_and_nothing_changes(client, world):
    client.force_login(world.office)
    response = client.post(
        reverse("scoring:ruleset-retire", args=[world.ruleset.pk]), {"reason": " "}, follow=True
    )
    assert NO_REASON in response.content.decode()
    world.ruleset.refresh_from_db()
    assert world.ruleset.status == RuleSetStatus.ACTIVE
    with pytest.raises(ActionRefused, match=NO_REASON):
        actions.retire_ruleset(ruleset=world.ruleset, user=world.office)


def test_activating_without_a_reason_is_refused(client, world):
    draft = make_ruleset(
        world.org.bureau, name="2011修订", code="changzhou-2011b", status=RuleSetStatus.DRAFT
    )
    client.force_login(world.office)
    response = client.post(reverse("scoring:ruleset-activate", args=[draft.pk]), {}, follow=True)
    assert NO_REASON in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT


def test_retiring_and_activating_are_audited_with_the_reason_and_the_standings(client, world):
    reported_item(world)
    client.force_login(world.office)
    client.post(reverse("scoring:ruleset-retire", args=[world.ruleset.pk]), {"reason": "换新规"})
    entry = ModelLogEntry.objects.get(action="xinxuan.ruleset.retire")
    assert entry.user == world.office and entry.data["reason"] == "换新规"
    old = entry.data["standings_before"]
    assert {unit: Decimal(points) for unit, points in old.items()} == {
        str(world.org.dept.pk): Decimal("0.5")
    }
    # The background rescoring that follows logs the standings after.
    rescored = ModelLogEntry.objects.filter(action="xinxuan.ruleset.rescore").latest("pk")
    assert rescored.data["standings"] == {}
    client.post(reverse("scoring:ruleset-activate", args=[world.ruleset.pk]), {"reason": "恢复"})
    entry = ModelLogEntry.objects.get(action="xinxuan.ruleset.activate")
    assert entry.data["reason"] == "恢复"
    assert entry.data["changes"]["status"] == ["retired", "active"]
    rescored = ModelLogEntry.objects.filter(action="xinxuan.ruleset.rescore").latest("pk")
    assert {unit: Decimal(points) for unit, points in rescored.data["standings"].items()} == {
        str(world.org.dept.pk): Decimal("0.5")
    }


def test_the_form_asks_for_the_reason(client, world):
    client.force_login(world.office)
    page = client.get(reverse("scoring:ruleset-edit", args=[world.ruleset.pk])).content.decode()
    assert 'name="reason"' in page
