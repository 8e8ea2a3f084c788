"""The demo bureau's 2011 regulation in force, the 2012 one as a draft for comments, and
the 2011 year scored under it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from xinxuan.organisation.models import Unit
from xinxuan.scoring import actions, ledger
from xinxuan.scoring.models import RuleSet, RuleSetStatus

RULESETS = Path(__file__).resolve().parent / "rulesets"


def load(*, log: Callable[[str], object]) -> None:
    city = Unit.objects.filter(code="cz").first()
    if city is None:
        return
    text = (RULESETS / "changzhou-2011.toml").read_text(encoding="utf-8")
    current = RuleSet.objects.filter(unit=city, code="changzhou-2011").first()
    if current is None:
        current = actions.save_ruleset(user=None, unit=city, text=text, note="2011 年度办法")
    if current.status != RuleSetStatus.ACTIVE:
        actions.activate_ruleset(ruleset=current, user=None)
    # The activation queues the rescoring for the background worker, which is not
    # running while the demo loads; the appraisal and the bulletin that follow need the
    # standings now, so the loader (a command, not a request) scores the year itself.
    ledger.rescore_ruleset(current)
    # The shipped 2012 draft (征求意见稿): its what-if against 2011 shows who gains and
    # who loses by its new clauses (one endorsement per item, a yearly cap on media
    # articles, a quarterly adoption rate).
    if not RuleSet.objects.filter(unit=city, code="changzhou-2012-draft").exists():
        draft = (RULESETS / "changzhou-2012-draft.toml").read_text(encoding="utf-8")
        actions.save_ruleset(user=None, unit=city, text=draft, note="征求意见稿")
    log(f"scoring: {current.lines.count()} score lines under {current.name}")
