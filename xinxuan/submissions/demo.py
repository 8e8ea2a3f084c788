"""Demo item kinds, the 2011 key topics and a few commissions of the demo bureau."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from xinxuan.organisation.models import Unit
from xinxuan.submissions.models import Commission, ItemKind, Topic

KINDS = [
    ("zhengwu", "政务信息", False),
    ("jianxun", "简讯", False),
    ("tongxun", "通讯稿", True),
    ("tupian", "新闻图片", True),
    ("diaoyan", "调研/政策研究", False),
]
TOPICS_2011 = [
    ("zhiliang-gangyao-2011", "《质量发展纲要》实施"),
    ("zhuanbian-fangshi-2011", "加快转变经济发展方式"),
    ("qiangju-2011", "现代化强局建设"),
    ("zhuanxing-shengji-2011", "外向型经济转型升级"),
]
COMMISSIONS = [
    ("cz-dzj", "输欧中药注册形势分析", dt.date(2011, 4, 15)),
    ("cz-spc", "出口食品农产品质量安全示范区建设", dt.date(2011, 6, 30)),
    ("cz-jwc", "检验检疫通关便利化措施成效", dt.date(2011, 9, 30)),
]


def load(*, log: Callable[[str], object]) -> None:
    for order, (code, name, press) in enumerate(KINDS):
        ItemKind.objects.update_or_create(
            code=code, defaults={"name": name, "is_press": press, "sort_order": order}
        )
    for code, name in TOPICS_2011:
        Topic.objects.update_or_create(code=code, defaults={"name": name, "year": 2011})
    for unit_code, title, deadline in COMMISSIONS:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is not None:
            Commission.objects.get_or_create(
                title=title, unit=unit, defaults={"deadline": deadline}
            )
    log(f"submissions: {ItemKind.objects.count()} kinds, {Topic.objects.count()} topics")
