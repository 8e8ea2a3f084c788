"""``manage.py record_missed_commissions``: the daily run that turns every commission
past its deadline with nothing delivered into a missed event (约稿未完成).

Idempotent: a commission already recorded as missed is left alone, so the command can
run as often as cron likes.  It is the only place the sweep runs: reading the standings
never writes.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinxuan.outcomes.actions import record_missed_commissions


class Command(BaseCommand):
    help = "Record commissions past their deadline with nothing delivered as missed (daily)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date",
            help="count deadlines as of this day (YYYY-MM-DD) instead of today",
        )

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(_("Not a date: %(d)s") % {"d": options["date"]}) from None
        recorded = record_missed_commissions(today=today)
        for outcome in recorded:
            commission = outcome.commission
            self.stdout.write(
                _("Missed: %(unit)s · “%(title)s”, due %(deadline)s")
                % {
                    "unit": commission.unit.label,
                    "title": commission.title,
                    "deadline": commission.deadline,
                }
            )
        self.stdout.write(
            _("%(n)s missed commissions recorded as of %(day)s.")
            % {"n": len(recorded), "day": today}
        )
