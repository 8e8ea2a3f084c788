"""Once an item has gone onward, only the office edits it: the author's edit form is
refused with the reason, the item stays as it was, and the item page hides the link."""

import pytest
from django.urls import reverse

from tests.submissions.world import (
    EDIT,
    approved_item,
    edit_data,
    make_world,
    reported_item,
    write_item,
)
from xinxuan.submissions import actions
from xinxuan.submissions.models import Item, ItemStatus

pytestmark = pytest.mark.django_db

REFUSAL = "只有办公室可以修改"


@pytest.fixture
def world():
    return make_world()


def test_an_officer_editing_a_reported_item_is_refused_and_nothing_changes(client, world):
    item = reported_item(world)
    # The form as the office would send it, replayed by the officer with a new title.
    client.force_login(world.office)
    data = edit_data(client, item, title="改过的标题")
    shares_before = list(item.unit_shares.values_list("unit_id", "share"))
    client.force_login(world.officer)
    response = client.post(reverse(EDIT, args=[item.pk]), data)
    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.REPORTED
    assert item.title == "输欧盟中药面临生死考验"
    assert list(item.unit_shares.values_list("unit_id", "share")) == shares_before


@pytest.mark.parametrize(
    "who",
    [pytest.param("officer", id="officer"), pytest.param("head", id="department-head")],
)
@pytest.mark.parametrize(
    "state",
    [pytest.param("submitted", id="submitted"), pytest.param("approved", id="approved")],
)
def test_authors_cannot_open_the_edit_form_of_an_item_sent_onward(client, world, who, state):
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)
    if state == "approved":
        item = approved_item(world, title="另一篇")
    client.force_login(getattr(world, who))
    response = client.get(reverse(EDIT, args=[item.pk]))
    assert response.status_code == 403
    assert REFUSAL in response.content.decode()


def test_an_officer_may_edit_their_own_draft(client, world):
    item = write_item(world)
    client.force_login(world.officer)
    response = client.post(reverse(EDIT, args=[item.pk]), edit_data(client, item, title="新标题"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "新标题" and item.status == ItemStatus.DRAFT


def test_an_officer_may_edit_a_returned_item(client, world):
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)
    actions.return_item(item=item, user=world.head, reason="补充数据")
    client.force_login(world.officer)
    response = client.post(reverse(EDIT, args=[item.pk]), edit_data(client, item, title="补充后"))
    assert response.status_code == 302
    assert Item.objects.get(pk=item.pk).title == "补充后"


def test_the_office_may_edit_an_item_awaiting_its_review(client, world):
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)
    actions.head_approve_item(item=item, user=world.head)
    client.force_login(world.office)
    response = client.post(reverse(EDIT, args=[item.pk]), edit_data(client, item, title="办公室改"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "办公室改" and item.status == ItemStatus.HEAD_APPROVED


def test_the_item_page_offers_the_edit_link_only_to_who_may_edit(client, world):
    item = reported_item(world)
    link = reverse(EDIT, args=[item.pk])
    client.force_login(world.officer)
    assert link not in client.get(reverse("submissions:item-detail", args=[item.pk])).text
    client.force_login(world.office)
    assert link in client.get(reverse("submissions:item-detail", args=[item.pk])).text
    draft = write_item(world, title="草稿")
    client.force_login(world.officer)
    page = client.get(reverse("submissions:item-detail", args=[draft.pk])).text
    assert reverse(EDIT, args=[draft.pk]) in page
