"""A bureau's year as stored standings: what the appraisal reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.submissions.world import RULESET_2011, World, make_world
from xinxuan.organisation.models import Person, Team, TeamMembership, Unit, UnitTarget
from xinxuan.scoring.models import Standing

CEREMONY = dt.date(2012, 3, 23)


def field_office(world: World) -> Unit:
    return Unit.objects.get(parent=world.org.bureau, kind="field_office")


def set_points(world: World, unit: Unit, points, *, target=100) -> None:
    Standing.objects.update_or_create(
        ruleset=world.ruleset, unit=unit, person=None, defaults={"points": Decimal(points)}
    )
    if target is not None:
        UnitTarget.objects.update_or_create(
            unit=unit, year=2011, defaults={"points": Decimal(target)}
        )


def set_person_points(world: World, person: Person, points) -> None:
    Standing.objects.update_or_create(
        ruleset=world.ruleset,
        unit=person.unit,
        person=person,
        defaults={"points": Decimal(points)},
    )


def year_world(*, text: str = RULESET_2011, points=(140, 90, 70)) -> World:
    """动植检处, 卫生检疫处 and 武进办 with the given points against targets of 100."""
    world = make_world(ruleset_text=text)
    for unit, value in zip(
        (world.org.dept, world.org.other_dept, field_office(world)), points, strict=True
    ):
        set_points(world, unit, value)
    return world


def team_with(world: World, scores: dict[str, int]) -> tuple[Team, dict[str, TeamMembership]]:
    team = Team.objects.create(name="信息宣传网络成员", kind="network", bureau=world.org.bureau)
    memberships = {}
    for name, points in scores.items():
        person = Person.objects.create(name=name, unit=world.org.dept)
        memberships[name] = TeamMembership.objects.create(
            team=team, person=person, joined=dt.date(2010, 1, 1)
        )
        set_person_points(world, person, points)
    return team, memberships
