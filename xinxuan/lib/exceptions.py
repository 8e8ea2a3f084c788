"""The refusals every app's actions raise, in one place (like zulip's
``zerver/lib/exceptions.py``), so that a view catches one family whatever app it calls.

A refusal is not a bug: the action was not done, nothing was changed, and ``message``
tells the user why in their language.  Permission problems stay Django's
``PermissionDenied`` (raised by ``organisation.access.require``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ActionRefused(Exception):
    """The action cannot be done now; ``message`` tells the user why (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DuplicateOutcome(ActionRefused):
    """The same outcome is already in the ledger (or the same sheet row was imported)."""


class Unscorable(ActionRefused):
    """The rule set in force cannot score the change; nothing was saved.

    ``problems`` are the engine's problems (each with its place and both languages).
    The ledger raises it as ``ledger.LedgerError``.
    """

    def __init__(self, message: str, problems: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class InvalidRuleSet(ActionRefused):
    """A rule set's text does not load; ``problems`` point at the offending lines."""

    def __init__(self, message: str, problems: Sequence[Any]) -> None:
        super().__init__(message)
        self.problems = list(problems)
