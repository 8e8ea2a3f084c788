"""Small builder functions for tests: a province over a bureau with departments."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from xinxuan.accounts.roles import GROUP_NAMES, Role
from xinxuan.organisation.models import Person, Unit, UnitKind

_counter = itertools.count(1)
PASSWORD = "correct-horse-42"  # noqa: S105


def make_unit(
    name: str, kind: str = UnitKind.DEPARTMENT, parent: Unit | None = None, **extra
) -> Unit:
    return Unit.objects.create(
        name=name, code=f"u{next(_counter)}", kind=kind, parent=parent, **extra
    )


def make_user(username: str, *, role: Role | None = None, unit: Unit | None = None, **flags):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **flags)
    if role is not None:
        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    if unit is not None:
        Person.objects.create(name=username, unit=unit, user=user)
    return user


@dataclass
class Org:
    province: Unit
    province_office: Unit
    bureau: Unit
    office: Unit
    dept: Unit
    other_dept: Unit
    section: Unit
    other_bureau: Unit
    other_bureau_dept: Unit


def make_org() -> Org:
    province = make_unit("省局", UnitKind.BUREAU)
    province_office = make_unit("省局办公室", UnitKind.OFFICE, province)
    bureau = make_unit("市局", UnitKind.BUREAU, province)
    office = make_unit("办公室", UnitKind.OFFICE, bureau)
    dept = make_unit("动植检处", UnitKind.DEPARTMENT, bureau)
    other_dept = make_unit("卫生检疫处", UnitKind.DEPARTMENT, bureau)
    field = make_unit("武进办", UnitKind.FIELD_OFFICE, bureau)
    section = make_unit("轻纺处", UnitKind.SECTION, field)
    other_bureau = make_unit("邻市局", UnitKind.BUREAU, province)
    other_bureau_dept = make_unit("邻市局食品处", UnitKind.DEPARTMENT, other_bureau)
    return Org(
        province,
        province_office,
        bureau,
        office,
        dept,
        other_dept,
        section,
        other_bureau,
        other_bureau_dept,
    )
