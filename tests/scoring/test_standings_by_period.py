"""Standings by period (scoring/standings.py and the standings page): the monthly sums
follow the ledger and stay derived from the lines; periods, classes, every unit listed;
the lines behind a figure; charts; the Excel export; forged parameters."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.builders import make_user
from tests.submissions.world import DAY, make_ruleset, make_world, reported_item, write_item
from xinxuan.organisation.models import Person, UnitClass, UnitTarget
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring import standings as by_period
from xinxuan.scoring.models import MonthlyScore, RuleSetStatus, ScoreLine
from xinxuan.submissions import actions as submissions_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def adopt(world, *, unit=None, date=DAY, carrier="zongju-zhuanbao", authors=None):
    unit = unit or world.org.dept
    if unit == world.org.dept:
        item = reported_item(world, authors=authors or [])
    else:  # the demo's other departments have their own officers; a superuser stands in
        root, reviewer = (
            get_user_model().objects.filter(username=name).first()
            or make_user(name, unit=world.org.office, is_superuser=True)
            for name in ("root", "reviewer")
        )
        item = write_item(world, unit=unit, by=root, authors=authors or [])
        submissions_actions.submit_item(item=item, user=root)
        submissions_actions.head_approve_item(item=item, user=reviewer)
        submissions_actions.approve_item(item=item, user=reviewer)
        outcome_actions.report_upward(
            item=item, user=root, superior_body=world.body, route=world.route, date=DAY
        )
    return outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers[carrier], date=date
    )


def monthly(ruleset):
    return sorted(
        MonthlyScore.objects.filter(ruleset=ruleset).values_list(
            "unit_id", "person_id", "month", "clause", "level_id", "points", "adopted", "lines"
        ),
        key=str,  # a unit's rows have no writer, a writer's no level: None beside numbers
    )


def unit_points(rankings):
    return {row.unit.label: row.points for ranking in rankings for row in ranking.rows}


def test_monthly_sums_follow_each_adoption_and_revocation_and_equal_a_rebuild(world):
    adopt(world, date=dt.date(2011, 3, 4))
    may = adopt(world, date=dt.date(2011, 5, 10))
    kept = monthly(world.ruleset)
    by_period.rebuild_months(world.ruleset)
    assert monthly(world.ruleset) == kept  # what the ledger keeps is what the lines give
    months = {row[2] for row in kept if row[1] is None}
    assert dt.date(2011, 3, 1) in months and dt.date(2011, 5, 1) in months
    outcome_actions.revoke_outcome(outcome=may, user=world.office, reason="误登")
    kept = monthly(world.ruleset)
    by_period.rebuild_months(world.ruleset)
    assert monthly(world.ruleset) == kept
    adoption_months = {row[2] for row in kept if row[3].startswith("adoption")}
    assert adoption_months == {dt.date(2011, 3, 1)}


def test_a_quarter_counts_only_its_months_and_lists_every_unit_also_with_zero(world):
    adopt(world, date=DAY)  # reported and adopted in the second quarter
    adopt(world, unit=world.org.other_dept, date=dt.date(2011, 8, 1))  # adopted in the third

    def points(key):
        period = by_period.parse_period(world.ruleset, key)
        return unit_points(by_period.unit_rankings(world.ruleset, period))

    year, q2, q3 = points(None), points("2011-Q2"), points("2011-Q3")
    assert q3["动植检处"] == 0 and q3["卫生检疫处"] > 0 and q2["动植检处"] > 0
    assert all(year[unit] == q2[unit] + q3[unit] for unit in year)
    assert {"办公室", "武进办"} <= set(q2)  # listed with nothing
    assert points("2011-W19")["动植检处"] == q2["动植检处"]  # 9–15 May holds the whole of it
    assert points("2011-H1")["动植检处"] == q2["动植检处"] and points("2011-01")["动植检处"] == 0


def test_units_of_each_class_are_ranked_apart_with_target_and_gaps(world):
    field_offices = UnitClass.objects.create(name="办事处", code="field")
    departments = UnitClass.objects.create(name="机关处室", code="dept")
    org = world.org
    org.dept.unit_class = org.other_dept.unit_class = departments
    org.dept.save()
    org.other_dept.save()
    field = org.section.parent
    field.unit_class = field_offices
    field.save()
    UnitTarget.objects.create(unit=org.dept, year=2011, points=Decimal(20))
    adopt(world)
    adopt(world, unit=org.section)  # a section's item counts for its field office
    rankings = {
        r.name: r for r in by_period.unit_rankings(world.ruleset, by_period.whole(world.ruleset))
    }
    assert [row.unit for row in rankings["办事处"].rows] == [field]
    first, second = rankings["机关处室"].rows
    assert (first.unit, first.rank, second.rank) == (org.dept, 1, 2)
    assert first.to_second == first.points - second.points == second.gap_to_next
    assert first.completion == (first.points / 20 * 100).quantize(Decimal("0.1"))
    quarter = by_period.parse_period(world.ruleset, "2011-Q2")
    (q_first, _q_second) = next(
        r for r in by_period.unit_rankings(world.ruleset, quarter) if r.name == "机关处室"
    ).rows
    assert q_first.target == Decimal(5)  # a quarter of the yearly target


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("2011-13", id="month-13"),
        pytest.param("2011-W60", id="week-60"),
        pytest.param("2099", id="another-year"),
        pytest.param("<script>", id="markup"),
        pytest.param("9" * 40, id="huge"),
    ],
)
def test_a_forged_period_is_refused_with_a_message_and_the_year_is_shown(client, world, key):
    with pytest.raises(by_period.BadPeriod):
        by_period.parse_period(world.ruleset, key)
    client.force_login(world.office)
    response = client.get(reverse("scoring:standings", args=[world.ruleset.pk]), {"period": key})
    assert response.status_code == 200
    assert "不是有效的期间" in response.text or "不在" in response.text
    assert "2011年全年" in response.text


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"unit": "x"}, id="unit-not-a-number"),
        pytest.param({"person": "9" * 30}, id="person-huge"),
        pytest.param({"kind": "haoxinwen"}, id="kind-unknown"),
        pytest.param({"level": "-1"}, id="level-negative"),
        pytest.param({"period": "2011-Q9"}, id="period"),
    ],
)
def test_the_lines_view_refuses_forged_filters_with_a_message(client, world, params):
    client.force_login(world.office)
    url = reverse("scoring:standings-lines", args=[world.ruleset.pk])
    response = client.get(url, params, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and "无法识别" in response.text or "不是" in response.text


def test_every_figure_leads_to_its_lines_and_an_officer_sees_only_his_units(client, world):
    adopt(world)
    adopt(world, unit=world.org.other_dept)
    url = reverse("scoring:standings-lines", args=[world.ruleset.pk])
    client.force_login(world.office)
    page = client.get(url, {"period": "2011-05", "kind": "adoption"}).text
    assert "动植检处" in page and "卫生检疫处" in page and "专报信息" in page
    level = world.levels["national"].pk
    assert "卫生检疫处" in client.get(url, {"level": level}).text
    assert "卫生检疫处" not in client.get(url, {"unit": world.org.dept.pk}).text
    client.force_login(world.officer)
    page = client.get(url, {"unit": world.org.other_dept.pk}).text
    assert "没有您有权查看的计分明细" in page


def test_the_page_draws_charts_as_svg_without_scripts_beside_their_tables(client, world):
    adopt(world)
    client.force_login(world.office)
    page = client.get(reverse("scoring:standings", args=[world.ruleset.pk])).text
    assert page.count("<svg") >= 3 and "pygal-chart" in page
    assert "kozea" not in page.split("<svg", 1)[1]  # pygal's own script is left out
    assert "window.pygal" not in page
    assert "动植检处" in page and "逐月得分" in page and "按级别" in page


def test_the_excel_export_has_every_table_and_writes_no_formula(client, world):
    world.org.dept.short_name = '=HYPERLINK("http://x.cn","点")'
    world.org.dept.save()
    adopt(world)
    client.force_login(world.office)
    response = client.get(reverse("scoring:standings", args=[world.ruleset.pk]), {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert {"个人积分", "按月", "按类别", "按级别", "主要数据"} <= set(book.sheetnames)
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "'" + world.org.dept.short_name in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_a_unit_that_moved_mid_year_keeps_its_points_and_is_still_listed(world):
    adopt(world)
    world.org.dept.parent = world.org.other_bureau
    world.org.dept.save()
    points = unit_points(by_period.unit_rankings(world.ruleset, by_period.whole(world.ruleset)))
    assert points["动植检处"] > 0


def test_a_writer_who_moved_units_is_one_row_with_all_his_points(world):
    writer = Person.objects.create(name="调动写手", unit=world.org.dept)
    adopt(world, date=dt.date(2011, 3, 1), authors=[(writer, Decimal(1))])
    writer.unit = world.org.other_dept
    writer.save()
    adopt(
        world, unit=world.org.other_dept, date=dt.date(2011, 9, 1), authors=[(writer, Decimal(1))]
    )
    rows = [r for r in by_period.person_ranking(world.ruleset, by_period.whole(world.ruleset))]
    (row,) = [r for r in rows if r.person == writer]
    lines = ScoreLine.objects.filter(ruleset=world.ruleset, person=writer)
    assert row.points == sum(line.points for line in lines) and row.rank == 1


def test_a_period_without_data_shows_zeros_and_says_so(client, world):
    client.force_login(world.office)
    response = client.get(
        reverse("scoring:standings", args=[world.ruleset.pk]), {"period": "2011-07"}
    )
    assert response.status_code == 200
    assert "没有计分" in response.text


def test_the_command_prints_standings_headline_figures_and_appraisal_as_json(world):
    adopt(world)
    out = io.StringIO()
    call_command("standings", "changzhou-2011", "--period", "2011-Q2", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["period"] == "2011-Q2" and data["start"] == "2011-04-01"
    units = {u["unit"]: u for r in data["rankings"] for u in r["units"]}
    assert Decimal(units["动植检处"]["points"]) > 0 and units["动植检处"]["rank"] == 1
    assert data["headline"]["省级及以上录用"] == 1
    assert "appraisal" in data


def test_whatif_shows_each_units_change_under_a_draft(client, world):
    adopt(world)
    adopt(world, unit=world.org.other_dept, carrier="changzhou-ribao")
    draft_text = world.ruleset.text.replace("[report]\npoints = 0.5", "[report]\npoints = 5", 1)
    assert draft_text != world.ruleset.text
    draft = make_ruleset(
        world.org.bureau,
        name="2012 征求意见稿",
        code="draft-2012",
        text=draft_text,
        status=RuleSetStatus.DRAFT,
    )
    draft.effective_from, draft.effective_to = dt.date(2012, 1, 1), dt.date(2012, 12, 31)
    draft.save()
    client.force_login(world.officer)
    url = reverse("scoring:whatif", args=[world.ruleset.pk])
    assert client.post(url, {"draft": draft.pk}).status_code == 403
    client.force_login(world.office)
    response = client.post(url, {"draft": draft.pk})
    assert response.status_code == 302
    page = client.get(url).text
    assert "2012 征求意见稿" in page and "whatif-up" in page
    assert ScoreLine.objects.filter(ruleset=draft).count() == 0  # the ledger is untouched
    assert "请从列表中选择" in client.post(url, {"draft": "x"}, follow=True).text


def test_a_writers_monthly_sums_follow_the_changes_too(world):
    writer = [(world.officer.person, Decimal(1))]
    june = adopt(world, date=dt.date(2011, 6, 2), authors=writer)
    adopt(world, date=dt.date(2011, 7, 9), authors=writer)
    outcome_actions.revoke_outcome(outcome=june, user=world.office, reason="误登")
    kept = monthly(world.ruleset)
    assert any(row[1] == world.officer.person.pk for row in kept)
    by_period.rebuild_months(world.ruleset)
    assert monthly(world.ruleset) == kept


def test_the_lines_page_reads_the_explanations_with_the_lines(
    client, world, django_assert_max_num_queries
):
    url = reverse("scoring:standings-lines", args=[world.ruleset.pk])
    client.force_login(world.office)
    adopt(world)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        adopt(world)
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).text
    assert page.count('class="explanation"') >= 10
