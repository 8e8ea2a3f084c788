"""The rotating plaque moves on and keeps its history; last-place elimination ends a
membership with its reason and leaves a vacancy until someone of the unit joins."""

import datetime as dt

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.appraisal.world import CEREMONY, set_points, team_with, year_world
from tests.submissions.world import make_ruleset
from xinxuan.appraisal import actions, proposal
from xinxuan.appraisal.models import PlaqueAward
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation.models import Person, TeamMembership

pytestmark = pytest.mark.django_db


def next_year(world):
    """The 2012 rule set of the same bureau, with its own standings."""
    from xinxuan.scoring.models import RuleSet

    ruleset = make_ruleset(world.org.bureau, name="2012", code="changzhou-2012")
    RuleSet.objects.filter(pk=ruleset.pk).update(
        effective_from=dt.date(2012, 1, 1), effective_to=dt.date(2012, 12, 31)
    )
    ruleset.refresh_from_db()
    return ruleset


def test_the_plaque_goes_to_the_first_unit_at_or_over_its_target():
    world = year_world(points=(140, 90, 70))
    holding = actions.award_plaque(ruleset=world.ruleset, user=world.office, day=CEREMONY)
    assert holding.holder == world.org.dept and holding.year == 2012
    assert "动植检处" in holding.reason and "140%" in holding.reason
    assert ModelLogEntry.objects.filter(action="xinxuan.plaque.award").exists()
    with pytest.raises(ActionRefused):  # one plaque per year
        actions.award_plaque(ruleset=world.ruleset, user=world.office, day=CEREMONY)


def test_the_plaque_moves_on_and_the_history_keeps_every_holder(client):
    from xinxuan.organisation.models import UnitTarget
    from xinxuan.scoring.models import Standing

    world = year_world(points=(140, 90, 70))
    actions.award_plaque(ruleset=world.ruleset, user=world.office, day=CEREMONY)
    ruleset_2012 = next_year(world)
    for unit, points in ((world.org.dept, 95), (world.org.other_dept, 130)):
        Standing.objects.create(ruleset=ruleset_2012, unit=unit, points=points)
        UnitTarget.objects.create(unit=unit, year=2012, points=100)
    handed_on = dt.date(2013, 3, 20)
    actions.award_plaque(ruleset=ruleset_2012, user=world.office, day=handed_on)
    history = list(PlaqueAward.objects.filter(bureau=world.org.bureau).order_by("year"))
    assert [(h.year, h.holder.name, h.ended_on) for h in history] == [
        (2012, "动植检处", handed_on),
        (2013, "卫生检疫处", None),
    ]
    assert proposal.current_plaque(world.org.bureau).holder == world.org.other_dept
    client.force_login(world.office)
    home = client.get(reverse("wagtailadmin_home")).text
    assert "卫生检疫处" in home and "流动示范点" in home
    page = client.get(reverse("appraisal:appraisal-detail", args=[ruleset_2012.pk])).text
    assert "动植检处" in page and "2013-03-20" in page


def test_nobody_at_target_keeps_the_plaque_with_its_holder():
    world = year_world(points=(140, 90, 70))
    actions.award_plaque(ruleset=world.ruleset, user=world.office, day=CEREMONY)
    ruleset_2012 = next_year(world)
    decision = proposal.propose_plaque(ruleset_2012, world.org.dept)
    assert decision.holder == world.org.dept and not decision.changed


def test_the_bottom_member_below_the_minimum_is_listed_and_elimination_ends_the_membership(
    client,
):
    world = year_world()
    team, members = team_with(world, {"甲": 30, "乙": 12, "丙": 3})
    [(listed_team, rows)] = proposal.team_assessment(world.ruleset)
    assert [(r.membership.person.name, r.proposed) for r in rows] == [
        ("丙", True),
        ("乙", False),
        ("甲", False),
    ]
    with pytest.raises(ActionRefused):  # not on the list
        actions.confirm_elimination(
            membership=members["乙"],
            ruleset=world.ruleset,
            user=world.office,
            reason="x",
            day=CEREMONY,
        )
    with pytest.raises(ActionRefused):  # a reason is needed
        actions.confirm_elimination(
            membership=members["丙"],
            ruleset=world.ruleset,
            user=world.office,
            reason=" ",
            day=CEREMONY,
        )
    client.force_login(world.office)
    url = reverse("appraisal:member-eliminate", args=[world.ruleset.pk, members["丙"].pk])
    client.post(url, {"day": "2012-03-23", "reason": "全年积分末位且低于5分"})
    ended = TeamMembership.objects.get(pk=members["丙"].pk)
    assert ended.left == CEREMONY and ended.leave_reason == "全年积分末位且低于5分"
    assert ModelLogEntry.objects.filter(action="xinxuan.team.eliminate").exists()
    [vacancy] = proposal.open_vacancies(world.org.bureau)
    assert vacancy.membership == ended
    page = client.get(reverse("appraisal:appraisal-detail", args=[world.ruleset.pk])).text
    assert "自2012-03-23起空缺" in page
    # the unit sends a new member: the vacancy is filled
    newcomer = Person.objects.create(name="丁", unit=world.org.dept)
    TeamMembership.objects.create(team=team, person=newcomer, joined=dt.date(2012, 4, 1))
    assert proposal.open_vacancies(world.org.bureau) == []


def test_nobody_below_the_minimum_means_nobody_is_eliminated():
    world = year_world()
    team_with(world, {"甲": 30, "乙": 12})
    [(_team, rows)] = proposal.team_assessment(world.ruleset)
    assert not any(r.proposed for r in rows)


def test_the_outsider_cannot_eliminate_a_member_of_another_bureau(client):
    world = year_world()
    set_points(world, world.org.dept, 140)
    _team, members = team_with(world, {"丙": 3})
    client.force_login(world.outsider)
    url = reverse("appraisal:member-eliminate", args=[world.ruleset.pk, members["丙"].pk])
    assert client.post(url, {"day": "2012-03-23", "reason": "x"}).status_code == 403
    assert TeamMembership.objects.get(pk=members["丙"].pk).left is None
