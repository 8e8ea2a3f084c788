"""The demo bureau's 2011 year bulletin (通报), issued on the day of the meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from xinxuan.bulletins import actions
from xinxuan.bulletins.models import Bulletin, PeriodKind
from xinxuan.scoring.models import RuleSet, RuleSetStatus


def load(*, log: Callable[[str], object]) -> None:
    ruleset = RuleSet.objects.filter(code="changzhou-2011", status=RuleSetStatus.ACTIVE).first()
    if ruleset is None or Bulletin.objects.filter(ruleset=ruleset).exists():
        return
    bulletin = actions.issue_bulletin(
        ruleset=ruleset,
        user=None,
        period=PeriodKind.YEAR,
        issued_on=dt.date(2012, 3, 23),
        prefix="常检办",
    )
    bulletin.refresh_from_db()
    log(f"bulletins: {bulletin.number} {bulletin.get_status_display()}")
