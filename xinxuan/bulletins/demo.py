"""The demo bureau's 2011 year bulletin (通报), issued on the day of the meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from xinxuan.bulletins import actions
from xinxuan.bulletins.models import Bulletin, BulletinStatus, PeriodKind
from xinxuan.bulletins.tasks import generate_bulletin
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
    if bulletin.status == BulletinStatus.PENDING:
        # no worker runs while the demo loads: make the files now, as the worker would
        generate_bulletin.call(bulletin.pk)
        bulletin.refresh_from_db()
    log(f"bulletins: {bulletin.number} {bulletin.get_status_display()}")
