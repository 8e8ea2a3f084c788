"""The workbench screens: the item's page, the ledger with its export, the import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.submissions.world import DAY, make_world, reported_item, write_item
from xinxuan.outcomes import actions
from xinxuan.outcomes.models import Outcome
from xinxuan.submissions.models import Item

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_the_item_page_shows_points_with_their_explanation(client, world):
    item = reported_item(world)
    actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    client.force_login(world.office)
    response = client.get(reverse("submissions:item-detail", args=[item.pk]))
    assert response.status_code == 200
    assert "20.5" in response.text
    assert "总局《专报信息》采用" in response.text
    assert "登记领导批示" in response.text  # the office can record more from here


def test_an_officer_sees_who_holds_the_item_and_since_when(client, world):
    item = write_item(world)
    client.force_login(world.officer)
    client.post(reverse("submissions:item-act", args=[item.pk, "submit"]))
    response = client.get(reverse("submissions:item-detail", args=[item.pk]))
    assert "待部门负责人审核" in response.text
    assert "负责人经办" in response.text


def test_another_bureau_cannot_open_the_item(client, world):
    item = write_item(world)
    client.force_login(world.outsider)
    response = client.get(reverse("submissions:item-detail", args=[item.pk]))
    assert response.status_code == 404


def test_recording_through_the_page_and_a_duplicate_is_explained(client, world):
    item = reported_item(world)
    client.force_login(world.office)
    url = reverse("outcomes:outcome-record", args=[item.pk, "adoption"])
    data = {
        "carrier": world.carriers["sheng-dongtai"].pk,
        "use": "sole",
        "date": "2011-05-12",
    }
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert Outcome.objects.filter(kind="adoption").count() == 1
    assert "台账中已有相同的采用记录" in response.text


def test_the_ledger_exports_in_the_events_file_format(client, world):
    item = reported_item(world)
    actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    client.force_login(world.office)
    response = client.get(reverse("outcomes:ledger") + "?export=csv")
    data = b"".join(response.streaming_content)
    assert data.startswith("\ufeff".encode())  # Excel on a Chinese Windows reads it as UTF-8
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("事件编号,稿件编号,标题,类别")
    assert "总局《专报信息》" in text


def test_the_ledger_list_shows_each_outcomes_kind_item_and_units(client, world):
    item = reported_item(world, title="口岸疫情防控")
    actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    client.force_login(world.office)
    response = client.get(reverse("outcomes:ledger"))
    cells = response.text.split("<tbody", 1)[1]
    assert "口岸疫情防控" in cells and "采用" in cells and "动植检处" in cells
    # the office finds the import from the ledger itself
    assert reverse("outcomes:ledger-import") in response.text
    client.force_login(world.officer)
    assert reverse("outcomes:ledger-import") not in client.get(reverse("outcomes:ledger")).text


def test_importing_a_sheet_with_a_bad_row_says_which_and_why(client, world):
    client.force_login(world.office)
    sheet = (
        "事件编号,稿件编号,标题,类别,单位,事件,日期,载体\n"
        "E1,I1,检疫工作,政务信息,动植检处,上报,2011-03-02,\n"
        "E2,I1,,,,采用,2011-02-30,总局《专报信息》\n"
    ).encode()
    response = client.post(
        reverse("outcomes:ledger-import"),
        {"file": SimpleUploadedFile("台账.csv", sheet, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert "第 3 行" in response.text
    assert "日期" in response.text
    assert Outcome.objects.count() == 0


def test_a_filtered_item_list_exports_as_a_spreadsheet(client, world):
    write_item(world, title="导出的稿件")
    client.force_login(world.office)
    response = client.get("/admin/snippets/submissions/item/?status=draft&export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "导出的稿件" in text


def test_the_ledger_export_imported_again_adds_nothing(client, world):
    """What the ledger exports, the import reads back: items and outcomes recorded in
    the workbench are recognised (kinds by the workbench's own names), nothing doubles."""
    kind = world.kinds["diaoyan"]
    kind.name = "调研/政策研究"  # a workbench name that is not the rule set's label
    kind.save()
    item = reported_item(world, kind="diaoyan")
    actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    client.force_login(world.office)
    exported = b"".join(client.get(reverse("outcomes:ledger") + "?export=csv").streaming_content)
    outcomes, items = Outcome.objects.count(), Item.objects.count()
    upload = SimpleUploadedFile("台账.csv", exported, content_type="text/csv")
    response = client.post(reverse("outcomes:ledger-import"), {"file": upload})
    plan = response.context["plan"]
    assert not plan.problems and not plan.new and len(plan.known) == outcomes
    client.post(reverse("outcomes:ledger-import"), {"token": response.context["token"]})
    assert (Outcome.objects.count(), Item.objects.count()) == (outcomes, items)


def test_the_workbench_speaks_of_items_as_稿件_and_of_revoked_outcomes_as_撤销(client, world):
    """Wagtail's own catalogue calls any listed thing 项 and a revocation 吊销; the items
    list and the ledger use the words of the office."""
    client.force_login(world.office)
    items = client.get(reverse("wagtailsnippets_submissions_item:list")).text
    title = items.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("稿件")
    ledger = client.get(reverse("outcomes:ledger")).text
    assert "已撤销" in ledger and "吊销" not in ledger
