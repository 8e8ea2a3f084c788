"""Carriers, levels and a generated 2011 year of items and outcomes for the demo bureau.

The year is shaped so that, under ``changzhou-2011.toml``, the seed's figures hold:
150+ information items reported upward, 16 adopted at provincial or national level,
12 leader endorsements, 300+ media articles, and 动植检处 at 140 % of its target,
more than 200 points ahead of the second.  Highlights are placed by hand per unit;
every unit is then brought to its planned total with items the bureau's own website
adopted (1 point, a policy-research piece 2, a photo 0.5), computed with the engine
itself so that the stored score lines give exactly the planned figures.  The planned
totals sit close to what the highlights give, so that fill stays everyday work (about
300 items) and the whole bureau writes under 800 items in the year, as a bureau of
this size would.

Titles are generated from the seed's subjects; people are the organisation demo's
fictional staff.  Everything is deterministic and loaded once (idempotent).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from xinxuan.organisation.models import Person, Unit, UnitTarget
from xinxuan.outcomes import demo_text
from xinxuan.outcomes.models import (
    Carrier,
    CarrierKind,
    LeaderRank,
    Level,
    Outcome,
    OutcomeKind,
    Route,
    Source,
    SuperiorBody,
    Use,
)
from xinxuan.scoring import engine
from xinxuan.submissions.models import (
    APPROVED_STATES,
    Item,
    ItemAuthor,
    ItemKind,
    ItemStatus,
    ItemUnit,
    Topic,
)

RULESET = Path(__file__).resolve().parent.parent / "scoring/rulesets/changzhou-2011.toml"
KEY = "demo-2011"

LEVELS = [
    ("national", "国家级", 4),
    ("provincial", "省级", 3),
    ("city", "市级", 2),
    ("bureau", "局级", 1),
]
CARRIERS = [
    ("zongju-zhuanbao", "总局《专报信息》", CarrierKind.PUBLICATION, "national"),
    ("guowuyuan", "国务院办公厅信息", CarrierKind.PUBLICATION, "national"),
    ("zongju-xinxi", "总局《检验检疫信息》", CarrierKind.PUBLICATION, "national"),
    ("sheng-dongtai", "省政府《动态信息》", CarrierKind.PUBLICATION, "provincial"),
    ("shengju", "省局信息", CarrierKind.PUBLICATION, "provincial"),
    ("shiwei-xinxi", "市委市政府信息", CarrierKind.PUBLICATION, "city"),
    ("benju-wangzhan", "本局网站", CarrierKind.WEBSITE, "bureau"),
    ("guomen-shibao", "中国国门时报", CarrierKind.MEDIA, "national"),
    ("xinhua-ribao", "新华日报", CarrierKind.MEDIA, "provincial"),
    ("changzhou-ribao", "常州日报", CarrierKind.MEDIA, "city"),
]
BODIES = [
    ("国家质检总局办公厅", "national"),
    ("江苏省人民政府办公厅", "provincial"),
    ("江苏出入境检验检疫局办公室", "provincial"),
    ("常州市委市政府办公室", "city"),
]
ROUTES = [("direct", "直报"), ("office", "经办公室转报")]

# unit code: (planned 2011 points, reports, high adoptions as lists of carriers per item,
#             city adoptions, endorsements (main, other), media articles, prizes)
PLAN: dict[str, tuple] = {
    "cz-dzj": (
        Decimal(420),
        40,
        [
            ["zongju-zhuanbao", "sheng-dongtai"],
            ["zongju-zhuanbao"],
            ["sheng-dongtai"],
            ["sheng-dongtai"],
            ["shengju"],
            ["zongju-xinxi"],
            ["shengju"],
        ],
        8,
        (2, 3),
        70,
        1,
    ),
    "cz-wsjy": (
        Decimal(210),
        22,
        [["sheng-dongtai"], ["shengju"], ["zongju-xinxi"]],
        5,
        (0, 2),
        40,
        0,
    ),
    "cz-spc": (Decimal(195), 18, [["shengju"], ["zongju-zhuanbao"]], 4, (0, 2), 35, 1),
    "cz-wj": (Decimal(170), 16, [["sheng-dongtai"]], 3, (0, 1), 35, 1),
    "cz-jdc": (Decimal(140), 14, [["shengju"]], 3, (0, 1), 30, 0),
    "cz-jwc": (Decimal(120), 12, [["shengju"]], 2, (0, 1), 25, 0),
    "cz-zhc": (Decimal(90), 10, [], 2, (0, 0), 20, 0),
    "cz-jt": (Decimal(100), 10, [["zongju-xinxi"]], 1, (0, 0), 20, 0),
    "cz-ly": (Decimal(85), 10, [], 1, (0, 0), 20, 0),
    "cz-rsc": (Decimal(65), 8, [], 1, (0, 0), 15, 0),
}
DZJ_TITLES = ["输欧盟中药面临生死考验", "动植检处多举措保障进境水果检疫安全"]
SUBJECTS = [
    "出口农产品质量安全",
    "进境木质包装检疫",
    "口岸卫生检疫",
    "出口机电产品质量提升",
    "进出口食品安全监管",
    "通关便利化改革",
    "检验检疫窗口服务",
    "外贸企业转型升级",
    "《质量发展纲要》宣贯",
    "技术性贸易措施应对",
]
ANGLES = ["工作成效显著", "调研与对策", "创新举措", "服务企业纪实", "专项行动取得进展", "情况分析"]
LEADERS = [("常州市市长", LeaderRank.MAIN), ("常州市分管副市长", LeaderRank.OTHER)]
MEDIA_CYCLE = [
    "changzhou-ribao",
    "changzhou-ribao",
    "xinhua-ribao",
    "changzhou-ribao",
    "xinhua-ribao",
    "guomen-shibao",
]


class _Year:
    """The generated year, kept in memory until it checks out with the engine."""

    def __init__(self, units: dict[str, Unit], people: dict[str, list[Person]]) -> None:
        self.rng = random.Random(2011)
        # Text has its own random source, so wording changes never move the figures.
        self.text_rng = random.Random(23)
        self.used_titles: dict[str, set] = {}
        self.units = units
        self.people = people
        self.items: list[dict] = []
        self.events: list[dict] = []

    def day(self, lo: int = 1, hi: int = 350) -> dt.date:
        return dt.date(2011, 1, 1) + dt.timedelta(days=self.rng.randint(lo, hi))

    def title(self, unit: str) -> str:
        used = self.used_titles.setdefault(unit, set())
        return demo_text.title(self.text_rng, self.units[unit].label, SUBJECTS, ANGLES, used)

    def item(self, unit: str, kind: str, status: str, title: str | None = None) -> dict:
        item = {
            "key": f"{KEY}:{len(self.items) + 1}",
            "unit": unit,
            "kind": kind,
            "status": status,
            "title": title or self.title(unit),
            "chars": self.rng.randint(400, 1800) if kind != "tupian" else 80,
            "author": self.rng.choice(self.people[unit][1:]) if self.people.get(unit) else None,
        }
        subject = next((s for s in SUBJECTS if s in item["title"]), SUBJECTS[0])
        label = self.units[unit].label
        item["body"] = demo_text.body(self.text_rng, label, subject, kind, item["chars"])
        # 字数 as the workbench counts it: the body without markup and white space.
        item["chars"] = len(re.sub(r"<[^>]+>|\s", "", item["body"]))
        self.items.append(item)
        return item

    def event(self, item: dict | None, kind: str, date: dt.date, **fields) -> None:
        self.events.append({"item": item, "kind": kind, "date": date, **fields})

    def engine_totals(self, rs: engine.RuleSet) -> dict[str, Decimal]:
        items = {
            i["key"]: engine.Item(i["key"], i["kind"], (engine.Share(i["unit"]),))
            for i in self.items
        }
        events = []
        for n, e in enumerate(self.events):
            events.append(
                engine.Event(
                    id=str(n),
                    type=e["kind"],
                    date=e["date"],
                    item_id=e["item"]["key"] if e["item"] else None,
                    carrier=e.get("carrier"),
                    use=e.get("use"),
                    leader_level=e.get("leader_level"),
                    leader_rank=e.get("leader_rank"),
                    grade=e.get("grade"),
                    rule=e.get("rule"),
                )
            )
        result = engine.score(rs, items.values(), events)
        return {code: total.points for code, total in result.units.items()}


def _reference_data() -> tuple[dict, dict, list, list]:
    levels = {}
    for code, name, rank in LEVELS:
        levels[code], _ = Level.objects.update_or_create(
            code=code, defaults={"name": name, "rank": rank}
        )
    carriers = {}
    for code, name, kind, level in CARRIERS:
        carriers[code], _ = Carrier.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "level": levels[level]}
        )
    bodies = [
        SuperiorBody.objects.update_or_create(name=name, defaults={"level": levels[level]})[0]
        for name, level in BODIES
    ]
    routes = [
        Route.objects.update_or_create(code=code, defaults={"name": name})[0]
        for code, name in ROUTES
    ]
    return levels, carriers, bodies, routes


def generate(units: dict[str, Unit], people: dict[str, list[Person]]) -> _Year:
    """Highlights per unit, then the website fill that brings each to its planned total."""
    year = _Year(units, people)
    for code, (_total, reports, high, city, (main, other), media, prizes) in PLAN.items():
        reported = []
        for n in range(reports):
            title = DZJ_TITLES[n] if code == "cz-dzj" and n < len(DZJ_TITLES) else None
            item = year.item(code, "zhengwu", ItemStatus.REPORTED, title)
            item["reported_on"] = year.day(1, 330)
            year.event(item, "report", item["reported_on"])
            reported.append(item)
        for item, carriers in zip(reported, high, strict=False):
            for carrier in carriers:
                year.event(
                    item,
                    "adoption",
                    item["reported_on"] + dt.timedelta(days=8),
                    carrier=carrier,
                    use=Use.SOLE,
                )
        for item in reported[len(high) : len(high) + city]:
            year.event(
                item,
                "adoption",
                item["reported_on"] + dt.timedelta(days=5),
                carrier="shiwei-xinxi",
                use=Use.SOLE,
            )
        for n in range(main + other):
            item = reported[n]
            leader, rank = LEADERS[0] if n < main else LEADERS[1]
            year.event(
                item,
                "endorsement",
                item["reported_on"] + dt.timedelta(days=12),
                leader=leader,
                leader_level="city",
                leader_rank=rank,
            )
        for n in range(media):
            kind = "tupian" if n % 5 == 4 else "tongxun"
            item = year.item(code, kind, ItemStatus.APPROVED)
            year.event(item, "publication", year.day(), carrier=MEDIA_CYCLE[n % len(MEDIA_CYCLE)])
        for _n in range(prizes):
            item = year.item(code, "tongxun", ItemStatus.APPROVED)
            year.event(item, "publication", dt.date(2011, 3, 1), carrier="guomen-shibao")
            year.event(item, "prize", dt.date(2011, 4, 20), rule="haoxinwen", grade="三等奖")
    rs = engine.load_ruleset_file(RULESET)
    totals = year.engine_totals(rs)
    for code, plan in PLAN.items():
        missing = plan[0] - totals.get(code, Decimal(0))
        n = 0
        while missing > 0:
            if missing >= 2 and n % 4 == 0:
                kind, worth = "diaoyan", Decimal(2)
            elif missing >= 1:
                kind, worth = "zhengwu", Decimal(1)
            else:
                kind, worth = "tupian", Decimal("0.5")
            item = year.item(code, kind, ItemStatus.APPROVED)
            year.event(item, "adoption", year.day(), carrier="benju-wangzhan", use=Use.SOLE)
            missing -= worth
            n += 1
    totals = year.engine_totals(rs)
    wrong = {c: (totals.get(c), p[0]) for c, p in PLAN.items() if totals.get(c) != p[0]}
    if wrong:
        raise RuntimeError(f"demo year does not add up: {wrong}")
    _work_in_hand(year)
    return year


def _work_in_hand(year: _Year) -> None:
    """Items still on their way at year end, so every desk has something to do.

    They have no outcomes yet and score nothing.  One is a near-copy of an item another
    department already reported, for the office's duplicate check to catch.
    """
    # the head and the officer logins (the first two people of 动植检处) write some of
    # them, so their desks show their own work: a draft, one with the head, one
    # returned, one the head passed on; and the head has adopted items of his own
    dzj = year.people.get("cz-dzj") or [None]
    head, officer = dzj[0], dzj[1] if len(dzj) > 1 else None
    for code, status, author in [
        ("cz-dzj", ItemStatus.DRAFT, officer),
        ("cz-dzj", ItemStatus.SUBMITTED, officer),
        ("cz-dzj", ItemStatus.SUBMITTED, None),
        ("cz-dzj", ItemStatus.HEAD_APPROVED, head),
        ("cz-dzj", ItemStatus.RETURNED, officer),
        ("cz-wsjy", ItemStatus.SUBMITTED, None),
        ("cz-spc", ItemStatus.HEAD_APPROVED, None),
        ("cz-wj", ItemStatus.HEAD_APPROVED, None),
    ]:
        item = year.item(code, "zhengwu", status)
        item["date"] = year.day(340, 362)
        if author is not None:
            item["author"] = author
    adopted = {e["item"]["key"] for e in year.events if e["kind"] == "adoption"}
    reported = [
        i
        for i in year.items
        if i["unit"] == "cz-dzj" and i["status"] == ItemStatus.REPORTED and i["key"] in adopted
    ]
    for item in reported[-2:]:
        item["author"] = head
    original = next(i for i in year.items if i["unit"] == "cz-dzj" and i["kind"] == "zhengwu")
    copy = year.item("cz-wsjy", "zhengwu", ItemStatus.HEAD_APPROVED, title=original["title"])
    label_from, label_to = year.units["cz-dzj"].label, year.units["cz-wsjy"].label
    copy["body"] = original["body"].replace(label_from, label_to)
    copy["chars"] = original["chars"]
    copy["date"] = dt.date(2011, 12, 28)


def _save(year: _Year, carriers, levels, bodies, routes, office_user) -> None:
    kinds = {k.code: k for k in ItemKind.objects.all()}
    topics = list(Topic.objects.filter(year=2011))
    rows = []
    for data in year.items:
        first = data.get("date") or min(
            [e["date"] for e in year.events if e["item"] is data] or [dt.date(2011, 6, 1)]
        )
        written = timezone.make_aware(
            dt.datetime.combine(first - dt.timedelta(days=3), dt.time(9, 30))
        )
        rows.append(
            Item(
                title=data["title"],
                kind=kinds[data["kind"]],
                body=data["body"],
                char_count=data["chars"],
                unit=year.units[data["unit"]],
                status=data["status"],
                status_since=written + dt.timedelta(days=2),
                created_at=written,
                submitted_at=None if data["status"] == ItemStatus.DRAFT else written,
                approved_at=(
                    written + dt.timedelta(days=1) if data["status"] in APPROVED_STATES else None
                ),
                source_key=data["key"],
                # a writer with a login wrote it in the workbench
                created_by_id=data["author"].user_id if data["author"] is not None else None,
            )
        )
    Item.objects.bulk_create(rows, batch_size=1000)
    by_key = dict(
        Item.objects.filter(source_key__startswith=f"{KEY}:").values_list("source_key", "pk")
    )
    ItemUnit.objects.bulk_create(
        [ItemUnit(item_id=by_key[d["key"]], unit=year.units[d["unit"]]) for d in year.items],
        batch_size=2000,
    )
    ItemAuthor.objects.bulk_create(
        [
            ItemAuthor(item_id=by_key[d["key"]], person=d["author"])
            for d in year.items
            if d["author"] is not None
        ],
        batch_size=2000,
    )
    through = Item.topics.through
    through.objects.bulk_create(
        [
            through(item_id=by_key[d["key"]], topic_id=topics[n % len(topics)].pk)
            for n, d in enumerate(year.items)
            if topics and d["kind"] == "zhengwu" and n % 3 == 0
        ],
        batch_size=2000,
    )
    outcomes = []
    recorded = timezone.make_aware(dt.datetime(2011, 12, 31, 17, 0))
    for n, e in enumerate(year.events):
        item_pk = by_key[e["item"]["key"]]
        unit = year.units[e["item"]["unit"]]
        kind = e["kind"]
        outcomes.append(
            Outcome(
                kind=kind,
                item_id=item_pk,
                unit=unit,
                date=e["date"],
                carrier=carriers.get(e.get("carrier")),
                level=levels.get(e.get("leader_level")),
                superior_body=bodies[n % len(bodies)] if kind == OutcomeKind.REPORT else None,
                route=routes[n % len(routes)] if kind == OutcomeKind.REPORT else None,
                use=e.get("use", ""),
                issue=f"{e['date'].month:02d}{n % 9 + 1}" if kind == OutcomeKind.ADOPTION else "",
                leader=e.get("leader", ""),
                leader_rank=e.get("leader_rank", ""),
                text="此件很好，请在全市推广。" if kind == OutcomeKind.ENDORSEMENT else "",
                rule=e.get("rule", ""),
                grade=e.get("grade", ""),
                source=Source.IMPORT,
                import_key=f"{KEY}:e{n + 1}",
                recorded_by=office_user,
                recorded_at=recorded,
            )
        )
    Outcome.objects.bulk_create(outcomes, batch_size=2000)


def load(*, log: Callable[[str], object]) -> None:
    levels, carriers, bodies, routes = _reference_data()
    if Item.objects.filter(source_key__startswith=f"{KEY}:").exists():
        log("outcomes: the 2011 demo year is already there")
        return
    city = Unit.objects.filter(code="cz").first()
    if city is None or not ItemKind.objects.exists():
        return
    units = {u.code: u for u in Unit.objects.filter(parent=city)}
    people = {
        code: list(Person.objects.filter(unit=unit).order_by("pk")) for code, unit in units.items()
    }
    if not all(code in units for code in PLAN):
        return
    year = generate(units, people)
    office = Person.objects.filter(unit__code="cz-office", user__isnull=False).first()
    _save(year, carriers, levels, bodies, routes, office.user if office else None)
    target = UnitTarget.objects.filter(unit=units["cz-dzj"], year=2011).first()
    log(
        f"outcomes: {len(year.items)} items and {len(year.events)} outcomes for 2011"
        + (f" (动植检处 target {target.points})" if target else "")
    )
