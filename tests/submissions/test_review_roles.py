"""Who reviews an item: a head does not approve what they wrote, and a superior office
reads its bureaus' items (and records their outcomes) but leaves their review to each
bureau's own office."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.builders import make_user
from tests.submissions.world import DAY, approved_item, make_world, write_item
from xinxuan.accounts.roles import Role
from xinxuan.organisation.models import Person
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.submissions import actions
from xinxuan.submissions.models import ItemStatus

pytestmark = pytest.mark.django_db

OWN_ITEM = "本人撰写"
NOT_YOUR_BUREAU = "不审核该稿件"


@pytest.fixture
def world():
    world = make_world()
    world.province_office = make_user(
        "province-office", role=Role.OFFICE, unit=world.org.province_office
    )
    return world


def test_a_head_cannot_approve_an_item_they_created(client, world):
    item = actions.create_item(
        user=world.head, title="处长自己写的", kind=world.kinds["zhengwu"], unit=world.org.dept
    )
    actions.submit_item(item=item, user=world.head)
    with pytest.raises(PermissionDenied, match=OWN_ITEM):
        actions.head_approve_item(item=item, user=world.head)
    client.force_login(world.head)
    page = client.get(reverse("submissions:item-detail", args=[item.pk])).content.decode()
    assert reverse("submissions:item-act", args=[item.pk, "head-approve"]) not in page
    response = client.post(
        reverse("submissions:item-act", args=[item.pk, "head-approve"]), follow=True
    )
    assert OWN_ITEM in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.SUBMITTED


def test_a_head_cannot_approve_an_item_that_lists_them_as_author(world):
    me = Person.objects.get(user=world.head)
    item = write_item(world, authors=[(me, 1)])
    actions.submit_item(item=item, user=world.officer)
    with pytest.raises(PermissionDenied, match=OWN_ITEM):
        actions.head_approve_item(item=item, user=world.head)


def test_a_head_approves_what_others_wrote(world):
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)
    actions.head_approve_item(item=item, user=world.head)
    assert item.status == ItemStatus.HEAD_APPROVED


@pytest.mark.parametrize(
    "step",
    [
        pytest.param("approve_item", id="approve"),
        pytest.param("return_item", id="return"),
    ],
)
def test_the_province_office_does_not_review_a_city_bureau_item(world, step):
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)
    actions.head_approve_item(item=item, user=world.head)
    extra = {"reason": "请修改"} if step == "return_item" else {}
    with pytest.raises(PermissionDenied, match=NOT_YOUR_BUREAU):
        getattr(actions, step)(item=item, user=world.province_office, **extra)
    item.refresh_from_db()
    assert item.status == ItemStatus.HEAD_APPROVED


def test_the_province_office_reads_the_item_without_review_buttons(client, world):
    item = write_item(world)
    actions.submit_item(item=item, user=world.officer)
    actions.head_approve_item(item=item, user=world.head)
    client.force_login(world.province_office)
    page = client.get(reverse("submissions:item-detail", args=[item.pk]))
    assert page.status_code == 200
    for verb in ("approve", "return"):
        assert reverse("submissions:item-act", args=[item.pk, verb]) not in page.text
    client.force_login(world.office)  # the city office still reviews it
    page = client.get(reverse("submissions:item-detail", args=[item.pk]))
    assert reverse("submissions:item-act", args=[item.pk, "approve"]) in page.text


def test_the_province_office_still_records_the_outcomes_of_a_city_item(world):
    item = approved_item(world)
    outcome = outcome_actions.record_adoption(
        item=item, user=world.province_office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    assert outcome.recorded_by == world.province_office
