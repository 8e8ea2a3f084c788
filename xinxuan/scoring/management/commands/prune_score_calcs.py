"""``manage.py prune_score_calcs``: delete the stored calculations no score line refers
to any longer.

Score lines share their calculations (``ScoreCalc``); a rescoring or a changed outcome
replaces lines and leaves the calculations only the old lines used.  A full rescoring
prunes them when it is done; this command catches those the daily changes leave (run
it nightly beside ``record_missed_commissions``).  Safe while the office works: see
``explanations.prune_calcs``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from xinxuan.scoring.explanations import prune_calcs


class Command(BaseCommand):
    help = "Delete stored score calculations no score line refers to (nightly)."

    def handle(self, *args, **options) -> None:
        pruned = prune_calcs()
        self.stdout.write(_("%(n)s unused score calculations deleted.") % {"n": pruned})
