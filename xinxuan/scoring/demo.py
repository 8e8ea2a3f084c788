"""The demo bureau's 2011 regulation in force, the 2012 one as a draft for comments, the
2011 year scored under it, and a regulation in force for the current year, so that work
recorded today scores too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from xinxuan.organisation.models import Unit
from xinxuan.scoring import actions, ledger
from xinxuan.scoring.models import RuleSet, RuleSetStatus

RULESETS = Path(__file__).resolve().parent / "rulesets"


def this_year(text: str, year: int) -> str:
    """The current year's regulation in force: the 2011 text with its period moved to
    ``year`` (the demo's figures stay those of 2011; this one scores what is done now)."""
    return (
        text.replace('id = "changzhou-2011"', f'id = "changzhou-{year}"')
        .replace('version = "2011.1"', f'version = "{year}.1"')
        .replace("（2011年度）", f"（{year}年度）")
        .replace("effective_from = 2011-01-01", f"effective_from = {year}-01-01")
        .replace("effective_to = 2011-12-31", f"effective_to = {year}-12-31")
    )


def load_current_year(*, city: Unit, text: str, log: Callable[[str], object]) -> None:
    """Put a regulation in force for the year of today's date (derived when the demo is
    loaded, never written down), unless one already covers it."""
    today = timezone.localdate()
    if today.year <= 2012:
        return  # the demo's own years have their regulations
    covered = RuleSet.objects.active().filter(
        unit=city, effective_from__lte=today, effective_to__gte=today
    )
    if covered.exists():
        return
    code = f"changzhou-{today.year}"
    current = RuleSet.objects.filter(unit=city, code=code).first()
    if current is None:
        current = actions.save_ruleset(
            user=None, unit=city, text=this_year(text, today.year), note=f"{today.year} 年度办法"
        )
    if current.status != RuleSetStatus.ACTIVE:
        actions.activate_ruleset(ruleset=current, user=None)
    ledger.rescore_ruleset(current)
    log(f"scoring: {current.name} in force for {today.year}")


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
    load_current_year(city=city, text=text, log=log)
