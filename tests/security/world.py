"""Two bureaus under one province, each with its office, departments, items, outcomes,
documents and rule set, and one user of every role: the world of the security tests.

Every object of a unit carries a title nobody else uses (``SECRET_*``), so a test can
look for it in any page or export to catch a leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from tests.builders import make_unit, make_user
from tests.submissions.world import DAY, World, make_ruleset, make_world
from xinxuan.accounts.roles import Role
from xinxuan.organisation.models import (
    MemberTarget,
    Person,
    Team,
    TeamKind,
    TeamMembership,
    Unit,
    UnitKind,
    UnitTarget,
)
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring.models import RuleSet
from xinxuan.submissions import actions
from xinxuan.submissions.models import Commission, Item, ItemAttachment

ROLES = (
    "superuser",
    "office",
    "head",
    "officer",
    "leader",
    "province",
    "reader",
    "anonymous",
)

# The place whose objects each test opens: another department of the users' own
# bureau, and another bureau under the same province.
PLACES = ("own", "other_dept", "other_bureau", "other_province")

# Which role may see the objects of which place (organisation/access.py's rule,
# written out by hand so that a mistake there fails here too).
SEES: dict[str, set[str]] = {
    "superuser": set(PLACES),
    "office": {"own", "other_dept"},
    "leader": {"own", "other_dept"},
    "head": {"own"},
    "officer": {"own"},
    "province": {"own", "other_dept", "other_bureau"},
    "reader": set(),
    "anonymous": set(),
}


@dataclass
class Place:
    """The objects of one unit, each with a title unique to it."""

    name: str
    unit: Unit
    bureau: Unit
    secret: str
    item: Item
    outcome: Outcome
    document: object  # the configured document model (xinxuan.files)
    ruleset: RuleSet | None
    commission: Commission
    person: Person
    unit_target: UnitTarget
    team: Team | None = None
    membership: TeamMembership | None = None
    member_target: MemberTarget | None = None


@dataclass
class SecurityWorld:
    base: World
    users: dict[str, object]
    places: dict[str, Place] = field(default_factory=dict)

    def secrets_hidden_from(self, role: str) -> list[str]:
        return [p.secret for name, p in self.places.items() if name not in SEES[role]]


def _approved(item: Item, admin) -> Item:
    actions.submit_item(item=item, user=admin)
    actions.head_approve_item(item=item, user=admin)
    actions.approve_item(item=item, user=admin)
    item.refresh_from_db()
    return item


def _place(base: World, admin, *, name: str, unit: Unit, bureau: Unit, ruleset: bool) -> Place:
    secret = f"机密{name}稿件"
    person = Person.objects.create(name=f"{name}作者", unit=unit)
    item = actions.create_item(
        user=None,
        title=secret,
        kind=base.kinds["zhengwu"],
        unit=unit,
        body=f"<p>{secret}的正文。</p>",
        authors=[(person, Decimal(1))],
    )
    item = _approved(item, admin)
    outcome_actions.report_upward(
        item=item, user=admin, superior_body=base.body, route=base.route, date=DAY
    )
    outcome = outcome_actions.record_adoption(
        item=item, user=admin, carrier=base.carriers["zongju-zhuanbao"], date=DAY
    )
    document = get_document_model()(title=f"{secret}附件", unit=unit)
    document.file.save(f"{name}.pdf", ContentFile(b"%PDF-1.4 " + secret.encode()), save=True)
    ItemAttachment.objects.create(item=item, document=document)
    commission = Commission.objects.create(
        unit=unit, title=f"{secret}约稿", deadline=dt.date(2011, 6, 30)
    )
    rules = None
    if ruleset:
        rules = RuleSet.objects.filter(unit=bureau).first() or make_ruleset(
            bureau, name=f"{secret}办法", code=f"rules-{name}"
        )
    target = UnitTarget.objects.create(unit=unit, year=2011, points=Decimal(30))
    place = Place(
        name=name,
        unit=unit,
        bureau=bureau,
        secret=secret,
        item=item,
        outcome=outcome,
        document=document,
        ruleset=rules,
        commission=commission,
        person=person,
        unit_target=target,
    )
    if unit.kind == UnitKind.DEPARTMENT:
        place.team, _new = Team.objects.get_or_create(
            kind=TeamKind.NETWORK, bureau=bureau, defaults={"name": f"{secret}队伍"}
        )
        place.membership = TeamMembership.objects.create(
            team=place.team, person=person, joined=dt.date(2011, 1, 1)
        )
        place.member_target = MemberTarget.objects.create(
            person=person, team=place.team, year=2011, points=Decimal(10)
        )
    return place


def make_security_world() -> SecurityWorld:
    """Build the world (documents' files go to ``settings.MEDIA_ROOT``)."""
    base = make_world()
    org = base.org
    admin = make_user("admin", is_superuser=True, is_staff=True)
    other_province = make_unit("外省局", UnitKind.BUREAU)
    other_province_dept = make_unit("外省局办公室", UnitKind.DEPARTMENT, other_province)
    users = {
        "superuser": admin,
        "office": base.office,
        "head": base.head,
        "officer": base.officer,
        "leader": make_user("leader", role=Role.LEADER, unit=org.office),
        "province": make_user("province", role=Role.OFFICE, unit=org.province_office),
        "reader": make_user("reader", role=Role.READER),
        "anonymous": None,
    }
    world = SecurityWorld(base=base, users=users)
    for name, unit, bureau in (
        ("own", org.dept, org.bureau),
        ("other_dept", org.other_dept, org.bureau),
        ("other_bureau", org.other_bureau_dept, org.other_bureau),
        ("other_province", other_province_dept, other_province),
    ):
        world.places[name] = _place(base, admin, name=name, unit=unit, bureau=bureau, ruleset=True)
    return world
