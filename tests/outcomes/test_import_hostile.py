"""A hostile sheet is refused with a message in the office's language; nothing is read."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.submissions.world import make_world
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring.engine.events_io import XLSX_TYPE

pytestmark = pytest.mark.django_db

HEADER = "事件编号,稿件编号,标题,类别,单位,事件,日期,载体,理由\n"


@pytest.fixture
def office(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_world().office)
    return client


def upload(client, name, data):
    file = SimpleUploadedFile(name, data)
    return client.post(reverse("outcomes:ledger-import"), {"file": file})


def test_a_zip_bomb_is_refused_before_it_is_unpacked(office):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", XLSX_TYPE)
        archive.writestr("xl/worksheets/sheet1.xml", b"<c>" + b"0" * (30 * 1024 * 1024) + b"</c>")
    response = upload(office, "台账.xlsx", buf.getvalue())
    assert response.status_code == 200
    assert "解压后的大小远超" in response.text
    assert "token" not in response.context or not response.context.get("token")


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        pytest.param(
            HEADER + 'E1,I1,"' + "长" * 200_000 + '",政务信息,动植检处,上报,2011-03-02,,\n',
            "第 2 行无法读取",
            id="field-beyond-the-csv-limit",
        ),
        pytest.param(
            HEADER + 'E1,I1,"' + "长" * 20_000 + '",政务信息,动植检处,上报,2011-03-02,,\n',
            "第 2 行有超过 10000 个字符的单元格",
            id="cell-beyond-our-limit",
        ),
    ],
)
def test_a_sheet_with_an_absurd_cell_is_refused_with_its_row(office, sheet, message):
    response = upload(office, "台账.csv", sheet.encode())
    assert response.status_code == 200
    assert message in response.text
    assert not response.context.get("token")


@pytest.mark.parametrize(
    ("row", "column"),
    [
        pytest.param(
            "E1,I1," + "题" * 201 + ",政务信息,动植检处,上报,2011-03-02,,", "标题", id="title"
        ),
        pytest.param(
            "E" + "1" * 70 + ",I1,标题,政务信息,动植检处,上报,2011-03-02,,",
            "事件编号",
            id="event-id",
        ),
        pytest.param(
            "E1,I" + "9" * 25 + ",标题,政务信息,动植检处,上报,2011-03-02,,",
            "稿件编号",
            id="workbench-item-id",
        ),
    ],
)
def test_a_value_longer_than_the_ledger_holds_is_a_row_problem(office, row, column):
    response = upload(office, "台账.csv", (HEADER + row + "\n").encode())
    plan = response.context["plan"]
    assert [(p.row, p.column) for p in plan.problems] == [(2, column)]
    assert not plan.new
    office.post(
        reverse("outcomes:ledger-import"), {"token": response.context["token"], "skip": "1"}
    )
    assert not Outcome.objects.exists()
