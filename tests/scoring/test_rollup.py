"""Roll-up of the unit tree (scoring/rollup.py, the standings page's "rank the sub-units
of", its Excel sheet and ``manage.py standings --parent``): each child with everything
below it, every child listed also with zero, the province's bureaus each under its own
rule set, a unit that changed its parent during the year under its parent of today."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests.builders import make_user
from tests.submissions.world import DAY, make_ruleset, make_world, write_item
from xinxuan.accounts.roles import Role
from xinxuan.organisation.models import Unit, UnitTarget
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring import rollup
from xinxuan.scoring import standings as by_period
from xinxuan.scoring.models import ScoreLine, Standing
from xinxuan.submissions import actions as submissions_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = make_world()
    w.other_ruleset = make_ruleset(w.org.other_bureau, name="邻市局2011办法", code="linshi-2011")
    return w


def adopt(world, unit, *, date=DAY, carrier="zongju-zhuanbao"):
    root, reviewer = (
        get_user_model().objects.filter(username=name).first()
        or make_user(name, unit=world.org.office, is_superuser=True)
        for name in ("root", "reviewer")
    )
    item = write_item(world, unit=unit, by=root, authors=[])
    submissions_actions.submit_item(item=item, user=root)
    submissions_actions.head_approve_item(item=item, user=reviewer)
    submissions_actions.approve_item(item=item, user=reviewer)
    outcome_actions.report_upward(
        item=item, user=root, superior_body=world.body, route=world.route, date=date
    )
    return outcome_actions.record_adoption(
        item=item, user=root, carrier=world.carriers[carrier], date=date
    )


def year(ruleset):
    return by_period.whole(ruleset)


def by_label(rolled):
    return {row.unit.label: row for row in rolled.rows}


def total(ruleset) -> Decimal:
    return sum(
        ScoreLine.objects.filter(ruleset=ruleset, person__isnull=True).values_list(
            "points", flat=True
        ),
        Decimal(0),
    )


def test_the_province_ranks_its_bureaus_each_under_its_own_rule_set(world):
    org = world.org
    adopt(world, org.dept)
    adopt(world, org.other_dept)
    adopt(world, org.other_bureau_dept)
    rolled = rollup.rollup(org.province, year(world.ruleset))
    assert rolled.basis == rollup.Basis.CHILDREN
    rows = by_label(rolled)
    # every bureau's figure is the sum of its own rule set's unit lines
    assert rows["市局"].points == total(world.ruleset) > 0
    assert rows["邻市局"].points == total(world.other_ruleset) > 0
    assert rows["市局"].points > rows["邻市局"].points  # two adoptions against one
    assert [r.unit.label for r in rolled.rows][:2] == ["市局", "邻市局"]
    assert rows["市局"].rank == 1 and rows["邻市局"].rank == 2
    assert rows["市局"].rulesets == (world.ruleset,)
    # the province's own office has no rule set and no points, and is listed all the same
    assert rows["省局办公室"].points == 0 and rows["省局办公室"].rulesets == ()
    assert "own rule set" in rolled.note or "各自" in rolled.note


def test_a_bureau_ranks_its_departments_with_zero_point_ones_listed(world):
    org = world.org
    adopt(world, org.dept)
    adopt(world, org.dept, date=dt.date(2011, 6, 1))
    rolled = rollup.rollup(org.bureau, year(world.ruleset))
    assert rolled.basis == rollup.Basis.PARENT and rolled.rulesets == [world.ruleset]
    rows = by_label(rolled)
    assert set(rows) >= {"办公室", "动植检处", "卫生检疫处", "武进办"}
    assert rows["动植检处"].rank == 1 and rows["动植检处"].points == total(world.ruleset)
    for zero in ("卫生检疫处", "武进办", "办公室"):
        assert rows[zero].points == 0 and rows[zero].rank == 2, zero
    assert rows["动植检处"].to_second == rows["动植检处"].points


def test_a_quarter_counts_only_its_months(world):
    org = world.org
    adopt(world, org.dept, date=dt.date(2011, 2, 1))
    adopt(world, org.other_dept, date=dt.date(2011, 5, 1))
    q2 = by_period.parse_period(world.ruleset, "2011-Q2")
    rows = by_label(rollup.rollup(org.bureau, q2))
    assert rows["动植检处"].points == 0 and rows["卫生检疫处"].points > 0
    rows = by_label(rollup.rollup(org.province, q2))
    assert rows["市局"].points == rows_points(world, q2)


def rows_points(world, period):
    return sum(p for p, _n in by_period._sums(world.ruleset, period, persons=False).values())


def test_a_unit_that_changed_its_parent_counts_under_its_parent_of_today(world):
    """动植检处 scores in March as a department of the bureau, then moves under the field
    office 武进办 in June and scores again (credited to 武进办 by the ledger): the
    bureau's roll-up puts all of it, March included, under 武进办, and loses nothing."""
    org = world.org
    adopt(world, org.dept, date=dt.date(2011, 3, 1))
    before = total(world.ruleset)
    field = Unit.objects.get(name="武进办")
    org.dept.parent = field
    org.dept.save()
    adopt(world, org.dept, date=dt.date(2011, 7, 1))
    # the ledger keeps the March lines with 动植检处, the July ones with 武进办
    assert Standing.objects.get(ruleset=world.ruleset, unit=org.dept, person=None).points == before
    rolled = rollup.rollup(org.bureau, year(world.ruleset))
    rows = by_label(rolled)
    assert "动植检处" not in rows  # no longer a child of the bureau, nor a row apart
    assert rows["武进办"].points == total(world.ruleset) > before
    assert sum(r.points for r in rolled.rows) == total(world.ruleset)
    # the field office ranks its sections by the bureau's rule set? It has none of its
    # own and neither do its sections: it is not offered as a level to rank
    choices = rollup.parent_choices(world.ruleset, year(world.ruleset), None)
    assert field not in choices and org.province in choices


