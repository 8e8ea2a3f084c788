"""Errors that name where the input is wrong, in Chinese and in English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a rule set or an events file."""

    source: str  # file name or "<string>"
    line: int  # line (rule set) or row (events file, 1 = header); 0 if unknown
    key: str  # dotted key of the rule set, or column name of the events file
    message_zh: str
    message_en: str

    def render(self, lang: str = "zh") -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        msg = self.message_zh if lang == "zh" else self.message_en
        key = f" [{self.key}]" if self.key else ""
        return f"{where}{key}: {msg}"

    def render_both(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        key = f" [{self.key}]" if self.key else ""
        return f"{where}{key}: {self.message_zh} / {self.message_en}"


class EngineError(Exception):
    """Base class: carries a list of problems, all of them, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.render_both() for p in problems))


class RuleSetError(EngineError):
    """The rule set cannot be loaded."""


class EventsFileError(EngineError):
    """The events file has bad rows; nothing of it was scored."""


class ScoringError(EngineError):
    """Events refer to something the rule set does not define."""
