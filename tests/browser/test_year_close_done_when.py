"""Issue 10's "done when", in a real browser, as the office would close its year.

The office opens the 2011 standings and reads the seed's story beside its charts, runs
the 2012 draft against 2011 and sees who gains and loses, proposes the appraisal,
decides the ties, confirms it, hands the plaque on and sees it on the desks and on the
portal's home page, then issues the annual bulletin and downloads its Word document.
"""

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_WITHOUT_THE_YEAR_CLOSED = (
    "xinxuan.organisation.demo",
    "xinxuan.submissions.demo",
    "xinxuan.outcomes.demo",
    "xinxuan.scoring.demo",
    "xinxuan.portal.demo",
)


@pytest.fixture
def year_2011(settings, tmp_path):
    """The demo bureau with its 2011 ledger scored, but no appraisal, plaque or
    bulletin yet: the year is the office's to close."""
    from importlib import import_module

    settings.PORTAL_VIEW_SPOOL_DIR = str(tmp_path / "views")
    settings.PORTAL_GENERATION_FILE = tmp_path / "generation"
    for name in DEMO_WITHOUT_THE_YEAR_CLOSED:
        import_module(name).load(log=lambda _m: None)


def press(page, button) -> None:
    with page.expect_navigation():
        button.click()


def test_the_office_closes_the_year(page, live_server, year_2011):
    from xinxuan.scoring.models import RuleSet

    ruleset = RuleSet.objects.get(code="changzhou-2011")
    draft = RuleSet.objects.get(code="changzhou-2012-draft")
    login(page, live_server, "office")

    # The standings tell the seed's story, with charts and their tables.
    page.goto(f"{live_server.url}/admin/rulesets/{ruleset.pk}/standings/")
    story = page.locator("main").inner_text()
    assert re.search(r"动植检处以 ?420 ?分居首", story), story[:500]
    assert "140%" in story
    assert page.locator("main svg").count() >= 2
    assert page.locator("main table").count() >= 2

    # What-if: the 2012 draft on 2011's ledger, run in the background, side by side.
    page.goto(f"{live_server.url}/admin/rulesets/{ruleset.pk}/whatif/")
    page.select_option("#id_draft", str(draft.pk))
    press(page, page.get_by_role("button", name="开始模拟测算"))
    expect(page.locator("main")).to_contain_text("已完成 4 / 4", timeout=60000)
    press(page, page.get_by_role("link", name="查看对照结果"))
    expect(page.locator("main table").first).to_contain_text("动植检处")
    changes = page.locator("main").inner_text()
    assert re.search(r"[+−-]\d", changes), changes[:800]

    # The appraisal: proposed from the standings, ties decided with a reason, confirmed.
    page.goto(f"{live_server.url}/admin/appraisal/{ruleset.pk}/")
    press(page, page.get_by_role("button", name="按积分排名拟定"))
    while page.locator(".ties a").count():
        press(page, page.locator(".ties a").first)
        page.fill("textarea[name=reason], input[name=reason]", "办公室会议研究决定")
        press(page, page.get_by_role("button", name="保存调整"))
    press(page, page.get_by_role("button", name="确认考评结果"))
    detail = page.locator("main").inner_text()
    assert "已确认" in detail
    assert re.search(r"一等奖\s+1\s+动植检处\s+420\.0", detail), detail[:800]

    # The plaque moves on: the office's and the leader's desks and the portal show it.
    plaque = page.locator("form[action$='/plaque/']")
    plaque.locator("input[name=day]").fill("2012-03-23")
    press(page, plaque.get_by_role("button", name="授牌"))
    assert "动植物检验检疫处" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/admin/")
    assert "流动示范点：动植检处" in page.locator("main").inner_text()
    page.goto(live_server.url + "/")
    assert "动植物检验检疫处" in page.locator("section.plaque").inner_text()

    # The annual bulletin, made in the background and downloaded as a Word document.
    page.goto(f"{live_server.url}/admin/bulletins/new/")
    page.select_option("select[name=ruleset]", str(ruleset.pk))
    page.select_option("select[name=period]", "year")
    page.fill("input[name=issued_on]", "2012-03-23")
    page.fill("input[name=prefix]", "常检办")
    press(page, page.get_by_role("button", name="印发"))
    row = page.locator("main table tr", has_text="常检办〔2012〕1号")
    assert "已生成" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name="Word").click()
    document = Document(str(download.value.path()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "常州出入境检验检疫局通报" in text
    assert "关于2011年度信息宣传工作情况的通报" in text
    assert "2012年度“信息宣传工作流动示范点”授予动植物检验检疫处" in text
    assert "420.0" in cells and "140%" in cells

    # The leader's desk shows the holder too.
    page.context.clear_cookies()
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/admin/")
    assert "流动示范点：动植检处" in page.locator("main").inner_text()