def test_a_unit_moved_out_of_the_tree_keeps_a_row_of_its_own(world):
    org = world.org
    adopt(world, org.other_dept)
    org.other_dept.parent = org.other_bureau
    org.other_dept.save()
    rolled = rollup.rollup(org.bureau, year(world.ruleset))
    row = by_label(rolled)["卫生检疫处"]
    assert not row.below and row.points == total(world.ruleset) > 0


# ------------------------------------------------------------------ the page


def test_the_province_office_sees_its_bureaus_by_points_and_clicks_through(client, world):
    org = world.org
    adopt(world, org.dept)
    adopt(world, org.other_bureau_dept)
    UnitTarget.objects.create(unit=org.bureau, year=2011, points=Decimal(10))
    province = make_user("province", role=Role.OFFICE, unit=org.province_office)
    client.force_login(province)
    url = reverse("scoring:standings", args=[world.ruleset.pk])
    page = client.get(url, {"parent": org.province.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert "邻市局2011办法" in html  # each bureau's rule set named beside its figure
    rows = by_label(page.context["rolled"])
    assert rows["市局"].points == total(world.ruleset)
    assert rows["市局"].completion is not None
    # the figure clicks through to the lines of that bureau's rule set
    lines_url = reverse("scoring:standings-lines", args=[world.other_ruleset.pk])
    assert f"{lines_url}?period=2011" in html
    lines = client.get(lines_url, {"period": "2011"})
    assert lines.status_code == 200
    assert lines.context["total"] == total(world.other_ruleset)
    # the Excel export carries the roll-up
    book = load_workbook(
        io.BytesIO(client.get(url, {"parent": org.province.pk, "format": "xlsx"}).content)
    )
    sheet = next(ws for ws in book.worksheets if "省局" in ws.title)
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names[:2] == ["市局", "邻市局"] and "省局办公室" in names


def test_the_subtree_lines_behind_a_rolled_up_figure(client, world):
    org = world.org
    field = Unit.objects.get(name="武进办")
    adopt(world, org.section)  # a section's item counts for its field office
    client.force_login(world.office)
    url = reverse("scoring:standings", args=[world.ruleset.pk])
    page = client.get(url, {"parent": org.bureau.pk})
    assert by_label(page.context["rolled"])["武进办"].points == total(world.ruleset) > 0
    lines = client.get(
        reverse("scoring:standings-lines", args=[world.ruleset.pk]),
        {"period": "2011", "within": field.pk},
    )
    assert lines.context["total"] == total(world.ruleset)
    assert "武进办" in "".join(lines.context["filters"])


@pytest.mark.parametrize(
    "parent",
    [
        pytest.param("other_bureau", id="a bureau the office does not see"),
        pytest.param("99999999", id="no such unit"),
        pytest.param("1" + "0" * 30, id="a huge number"),
        pytest.param("x'", id="not a number"),
    ],
)
def test_a_forged_parent_is_refused_with_a_message(client, world, parent):
    org = world.org
    value = str(getattr(org, parent).pk) if hasattr(org, parent) else parent
    client.force_login(world.office)
    url = reverse("scoring:standings", args=[world.ruleset.pk])
    page = client.get(url, {"parent": value}, follow=True)
    assert page.status_code == 200 and page.context["rolled"] is None
    assert "不能在此排名" in page.content.decode() or "cannot be ranked" in page.content.decode()
    xlsx = client.get(url, {"parent": value, "format": "xlsx"})
    assert xlsx.status_code == 200  # the export without the roll-up


def test_the_bureau_office_is_not_offered_the_province(client, world):
    client.force_login(world.office)
    page = client.get(reverse("scoring:standings", args=[world.ruleset.pk]))
    assert world.org.province not in page.context["parents"]
    assert page.context["parents"][0] == world.org.bureau


def test_the_command_prints_the_roll_up_as_json(world):
    org = world.org
    adopt(world, org.dept)
    out = io.StringIO()
    call_command(
        "standings", world.ruleset.code, "--parent", org.province.code, "--json", stdout=out
    )
    data = json.loads(out.getvalue())["rollup"]
    assert data["basis"] == "children"
    units = {u["unit"]: u for u in data["units"]}
    assert Decimal(units["市局"]["points"]) == total(world.ruleset)
    assert units["邻市局"]["points"] == "0" and units["邻市局"]["rulesets"] == ["linshi-2011"]
    table = io.StringIO()
    call_command("standings", world.ruleset.code, "--parent", org.province.code, stdout=table)
    assert "邻市局" in table.getvalue() and "linshi-2011" in table.getvalue()
    with pytest.raises(Exception, match="no unit"):
        call_command("standings", world.ruleset.code, "--parent", "nowhere", stdout=io.StringIO())


def test_an_officer_sees_the_roll_up_of_totals_with_links_only_to_their_own(client, world):
    org = world.org
    adopt(world, org.dept)
    adopt(world, org.other_dept)
    client.force_login(world.officer)
    page = client.get(
        reverse("scoring:standings", args=[world.ruleset.pk]), {"parent": org.bureau.pk}
    )
    rows = by_label(page.context["rolled"])
    assert rows["卫生检疫处"].points > 0  # the totals of the whole bureau
    html = page.content.decode()
    assert f"within={org.dept.pk}" in html
    assert f"within={org.other_dept.pk}" not in html
