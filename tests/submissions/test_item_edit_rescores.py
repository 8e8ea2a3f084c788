"""Editing an item in the workbench rescores it at once; a change the rule set in
force cannot score is refused with the reason, and the rest of the bureau still scores."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.submissions.world import (
    DAY,
    EDIT,
    RULESET_2011,
    add_row,
    edit_data,
    make_world,
    points_of,
    reported_item,
)
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring import ledger
from xinxuan.submissions.models import Item, ItemKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def adopted_item(world, **kwargs) -> Item:
    item = reported_item(world, **kwargs)
    outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    return item


def test_sharing_a_scored_item_with_another_unit_moves_the_standings_at_once(client, world):
    item = adopted_item(world)
    before = points_of(world.org.dept)
    assert before == Decimal("20.5")  # 0.5 report + 20 专报信息
    client.force_login(world.office)
    data = edit_data(client, item, change_reason="卫生检疫处参与撰写")
    add_row(data, "unit_shares", unit=world.org.other_dept.pk, share="1")
    response = client.post(reverse(EDIT, args=[item.pk]), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    # split 1:1 between the two departments, without anybody rescoring by hand
    assert points_of(world.org.dept) == before / 2
    assert points_of(world.org.other_dept) == before / 2


def draftail(text: str) -> str:
    block = {"key": "a1", "text": text, "type": "unstyled", "depth": 0}
    block |= {"inlineStyleRanges": [], "entityRanges": [], "data": {}}
    return json.dumps({"blocks": [block], "entityMap": {}})


def test_a_longer_body_counts_as_the_kind_its_length_makes_it_at_once(client):
    # ≥ 40 characters of 政务信息 count as 调研 (factor 2) under this rule set
    world = make_world(
        ruleset_text=RULESET_2011.replace(
            'label_en = "government-affairs information"\n',
            'label_en = "government-affairs information"\n'
            'reclassify_at_chars = 40\nreclassify_as = "diaoyan"\n',
        )
    )
    item = adopted_item(world)
    short = points_of(world.org.dept)
    client.force_login(world.office)
    longer = "欧盟传统草药法令全面实施，我市中药出口企业面临考验。" * 2
    data = edit_data(client, item, change_reason="补充全文", body=draftail(longer))
    assert client.post(reverse(EDIT, args=[item.pk]), data).status_code == 302
    item.refresh_from_db()
    assert item.char_count == len(longer)
    assert points_of(world.org.dept) > short


def test_editing_a_scored_item_without_a_reason_is_refused_and_nothing_changes(client, world):
    item = adopted_item(world)
    client.force_login(world.office)
    data = edit_data(client, item, title="新标题")
    data.pop("change_reason", None)
    response = client.post(reverse(EDIT, args=[item.pk]), data)
    assert response.status_code == 200
    assert "请说明修改理由" in response.content.decode()
    assert Item.objects.get(pk=item.pk).title == "输欧盟中药面临生死考验"


def test_a_kind_the_rule_set_does_not_know_is_refused_with_the_reason(client, world):
    item = adopted_item(world)
    other = adopted_item(world, title="另一篇信息")
    unknown = ItemKind.objects.create(name="外事简报", code="waishi")
    before = points_of(world.org.dept)
    client.force_login(world.office)
    data = edit_data(client, item, kind=unknown.pk, change_reason="改为外事简报")
    response = client.post(reverse(EDIT, args=[item.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "未保存" in page and "未知类别" in page and "输欧盟中药面临生死考验" in page
    item.refresh_from_db()
    assert item.kind.code == "zhengwu"  # nothing saved
    assert points_of(world.org.dept) == before
    # the rest of the bureau still scores: the other item's edit rescores it, and the
    # whole rule set can be rescored from scratch
    data = edit_data(client, other, change_reason="卫生检疫处参与撰写")
    add_row(data, "unit_shares", unit=world.org.other_dept.pk, share="1")
    assert client.post(reverse(EDIT, args=[other.pk]), data).status_code == 302
    assert points_of(world.org.other_dept) == Decimal("20.5") / 2
    ledger.rescore_ruleset(world.ruleset)
    assert points_of(world.org.dept) == before - Decimal("20.5") / 2


def test_the_edit_is_audited_with_who_why_and_the_old_and_new_values(client, world):
    item = adopted_item(world)
    client.force_login(world.office)
    data = edit_data(client, item, change_reason="卫生检疫处参与撰写")
    add_row(data, "unit_shares", unit=world.org.other_dept.pk, share="1")
    client.post(reverse(EDIT, args=[item.pk]), data)
    entry = ModelLogEntry.objects.filter(
        content_type__model="item", object_id=str(item.pk), action="wagtail.edit"
    ).latest("timestamp")
    assert entry.user == world.office
    assert entry.data["reason"] == "卫生检疫处参与撰写"
    old, new = entry.data["changes"]["units"]
    assert old == "动植检处 1" and new == "动植检处 1、卫生检疫处 1"
    page = client.get(reverse("submissions:item-detail", args=[item.pk])).content.decode()
    assert "卫生检疫处参与撰写" in page  # the reason is in the item's history


def test_renaming_a_kinds_code_to_one_the_rule_set_does_not_know_is_refused(client, world):
    adopted_item(world)
    kind = world.kinds["zhengwu"]
    before = points_of(world.org.dept)
    client.force_login(world.office)
    url = reverse("wagtailsnippets_submissions_itemkind:edit", args=[kind.pk])
    data = {"name": kind.name, "code": "waishi", "sort_order": "0", "is_active": "on"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "未知类别" in response.content.decode()
    kind.refresh_from_db()
    assert kind.code == "zhengwu"
    ledger.rescore_ruleset(world.ruleset)  # the bureau still scores
    assert points_of(world.org.dept) == before
    # a new name only is saved as it is
    assert client.post(url, {**data, "code": "zhengwu", "name": "政务信息稿"}).status_code == 302
    kind.refresh_from_db()
    assert kind.name == "政务信息稿"
