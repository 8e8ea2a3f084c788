"""The units file the engine's command line reads beside the ledger export: the units
the rule set ranks with class, targets and order, the units below them with their
parent; for the office of the units it covers only."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.submissions.world import make_world
from xinxuan.organisation.models import UnitTarget

pytestmark = pytest.mark.django_db


def rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_office_downloads_the_ranked_units_with_their_targets_and_those_below(client):
    world = make_world()
    org = world.org
    UnitTarget.objects.create(unit=org.dept, year=2011, points=Decimal("40.50"), adopted_items=3)
    UnitTarget.objects.create(unit=org.dept, year=2012, points=Decimal(99))
    # a round target written as people write it, not "2E+2"
    UnitTarget.objects.create(unit=org.other_dept, year=2011, points=Decimal("200.00"))
    client.force_login(world.office)
    response = client.get(reverse("scoring:ruleset-units", args=[world.ruleset.pk]))
    assert response.status_code == 200
    by_unit = {row["单位"]: row for row in rows(response)}
    assert set(by_unit) == {u.label for u in (org.office, org.dept, org.other_dept)} | {
        org.section.parent.label,
        org.section.label,
    }
    assert (by_unit[org.dept.label]["目标分"], by_unit[org.dept.label]["目标条数"]) == ("40.5", "3")
    assert by_unit[org.other_dept.label]["目标分"] == "200"
    assert by_unit[org.dept.label]["上级"] == ""
    assert by_unit[org.section.label]["上级"] == org.section.parent.label
    assert org.bureau.label not in by_unit  # the issuer is not ranked (nor scored)


@pytest.mark.parametrize("who", ["officer", "outsider"])
def test_others_may_not_download_it(client, who):
    world = make_world()
    client.force_login(getattr(world, who))
    response = client.get(reverse("scoring:ruleset-units", args=[world.ruleset.pk]))
    assert response.status_code == 403
