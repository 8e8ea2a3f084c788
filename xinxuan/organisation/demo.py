"""The demo organisation: a province bureau over city bureaus, one shaped like the seed's.

Unit names follow the seed's organisation; every person is fictional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from xinxuan.accounts.roles import GROUP_NAMES, Role, sync_role_groups
from xinxuan.organisation.models import (
    MemberTarget,
    Person,
    Team,
    TeamKind,
    TeamMembership,
    Unit,
    UnitClass,
    UnitKind,
    UnitTarget,
)

DEMO_PASSWORD = "xinxuan-demo"  # noqa: S105 — printed by `make demo`, demo only

# (code, name, short name, yearly target in points for 2011 and 2012)
CITY_DEPARTMENTS = [
    ("cz-office", "办公室", "办公室", None),
    ("cz-dzj", "动植物检验检疫处", "动植检处", 300),
    ("cz-wsjy", "卫生检疫处", "卫生检疫处", 220),
    ("cz-jdc", "机电产品检验处", "机电处", 150),
    ("cz-spc", "食品安全监管处", "食品处", 200),
    ("cz-jwc", "检务处", "检务处", 130),
    ("cz-zhc", "综合业务处", "综合处", 110),
    ("cz-rsc", "人事教育处", "人事处", 80),
]
FIELD_OFFICES = [
    ("cz-wj", "武进办事处", "武进办", 180, [("cz-wj-qf", "轻纺处", "武进办轻纺处")]),
    ("cz-jt", "金坛办事处", "金坛办", 110, []),
    ("cz-ly", "溧阳办事处", "溧阳办", 100, []),
]
OTHER_BUREAUS = [
    ("nj", "南京出入境检验检疫局"),
    ("sz", "苏州出入境检验检疫局"),
    ("wx", "无锡出入境检验检疫局"),
    ("nt", "南通出入境检验检疫局"),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
GIVEN = [
    "晓峰",
    "雨桐",
    "思远",
    "佳怡",
    "志强",
    "婉清",
    "明轩",
    "若兰",
    "建国",
    "诗涵",
    "俊杰",
    "欣然",
    "国栋",
    "梦洁",
    "子墨",
    "静怡",
    "浩然",
    "雅琴",
    "立新",
    "慧敏",
    "天宇",
    "秀英",
    "文博",
    "丽娟",
    "振华",
    "嘉欣",
    "宏伟",
    "晓雯",
    "鹏飞",
    "玉洁",
]


def fictional_name(n: int) -> str:
    """A deterministic, made-up Chinese name (no person of the seed is used)."""
    return SURNAMES[(n * 7) % len(SURNAMES)] + GIVEN[(n * 11) % len(GIVEN)]


def _unit(code: str, name: str, kind: str, parent: Unit | None, **extra) -> Unit:
    unit, _created = Unit.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent, **extra}
    )
    return unit


def _person(n: int, unit: Unit, position: str = "") -> Person:
    person, _created = Person.objects.get_or_create(
        name=fictional_name(n), unit=unit, defaults={"position": position}
    )
    return person


def _login(username: str, person: Person | None, role: Role | None, **flags) -> None:
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults=flags)
    if created:
        user.set_password(DEMO_PASSWORD)
        if person is not None:
            user.first_name = person.name
            user.display_name = person.name
        user.save()
    if role is not None:
        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    if person is not None and person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])


def load(*, log: Callable[[str], object]) -> None:
    sync_role_groups()
    departments, _ = UnitClass.objects.get_or_create(
        code="departments", defaults={"name": "机关处室"}
    )
    field_class, _ = UnitClass.objects.get_or_create(
        code="field-offices", defaults={"name": "办事处"}
    )
    bureaus, _ = UnitClass.objects.get_or_create(code="bureaus", defaults={"name": "直属局"})

    province = _unit("js", "江苏出入境检验检疫局", UnitKind.BUREAU, None, short_name="江苏局")
    province_office = _unit(
        "js-office", "江苏局办公室", UnitKind.OFFICE, province, short_name="省局办公室"
    )
    city = _unit(
        "cz",
        "常州出入境检验检疫局",
        UnitKind.BUREAU,
        province,
        short_name="常州局",
        unit_class=bureaus,
    )
    for order, (code, name) in enumerate(OTHER_BUREAUS, start=2):
        bureau = _unit(code, name, UnitKind.BUREAU, province, unit_class=bureaus, sort_order=order)
        _unit(f"{code}-office", f"{name[:2]}局办公室", UnitKind.OFFICE, bureau, short_name="办公室")

    units: dict[str, Unit] = {}
    for order, (code, name, short, _target) in enumerate(CITY_DEPARTMENTS):
        kind = UnitKind.OFFICE if code == "cz-office" else UnitKind.DEPARTMENT
        units[code] = _unit(
            code,
            name,
            kind,
            city,
            short_name=short,
            sort_order=order,
            unit_class=None if kind == UnitKind.OFFICE else departments,
        )
    for order, (code, name, short, _target, sections) in enumerate(FIELD_OFFICES, start=20):
        office = _unit(
            code,
            name,
            UnitKind.FIELD_OFFICE,
            city,
            short_name=short,
            sort_order=order,
            unit_class=field_class,
        )
        units[code] = office
        for sub_code, sub_name, sub_short in sections:
            units[sub_code] = _unit(
                sub_code, sub_name, UnitKind.SECTION, office, short_name=sub_short
            )

    targets = {code: t for code, _n, _s, t in CITY_DEPARTMENTS if t}
    targets.update({code: t for code, _n, _s, t, _x in FIELD_OFFICES})
    for code, points in targets.items():
        for year, factor in ((2011, Decimal("1")), (2012, Decimal("1.1"))):
            UnitTarget.objects.get_or_create(
                unit=units[code], year=year, defaults={"points": Decimal(points) * factor}
            )

    # People: leaders, office staff, a head and two officers per unit.
    n = 0
    leaders = []
    for position in ("局长", "副局长"):
        n += 1
        leaders.append(_person(n, city, position))
    people: dict[str, list[Person]] = {}
    for code, unit in units.items():
        staff = []
        for position in ("处长", "信息员", "科员"):
            n += 1
            staff.append(_person(n, unit, position))
        people[code] = staff
    n += 1
    province_staff = _person(n, province_office, "信息科科长")

    network, _ = Team.objects.get_or_create(
        bureau=city, kind=TeamKind.NETWORK, defaults={"name": "信息宣传网络成员"}
    )
    writing, _ = Team.objects.get_or_create(
        bureau=city, kind=TeamKind.WRITING, defaults={"name": "文字综合协作组"}
    )
    start = dt.date(2011, 1, 1)
    for code, staff in people.items():
        if code == "cz-office":
            continue
        TeamMembership.objects.get_or_create(
            team=network, person=staff[1], joined=start, defaults={"join_reason": "部门推荐"}
        )
        MemberTarget.objects.get_or_create(
            person=staff[1], team=network, year=2011, defaults={"points": Decimal("60")}
        )
    writers = [
        people[c][2] for c in ("cz-office", "cz-dzj", "cz-wsjy", "cz-spc", "cz-jwc", "cz-wj")
    ]
    for person in writers:
        TeamMembership.objects.get_or_create(
            team=writing, person=person, joined=start, defaults={"join_reason": "文字功底扎实"}
        )
        MemberTarget.objects.get_or_create(
            person=person, team=writing, year=2011, defaults={"points": Decimal("40")}
        )
    # Dynamic management: one writer left mid-year, a replacement joined.
    leaver = TeamMembership.objects.get(team=writing, person=writers[-1], joined=start)
    if leaver.left is None:
        leaver.left = dt.date(2011, 6, 30)
        leaver.leave_reason = "岗位调整"
        leaver.save()
    TeamMembership.objects.get_or_create(
        team=writing,
        person=people["cz-ly"][2],
        joined=dt.date(2011, 7, 1),
        defaults={"join_reason": "补充成员"},
    )

    _login("admin", None, None, is_superuser=True, is_staff=True)
    _login("office", people["cz-office"][1], Role.OFFICE)
    _login("head", people["cz-dzj"][0], Role.HEAD)
    _login("officer", people["cz-dzj"][1], Role.OFFICER)
    _login("officer2", people["cz-wsjy"][1], Role.OFFICER)
    _login("leader", leaders[0], Role.LEADER)
    _login("province", province_staff, Role.OFFICE)
    _login("reader", None, Role.READER)
    log(f"organisation: {Unit.objects.count()} units, {Person.objects.count()} people")
