"""The item form offers, and accepts, only units and people the writer may credit."""

import pytest
from django.urls import reverse

from tests.submissions.world import make_world
from xinxuan.organisation.models import Person
from xinxuan.submissions.models import Commission, Item

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_submissions_item:add"


def inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{n}-{key}"] = value
        data[f"{prefix}-{n}-ORDER"] = str(n + 1)
        data[f"{prefix}-{n}-DELETE"] = ""
    return data


def post_item(client, world, *, share_units, author, commission=""):
    data = {
        "title": "越权分配份额的稿件",
        "kind": world.kinds["zhengwu"].pk,
        "unit": world.org.dept.pk,
        "body": '{"blocks": [], "entityMap": {}}',
        "commission": commission,
        **inline("unit_shares", [{"unit": u.pk, "share": "1"} for u in share_units]),
        **inline("author_shares", [{"person": author.pk, "share": "1"}]),
        **inline("photos", []),
        **inline("attachments", []),
    }
    return client.post(reverse(ADD), data)


def test_the_blank_share_rows_list_only_the_officers_units(client):
    world = make_world()
    client.force_login(world.officer)
    page = client.get(reverse(ADD)).content.decode()
    assert world.org.dept.name in page
    assert world.org.other_bureau_dept.name not in page
    assert world.org.other_dept.name not in page


@pytest.mark.parametrize("target", ["other_bureau_dept", "other_dept"])
def test_a_forged_share_for_another_unit_is_refused(client, target):
    world = make_world()
    client.force_login(world.officer)
    me = Person.objects.get(user=world.officer)
    response = post_item(
        client, world, share_units=[world.org.dept, getattr(world.org, target)], author=me
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not Item.objects.filter(title="越权分配份额的稿件").exists()


def test_a_forged_author_from_another_department_is_refused(client):
    world = make_world()
    client.force_login(world.officer)
    stranger = Person.objects.create(name="外单位人员", unit=world.org.other_dept)
    response = post_item(client, world, share_units=[world.org.dept], author=stranger)
    assert response.status_code == 200
    assert not Item.objects.filter(title="越权分配份额的稿件").exists()


def test_a_commission_of_another_department_cannot_be_claimed(client):
    world = make_world()
    client.force_login(world.officer)
    me = Person.objects.get(user=world.officer)
    theirs = Commission.objects.create(
        title="外单位约稿", unit=world.org.other_dept, deadline="2011-06-30"
    )
    response = post_item(
        client, world, share_units=[world.org.dept], author=me, commission=theirs.pk
    )
    assert response.status_code == 200
    assert not Item.objects.filter(title="越权分配份额的稿件").exists()


def test_a_proper_item_is_saved(client):
    world = make_world()
    client.force_login(world.officer)
    me = Person.objects.get(user=world.officer)
    response = post_item(client, world, share_units=[world.org.dept], author=me)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Item.objects.filter(title="越权分配份额的稿件", unit=world.org.dept).exists()
