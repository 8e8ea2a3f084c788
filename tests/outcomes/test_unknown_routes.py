"""A route the rule set in force does not name is not silently ignored: the item page
and the import preview say so, and the points are computed as if no route were given."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.submissions.world import RULESET_2011, make_world, points_of, reported_item
from xinxuan.outcomes.models import Outcome, Route

pytestmark = pytest.mark.django_db

WITH_ROUTES = RULESET_2011 + '\n[routes.direct]\nlabel_zh = "直报"\nfactor = 1\n'


def item_page(client, world, item):
    client.force_login(world.office)
    return client.get(reverse("submissions:item-detail", args=[item.pk])).text


def test_a_route_the_rule_set_does_not_name_is_flagged_on_the_item_page(client):
    world = make_world(ruleset_text=WITH_ROUTES)
    item = reported_item(world)  # reported 经办公室转报, a route the rule set lacks
    html = item_page(client, world, item)
    assert "途径“经办公室转报”不在“2011”规定的报送途径（直报）之中" in html
    assert "help-warning route-warning" in html
    assert points_of(world.org.dept) == pytest.approx(0.5)  # scored without the route


def test_a_route_the_rule_set_names_raises_no_warning(client):
    world = make_world(ruleset_text=WITH_ROUTES)
    world.route = Route.objects.create(name="直报", code="direct")
    item = reported_item(world)
    assert "route-warning" not in item_page(client, world, item)


def test_under_a_rule_set_without_routes_the_page_says_routes_change_nothing(client):
    world = make_world()
    item = reported_item(world)
    html = item_page(client, world, item)
    assert "“2011”不按报送途径计分：途径“经办公室转报”只记在台账中，不影响分数" in html
    assert "help-info route-warning" in html


SHEET = (
    "事件编号,稿件编号,标题,类别,单位,事件,日期,途径\n"
    "E1,I1,检疫工作,政务信息,动植检处,上报,2011-03-02,{route}\n"
)


def preview(client, route):
    sheet = SHEET.format(route=route).encode()
    file = SimpleUploadedFile("台账.csv", sheet, content_type="text/csv")
    return client.post(reverse("outcomes:ledger-import"), {"file": file})


def test_the_import_preview_warns_but_imports_the_row_with_its_route(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world(ruleset_text=WITH_ROUTES)
    client.force_login(world.office)
    response = preview(client, "经办公室转报")
    assert "第 2 行" in response.text
    assert "途径“经办公室转报”不在“信息宣传工作管理办法（2011年度）”规定的报送途径" in response.text
    assert len(response.context["plan"].new) == 1 and not response.context["plan"].problems
    client.post(reverse("outcomes:ledger-import"), {"token": response.context["token"]})
    assert Outcome.objects.get().route == world.route


def test_a_route_unknown_to_the_system_is_a_row_problem(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world(ruleset_text=WITH_ROUTES)
    client.force_login(world.office)
    response = preview(client, "飞鸽传书")
    assert "途径“飞鸽传书”尚未在系统中登记" in response.text
    assert not response.context["plan"].new
