"""A bureau is assessed by its superior, never by itself: the city office neither
records nor revokes deductions on its own bureau under the province's rule set, while
the province office does; and the sweep of one bureau records only its own missed
commissions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.builders import make_user
from tests.submissions.world import make_ruleset, make_world
from xinxuan.accounts.roles import Role
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.outcomes.models import Outcome, OutcomeKind
from xinxuan.submissions.models import Commission

pytestmark = pytest.mark.django_db

SELF_ASSESSED = "由上级考核"
NOT_YOURS = "由省局办公室登记，本局办公室不能登记"


@pytest.fixture
def world():
    world = make_world()
    world.province_ruleset = make_ruleset(world.org.province, name="省局2011", code="province-2011")
    world.province_office = make_user(
        "province-office", role=Role.OFFICE, unit=world.org.province_office
    )
    return world


def deduct(client, world, unit):
    return client.post(
        reverse("scoring:unit-outcome-add", args=[world.province_ruleset.pk, "deduction"]),
        {"unit": unit.pk, "rule": "late-report", "date": "2011-06-01", "reason": "迟报"},
    )


def provinces_deduction_on_the_city(world):
    return outcome_actions.record_deduction(
        unit=world.org.bureau,
        user=world.province_office,
        rule="late-report",
        points=None,
        range_min=None,
        range_max=None,
        date=dt.date(2011, 6, 1),
        reason="迟报",
    )


def test_the_province_office_records_a_deduction_on_the_city_bureau(client, world):
    client.force_login(world.province_office)
    response = deduct(client, world, world.org.bureau)
    assert response.status_code == 302
    outcome = Outcome.objects.get(kind=OutcomeKind.DEDUCTION)
    assert outcome.unit == world.org.bureau and outcome.recorded_by == world.province_office


def test_the_city_office_cannot_record_a_deduction_on_itself_under_the_provinces_rules(
    client, world
):
    client.force_login(world.office)
    response = deduct(client, world, world.org.bureau)
    assert response.status_code == 403
    assert NOT_YOURS in response.text
    assert not Outcome.objects.exists()


def test_the_city_office_is_not_even_offered_the_provinces_form(client, world):
    client.force_login(world.office)
    address = reverse("scoring:unit-outcome-add", args=[world.province_ruleset.pk, "adjustment"])
    response = client.get(f"{address}?unit={world.org.bureau.pk}")
    assert response.status_code == 403
    standings = client.get(reverse("scoring:standings", args=[world.province_ruleset.pk]))
    assert standings.status_code == 200  # it may read how its bureau stands
    assert "登记扣分" not in standings.text and address not in standings.text


def test_the_city_office_cannot_record_on_its_own_bureau_by_any_path(world):
    with pytest.raises(PermissionDenied) as refused:
        outcome_actions.record_adjustment(
            unit=world.org.bureau,
            user=world.office,
            rule="commendation",
            points=3,
            range_min=2,
            range_max=5,
            date=dt.date(2011, 6, 1),
            reason="自评",
        )
    assert SELF_ASSESSED in str(refused.value)
    assert not Outcome.objects.exists()


def test_the_city_office_cannot_revoke_the_provinces_deduction_on_itself(client, world):
    outcome = provinces_deduction_on_the_city(world)
    client.force_login(world.office)
    response = client.post(
        reverse("outcomes:outcome-revoke", args=[outcome.pk]), {"reason": "不服"}, follow=True
    )
    assert SELF_ASSESSED in response.text
    outcome.refresh_from_db()
    assert not outcome.is_revoked


def test_the_province_office_may_revoke_its_own_deduction(client, world):
    outcome = provinces_deduction_on_the_city(world)
    client.force_login(world.province_office)
    client.post(reverse("outcomes:outcome-revoke", args=[outcome.pk]), {"reason": "复核撤销"})
    outcome.refresh_from_db()
    assert outcome.is_revoked


def test_the_city_office_still_records_on_its_own_departments(client, world):
    client.force_login(world.office)
    response = client.post(
        reverse("scoring:unit-outcome-add", args=[world.ruleset.pk, "deduction"]),
        {"unit": world.org.dept.pk, "rule": "late-report", "date": "2011-06-01", "reason": "迟报"},
    )
    assert response.status_code == 302
    assert Outcome.objects.get(kind=OutcomeKind.DEDUCTION).unit == world.org.dept


def test_the_sweep_for_one_bureau_records_only_its_own_missed_commissions(world):
    mine = Commission.objects.create(title="本局约稿", unit=world.org.dept, deadline="2011-06-30")
    theirs = Commission.objects.create(
        title="邻市约稿", unit=world.org.other_bureau_dept, deadline="2011-06-30"
    )
    outcome_actions.record_missed_commissions(
        today=dt.date(2011, 7, 1), bureau_ids=world.org.bureau.descendant_ids()
    )
    missed = Outcome.objects.filter(kind=OutcomeKind.COMMISSION_MISSED)
    assert list(missed.values_list("commission_id", flat=True)) == [mine.pk]
    assert not missed.filter(commission=theirs).exists()
