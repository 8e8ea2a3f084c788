"""Writing, approving, returning and reporting items, as the people involved see it."""

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import ModelLogEntry

from tests.submissions.world import DAY, approved_item, make_world, write_item
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.submissions import actions
from xinxuan.submissions.models import ItemStatus, NoteKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_an_item_travels_from_draft_to_reported_and_every_step_is_audited(world):
    item = write_item(world)
    assert item.status == ItemStatus.DRAFT
    assert item.char_count == len("欧盟传统草药法令全面实施，我市中药出口企业面临考验。")
    actions.submit_item(item=item, user=world.officer)
    assert "head" in item.holder() or world.org.dept.name in item.holder()
    actions.head_approve_item(item=item, user=world.head)
    actions.approve_item(item=item, user=world.office)
    assert item.is_approved
    outcome_actions.report_upward(
        item=item, user=world.office, superior_body=world.body, route=world.route, date=DAY
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.REPORTED
    logged = set(
        ModelLogEntry.objects.filter(
            object_id=str(item.pk), content_type__model="item"
        ).values_list("action", flat=True)
    )
    assert {
        "wagtail.create",
        "xinxuan.item.submit",
        "xinxuan.item.head_approve",
        "xinxuan.item.approve",
        "xinxuan.item.report",
    } <= logged


def test_the_office_returns_an_item_with_a_reason_the_author_reads(world):
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)
    actions.head_approve_item(item=item, user=world.head)
    actions.return_item(item=item, user=world.office, reason="数据需核实")
    item.refresh_from_db()
    assert item.status == ItemStatus.RETURNED
    assert item.notes.get(kind=NoteKind.RETURN).text == "数据需核实"
    actions.submit_item(item=item, user=world.officer)  # resubmitted after correction
    assert item.status == ItemStatus.SUBMITTED


def test_returning_without_a_reason_is_refused(world):
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)
    with pytest.raises(ActionRefused):
        actions.return_item(item=item, user=world.head, reason="  ")


@pytest.mark.parametrize(
    "who, step",
    [
        ("officer", "head_approve_item"),
        ("head", "approve_item"),
        ("outsider", "approve_item"),
    ],
)
def test_only_the_right_person_may_take_each_step(world, who, step):
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)
    if step == "approve_item":
        actions.head_approve_item(item=item, user=world.head)
    with pytest.raises(PermissionDenied):
        getattr(actions, step)(item=item, user=getattr(world, who))


def test_approving_twice_is_refused_with_the_current_state(world):
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)
    actions.head_approve_item(item=item, user=world.head)
    stale = type(item).objects.get(pk=item.pk)
    actions.approve_item(item=item, user=world.office)
    with pytest.raises(ActionRefused) as refused:
        actions.approve_item(item=stale, user=world.office)
    assert str(ItemStatus.APPROVED.label) in refused.value.message


def test_only_approved_items_can_be_reported(world):
    item = write_item(world)
    with pytest.raises(ActionRefused):
        outcome_actions.report_upward(
            item=item, user=world.office, superior_body=world.body, route=world.route, date=DAY
        )


def test_an_approved_press_item_is_visible_as_approved_for_the_portal(world):
    item = approved_item(world, kind="tongxun", title="口岸新闻")
    assert item.kind.is_press and item.is_approved
    assert type(item).objects.approved().filter(pk=item.pk).exists()
