"""Open points of the attacker walk of issue 10: a department's breakdown of the
standings (by month, kind and level) only for those who see the department, also in
the Excel export; a what-if started only by the office that issued the rule sets; the
what-if lists units as the standings do."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from tests.builders import make_user
from tests.submissions.world import DAY, make_ruleset, make_world, write_item
from xinxuan.accounts.roles import Role
from xinxuan.jobs.models import Job, JobKind
from xinxuan.organisation.models import UnitClass
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring import whatif
from xinxuan.scoring.models import RuleSetStatus
from xinxuan.submissions import actions as submissions_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


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


def month_points(book) -> dict[str, float]:
    sheet = next(ws for ws in book.worksheets if ws.title in ("By month", "按月"))
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


# ------------------------------------------------------------------ (a) the breakdown


@pytest.mark.parametrize("role", ["officer", "head"])
def test_an_officer_or_head_gets_no_other_departments_breakdown(client, world, role):
    adopt(world, world.org.other_dept, date=dt.date(2011, 3, 3))  # the colleague's March
    adopt(world, world.org.dept, date=dt.date(2011, 5, 5))  # their own May
    client.force_login(getattr(world, role))
    url = reverse("scoring:standings", args=[world.ruleset.pk])
    other = world.org.other_dept.pk
    export = client.get(url, {"unit": other, "format": "xlsx"})
    assert export.status_code == 403
    assert "卫生检疫处" in export.content.decode()  # the refusal says whose and why
    page = client.get(url, {"unit": other})
    assert page.status_code == 200 and page.context["focus"] is None
    assert page.context["breakdown_own"]
    march = next(s for s in page.context["breakdown"].by_month if s.key == "2011-03")
    assert march.points == 0  # the colleague's points are not in the breakdown
    may = next(s for s in page.context["breakdown"].by_month if s.key == "2011-05")
    assert may.points > 0
    # the bureau-wide ranking of totals stays visible, the colleague included
    ranked = {r.unit.pk: r.points for k in page.context["rankings"] for r, _s in k["rows"]}
    assert ranked[other] > 0
    assert f"unit={other}" not in page.content.decode()  # no link that would be refused
    # their own unit's export is theirs
    own = client.get(url, {"unit": world.org.dept.pk, "format": "xlsx"})
    assert own.status_code == 200
    months = month_points(load_workbook(io.BytesIO(own.content)))
    assert any(months.values())


def test_the_office_gets_every_departments_breakdown(client, world):
    adopt(world, world.org.other_dept, date=dt.date(2011, 3, 3))
    client.force_login(world.office)
    url = reverse("scoring:standings", args=[world.ruleset.pk])
    export = client.get(url, {"unit": world.org.other_dept.pk, "format": "xlsx"})
    assert export.status_code == 200
    assert month_points(load_workbook(io.BytesIO(export.content)))
    page = client.get(url)
    assert not page.context["breakdown_own"]


# ------------------------------------------------------------------ (b) who starts a what-if


def draft_of(unit, code):
    draft = make_ruleset(unit, name=f"{code}草案", code=code, status=RuleSetStatus.DRAFT)
    draft.effective_from, draft.effective_to = dt.date(2012, 1, 1), dt.date(2012, 12, 31)
    draft.text = draft.text.replace("[report]\npoints = 0.5", "[report]\npoints = 5", 1)
    draft.save()
    return draft


def test_a_province_office_cannot_start_a_what_if_of_a_city_bureaus_draft(client, world):
    adopt(world, world.org.dept)
    draft = draft_of(world.org.bureau, "city-2012")
    province = make_user("province", role=Role.OFFICE, unit=world.org.province_office)
    url = reverse("scoring:whatif", args=[world.ruleset.pk])
    client.force_login(province)
    page = client.get(url)
    assert page.status_code == 200 and 'name="draft"' not in page.content.decode()
    forged = client.post(url, {"draft": draft.pk})
    assert forged.status_code == 403
    assert not Job.objects.filter(kind=JobKind.WHATIF).exists()
    with pytest.raises(Exception, match="办公室|office"):
        whatif.require_owner(province, draft=draft, base=world.ruleset)
    # the bureau's own office may, and so may a superuser
    client.force_login(world.office)
    assert client.post(url, {"draft": draft.pk}).status_code == 302
    root = make_user("root2", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.post(url, {"draft": draft.pk}).status_code == 302
    assert Job.objects.filter(kind=JobKind.WHATIF).count() == 2


def test_a_bureau_office_cannot_run_its_draft_on_another_units_rule_set(client, world):
    province_rules = make_ruleset(world.org.province, name="省局2011", code="province-2011")
    draft = draft_of(world.org.bureau, "city-2012")
    client.force_login(world.office)
    response = client.post(reverse("scoring:whatif", args=[province_rules.pk]), {"draft": draft.pk})
    assert response.status_code == 403
    assert not Job.objects.filter(kind=JobKind.WHATIF).exists()


# ------------------------------------------------------------------ (c) the office's row


def test_the_whatif_lists_units_as_the_standings_do(world):
    departments = UnitClass.objects.create(name="机关处室", code="dept")
    for unit in (world.org.dept, world.org.other_dept):
        unit.unit_class = departments
        unit.save()
    field = world.org.section.parent
    field.unit_class = departments
    field.save()
    adopt(world, world.org.dept)
    draft = draft_of(world.org.bureau, "city-2012")
    result = whatif.compare(draft, world.ruleset)
    names = [row["name"] for row in result["units"]]
    assert "办公室" not in names  # alone in no class and without points: left out
    assert {"动植检处", "卫生检疫处", "武进办"} <= set(names)
    assert all(row["class"] == "机关处室" for row in result["units"])
    # with points the office is listed, under "units without a class"
    adopt(world, world.org.office)
    result = whatif.compare(draft, world.ruleset)
    office = next(row for row in result["units"] if row["name"] == "办公室")
    assert office["class"] == ""


def test_the_whatif_page_names_the_unclassed(client, world):
    adopt(world, world.org.dept)
    draft = draft_of(world.org.bureau, "city-2012")
    client.force_login(world.office)
    url = reverse("scoring:whatif", args=[world.ruleset.pk])
    client.post(url, {"draft": draft.pk})
    page = client.get(url).content.decode()
    assert "<td>—</td>" not in page
    assert "未分类" in page or "without a class" in page
