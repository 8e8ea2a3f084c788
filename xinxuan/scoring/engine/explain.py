"""Render score lines as arithmetic in Chinese or English, on demand."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

from .model import ScoreLine
from .ruleset import RuleSet

_ROUNDING = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
}


# Settings named in words on a score line, never by their key (zh, en).
SETTING_NAMES: dict[str, tuple[str, str]] = {
    "multi_adoption": ("一稿多用的计分方式", "how several adoptions of one item count"),
    "multi_adoption_top_n": ("一稿多用计入的项数", "how many adoptions of one item count"),
    "multi_publication": ("一稿多发的计分方式", "how several publications of one item count"),
    "multi_publication_top_n": ("一稿多发计入的项数", "how many publications of one item count"),
    "commission_adoption": ("约稿被采用时的计分方式", "how an adopted commissioned item counts"),
    "multi_endorsement": ("多次批示的计分方式", "how several endorsements of one item count"),
    "endorsement_mode": ("批示计分的前提", "when an endorsement counts"),
    "report_and_adoption": (
        "上报与采用是否分别计分",
        "whether a report and its adoption both count",
    ),
    "floor_applies_to": ("保底分的适用范围", "what the floor applies to"),
    "voided_period_counts_as_shortfall": (
        "作废时段是否仍计任务差额",
        "whether a voided period is still charged its shortfall",
    ),
    "shortfall_basis": ("任务差额的计算口径", "what a shortfall is measured on"),
    "display_rounding": ("显示时的舍入方式", "how points are rounded for display"),
    "display_places": ("显示的小数位数", "decimals shown"),
    "share_quantum": ("份额的最小单位", "the smallest share"),
    "share_rounding": ("份额的舍入方式", "how shares are rounded"),
    "unit_split": ("联合供稿单位的分配方式", "how co-reporting units share"),
    "person_split": ("作者的分配方式", "how authors share"),
    "person_ratio": ("作者的分配比例", "the authors' ratio"),
    "report_order": ("排名的排列方式", "the order of the standings"),
}


def setting_name(key: str, lang: str = "zh") -> str:
    """A setting in words (一稿多用的计分方式), for lines and messages."""
    names = SETTING_NAMES.get(key)
    if names is None:
        return key
    return names[0] if lang == "zh" else names[1]


def fmt(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: 10, 2.5, -0.33."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    text = format(value.normalize(), "f")
    return text


def display(rs: RuleSet, value: Decimal) -> str:
    """Round for display only, by the rule set's ``display_rounding`` and places."""
    places = int(rs.setting("display_places"))
    quantum = Decimal(1).scaleb(-places)
    return str(value.quantize(quantum, rounding=_ROUNDING[rs.setting("display_rounding")]))


def explain(line: ScoreLine, lang: str = "zh") -> str:
    """The arithmetic of one line, e.g.
    ``总局《专报信息》采用 国家级 基础分 10 × 独家采用 1 × 份额 1/2 = 5``."""
    calc = line.calc
    zh = lang == "zh"
    parts = [
        calc.label[0] if zh else calc.label[1],
        calc.base_label[0] if zh else calc.base_label[1],
        ("基础分 " if zh else "base ") + fmt(calc.base),
    ]
    text = " ".join(p for p in parts if p)
    for fzh, fen, value in calc.factors:
        text += f" × {fzh if zh else fen} {fmt(value)}"
    if line.share is not None:
        num, den = line.share
        text += f" × {'份额' if zh else 'share'} {num}/{den}"
    text += f" = {fmt(line.points)}"
    if calc.note is not None:
        text += f"（{calc.note[0]}）" if zh else f" ({calc.note[1]})"
    if calc.settings:
        if zh:
            text += f"（依据：{'、'.join(setting_name(k, 'zh') for k in calc.settings)}）"
        else:
            text += f" [by the setting: {'; '.join(setting_name(k, 'en') for k in calc.settings)}]"
    return text


def describe(line: ScoreLine, lang: str = "zh") -> str:
    """Who, what and which clause, followed by the arithmetic."""
    who = line.unit if line.person is None else f"{line.unit}/{line.person}"
    what = " ".join(x for x in (line.item, line.event) if x)
    return (
        f"{line.date} {who} {what} <{line.calc.clause} @{line.calc.version}> {explain(line, lang)}"
    )
