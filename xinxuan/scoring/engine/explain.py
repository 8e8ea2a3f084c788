"""Render score lines as arithmetic in Chinese or English, on demand."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

from .model import ScoreLine
from .ruleset import RuleSet
from .schema import SETTING_NAMES_ZH

_ROUNDING = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
}


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
            names = "、".join(SETTING_NAMES_ZH.get(n, n) for n in calc.settings)
            text += f" [依据设置：{names}]"
        else:
            text += f" [settings: {', '.join(calc.settings)}]"
    return text


def describe(line: ScoreLine, lang: str = "zh") -> str:
    """Who, what and which clause, followed by the arithmetic."""
    who = line.unit if line.person is None else f"{line.unit}/{line.person}"
    what = " ".join(x for x in (line.item, line.event) if x)
    return (
        f"{line.date} {who} {what} <{line.calc.clause} @{line.calc.version}> {explain(line, lang)}"
    )
