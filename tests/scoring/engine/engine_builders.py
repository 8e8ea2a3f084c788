"""Builders for engine tests: a test rule set, items and events."""

import datetime
from decimal import Decimal
from typing import Any

from xinxuan.scoring.engine import Event, Item, RuleSet, Share, load_ruleset

BASE = """
[ruleset]
id = "test"
version = "t1"
name = "测试办法"
issuer = "办公室"
effective_from = 2011-01-01
effective_to = 2011-12-31
status = "draft"

[settings]
{settings}

[levels.national]
label_zh = "国家级"
[levels.provincial]
label_zh = "省级"
[levels.city]
label_zh = "市级"

[kinds.info]
label_zh = "政务信息"
[kinds.photo]
label_zh = "图片"
factor = 0.5
[kinds.brief]
label_zh = "简讯"
inherits = "info"
factor = 0.5
[kinds.news]
label_zh = "通讯稿"
reclassify_at_chars = 1000
reclassify_as = "article"
[kinds.article]
label_zh = "文章"

[carrier_classes.zongju]
label_zh = "总局刊物"

[carriers.zb]
label_zh = "总局《专报信息》"
level = "national"
class = "zongju"
grades = {canyue = 3, zhongyao = 5}
[carriers.zx]
label_zh = "总局《检验检疫信息》"
level = "national"
class = "zongju"
[carriers.sd]
label_zh = "省政府《动态信息》"
level = "provincial"
points = 8
[carriers.cd]
label_zh = "常州日报"
level = "city"
kinds = {article = 3}
[carriers.wechat]
label_zh = "微信公众号"
level = "city"
counts = false
[carriers.gov]
label_zh = "国务院信息"
level = "national"
requires_route = ["office"]

[placements.toutiao]
label_zh = "头版头条"
mode = "replace"
value = 8
[placements.double]
label_zh = "头版"
mode = "multiply"
value = 2

[routes.direct]
label_zh = "直报"
factor = 1
[routes.office]
label_zh = "办公室转报"
factor = 2

[uses.sole]
label_zh = "独家采用"
factor = 1
[uses.combined]
label_zh = "合用"
factor = 0.5

[adoption.points]
national = 10
provincial = 5
city = 2
[adoption.matrix.photo]
national = 4

[publication.points]
national = 5
provincial = 3
city = 1

[report]
points = 0.5

[endorsement.points]
city = 5
provincial = 8
[endorsement.main_leader_points]
city = 10
[endorsement.carrier_bonus]
zb = 2

[prizes.good]
label_zh = "好新闻奖"
points = 3
grades = {first = 10}

[commission]
delivered = 5
missed = -10
late = -2

[deductions.late]
label_zh = "迟报"
points = -1
[deductions.conceal]
label_zh = "瞒报"
min = -200
max = -100

[adjustments.bonus]
label_zh = "酌情加分"
min = 2
max = 5

[nullification]
item_deduction = -5
period = "month"
period_deduction = -3

{extra}
"""


def make_rules(settings: str = "", extra: str = "") -> RuleSet:
    text = BASE.replace("{settings}", settings).replace("{extra}", extra)
    return load_ruleset(text, "test.toml")


def make_event(event_id: str, type: str, date: str = "2011-03-01", **kw: Any) -> Event:
    if "points" in kw and kw["points"] is not None:
        kw["points"] = Decimal(str(kw["points"]))
    return Event(id=event_id, type=type, date=datetime.date.fromisoformat(date), **kw)


def make_item(
    item_id: str = "I1",
    kind: str = "info",
    units: str = "A",
    persons: str = "",
    chars: int = 500,
) -> Item:
    def shares(text: str) -> tuple[Share, ...]:
        out = []
        for part in filter(None, text.split(";")):
            name, _, weight = part.partition(":")
            out.append(Share(name, Decimal(weight or 1)))
        return tuple(out)

    return Item(
        id=item_id, kind=kind, units=shares(units), persons=shares(persons), char_count=chars
    )
