"""A forged inline row id of another bureau's item changes nothing of that item."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.builders import make_user
from tests.submissions.world import make_world, write_item
from xinxuan.accounts.roles import Role
from xinxuan.submissions import actions
from xinxuan.submissions.models import ItemUnit

pytestmark = pytest.mark.django_db


def post_forged_share():
    """The officer posts their own item with the id of another bureau's unit share."""
    world = make_world()
    mine = write_item(world, title="本处稿件")
    stranger = make_user("stranger", role=Role.OFFICER, unit=world.org.other_bureau_dept)
    theirs = actions.create_item(
        user=stranger,
        title="邻市稿件",
        kind=world.kinds["zhengwu"],
        unit=world.org.other_bureau_dept,
    )
    share = ItemUnit.objects.get(item=theirs)
    client = Client(raise_request_exception=False)
    client.force_login(world.officer)
    response = client.post(
        reverse("wagtailsnippets_submissions_item:edit", args=[mine.pk]),
        {
            "title": "本处稿件",
            "kind": world.kinds["zhengwu"].pk,
            "unit": world.org.dept.pk,
            "body": '{"blocks": [], "entityMap": {}}',
            "unit_shares-TOTAL_FORMS": "1",
            "unit_shares-INITIAL_FORMS": "1",
            "unit_shares-0-id": share.pk,
            "unit_shares-0-unit": world.org.dept.pk,
            "unit_shares-0-share": "1",
            **{f"{n}-TOTAL_FORMS": "0" for n in ("author_shares", "photos", "attachments")},
            **{f"{n}-INITIAL_FORMS": "0" for n in ("author_shares", "photos", "attachments")},
        },
    )
    share.refresh_from_db()
    return world, theirs, share, response


def test_a_forged_unit_share_id_of_another_bureau_changes_nothing_of_it():
    world, theirs, share, _response = post_forged_share()
    assert (share.item_id, share.unit_id) == (theirs.pk, world.org.other_bureau_dept.pk)


def test_a_forged_unit_share_id_is_refused_with_a_message():
    _world, _theirs, _share, response = post_forged_share()
    assert response.status_code == 200  # the form again, with the reason
    assert "不属于此记录" in response.content.decode()
