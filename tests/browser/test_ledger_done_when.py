"""Issue 4's "done when", in a real browser, as a new user would do it.

The department officer writes and submits an item, the head approves it, the office
approves and reports it, records its adoption and an endorsement, sees the points and
their explanation, revokes the endorsement and sees the points fall back; then imports
a ledger sheet with a bad row and is told which and why.
"""

import datetime as dt
import re

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "我局多措并举保障进境水果检疫安全"


@pytest.fixture
def bureau_in_force():
    """The demo bureau with the 2011 regulation put in force for this year."""
    from xinxuan.organisation import demo as organisation_demo
    from xinxuan.organisation.models import Unit
    from xinxuan.outcomes import demo as outcomes_demo
    from xinxuan.scoring.demo import RULESETS
    from xinxuan.scoring.models import RuleSet, RuleSetStatus
    from xinxuan.submissions import demo as submissions_demo

    quiet = lambda _m: None  # noqa: E731
    organisation_demo.load(log=quiet)
    submissions_demo.load(log=quiet)
    outcomes_demo._reference_data()
    year = dt.date.today().year
    text = (
        (RULESETS / "changzhou-2011.toml")
        .read_text(encoding="utf-8")
        .replace("2011-01-01", f"{year}-01-01")
        .replace("2011-12-31", f"{year}-12-31")
    )
    RuleSet.objects.create(
        unit=Unit.objects.get(code="cz"),
        name="管理办法",
        code="changzhou-2011",
        effective_from=dt.date(year, 1, 1),
        effective_to=dt.date(year, 12, 31),
        status=RuleSetStatus.ACTIVE,
        text=text,
        engine_version="2011.1",
    )


def logout(page, live_server):
    page.context.clear_cookies()


def press(page, button) -> None:
    """Click a form's button and wait for the page the form leads to."""
    with page.expect_navigation():
        button.click()


def points(page) -> str:
    return page.locator("[data-total]").inner_text().strip()


def test_write_approve_report_record_see_points_revoke_and_import(
    page, live_server, bureau_in_force, tmp_path
):
    # The department officer writes the item and submits it.
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/admin/items/desk/")
    page.get_by_role("link", name="撰写稿件").first.click()
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=kind]", label="政务信息")
    page.select_option("select[name=unit]", label="动植物检验检疫处")
    page.locator("button.action-save").first.click()
    page.wait_for_url(re.compile(r"/admin/items/\d+/$"))
    item_url = page.url
    press(page, page.get_by_role("button", name="提交部门负责人审核"))
    assert "待部门负责人审核" in page.locator("[data-status]").inner_text()
    assert "负责人经办" in page.content()
    logout(page, live_server)

    # The department head approves it.
    login(page, live_server, "head")
    page.goto(item_url)
    press(page, page.get_by_role("button", name="部门负责人审核通过"))
    assert "待办公室审核" in page.locator("[data-status]").inner_text()
    logout(page, live_server)

    # The office approves and reports it, then records an adoption and an endorsement.
    login(page, live_server, "office")
    page.goto(item_url)
    press(page, page.get_by_role("button", name="办公室审定"))
    report = page.locator("form.report-form")
    report.locator("select[name=superior_body]").select_option(label="国家质检总局办公厅")
    press(page, report.get_by_role("button", name="登记上报"))
    assert "已上报" in page.locator("[data-status]").inner_text()
    assert points(page) == "0.5"

    adoption = page.locator("section.record-adoption form")
    # the carriers of the rule set in force, by name with what this item earns in each
    adoption.locator("select[name=carrier]").select_option(label="总局《专报信息》 · 20 分")
    press(page, adoption.get_by_role("button", name="登记采用"))
    assert points(page) == "20.5"

    endorsement = page.locator("section.record-endorsement form")
    endorsement.locator("input[name=leader]").fill("常州市分管副市长")
    endorsement.locator("select[name=level]").select_option(label="市级 · 5 分（主要领导 10 分）")
    press(page, endorsement.get_by_role("button", name="登记领导批示"))
    assert points(page) == "25.5"
    explanations = page.locator("td.explanation").all_inner_texts()
    assert any("领导批示" in text and "= 5" in text for text in explanations)
    assert any("总局《专报信息》采用" in text and "= 20" in text for text in explanations)

    # Revoke the endorsement: the points fall back.
    row = page.locator("section.outcomes tr", has_text="领导批示")
    row.locator("input[name=reason]").fill("批示对象有误")
    press(page, row.get_by_role("button", name="撤销"))
    assert points(page) == "20.5"
    assert "批示对象有误" in page.locator("section.outcomes").inner_text()

    # Import a ledger sheet with a bad row: told which row and why, nothing saved.
    sheet = tmp_path / "台账.csv"
    sheet.write_text(
        "事件编号,稿件编号,标题,类别,单位,事件,日期,载体\n"
        f"X1,K1,口岸检疫简讯,政务信息,动植检处,上报,{dt.date.today()},\n"
        "X2,K1,,,,采用,2011-02-30,总局《专报信息》\n",
        encoding="utf-8",
    )
    page.goto(f"{live_server.url}/admin/ledger/import/")
    page.set_input_files("input[name=file]", str(sheet))
    press(page, page.get_by_role("button", name="检查文件"))
    problems = page.locator("table.import-problems").inner_text()
    assert "第 3 行" in problems
    assert "日期" in problems
