"""Every change to the count is audited: who, when, which outcome, old → new points and
why; the item's history names the outcome; outcomes leave the count only by revocation."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.submissions.world import DAY, make_world, reported_item
from xinxuan.outcomes import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def entry_for(outcome, action):
    return ModelLogEntry.objects.get(
        content_type__model="outcome", object_id=str(outcome.pk), action=action
    )


def test_recording_and_revoking_are_audited_with_the_old_and_new_points(world):
    item = reported_item(world)
    adoption = actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    recorded = entry_for(adoption, "xinxuan.outcome.record")
    assert recorded.user == world.office
    assert recorded.data["kind"] == "adoption" and recorded.data["date"] == str(DAY)
    assert recorded.data["carrier"] == "总局《专报信息》"
    assert Decimal(recorded.data["points"]) == Decimal(20)
    actions.revoke_outcome(outcome=adoption, user=world.office, reason="重复登记")
    revoked = entry_for(adoption, "xinxuan.outcome.revoke")
    assert revoked.user == world.office and revoked.data["reason"] == "重复登记"
    assert revoked.data["changes"]["revoked"] == [False, True]
    old, new = revoked.data["changes"]["points"]
    assert (Decimal(old), Decimal(new)) == (Decimal(20), Decimal(0))


def test_the_item_history_names_the_outcome_of_each_entry(client, world):
    item = reported_item(world)
    adoption = actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    actions.revoke_outcome(outcome=adoption, user=world.office, reason="误录")
    client.force_login(world.office)
    page = client.get(reverse("submissions:item-detail", args=[item.pk])).content.decode()
    # the outcomes table shows these in cells of their own; the history in one line
    assert "采用 · 省政府《动态信息》 · 2011-05-10" in page
    assert "理由: 误录" in page


def test_the_office_holds_no_permission_to_delete_outcomes(world):
    assert not world.office.has_perm("outcomes.delete_outcome")
    assert world.office.has_perm("outcomes.add_outcome")
