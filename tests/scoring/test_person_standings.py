"""个人积分 on the standings page: each writer's points under the rule set, rank, teams
in its period, yearly target and completion — limited to the units the user may see."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.submissions.world import DAY, make_world, reported_item
from xinxuan.organisation.models import MemberTarget, Person, Team, TeamMembership
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring import ledger
from xinxuan.scoring.models import Standing

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def standing(world, person, points, adopted=0):
    return Standing.objects.create(
        ruleset=world.ruleset, unit=person.unit, person=person, points=points, adopted=adopted
    )


def test_an_adopted_item_credits_its_writer_on_the_standings_page(client, world):
    item = reported_item(world, authors=[(world.officer.person, Decimal(1))])
    outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    writer = world.officer.person
    (row,) = ledger.person_standings(world.ruleset)
    assert row.person == writer and row.points > 0 and row.adopted == 1 and row.rank == 1
    client.force_login(world.office)
    page = client.get(reverse("scoring:standings", args=[world.ruleset.pk])).text
    assert "个人积分" in page and writer.name in page


def test_writers_are_ranked_with_shared_ranks_teams_and_target_completion(world):
    dept, other = world.org.dept, world.org.other_dept
    a = Person.objects.create(name="甲", unit=dept)
    b = Person.objects.create(name="乙", unit=other)
    c = Person.objects.create(name="丙", unit=dept)
    standing(world, a, Decimal(30), adopted=3)
    standing(world, b, Decimal(30), adopted=2)
    standing(world, c, Decimal(12))
    team = Team.objects.create(name="信息员队伍", kind="network", bureau=world.org.bureau)
    TeamMembership.objects.create(team=team, person=a, joined=dt.date(2010, 3, 1))
    # left before the rule set's year: not shown as a member
    TeamMembership.objects.create(
        team=team, person=c, joined=dt.date(2009, 1, 1), left=dt.date(2010, 12, 31)
    )
    MemberTarget.objects.create(person=a, team=team, year=2011, points=Decimal(40))
    MemberTarget.objects.create(person=c, team=team, year=2010, points=Decimal(99))
    rows = ledger.person_standings(world.ruleset)
    assert [(r.person.name, r.rank) for r in rows] == [("乙", 1), ("甲", 1), ("丙", 3)]
    by_name = {r.person.name: r for r in rows}
    assert by_name["甲"].teams == ("信息员队伍",) and by_name["甲"].completion == 75
    assert by_name["丙"].teams == () and by_name["丙"].target is None


def test_an_officer_sees_the_writers_of_his_own_unit_only_with_their_ranks(client, world):
    mine = Person.objects.create(name="本处写手", unit=world.org.dept)
    theirs = Person.objects.create(name="别处写手", unit=world.org.other_dept)
    standing(world, mine, Decimal(5))
    standing(world, theirs, Decimal(50))
    (row,) = ledger.person_standings(world.ruleset, {world.org.dept.pk})
    assert row.person == mine and row.rank == 2  # second of everyone, not first of one
    client.force_login(world.officer)
    page = client.get(reverse("scoring:standings", args=[world.ruleset.pk])).text
    assert "本处写手" in page and "别处写手" not in page
    client.force_login(world.office)
    page = client.get(reverse("scoring:standings", args=[world.ruleset.pk])).text
    assert "本处写手" in page and "别处写手" in page


@pytest.mark.parametrize("path", ["per-change", "full-rescoring"])
def test_a_writer_docked_under_another_unit_keeps_one_standing(world, path):
    """A writer credited by an item of the own unit and docked under another unit: one
    standing with both (it was two, and the unique standing per writer refused them)."""
    writer = world.officer.person
    item = reported_item(world, authors=[(writer, Decimal(1))])
    outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    adopted = Standing.objects.get(ruleset=world.ruleset, person=writer).points
    outcome_actions.record_deduction(
        unit=world.org.other_dept,
        person=writer,
        user=world.office,
        rule="late-report",
        date=DAY,
        reason="迟报一次",
    )
    if path == "full-rescoring":
        ledger.rescore_ruleset(world.ruleset)
    (row,) = Standing.objects.filter(ruleset=world.ruleset, person=writer)
    assert row.points == adopted - 1
    assert row.unit == writer.unit  # the writer's own unit, where the item credited him
