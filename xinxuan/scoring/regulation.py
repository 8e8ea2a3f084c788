"""A rule set written out as the regulation (管理办法) officers and heads read.

The TOML stays the source; this turns the compiled rule set into chapters and
numbered articles (第一章 … 第一条 …), tables of carriers and values, and every setting
as a sentence. The text is a Chinese official document, so it is written in Chinese
here rather than through gettext. Imports nothing from Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xinxuan.scoring.engine import RuleSet, fmt

DIGITS = "零一二三四五六七八九"
PERIODS = {"week": "周", "month": "月", "quarter": "季度", "half": "半年", "year": "年度"}
EVENTS = {
    "report": "上报",
    "submission": "报送",
    "adoption": "采用",
    "endorsement": "领导批示",
    "publication": "媒体发表",
    "prize": "获奖",
    "deduction": "扣分",
    "item_nullification": "稿件作废",
    "period_nullification": "时段作废",
    "commission_due": "约稿",
    "commission_delivered": "完成约稿",
    "commission_missed": "未完成约稿",
    "manual_adjustment": "手工加减分",
}
CLAUSE_FAMILIES = {
    "report": "上报得分",
    "submission": "报送得分",
    "adoption": "采用得分",
    "publication": "媒体发表得分",
    "endorsement": "领导批示得分",
    "prize": "获奖得分",
    "commission": "约稿得分",
    "deduction": "扣分",
    "manual_adjustment": "手工加减分",
    "nullification": "作废扣分",
    "quota": "定额得分",
    "rate": "采用率扣分",
    "step": "阶梯奖励分",
    "cap": "封顶",
    "base": "基础分",
}
FORMULA_WORDS = {
    "score": "得分",
    "target": "目标分",
    "completion": "完成率",
    "rank": "名次",
    "units": "参评单位数",
    "adopted": "采用条数",
    "best": "最高分",
}
ROUNDING = {
    "half_up": "四舍五入",
    "half_even": "四舍六入、五成双",
    "down": "尾数舍去",
    "up": "尾数进位",
}


def chinese_numeral(number: int) -> str:
    """An integer from 0 to 9999 in Chinese numerals: 12 → 十二, 105 → 一百零五."""
    if not 0 <= number <= 9999:
        raise ValueError(f"{number} is outside 0…9999")
    if number == 0:
        return DIGITS[0]
    out = ""
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out += DIGITS[0]
            zero_pending = False
        out += DIGITS[digit] + unit
    # 十二, not 一十二, when the number starts in the tens
    if 10 <= number < 20:
        out = out[1:]
    return out


def ordinal(number: int, noun: str) -> str:
    """第十二条, 第三章: the article or chapter label."""
    return f"第{chinese_numeral(number)}{noun}"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    is_table = True  # for templates, which cannot ask isinstance


@dataclass
class Article:
    number: int
    heading: str
    # paragraphs and tables in reading order
    blocks: list[str | Table] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def label(self) -> str:
        return ordinal(self.number, "条")


@dataclass
class Chapter:
    number: int
    title: str
    articles: list[Article] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ordinal(self.number, "章")


@dataclass
class Regulation:
    title: str
    subtitle: str
    chapters: list[Chapter]

    @property
    def articles(self) -> list[Article]:
        return [a for c in self.chapters for a in c.articles]

    def plain_text(self) -> str:
        """The whole document as text (for searching and tests)."""
        parts = [self.title, self.subtitle]
        for chapter in self.chapters:
            parts.append(f"{chapter.label} {chapter.title}")
            for article in chapter.articles:
                parts.append(f"{article.label} {article.heading}")
                for block in article.blocks:
                    if isinstance(block, Table):
                        parts.append(" | ".join(block.header))
                        parts.extend(" | ".join(row) for row in block.rows)
                    else:
                        parts.append(block)
        return "\n".join(parts)


def pts(value: Any) -> str:
    """A number of points as written in the regulation: 10, 0.5."""
    return fmt(Decimal(str(value)))


def signed(value: Any) -> str:
    """扣 1 分 for a deduction, 计 2 分 otherwise."""
    number = Decimal(str(value))
    return f"扣{pts(-number)}分" if number < 0 else f"计{pts(number)}分"


def percent(value: Any) -> str:
    return fmt(Decimal(str(value)) * 100) + "%"


def _day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _title(rs: RuleSet) -> str:
    name = rs.name.strip()
    return name if "办法" in name or "规定" in name or "细则" in name else f"{name}管理办法"


class _Writer:
    def __init__(self, rs: RuleSet, assessed: str | None) -> None:
        self.rs = rs
        self.assessed = assessed
        self.chapters: list[Chapter] = []
        self.count = 0

    def chapter(self, title: str) -> Chapter:
        chapter = Chapter(len(self.chapters) + 1, title)
        self.chapters.append(chapter)
        return chapter

    def article(self, chapter: Chapter, heading: str, *paragraphs: str) -> Article:
        self.count += 1
        article = Article(self.count, heading, [p for p in paragraphs if p])
        chapter.articles.append(article)
        return article

    # -------------------------------------------------------------- names

    def level(self, key: str) -> str:
        return self.rs.levels[key][0] if key in self.rs.levels else key

    def kind(self, key: str) -> str:
        return self.rs.kinds[key].label[0] if key in self.rs.kinds else key

    def carrier(self, key: str) -> str:
        return self.rs.carriers[key].label[0] if key in self.rs.carriers else key

    def route(self, key: str) -> str:
        return self.rs.routes[key].label[0] if key in self.rs.routes else key

    def by_level(self, values: dict[str, Decimal], what: str = "每条") -> str:
        return "，".join(f"{self.level(k)}{what}{pts(v)}分" for k, v in values.items())

    def by_kind(self, values: dict[str, Decimal]) -> str:
        return "，".join(f"{self.kind(k)}{pts(v)}分" for k, v in values.items())

    def clause(self, prefix: str) -> str:
        parts = prefix.split(".")
        family = parts[0]
        if len(parts) >= 3 and parts[1] == "carrier":
            return f"{self.carrier(parts[2])}{CLAUSE_FAMILIES.get(family, '')}"
        if len(parts) >= 2:
            named = {
                "cap": self.rs.caps,
                "deduction": self.rs.deductions,
                "manual_adjustment": self.rs.adjustments,
                "prize": self.rs.prizes,
                "quota": self.rs.quotas,
                "rate": self.rs.rates,
                "step": self.rs.steps,
            }.get(family, {})
            if parts[1] in named:
                label = named[parts[1]].label[0]
                return f"{label}后的得分" if family == "cap" else label
        return CLAUSE_FAMILIES.get(family, prefix)

    # -------------------------------------------------------------- chapters

    def write(self) -> Regulation:
        self.general()
        self.scoring()
        self.deductions()
        self.periodic()
        self.appraisal()
        self.settings()
        self.closing()
        rs = self.rs
        status = "（征求意见稿）" if rs.status == "draft" else f"{_day(rs.effective_from)}起施行"
        subtitle = "　".join(
            p
            for p in (
                rs.issuer,
                status,
                f"版本 {rs.version}",
            )
            if p
        )
        return Regulation(_title(rs), subtitle, self.chapters)

    def general(self) -> None:
        rs = self.rs
        chapter = self.chapter("总则")
        self.article(
            chapter,
            "目的",
            "为规范信息宣传工作，客观反映各单位信息报送、采用和宣传成效，调动各单位和"
            "信息员的积极性，制定本办法。",
        )
        assessed = (
            f"{self.assessed}所属各单位及其信息员" if self.assessed else "所属各单位及其信息员"
        )
        self.article(
            chapter,
            "适用范围和考核期",
            f"本办法适用于{assessed}的信息宣传工作考核。",
            f"考核期自{_day(rs.effective_from)}起至{_day(rs.effective_to)}止。",
        )
        if rs.kinds:
            article = self.article(chapter, "稿件类别", "本办法所称稿件分为以下类别：")
            rows = []
            for kind in rs.kinds.values():
                notes = []
                if kind.factor != 1:
                    notes.append(f"按{pts(kind.factor)}倍计分")
                if kind.inherits:
                    notes.append(f"未单列分值的，按{self.kind(kind.inherits)}计分")
                if kind.reclassify_at_chars and kind.reclassify_as:
                    notes.append(
                        f"字数达到{kind.reclassify_at_chars}字的，按{self.kind(kind.reclassify_as)}计分"
                    )
                rows.append([kind.label[0], "；".join(notes) or "—"])
            article.blocks.append(Table(["类别", "说明"], rows))
        if rs.levels:
            self.article(
                chapter,
                "级别",
                "刊物、媒体和批示领导的级别由高到低依次为："
                + "、".join(label[0] for label in rs.levels.values())
                + "。",
            )

    def scoring(self) -> None:
        rs = self.rs
        chapter = self.chapter("计分标准")
        if rs.submission_points is not None or rs.submission_kinds:
            paragraphs = []
            if rs.submission_points is not None:
                paragraphs.append(
                    f"各单位向本级办公室报送信息的，每条计{pts(rs.submission_points)}分。"
                )
            if rs.submission_kinds:
                paragraphs.append(f"其中按类别计分：{self.by_kind(rs.submission_kinds)}。")
            if rs.submission_late is not None:
                paragraphs.append(f"逾期报送的，每条另{signed(rs.submission_late)}。")
            self.article(chapter, "报送", *paragraphs)
        if rs.report_points is not None or rs.report_kinds or rs.report_levels:
            paragraphs = []
            if rs.report_points is not None:
                paragraphs.append(f"向上级上报信息的，每条计{pts(rs.report_points)}分。")
            if rs.report_kinds:
                paragraphs.append(f"其中按类别计分：{self.by_kind(rs.report_kinds)}。")
            if rs.report_levels:
                paragraphs.append(f"按上报去向的级别计分：{self.by_level(rs.report_levels)}。")
            if rs.report_late is not None:
                paragraphs.append(f"逾期上报的，每条另{signed(rs.report_late)}。")
            self.article(chapter, "上报", *paragraphs)
        for outcome, name in (("adoption", "采用"), ("publication", "媒体发表")):
            if rs.outcome_points[outcome] or rs.outcome_matrix[outcome]:
                self.outcome(chapter, outcome, name)
        if rs.carriers and not (rs.outcome_points["adoption"] or rs.outcome_points["publication"]):
            self.outcome(chapter, "adoption", "采用")
        self.weighting(chapter)
        self.endorsement(chapter)
        for prize in rs.prizes.values():
            grades = prize.params.get("grades", {})
            text = f"作品获得{prize.label[0]}的，"
            if grades:
                text += "，".join(f"{g}计{pts(v)}分" for g, v in grades.items())
                if "points" in prize.params:
                    text += f"，其他等次计{pts(prize.params['points'])}分"
            else:
                text += f"计{pts(prize.params.get('points', 0))}分"
            self.article(chapter, prize.label[0], text + "。")
        if rs.commission:
            c = rs.commission
            paragraphs = []
            if "delivered" in c:
                paragraphs.append(f"按约稿要求完成供稿的，{signed(c['delivered'])}。")
            if "late" in c:
                paragraphs.append(f"逾期完成约稿的，另{signed(c['late'])}。")
            if "missed" in c:
                paragraphs.append(f"未完成约稿的，{signed(c['missed'])}。")
            if "adopted" in c:
                if rs.setting("commission_adoption") == "instead":
                    paragraphs.append(
                        f"约稿被采用的，计{pts(c['adopted'])}分，不再另计刊物采用分。"
                    )
                else:
                    paragraphs.append(f"约稿被采用的，在刊物采用分之外另加{pts(c['adopted'])}分。")
            self.article(chapter, "约稿", *paragraphs)
        for adj in rs.adjustments.values():
            self.article(chapter, adj.label[0], f"{adj.label[0]}：{self.range(adj.params)}。")

    def range(self, params: dict[str, Any], verb: str = "") -> str:
        low, high = params.get("min"), params.get("max")
        if low is not None and high is not None:
            span = f"{pts(low)}～{pts(high)}分"
        elif low is not None:
            span = f"不低于{pts(low)}分"
        else:
            span = f"不高于{pts(high)}分"
        return f"由考核人在{span}范围内视情况{verb}评定，并记录评定人和理由"

    def carrier_value(self, outcome: str, carrier) -> str:
        if not carrier.counts:
            return "不计分"
        if carrier.low is not None or carrier.high is not None:
            low = pts(carrier.low) if carrier.low is not None else ""
            high = pts(carrier.high) if carrier.high is not None else ""
            if low and high:
                return f"{low}～{high}分（视情况）"
            return f"不低于{low}分（视情况）" if low else f"不高于{high}分（视情况）"
        if carrier.points is not None:
            return f"{pts(carrier.points)}分"
        points = self.rs.outcome_points[outcome]
        if carrier.level in points:
            return f"{pts(points[carrier.level])}分"
        return "按类别计分" if self.rs.outcome_matrix[outcome] else "—"

    def outcome(self, chapter: Chapter, outcome: str, name: str) -> None:
        rs = self.rs
        points = rs.outcome_points[outcome]
        paragraphs = []
        if points:
            paragraphs.append(
                f"信息被{name}的，按刊物或媒体的级别计分：{self.by_level(points)}。"
                if outcome == "adoption"
                else f"稿件在媒体发表的，按媒体级别计分：{self.by_level(points, '每篇')}。"
            )
        article = self.article(chapter, name, *paragraphs)
        matrix = rs.outcome_matrix[outcome]
        if matrix:
            article.blocks.append("下列类别按类别和级别计分：")
            levels = list(dict.fromkeys(lv for row in matrix.values() for lv in row))
            article.blocks.append(
                Table(
                    ["类别", *(self.level(lv) for lv in levels)],
                    [
                        [
                            self.kind(k),
                            *(f"{pts(row[lv])}分" if lv in row else "—" for lv in levels),
                        ]
                        for k, row in matrix.items()
                    ],
                )
            )
        # the carriers table goes with adoption; with publication only when it stands alone
        if outcome == "adoption" or not (
            rs.outcome_points["adoption"] or rs.outcome_matrix["adoption"]
        ):
            self.carriers(article)

    def carriers(self, article: Article) -> None:
        rs = self.rs
        if not rs.carriers:
            return
        columns = [("adoption", "采用分值")]
        if rs.outcome_points["publication"] or rs.outcome_matrix["publication"]:
            columns.append(("publication", "发表分值"))
        if not (rs.outcome_points["adoption"] or rs.outcome_matrix["adoption"]):
            columns = [("publication", "分值")]
        rows = []
        for carrier in rs.carriers.values():
            notes = []
            if carrier.kinds:
                notes.append(f"按类别：{self.by_kind(carrier.kinds)}")
            if carrier.requires_route:
                notes.append(
                    "须" + "或".join(self.route(r) for r in carrier.requires_route) + "方计分"
                )
            if carrier.carrier_class and carrier.carrier_class in rs.carrier_classes:
                notes.append(f"属{rs.carrier_classes[carrier.carrier_class].label[0]}")
            if carrier.grades:
                for grade, value in carrier.grades.items():
                    rows.append(
                        [
                            carrier.label[0],
                            self.level(carrier.level) if carrier.level else "—",
                            grade,
                            *(f"{pts(value)}分" for _o, _h in columns),
                            "；".join(notes) or "—",
                        ]
                    )
                continue
            rows.append(
                [
                    carrier.label[0],
                    self.level(carrier.level) if carrier.level else "—",
                    "—",
                    *(self.carrier_value(o, carrier) for o, _h in columns),
                    "；".join(notes) or "—",
                ]
            )
        article.blocks.append("各刊物、媒体的等次和分值见下表：")
        article.blocks.append(
            Table(["刊物（媒体）", "级别", "等次", *(h for _o, h in columns), "备注"], rows)
        )

    def weighting(self, chapter: Chapter) -> None:
        rs = self.rs
        paragraphs = []
        for use in rs.uses.values():
            if "each_unit" in use.params:
                paragraphs.append(
                    f"{use.label[0]}的，参与供稿的每个单位各计{pts(use.params['each_unit'])}分。"
                )
            else:
                paragraphs.append(f"{use.label[0]}的，按{pts(use.params.get('factor', 1))}倍计分。")
        for route in rs.routes.values():
            text = f"{route.label[0]}的，按{pts(route.params.get('factor', 1))}倍计分"
            levels = route.params.get("levels", {})
            if levels:
                text += "；其中" + "，".join(
                    f"报至{self.level(k)}的按{pts(v)}倍计分" for k, v in levels.items()
                )
            paragraphs.append(text + "。")
        for placement in rs.placements.values():
            value = pts(placement.params["value"])
            if placement.params.get("mode", "multiply") == "replace":
                paragraphs.append(f"刊登于{placement.label[0]}的，按{value}分计。")
            else:
                paragraphs.append(f"刊登于{placement.label[0]}的，按{value}倍计分。")
        for factor in rs.factors.values():
            p = factor.params
            scope = []
            if p.get("min_level"):
                scope.append(f"{self.level(p['min_level'])}以上")
            if p.get("levels"):
                scope.append("、".join(self.level(k) for k in p["levels"]))
            if p.get("carriers"):
                scope.append("、".join(self.carrier(k) for k in p["carriers"]))
            if p.get("classes"):
                scope.append(
                    "、".join(
                        rs.carrier_classes[k].label[0] if k in rs.carrier_classes else k
                        for k in p["classes"]
                    )
                )
            if p.get("kinds"):
                scope.append("、".join(self.kind(k) for k in p["kinds"]))
            events = "和".join(EVENTS[e] for e in p.get("events", ["adoption", "publication"]))
            paragraphs.append(
                f"{factor.label[0]}：{''.join(scope)}的{events}得分按{pts(p['factor'])}倍计。"
            )
        if paragraphs:
            self.article(chapter, "采用方式和加权", *paragraphs)

    def endorsement(self, chapter: Chapter) -> None:
        rs = self.rs
        if not (
            rs.endorsement_points or rs.endorsement_value is not None or rs.endorsement_by_carrier
        ):
            return
        paragraphs = []
        if rs.endorsement_value is not None:
            paragraphs.append(f"信息获得领导批示的，每次计{pts(rs.endorsement_value)}分。")
        if rs.endorsement_points:
            paragraphs.append(
                "信息获得领导批示的，按批示领导的级别计分："
                + "，".join(
                    f"{self.level(k)}领导批示{pts(v)}分" for k, v in rs.endorsement_points.items()
                )
                + "。"
            )
        if rs.endorsement_main:
            paragraphs.append(
                "主要领导批示的："
                + "，".join(
                    f"{self.level(k)}主要领导批示{pts(v)}分" for k, v in rs.endorsement_main.items()
                )
                + "。"
            )
        for level, row in rs.endorsement_by_carrier.items():
            paragraphs.append(
                f"{self.level(level)}领导批示刊载于下列刊物的信息的："
                + "，".join(f"{self.carrier(c)}{pts(v)}分" for c, v in row.items())
                + "。"
            )
        if rs.endorsement_carrier_bonus:
            paragraphs.append(
                "批示的信息曾刊载于下列刊物的，另加分："
                + "，".join(
                    f"{self.carrier(c)}加{pts(v)}分"
                    for c, v in rs.endorsement_carrier_bonus.items()
                )
                + "。"
            )
        self.article(chapter, "领导批示", *paragraphs)

    def deductions(self) -> None:
        rs = self.rs
        if not (rs.deductions or rs.nullification or rs.vetoes):
            return
        chapter = self.chapter("扣分和一票否决")
        for d in rs.deductions.values():
            p = d.params
            if "points" in p:
                text = f"{d.label[0]}的，每次扣{pts(-Decimal(str(p['points'])))}分。"
            else:
                low, high = p.get("min"), p.get("max")
                if low is not None and high is not None:
                    span = f"{pts(-Decimal(str(high)))}～{pts(-Decimal(str(low)))}分"
                elif high is not None:
                    span = f"{pts(-Decimal(str(high)))}分以上"
                else:
                    span = f"{pts(-Decimal(str(low)))}分以内"
                text = f"{d.label[0]}的，由考核人视情节扣{span}，并记录评定人和理由。"
            paragraphs = [text]
            if p.get("escalation"):
                period = PERIODS[p.get("escalation_period", "year")]
                steps = "、".join(
                    f"第{chinese_numeral(n)}次按{pts(v)}倍"
                    for n, v in enumerate(p["escalation"], 1)
                )
                paragraphs.append(f"同一{period}内多次发生的，{steps}扣分，此后按最后一档计。")
                if p.get("escalation_persons"):
                    paragraphs.append("责任人个人按本人发生的次数同样累进扣分。")
            self.article(chapter, d.label[0], *paragraphs)
        n = rs.nullification
        if n:
            paragraphs = []
            if "item_deduction" in n:
                paragraphs.append(
                    f"稿件内容失实的，该稿件不计分，另扣{pts(-Decimal(str(n['item_deduction'])))}分。"
                )
            if "period" in n or "period_deduction" in n:
                period = PERIODS[n.get("period", "month")]
                text = f"因信息工作造成负面影响的，当{period}得分作废"
                if "period_deduction" in n:
                    text += f"，另扣{pts(-Decimal(str(n['period_deduction'])))}分"
                paragraphs.append(text + "。")
            self.article(chapter, "作废", *paragraphs)
        for veto in rs.vetoes.values():
            p = veto.params
            period = PERIODS[p.get("period", "year")]
            event = EVENTS.get(p["event"]) or self.clause(p["event"])
            self.article(
                chapter,
                veto.label[0],
                f"同一{period}内发生{event}累计{p['count']}次的，实行一票否决，该{period}得分为零。",
            )

    def periodic(self) -> None:
        rs = self.rs
        if not (rs.quotas or rs.base or rs.rates or rs.steps or rs.caps or rs.conversion):
            return
        chapter = self.chapter("任务、基础分和封顶")
        counted = {
            "report": ("上报信息", "条"),
            "submission": ("报送信息", "条"),
            "adoption": ("被采用信息", "条"),
            "publication": ("媒体发表稿件", "篇"),
            "endorsement": ("获领导批示信息", "条"),
            "points": ("得分", "分"),
        }
        for quota in rs.quotas.values():
            p = quota.params
            period = PERIODS[p["period"]]
            what, unit = counted[p["counts"]]
            paragraphs = [f"各单位每{period}{what}应达到{pts(p['required'])}{unit}。"]
            basis = p.get("basis")
            if basis == "per_piece":
                paragraphs.append(
                    f"未完成的，每少一{unit}扣{pts(-Decimal(str(p['per_piece'])))}分。"
                )
            elif basis == "flat":
                paragraphs.append(f"未完成的，扣{pts(-Decimal(str(p['flat'])))}分。")
            elif basis == "points":
                paragraphs.append(f"未完成的，按差额每{unit}扣{pts(p['k'])}分。")
            if "met" in p:
                paragraphs.append(f"完成的，加{pts(p['met'])}分。")
            self.article(chapter, quota.label[0], *paragraphs)
        if rs.base:
            b = rs.base
            period = PERIODS[b.get("period", "month")]
            paragraphs = [f"各单位每{period}计基础分{pts(b['points'])}分，扣分先从基础分中扣除。"]
            if "requires_quota" in b and b["requires_quota"] in rs.quotas:
                paragraphs.append(
                    f"完成{rs.quotas[b['requires_quota']].label[0]}的，方计基础分；未完成的不计基础分，扣分全额计入。"
                )
            if "floor" in b:
                if rs.setting("floor_applies_to") == "total":
                    paragraphs.append(f"扣分后当{period}总分不低于{pts(b['floor'])}分。")
                else:
                    paragraphs.append(f"基础分扣至{pts(b['floor'])}分为止，加分仍照常计入。")
            if "cap_additions" in b:
                paragraphs.append(f"每{period}加分最多计{pts(b['cap_additions'])}分。")
            self.article(chapter, "基础分", *paragraphs)
        for rate in rs.rates.values():
            p = rate.params
            period = PERIODS[p["period"]]
            text = (
                f"每{period}采用率（被采用条数除以上报条数）低于{percent(p['below'])}的，"
                f"扣{pts(-Decimal(str(p['points'])))}分"
            )
            if p.get("min_reports", 1) > 1:
                text += f"；当{period}上报不足{p['min_reports']}条的，不考核采用率"
            self.article(chapter, rate.label[0], text + "。")
        for step in rs.steps.values():
            p = step.params
            period = PERIODS[p["period"]]
            what, unit = counted[p["counts"]]
            thresholds = sorted(p["thresholds"], key=lambda t: -int(t[0]))
            text = "；".join(f"达到{int(n)}{unit}的，计{pts(v)}分" for n, v in thresholds)
            self.article(chapter, step.label[0], f"每{period}{what}{text}；按达到的最高一档计分。")
        for cap in rs.caps.values():
            p = cap.params
            period = PERIODS[p["period"]]
            clauses = "、".join(self.clause(c) for c in p["clauses"])
            self.article(chapter, cap.label[0], f"每{period}{clauses}合计不超过{pts(p['cap'])}分。")
        if rs.conversion:
            text = rs.conversion.source.strip()
            for word, zh in FORMULA_WORDS.items():
                text = re.sub(rf"\b{word}\b", zh, text)
            text = text.replace("min(", "较小值(").replace("max(", "较大值(")
            self.article(
                chapter,
                rs.conversion_label[0] if rs.conversion_label[0] != "performance" else "折算",
                f"考核得分按下式折算为绩效分：{text}。",
            )

    def appraisal(self) -> None:
        a = self.rs.appraisal
        if not a:
            return
        chapter = self.chapter("评比表彰")
        for who, name in (("collective", "先进集体"), ("individual", "先进个人")):
            if who not in a:
                continue
            rule = a[who]
            tiers = "、".join(
                f"{t.get('label_zh', t['id'])}{t['count']}名" for t in rule.get("tiers", [])
            )
            subject = "单位" if who == "collective" else "个人"
            paragraphs = [f"年度考核结束后，按得分高低评选{tiers}。" if tiers else ""]
            if rule.get("by_class"):
                paragraphs.append(f"按{subject}类别分别评选。")
            if "min_completion" in rule:
                paragraphs.append(
                    f"目标完成率低于{percent(rule['min_completion'])}的，不参加评选。"
                )
                if rule.get("without_target") == "ineligible":
                    paragraphs.append(f"未下达目标的{subject}不参加评选。")
            if "min_points" in rule:
                paragraphs.append(f"得分低于{pts(rule['min_points'])}分的，不参加评选。")
            if rule.get("exclude_vetoed"):
                paragraphs.append("被一票否决的，不参加评选。")
            self.article(chapter, f"{name}评选", *paragraphs)
        if "plaque" in a:
            rule = a["plaque"]
            label = rule.get("label_zh", "流动示范点")
            conditions = []
            if "threshold" in rule or "min_points" not in rule:
                conditions.append(f"目标完成率达到{percent(rule.get('threshold', 1))}")
            if "min_points" in rule:
                conditions.append(f"得分达到{pts(rule['min_points'])}分")
            if rule.get("first_in_class"):
                conditions.append("在同类单位中排名第一")
            paragraphs = [f"设立{label}，授予" + "、".join(conditions) + "的单位中得分最高者。"]
            if rule.get("keep_when_nobody_qualifies", True):
                paragraphs.append("无单位符合条件的，原获授单位继续保留。")
            else:
                paragraphs.append("无单位符合条件的，予以收回。")
            self.article(chapter, label, *paragraphs)
        if "criticism" in a:
            rule = a["criticism"]
            self.article(
                chapter,
                "通报批评",
                f"连续{rule.get('consecutive_months', 3)}个月得分低于"
                f"{pts(rule.get('min_points', 0))}分的单位，予以通报批评。",
            )
        if "elimination" in a:
            rule = a["elimination"]
            if "bottom_k" in rule:
                who_text = f"得分最低的{rule['bottom_k']}名"
            else:
                who_text = f"得分排在后{pts(rule.get('bottom_percent', 0))}%的"
            text = f"信息员队伍实行末位淘汰，年度{who_text}信息员"
            if "below" in rule:
                text += f"（得分低于{pts(rule['below'])}分的）"
            self.article(chapter, "末位淘汰", text + "列入淘汰名单。")
        if "item_awards" in a:
            rule = a["item_awards"]
            label = rule.get("label_zh", "优秀信息")
            kinds = "、".join(self.kind(k) for k in rule.get("kinds", []))
            scope = f"在{kinds}中" if kinds else ""
            self.article(chapter, label, f"{scope}评选{label}{rule.get('count', 0)}篇。")

    def settings(self) -> None:
        chapter = self.chapter("计分规则说明")
        sentences = setting_sentences(self.rs)
        self.article(chapter, "计分规则", *sentences)

    def closing(self) -> None:
        rs = self.rs
        chapter = self.chapter("附则")
        if rs.issuer:
            self.article(chapter, "解释", f"本办法由{rs.issuer}负责解释。")
        self.article(
            chapter,
            "施行",
            f"本办法拟自{_day(rs.effective_from)}起施行（版本 {rs.version}）。本稿为征求意见稿。"
            if rs.status == "draft"
            else f"本办法自{_day(rs.effective_from)}起施行（版本 {rs.version}）。",
        )


def setting_sentences(rs: RuleSet) -> list[str]:
    """Every setting of the rule set as a sentence of the regulation."""
    s = rs.settings
    out: list[str] = []
    has_adoption = bool(rs.outcome_points["adoption"] or rs.outcome_matrix["adoption"])
    has_publication = bool(rs.outcome_points["publication"] or rs.outcome_matrix["publication"])
    for key, noun in (("multi_adoption", "刊物采用"), ("multi_publication", "媒体发表")):
        if (key == "multi_adoption" and not has_adoption) or (
            key == "multi_publication" and not has_publication
        ):
            continue
        value = s[key]
        lead = f"同一稿件被多个{noun}的，"
        if key == "multi_publication":
            lead = "同一稿件在多个媒体发表的，"
        out.append(
            lead
            + {
                "sum": "各项分别计分，累计相加。",
                "highest": "按最高一项计分。",
                "top_levels": f"按分值最高的{int(s[key + '_top_n'])}项计分。",
                "once_per_carrier_class": "同一类刊物（媒体）只按最高一项计分，不同类分别计分。",
            }[value]
        )
    if rs.commission.get("adopted") is not None:
        out.append(
            {
                "besides": "约稿被采用的，刊物采用分与约稿采用分分别计分。",
                "instead": "约稿被采用的，只计约稿采用分，不再计刊物采用分。",
            }[s["commission_adoption"]]
        )
    if rs.endorsement_points or rs.endorsement_value is not None or rs.endorsement_by_carrier:
        out.append(
            {
                "each": "同一稿件获得多次领导批示的，每次批示分别计分。",
                "highest": "同一稿件获得多次领导批示的，按最高一次计分。",
            }[s["multi_endorsement"]]
        )
        out.append(
            {
                "event": "领导批示单独计分，不以稿件被采用为前提。",
                "bonus": "领导批示只在稿件被采用时加分；稿件未被采用的，批示不计分。",
            }[s["endorsement_mode"]]
        )
    if rs.report_points is not None or rs.report_kinds or rs.report_levels:
        out.append(
            {
                "both": "稿件上报与被采用分别计分。",
                "adoption_only": "稿件被采用的，只计采用分，不再计上报分。",
            }[s["report_and_adoption"]]
        )
    voiding = bool(rs.vetoes) or "period" in rs.nullification
    if rs.quotas and voiding:
        out.append(
            "被作废或一票否决的时段，仍按零分计算未完成任务的扣分。"
            if s["voided_period_counts_as_shortfall"]
            else "被作废或一票否决的时段，不再另计未完成任务的扣分。"
        )
    if any(q.params.get("counts") == "points" for q in rs.quotas.values()):
        out.append(
            {
                "all_points": "按分值考核任务的，以全部得分（含扣分）计算。",
                "adoption_points": "按分值考核任务的，只计被采用的得分。",
            }[s["shortfall_basis"]]
        )
    places = int(s["display_places"])
    shown = (
        "取整数" if places == 0 else f"保留{'两' if places == 2 else chinese_numeral(places)}位小数"
    )
    out.append(f"得分公布时{shown}，{ROUNDING[s['display_rounding']]}；计算时不作舍入。")
    out.append(
        {
            "shares": "多个单位联合供稿的，按各单位所占份额分配分值。",
            "equal": "多个单位联合供稿的，由各单位平均分配分值。",
            "fixed_each": "多个单位联合供稿的，各单位均计全额分值。",
        }[s["unit_split"]]
    )
    ratio = "∶".join(str(n) for n in s["person_ratio"])
    out.append(
        {
            "none": "个人不单独计分，只计单位得分。",
            "shares": "作者个人按各自份额计分。",
            "equal": "同一稿件的作者平均分配分值。",
            "ratio_first_n": (
                f"同一稿件的前{len(s['person_ratio'])}位作者按{ratio}"
                "的比例分配分值，其余作者不计分。"
            ),
            "fixed_each": "同一稿件的每位作者均计全额分值。",
            "participants": "同一稿件由份额大于零的作者平均分配分值。",
        }[s["person_split"]]
    )
    out.append(
        f"分配时以{pts(s['share_quantum'])}分为最小单位，各方所得之和等于该项总分。"
        + {
            "per_item": "同一稿件的各项得分合并后一次分配。",
            "per_event": "每一项得分分别分配。",
        }[s["share_rounding"]]
    )
    out.append(
        {
            "score": "考核结果按得分高低排列。",
            "fixed": "考核结果按单位固定顺序排列。",
        }[s["report_order"]]
    )
    return out


def regulation_of(rs: RuleSet, *, assessed: str | None = None) -> Regulation:
    """The rule set as a regulation: title, chapters and numbered articles.

    ``assessed`` names the unit whose sub-units the rule set assesses (the engine
    rule set does not know the organisation)."""
    return _Writer(rs, assessed).write()


BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


def _font(run, name: str, size: float, *, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word picks the East Asian font from w:eastAsia, not from the font name alone
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _docx_table(document, table: Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"  # single-line borders on every cell
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 12)
    for row in table.rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 12)


def to_docx(regulation: Regulation) -> bytes:
    """The regulation as a Word document: title centred, 仿宋 body, tables with
    borders."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", BODY_FONT
    )

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(regulation.title), TITLE_FONT, 22)
    if regulation.subtitle:
        subtitle = document.add_paragraph()
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(subtitle.add_run(regulation.subtitle), "楷体_GB2312", 14)
    for chapter in regulation.chapters:
        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(heading.add_run(f"{chapter.label}　{chapter.title}"), HEADING_FONT, 16)
        for article in chapter.articles:
            first = True
            for block in article.blocks or [""]:
                if isinstance(block, Table):
                    _docx_table(document, block)
                    continue
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.first_line_indent = Pt(32)
                if first:
                    _font(paragraph.add_run(f"{article.label}　"), HEADING_FONT, 16)
                    first = False
                _font(paragraph.add_run(block), BODY_FONT, 16)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
