"""Automatic 报送 (issue 11): where the bureau's office has switched it on, an item
that reaches the office — its department head approves it — gets its 报送 recorded
that day, once, through the office's own record path (audited, scored at once); where
it is off, nothing is recorded and the office records 报送 by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.builders import make_user
from tests.submissions.world import RULESET_2011, make_world, points_of, write_item
from xinxuan.accounts.roles import Role
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation.models import Unit
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.outcomes.models import Outcome, OutcomeKind, Source
from xinxuan.scoring.models import ScoreLine
from xinxuan.submissions import actions
from xinxuan.submissions.models import Commission, ItemStatus

pytestmark = pytest.mark.django_db

RULESET = RULESET_2011 + "\n[submission]\npoints = 0.2\nlate = -0.5\n"
APPROVED_ON = dt.date(2011, 5, 12)


@pytest.fixture
def world():
    return make_world(ruleset_text=RULESET)


@pytest.fixture
def today(monkeypatch):
    """The approval happens on ``APPROVED_ON`` (inside the 2011 rule set); returns a
    setter to move the day on."""
    real = timezone.localdate
    day = {"value": APPROVED_ON}

    def localdate(value=None, timezone=None):
        return day["value"] if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    def move_to(new: dt.date) -> None:
        day["value"] = new

    return move_to


def switch(unit: Unit, on: bool) -> None:
    Unit.objects.filter(pk=unit.pk).update(auto_submission=on)


def to_office(world, item):
    actions.submit_item(item=item, user=world.officer)
    actions.head_approve_item(item=item, user=world.head)
    item.refresh_from_db()
    assert item.status == ItemStatus.HEAD_APPROVED
    return item


def submissions(item):
    return Outcome.objects.filter(item=item, kind=OutcomeKind.SUBMISSION)


def unit_points(outcome) -> Decimal:
    lines = ScoreLine.objects.filter(outcome=outcome, person__isnull=True)
    return sum((line.points for line in lines), Decimal(0))


def test_switched_off_nothing_is_recorded_and_the_office_still_records_by_hand(world, today):
    item = to_office(world, write_item(world))
    assert not submissions(item).exists()
    assert points_of(world.org.dept) == 0
    by_hand = outcome_actions.record_submission(item=item, user=world.office, date=APPROVED_ON)
    assert by_hand.source == Source.WORKBENCH
    assert points_of(world.org.dept) == Decimal("0.2")


def test_switched_on_the_approval_records_one_scored_submission(world, today):
    switch(world.org.bureau, True)
    item = to_office(world, write_item(world))
    outcome = submissions(item).get()
    assert (outcome.date, outcome.due, outcome.unit, outcome.item) == (
        APPROVED_ON,
        None,
        world.org.dept,
        item,
    )
    assert outcome.source == Source.AUTOMATIC
    assert outcome.recorded_by == world.head  # on behalf of the approving head
    assert outcome.revoked_at is None
    # scored at once by the rule set's [submission] rule, in the standings
    assert unit_points(outcome) == Decimal("0.2")
    assert points_of(world.org.dept) == Decimal("0.2")
    # audited like a hand-recorded one, saying it was produced automatically
    entry = ModelLogEntry.objects.get(action="xinxuan.outcome.record", object_id=str(outcome.pk))
    assert entry.user_id == world.head.pk
    assert entry.data["automatic"] is True and entry.data["source"] == Source.AUTOMATIC


def test_a_commissioned_item_is_due_by_the_commissions_deadline(world, today):
    switch(world.org.bureau, True)
    commission = Commission.objects.create(
        unit=world.org.dept, title="口岸疫情专题", deadline=dt.date(2011, 5, 10)
    )
    item = to_office(world, write_item(world, commission=commission))
    outcome = submissions(item).get()
    assert (outcome.date, outcome.due) == (APPROVED_ON, dt.date(2011, 5, 10))
    assert unit_points(outcome) == Decimal("-0.3")  # 0.2 − 0.5: two days late


def test_returned_and_approved_again_it_does_not_earn_twice(world, today):
    switch(world.org.bureau, True)
    item = to_office(world, write_item(world))
    actions.return_item(item=item, user=world.office, reason="数据需核实")
    item.refresh_from_db()
    # the recorded fact stays: the item did reach the office that day
    assert submissions(item).get().revoked_at is None
    today(dt.date(2011, 5, 20))
    to_office(world, item)
    assert submissions(item).count() == 1
    assert submissions(item).get().date == APPROVED_ON
    assert points_of(world.org.dept) == Decimal("0.2")


def test_a_hand_recorded_submission_is_not_doubled(world, today):
    item = to_office(world, write_item(world))
    outcome_actions.record_submission(item=item, user=world.office, date=APPROVED_ON)
    actions.return_item(item=item, user=world.office, reason="补充数据")
    switch(world.org.bureau, True)
    to_office(world, item)
    assert submissions(item).get().source == Source.WORKBENCH


def test_a_revoked_submission_does_not_block_the_next_arrival(world, today):
    switch(world.org.bureau, True)
    item = to_office(world, write_item(world))
    outcome_actions.revoke_outcome(
        outcome=submissions(item).get(), user=world.office, reason="退回重写，不计报送"
    )
    actions.return_item(item=item, user=world.office, reason="重写")
    today(dt.date(2011, 5, 20))
    to_office(world, item)
    live = submissions(item).filter(revoked_at__isnull=True).get()
    assert live.date == dt.date(2011, 5, 20)
    assert points_of(world.org.dept) == Decimal("0.2")


def test_another_bureaus_switch_does_not_apply(world, today):
    switch(world.org.other_bureau, True)
    item = to_office(world, write_item(world))
    assert not submissions(item).exists()


def test_a_submission_the_rule_set_cannot_score_refuses_the_approval(world, today, monkeypatch):
    switch(world.org.bureau, True)
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)

    def refuse(outcome):
        raise outcome_actions.ledger.LedgerError("测试：无法计分。")

    monkeypatch.setattr(outcome_actions.ledger, "after_change", refuse)
    with pytest.raises(ActionRefused):
        actions.head_approve_item(item=item, user=world.head)
    item.refresh_from_db()
    assert item.status == ItemStatus.SUBMITTED  # approval and 报送 are one transaction
    assert not submissions(item).exists()


# ------------------------------------------------------------------ the switch


def url(unit) -> str:
    return reverse("submissions:bureau-options", args=[unit.pk])


@pytest.fixture
def province(world):
    return make_user("province", role=Role.OFFICE, unit=world.org.province_office)


def test_the_office_switches_it_on_and_off_and_the_change_is_audited(client, world):
    client.force_login(world.office)
    page = client.get(url(world.org.bureau))
    assert page.status_code == 200 and "自动登记报送" in page.text
    response = client.post(url(world.org.bureau), {"auto_submission": "on"}, follow=True)
    assert "已设置为：稿件报送到办公室时自动登记报送" in response.text
    world.org.bureau.refresh_from_db()
    assert world.org.bureau.auto_submission is True
    entry = ModelLogEntry.objects.get(action="xinxuan.bureau.auto_submission")
    assert entry.user_id == world.office.pk
    assert entry.data["changes"] == {"auto_submission": [False, True]}
    client.post(url(world.org.bureau), {})  # an unticked box sends nothing
    world.org.bureau.refresh_from_db()
    assert world.org.bureau.auto_submission is False


def test_the_menu_leads_the_office_to_its_own_bureau(client, world):
    home = reverse("submissions:bureau-options-home")
    client.force_login(world.head)
    assert home not in client.get(reverse("wagtailadmin_home")).text
    client.force_login(world.office)
    assert home in client.get(reverse("wagtailadmin_home")).text  # 设置 → 报送登记
    response = client.get(reverse("submissions:bureau-options-home"))
    assert response.status_code == 302 and response.url == url(world.org.bureau)


@pytest.mark.parametrize(
    "who, bureau",
    [
        pytest.param("head", "bureau", id="department-head"),
        pytest.param("officer", "bureau", id="information-officer"),
        pytest.param("leader", "bureau", id="bureau-leader"),
        pytest.param("outsider", "bureau", id="office-of-another-bureau"),
        pytest.param("province", "bureau", id="superior-office"),
        pytest.param("office", "other_bureau", id="office-for-another-bureau"),
    ],
)
def test_only_the_bureaus_own_office_may_change_it(client, world, province, who, bureau):
    users = {
        "head": world.head,
        "officer": world.officer,
        "leader": make_user("leader", role=Role.LEADER, unit=world.org.office),
        "outsider": world.outsider,
        "province": province,
        "office": world.office,
    }
    target = getattr(world.org, bureau)
    client.force_login(users[who])
    assert client.get(url(target)).status_code == 403
    response = client.post(url(target), {"auto_submission": "on"})
    assert response.status_code == 403
    assert "办公室" in response.text  # says who decides, in Chinese
    target.refresh_from_db()
    assert target.auto_submission is False


def test_a_unit_that_is_not_a_bureau_has_no_such_switch(client, world):
    client.force_login(world.office)
    assert client.get(url(world.org.dept)).status_code == 404
    with pytest.raises(ActionRefused):
        actions.set_auto_submission(user=world.office, bureau=world.org.dept, enabled=True)


def test_the_superuser_may_set_any_bureau(client, world):
    admin = make_user("admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    listing = client.get(reverse("submissions:bureau-options-home"))
    assert listing.status_code == 200 and "邻市局" in listing.text
    client.post(url(world.org.other_bureau), {"auto_submission": "on"})
    world.org.other_bureau.refresh_from_db()
    assert world.org.other_bureau.auto_submission is True


def test_the_office_revokes_a_returned_items_submission_on_its_page(client, world, today):
    switch(world.org.bureau, True)
    item = to_office(world, write_item(world))
    actions.return_item(item=item, user=world.office, reason="退回重写")
    outcome = submissions(item).get()
    revoke = reverse("outcomes:outcome-revoke", args=[outcome.pk])
    client.force_login(world.head)
    assert revoke not in client.get(reverse("submissions:item-detail", args=[item.pk])).text
    client.force_login(world.office)
    page = client.get(reverse("submissions:item-detail", args=[item.pk])).text
    assert revoke in page  # the returned item's page offers it
    client.post(revoke, {"reason": "退回稿件不计报送"})
    outcome.refresh_from_db()
    assert outcome.revoked_at is not None
    assert points_of(world.org.dept) == 0
