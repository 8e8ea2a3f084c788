"""The demo bureau's 2011 appraisal, decided by running the office's own actions:
动植检处 first prize for information and publicity, and the 2012 plaque to it at the
meeting of 23 March 2012."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from xinxuan.appraisal import actions, proposal
from xinxuan.appraisal.models import Appraisal
from xinxuan.scoring.models import RuleSet, RuleSetStatus

CEREMONY = dt.date(2012, 3, 23)


def load(*, log: Callable[[str], object]) -> None:
    ruleset = RuleSet.objects.filter(code="changzhou-2011", status=RuleSetStatus.ACTIVE).first()
    if ruleset is None:
        return
    appraisal = Appraisal.objects.filter(ruleset=ruleset).first()
    if appraisal is None or not appraisal.is_confirmed:
        appraisal = actions.propose_appraisal(ruleset=ruleset, user=None)
        for award in appraisal.awards.filter(tied=True):
            actions.adjust_award(
                award=award, user=None, reason="办公室研究决定：维持拟定奖项", tier=award.tier
            )
        actions.confirm_appraisal(appraisal=appraisal, user=None)
    if proposal.current_plaque(ruleset.unit) is None:
        actions.award_plaque(ruleset=ruleset, user=None, day=CEREMONY)
    holder = proposal.current_plaque(ruleset.unit)
    first = appraisal.awards.filter(tier="first", recipient="collective", track="publicity").first()
    log(
        f"appraisal: {appraisal.awards.count()} awards"
        + (f", first prize {first.unit.name}" if first else "")
        + (f", {holder.year} plaque {holder.holder.name}" if holder else "")
    )
