"""Deleting an item: one with outcomes in the ledger is refused with the reason (on the
confirmation page already, and on a forged post), never a server error; one without is
deleted through the action, audited."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.submissions.world import DAY, approved_item, make_world, reported_item
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.outcomes.models import Outcome
from xinxuan.submissions.models import Commission, Item

pytestmark = pytest.mark.django_db

DELETE = "wagtailsnippets_submissions_item:delete"
BULK = "wagtail_bulk_action"


@pytest.fixture
def world():
    return make_world()


def test_an_item_with_outcomes_is_not_deleted_and_the_office_reads_why(client, world):
    item = reported_item(world)
    client.force_login(world.office)
    confirm = client.get(reverse(DELETE, args=[item.pk]))
    assert confirm.status_code == 403
    assert "不能删除" in confirm.content.decode()
    response = client.post(reverse(DELETE, args=[item.pk]))
    assert response.status_code == 403
    assert "撤销" in response.content.decode()  # it says what to do instead
    assert Item.objects.filter(pk=item.pk).exists()
    assert Outcome.objects.filter(item=item).count() == 1


def test_the_bulk_delete_refuses_an_item_with_outcomes_too(client, world):
    scored = reported_item(world)
    draft = approved_item(world, title="未上报的稿件")
    client.force_login(world.office)
    url = reverse(BULK, args=["submissions", "item", "delete"])
    response = client.post(f"{url}?id={scored.pk}&id={draft.pk}", {})
    assert response.status_code == 403
    assert Item.objects.filter(pk__in=[scored.pk, draft.pk]).count() == 2


def test_an_item_without_outcomes_is_deleted_and_the_deletion_audited(client, world):
    item = approved_item(world)
    client.force_login(world.office)
    response = client.post(reverse(DELETE, args=[item.pk]))
    assert response.status_code == 302
    assert not Item.objects.filter(pk=item.pk).exists()
    entry = ModelLogEntry.objects.get(
        content_type__model="item", object_id=str(item.pk), action="wagtail.delete"
    )
    assert entry.user == world.office and entry.data["facts"]["title"] == item.title


def test_a_commission_named_by_a_missed_event_is_not_deleted(client, world):
    commission = Commission.objects.create(title="约稿", unit=world.org.dept, deadline=DAY)
    outcome_actions.record_missed_commissions(today=DAY.replace(month=12))
    client.force_login(world.office)
    url = reverse("wagtailsnippets_submissions_commission:delete", args=[commission.pk])
    response = client.post(url)
    assert response.status_code == 403
    assert "仍被" in response.content.decode()
    assert Commission.objects.filter(pk=commission.pk).exists()
