"""Bulletins: numbered, made in the background, a Word document in the official layout
and a workbook with every table, downloadable only within the unit's scope."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from tests.appraisal.world import CEREMONY, year_world
from xinxuan.appraisal import actions as appraisal_actions
from xinxuan.bulletins import actions
from xinxuan.bulletins.models import Bulletin, BulletinStatus, PeriodKind
from xinxuan.lib.exceptions import ActionRefused

pytestmark = pytest.mark.django_db


def issue(world, django_capture_on_commit_callbacks, **kwargs):
    kwargs = {"period": PeriodKind.YEAR, "issued_on": CEREMONY, "prefix": "常检办"} | kwargs
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = actions.issue_bulletin(ruleset=world.ruleset, user=world.office, **kwargs)
    bulletin.refresh_from_db()
    return bulletin


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def world():
    world = year_world(points=(140, 90, 70))
    appraisal = appraisal_actions.propose_appraisal(ruleset=world.ruleset, user=world.office)
    appraisal_actions.confirm_appraisal(appraisal=appraisal, user=world.office)
    appraisal_actions.award_plaque(ruleset=world.ruleset, user=world.office, day=CEREMONY)
    return world


def test_the_year_bulletin_has_masthead_number_title_tables_prizes_and_plaque(
    world, django_capture_on_commit_callbacks
):
    bulletin = issue(world, django_capture_on_commit_callbacks)
    assert bulletin.status == BulletinStatus.READY, bulletin.error
    assert bulletin.number == "常检办〔2012〕1号"
    text = docx_text(bytes(bulletin.docx))
    assert "市局通报" in text  # the masthead
    assert "常检办〔2012〕1号" in text
    assert "关于2011年度信息宣传工作情况的通报" in text
    assert "140.0" in text and "140%" in text  # 动植检处's points and completion
    assert "一等奖" in text and "动植检处" in text
    assert "2012年度“信息宣传工作流动示范点”授予动植检处" in text
    assert "2012年3月23日" in text  # the date under the signature


def test_the_workbook_has_every_table(world, django_capture_on_commit_callbacks):
    bulletin = issue(world, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(bytes(bulletin.xlsx)))
    assert book.sheetnames == ["主要数据", "排名", "表彰情况", "流动示范点"]
    standings = list(book["排名"].iter_rows(values_only=True))
    assert standings[1][:3] == (1, "动植检处", 140.0)
    assert [row[1] for row in standings[1:]] == ["动植检处", "卫生检疫处", "武进办"]
    assert book["流动示范点"]["B2"].value == "动植检处"


def test_numbers_follow_on_within_the_year_and_a_month_has_no_completion(
    world, django_capture_on_commit_callbacks
):
    issue(world, django_capture_on_commit_callbacks)
    month = issue(world, django_capture_on_commit_callbacks, period=PeriodKind.MONTH, index=5)
    assert month.number == "常检办〔2012〕2号"
    assert month.title == "关于2011年5月信息宣传工作情况的通报"
    assert (month.start, month.end) == (dt.date(2011, 5, 1), dt.date(2011, 5, 31))
    assert "%" not in docx_text(bytes(month.docx)).split("各部门得分情况")[1].split("希望")[0]


@pytest.mark.parametrize(
    ("period", "index"),
    [
        pytest.param(PeriodKind.MONTH, 13, id="month-13"),
        pytest.param(PeriodKind.QUARTER, 5, id="q5"),
    ],
)
def test_a_period_that_does_not_exist_is_refused(world, period, index):
    with pytest.raises(ActionRefused):
        actions.issue_bulletin(
            ruleset=world.ruleset, user=world.office, period=period, index=index, issued_on=CEREMONY
        )
    assert not Bulletin.objects.exists()


def test_a_failure_is_kept_on_the_row(world, django_capture_on_commit_callbacks, monkeypatch):
    from xinxuan.bulletins import tasks

    def broken(*_args, **_kwargs):
        raise RuntimeError("模板损坏")

    monkeypatch.setattr(tasks, "bulletin_docx", broken)
    bulletin = issue(world, django_capture_on_commit_callbacks)
    assert bulletin.status == BulletinStatus.FAILED and "模板损坏" in bulletin.error


def test_the_screens_issue_list_and_download_within_scope_only(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.office)
    bad = client.post(
        reverse("bulletins:bulletin-add"),
        {"ruleset": world.ruleset.pk, "period": "month", "index": "x", "issued_on": "2012-03-23"},
    )
    assert bad.status_code == 200 and "输入整数" in bad.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("bulletins:bulletin-add"),
            {"ruleset": world.ruleset.pk, "period": "year", "index": 1, "issued_on": "2012-03-23"},
        )
    bulletin = Bulletin.objects.get()
    listing = client.get(reverse("bulletins:bulletin-list")).text
    assert bulletin.number in listing and "已生成" in listing
    url = reverse("bulletins:bulletin-download", args=[bulletin.pk, "docx"])
    response = client.get(url)
    assert response.status_code == 200 and "市局通报" in docx_text(response.content)
    client.force_login(world.outsider)
    assert client.get(url).status_code == 403
    assert bulletin.number not in client.get(reverse("bulletins:bulletin-list")).text


def test_the_signature_never_stands_alone_on_its_page(world, django_capture_on_commit_callbacks):
    """GB/T 9704: the last paragraph of the body goes with the issuer and the date."""
    bulletin = issue(world, django_capture_on_commit_callbacks)
    paragraphs = Document(io.BytesIO(bytes(bulletin.docx))).paragraphs
    issuer_at = max(i for i, p in enumerate(paragraphs) if p.text == world.org.bureau.name)
    closing = [p for p in paragraphs[:issuer_at] if p.text][-1]
    kept = paragraphs[paragraphs.index(closing) : issuer_at + 1]
    assert all(p.paragraph_format.keep_with_next for p in kept)
    assert not paragraphs[issuer_at + 1].paragraph_format.keep_with_next
