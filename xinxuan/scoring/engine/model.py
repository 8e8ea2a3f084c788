"""Inputs and outputs of the scoring engine: frozen dataclasses, ``Decimal`` points."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

EVENT_TYPES: tuple[str, ...] = (
    "report",
    "submission",
    "adoption",
    "endorsement",
    "publication",
    "prize",
    "deduction",
    "item_nullification",
    "period_nullification",
    "commission_due",
    "commission_delivered",
    "commission_missed",
    "manual_adjustment",
)


@dataclass(frozen=True, slots=True)
class Share:
    """A unit or person taking part in an item; ``weight`` is a relative share."""

    id: str
    weight: Decimal = Decimal(1)
    unit: str | None = None  # for persons: the unit they belong to, if not the item's


@dataclass(frozen=True, slots=True)
class Item:
    """A piece of writing (稿件): its attributes decide how its outcomes count."""

    id: str
    kind: str
    units: tuple[Share, ...]
    persons: tuple[Share, ...] = ()
    title: str = ""
    char_count: int = 0
    topics: tuple[str, ...] = ()
    route: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One outcome (采用, 批示, 扣分 …). ``item_id`` is None for unit-level events."""

    id: str
    type: str
    date: datetime.date
    item_id: str | None = None
    unit: str | None = None  # for events without an item
    person: str | None = None  # for events without an item
    carrier: str | None = None
    level: str | None = None
    grade: str | None = None
    placement: str | None = None
    use: str | None = None  # "sole" (独家) or "combined" (合用)
    issue: str | None = None
    leader: str | None = None
    leader_level: str | None = None
    leader_rank: str | None = None  # "main" (主要领导) or "other"
    route: str | None = None
    rule: str | None = None  # id of a deduction, adjustment or prize clause
    points: Decimal | None = None  # chosen value inside a range
    assessor: str | None = None
    reason: str | None = None
    revoked: bool = False
    # for reports and submissions: when it was due (``date`` is when it was delivered)
    due: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: str
    name: str = ""
    parent: str | None = None
    unit_class: str | None = None
    target: Decimal | None = None  # points
    target_count: int | None = None  # adopted items
    order: int = 0


@dataclass(frozen=True, slots=True)
class PersonInfo:
    id: str
    unit: str | None = None
    name: str = ""
    target: Decimal | None = None
    target_count: int | None = None


@dataclass(frozen=True, slots=True)
class PeriodData:
    """Units (with tree, class, targets), persons and per-unit quotas of a period."""

    units: tuple[UnitInfo, ...] = ()
    persons: tuple[PersonInfo, ...] = ()
    # (unit id, quota id) -> required count or points, overriding the rule set
    quotas: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    start: datetime.date | None = None
    end: datetime.date | None = None

    def __hash__(self) -> int:  # quotas is a dict; identity is enough
        return id(self)


@dataclass(frozen=True, slots=True, eq=False)
class Calc:
    """The arithmetic of a clause, shared by every line it produced.

    ``points = base × factors…`` before the share; labels are (zh, en).
    """

    clause: str
    label: tuple[str, str]
    base: Decimal
    base_label: tuple[str, str]
    factors: tuple[tuple[str, str, Decimal], ...] = ()
    settings: tuple[str, ...] = ()
    version: str = ""
    note: tuple[str, str] | None = None
    # a combined adoption's fixed value goes whole to each contributing unit
    each_unit: bool = field(default=False, compare=False)
    gross: Decimal = field(default=Decimal(0), compare=False)
    # clause and sign of gross: the lines of a calc are summed per period under this key
    fold: str = field(default="", compare=False)
    # the clause's first part: report, adoption, quota …
    category: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        value = self.base
        for _zh, _en, factor in self.factors:
            value *= factor
        object.__setattr__(self, "gross", value)
        object.__setattr__(self, "fold", fold_key(self.clause, value))
        object.__setattr__(self, "category", self.clause.split(".", 1)[0])


def fold_key(clause: str, points: Decimal) -> str:
    """The key under which lines are summed per unit and period: their clause and the
    sign of their points. A string, as its hash is computed once."""
    return f"{clause} {(points > 0) - (points < 0):+d}"


class PeriodSum(NamedTuple):
    """Unit lines of items summed per (unit, day or month, clause, sign of the points):
    all the period rules read of them (see ``_Buckets``). The ledger keeps these sums
    as lines change, so the period stage of one unit needs no line of its own."""

    unit: str
    date: datetime.date
    clause: str
    points: Decimal
    tally: int
    lines: int


class ScoreLine(NamedTuple):
    """One line of the score ledger.

    ``person`` is None for unit credit; person lines carry the person's unit.
    ``share`` is (numerator, denominator) of the event's points, or None for all.
    ``tally`` is 1 when the line is the first counted outcome of its kind for the item
    (used by quotas, adoption rates and step rules), else 0.
    """

    unit: str
    person: str | None
    item: str | None
    event: str | None
    calc: Calc
    share: tuple[int, int] | None
    points: Decimal
    date: datetime.date
    tally: int = 0

    @property
    def clause(self) -> str:
        return self.calc.clause

    @property
    def version(self) -> str:
        return self.calc.version

    @property
    def settings(self) -> tuple[str, ...]:
        return self.calc.settings


@dataclass(frozen=True, slots=True)
class Total:
    """Totals of one unit or person over the scored period."""

    id: str
    points: Decimal
    own_points: Decimal
    unit_class: str | None
    target: Decimal | None
    completion: Decimal | None  # points ÷ target, None without a target
    rank: int
    class_rank: int
    adopted: int
    by_month: tuple[tuple[str, Decimal], ...]  # (YYYY-MM, points in month)
    performance: Decimal | None = None
    unit: str | None = None  # for persons


@dataclass(frozen=True, slots=True)
class Result:
    ruleset_id: str
    version: str
    # a tuple, or a sequence that builds the lines on demand (see scoring._Ledger)
    lines: Sequence[ScoreLine]
    units: dict[str, Total]
    persons: dict[str, Total]
    classes: dict[str, Decimal]
    months: tuple[str, ...]

    def __hash__(self) -> int:
        return id(self)

    def running(self, unit: str) -> tuple[tuple[str, Decimal], ...]:
        """Running (cumulative) monthly totals of a unit."""
        acc = Decimal(0)
        out = []
        for month, value in self.units[unit].by_month:
            acc += value
            out.append((month, acc))
        return tuple(out)
