"""Importing the ledger spreadsheet: preview, Chinese row errors, all or nothing, no duplicates."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from tests.submissions.world import make_world, points_of
from xinxuan.outcomes import importing
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring.ledger import compile_ruleset
from xinxuan.submissions.models import Item

pytestmark = pytest.mark.django_db

HEADER = (
    "事件编号,稿件编号,标题,类别,字数,单位,作者,事件,日期,载体,级别,等次,采用方式,"
    "领导,领导级别,领导职务,条款,分值,理由"
)
GOOD = [
    "E1,I1,输欧盟中药面临生死考验,政务信息,1200,动植检处,,上报,2011-03-02,,,,,,,,,,",
    "E2,I1,,,,,,采用,2011-03-10,总局《专报信息》,,,独家采用,,,,,,",
    "E3,I1,,,,,,批示,2011-03-20,,,,,王市长,市级,主要,,,",
]


@pytest.fixture
def world():
    return make_world()


def sheet(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


def run(world, text, skip=False):
    return importing.run_import(
        text,
        bureau=world.org.bureau,
        ruleset=compile_ruleset(world.ruleset),
        user=world.office,
        skip_bad_rows=skip,
    )


def test_a_good_sheet_is_imported_and_scored(world):
    run(world, sheet(*GOOD))
    assert Outcome.objects.count() == 3
    assert points_of(world.org.dept) == Decimal("30.5")


def test_importing_the_same_sheet_again_creates_nothing(world):
    run(world, sheet(*GOOD))
    plan = run(world, sheet(*GOOD))
    assert len(plan.known) == 3 and not plan.new or Outcome.objects.count() == 3
    assert Outcome.objects.count() == 3
    assert Item.objects.count() == 1
    assert points_of(world.org.dept) == Decimal("30.5")


@pytest.mark.parametrize(
    "bad_row, column, words",
    [
        ("E4,I2,标题,政务信息,10,不存在处,,上报,2011-04-01,,,,,,,,,,", "单位", "不存在处"),
        ("E4,I2,标题,政务信息,10,动植检处,,上报,2011-13-45,,,,,,,,,,", "date", "日期"),
        ("E4,I1,,,,,,采用,2011-04-01,不存在的刊物,,,,,,,,,", "carrier", "不存在的刊物"),
        ("E1,I1,,,,,,采用,2011-04-01,总局《专报信息》,,,,,,,,,", "event_id", "重复"),
    ],
    ids=["unknown-unit", "bad-date", "unknown-carrier", "duplicate-row"],
)
def test_a_bad_row_is_named_in_chinese_and_nothing_is_saved(world, bad_row, column, words):
    text = sheet(*GOOD, bad_row)
    plan = importing.plan_import(
        text, bureau=world.org.bureau, ruleset=compile_ruleset(world.ruleset)
    )
    assert plan.bad_rows == {5}
    assert any(words in p.message for p in plan.problems)
    with pytest.raises(importing.ImportRefused):
        run(world, text)
    assert Outcome.objects.count() == 0


def test_the_office_may_choose_to_skip_the_failing_rows(world):
    text = sheet(*GOOD, "E4,I2,标题,政务信息,10,不存在处,,上报,2011-04-01,,,,,,,,,,")
    plan = run(world, text, skip=True)
    assert len(plan.new) == 3 and plan.bad_rows == {5}
    assert Outcome.objects.count() == 3


def test_wrong_headers_are_reported(world):
    plan = importing.plan_import(
        "编号X,日期\n1,2011-01-01\n",
        bureau=world.org.bureau,
        ruleset=compile_ruleset(world.ruleset),
    )
    assert plan.problems and all(p.row == 1 for p in plan.problems)


def xlsx_bytes(rows, *, macro=False):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if not macro:
        return data
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(patched, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00macro")
    return patched.getvalue()


def test_an_xlsx_sheet_reads_like_the_csv(world):
    rows = [HEADER.split(",")] + [r.split(",") for r in GOOD]
    text = importing.read_upload("台账.xlsx", xlsx_bytes(rows))
    run(world, text)
    assert points_of(world.org.dept) == Decimal("30.5")


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("台账.xlsm", b"PK", "宏"),
        ("台账.xlsx", "macro", "宏"),
        ("台账.xlsx", b"not a zip at all", "不是"),
        ("台账.pdf", b"%PDF", "xlsx"),
        ("台账.csv", b"x" * (50 * 1024 * 1024 + 1), "50"),
    ],
    ids=["xlsm-name", "xlsx-with-vba", "fake-xlsx", "other-type", "over-50-mb"],
)
def test_unacceptable_files_are_refused_with_a_clear_message(name, data, words):
    if data == "macro":
        data = xlsx_bytes([["事件编号"]], macro=True)
    with pytest.raises(importing.ImportRefused) as refused:
        importing.read_upload(name, data)
    assert words in refused.value.message
