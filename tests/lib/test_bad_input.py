"""Malformed requests that Wagtail's screens would let raise are answered with a 400 (or
404/409) and a message in the user's language; nothing is saved; real errors stay 500."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.builders import make_user
from tests.submissions.world import DAY, make_world, reported_item
from xinxuan.lib.bad_input import classify
from xinxuan.organisation.models import Person
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.submissions.models import Item, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def admin(world):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("admin", is_superuser=True, is_staff=True))
    return client


def item_form(world, **fields):
    return {
        "title": "新稿件",
        "kind": world.kinds["zhengwu"].pk,
        "unit": world.org.dept.pk,
        "body": '{"blocks": [], "entityMap": {}}',
        **{
            f"{name}-TOTAL_FORMS": "0"
            for name in ("unit_shares", "author_shares", "photos", "attachments")
        },
        **{
            f"{name}-INITIAL_FORMS": "0"
            for name in ("unit_shares", "author_shares", "photos", "attachments")
        },
        **fields,
    }


CASES = [
    pytest.param(
        "post",
        lambda w: reverse("wagtailsnippets_organisation_person:add"),
        lambda w: {"name": "新人", "unit": "abc"},
        400,
        "记录编号无效",
        id="malformed-id-in-a-chooser-field",
    ),
    pytest.param(
        "get",
        lambda w: reverse("wagtailsnippetchoosers_submissions_topic:chosen", args=["3.14"]),
        lambda w: {},
        400,
        "记录编号无效",
        id="malformed-id-in-a-chooser-address",
    ),
    pytest.param(
        "post",
        lambda w: reverse("wagtailsnippets_submissions_item:add"),
        lambda w: item_form(w, body='{"blocks": ['),
        400,
        "编辑器提交的内容已损坏",
        id="editor-json-cut-short",
    ),
    pytest.param(
        "post",
        lambda w: reverse("wagtailsnippets_submissions_item:add"),
        lambda w: item_form(w, body="[1, 2]"),
        400,
        "编辑器提交的内容已损坏",
        id="editor-json-of-another-shape",
    ),
    pytest.param(
        "get",
        lambda w: reverse("wagtailadmin_explore_root"),
        lambda w: {"q": '"; DROP'},
        400,
        "无法识别搜索内容",
        id="search-text-the-index-cannot-parse",
    ),
    pytest.param(
        "post",
        lambda w: reverse("wagtailadmin_choose_page_external_link"),
        lambda w: {},
        400,
        "提交的表单不完整",
        id="form-without-its-field",
    ),
    pytest.param(
        "post",
        lambda w: reverse("wagtailsnippets_submissions_item:add"),
        lambda w: item_form(
            w, **{"unit_shares-TOTAL_FORMS": "1", "unit_shares-INITIAL_FORMS": "1"}
        ),
        400,
        "提交的表单不完整",
        id="inline-row-without-its-id",
    ),
    pytest.param(
        "post",
        lambda w: reverse("wagtailsnippetchoosers_submissions_topic:create"),
        lambda w: {"name": "主题"},
        404,
        "不能在选择框中新建",
        id="chooser-without-a-creation-form",
    ),
]


@pytest.mark.parametrize(("method", "url", "data", "status", "zh"), CASES)
def test_bad_input_is_answered_with_a_message(admin, world, method, url, data, status, zh):
    items, people, topics = Item.objects.count(), Person.objects.count(), Topic.objects.count()
    response = getattr(admin, method)(url(world), data(world))
    if "DROP" in str(data(world)) and connection.vendor != "sqlite":
        # Only SQLite's full-text index refuses the quote; PostgreSQL searches the text.
        assert response.status_code == 200
    else:
        assert response.status_code == status
        assert zh in response.content.decode()
    assert (Item.objects.count(), Person.objects.count(), Topic.objects.count()) == (
        items,
        people,
        topics,
    )


def test_deleting_an_item_with_outcomes_says_why_and_keeps_it(admin, world):
    item = reported_item(world)
    outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    response = admin.post(reverse("wagtailsnippets_submissions_item:delete", args=[item.pk]))
    # The item's own refusal (submissions.actions.delete_refusal) answers before the
    # generic one for records still in use.
    assert response.status_code == 403
    assert "不能删除" in response.content.decode()
    assert Item.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize(
    ("url_name", "q", "shown"),
    [
        pytest.param("wagtailsnippets_organisation_unit:list", "检疫", "卫生检疫处", id="units"),
        pytest.param("wagtailsnippets_organisation_person:list", "officer", "officer", id="people"),
    ],
)
def test_the_lists_search_their_columns(admin, world, url_name, q, shown):
    response = admin.get(reverse(url_name), {"q": q})
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_a_real_error_is_not_taken_for_bad_input():
    try:
        raise RuntimeError("a bug")
    except RuntimeError as error:
        assert classify(error) is None
    try:
        int("x")  # a ValueError of our own code, not of a field's lookup
    except ValueError as error:
        assert classify(error) is None
