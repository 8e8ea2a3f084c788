"""信宣 scoring engine: a regulation (管理办法) as data, points derived from events.

Pure Python: no Django, no clock, no database. Frozen dataclasses in, score lines
with their arithmetic out, ``Decimal`` throughout.
"""

from .allocation import allocate
from .explain import describe, display, explain, fmt
from .formula import Formula, FormulaError
from .model import (
    EVENT_TYPES,
    Calc,
    Event,
    Item,
    PeriodData,
    PeriodSum,
    PersonInfo,
    Result,
    ScoreLine,
    Share,
    Total,
    UnitInfo,
)
from .periods import period_key, period_range
from .problems import EngineError, EventsFileError, Problem, RuleSetError, ScoringError
from .ruleset import RuleSet, find_line, load_ruleset, load_ruleset_file
from .scoring import LineGroup, line_groups, score, score_item, score_period, totals

__all__ = [
    "EVENT_TYPES",
    "Calc",
    "EngineError",
    "Event",
    "EventsFileError",
    "Formula",
    "FormulaError",
    "Item",
    "LineGroup",
    "PeriodData",
    "PeriodSum",
    "PersonInfo",
    "Problem",
    "Result",
    "RuleSet",
    "RuleSetError",
    "ScoreLine",
    "ScoringError",
    "Share",
    "Total",
    "UnitInfo",
    "allocate",
    "describe",
    "display",
    "explain",
    "find_line",
    "fmt",
    "line_groups",
    "load_ruleset",
    "load_ruleset_file",
    "period_key",
    "period_range",
    "score",
    "score_item",
    "score_period",
    "totals",
]
