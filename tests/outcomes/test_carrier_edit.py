"""A carrier's code is what the rule sets score by: renaming it rescores its outcomes,
and a code the rule set in force does not know is refused with the reason."""

import pytest
from django.urls import reverse

from tests.submissions.world import DAY, make_world, points_of, reported_item
from xinxuan.outcomes import actions
from xinxuan.scoring import ledger

pytestmark = pytest.mark.django_db


def test_a_carrier_code_the_rule_set_does_not_know_is_refused(client):
    world = make_world()
    carrier = world.carriers["zongju-zhuanbao"]
    item = reported_item(world)
    actions.record_adoption(item=item, user=world.office, carrier=carrier, date=DAY)
    before = points_of(world.org.dept)
    client.force_login(world.office)
    url = reverse("wagtailsnippets_outcomes_carrier:edit", args=[carrier.pk])
    data = {
        "name": carrier.name,
        "code": "zongju-kuaibao",
        "kind": carrier.kind,
        "level": carrier.level_id,
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "未保存" in response.content.decode()
    carrier.refresh_from_db()
    assert carrier.code == "zongju-zhuanbao"
    ledger.rescore_ruleset(world.ruleset)  # the bureau still scores
    assert points_of(world.org.dept) == before
    renamed = {**data, "code": "zongju-zhuanbao", "name": "总局专报信息"}
    assert client.post(url, renamed).status_code == 302
    carrier.refresh_from_db()
    assert carrier.name == "总局专报信息"
