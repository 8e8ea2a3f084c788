"""A double click on “save” makes one item: the create form carries a one-time key."""

import pytest
from django.urls import reverse

from tests.submissions.test_item_form_scope import ADD, inline
from tests.submissions.world import make_world
from xinxuan.organisation.models import Person
from xinxuan.submissions.models import Item

pytestmark = pytest.mark.django_db


def test_posting_the_same_create_form_twice_makes_one_item(client):
    world = make_world()
    client.force_login(world.officer)
    form = client.get(reverse(ADD)).context["form"]
    token = form["form_token"].value()
    assert token  # every blank form gets its own key
    me = Person.objects.get(user=world.officer)
    data = {
        "title": "双击保存的稿件",
        "kind": world.kinds["zhengwu"].pk,
        "unit": world.org.dept.pk,
        "body": '{"blocks": [], "entityMap": {}}',
        "form_token": token,
        **inline("unit_shares", [{"unit": world.org.dept.pk, "share": "1"}]),
        **inline("author_shares", [{"person": me.pk, "share": "1"}]),
        **inline("photos", []),
        **inline("attachments", []),
    }
    first = client.post(reverse(ADD), data)
    second = client.post(reverse(ADD), data)
    assert first.status_code == second.status_code == 302
    assert Item.objects.filter(title="双击保存的稿件").count() == 1
    assert first.url == second.url  # both land on the one item
    # a new form is a new key: writing a second item with the same title still works
    data["form_token"] = client.get(reverse(ADD)).context["form"]["form_token"].value()
    client.post(reverse(ADD), data)
    assert Item.objects.filter(title="双击保存的稿件").count() == 2
