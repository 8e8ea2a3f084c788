"""Rescoring after a rule-set change, run by the background worker.

The office's change (save, activate, retire) commits at once; the task then brings the
rule set's score lines in line with its status — everything rescored while it is in
force, nothing left when it is not.  Reading the status when it runs, not when it was
queued, makes two queued jobs for one rule set agree whatever order they run in; the
rule set's row is locked first, so a clerk's adoption waits instead of deadlocking
(see ``ledger.Context``).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task
from wagtail.log_actions import log

from xinxuan.jobs import running
from xinxuan.jobs.models import Job, JobKind


def subject(ruleset) -> str:
    return f"ruleset:{ruleset.pk}"


def schedule_rescoring(*, ruleset, user) -> Job:
    """Queue the rescoring of a rule set whose status or text has just changed."""
    return running.start(
        user=user,
        kind=JobKind.RESCORE,
        title=_("Recalculating the standings of “%(ruleset)s”") % {"ruleset": ruleset.name},
        task=rescore_ruleset,
        subject=subject(ruleset),
    )


def being_recalculated(ruleset) -> bool:
    """Whether a rescoring of the rule set is queued or running."""
    return Job.objects.unfinished().filter(subject=subject(ruleset)).exists()


@task()
def rescore_ruleset(job_id: int) -> None:
    running.run(job_id, _rescore)


def _rescore(job: Job, progress: running.Progress) -> dict:
    from xinxuan.scoring import explanations, ledger
    from xinxuan.scoring.models import RuleSet, RuleSetStatus

    pk = int(job.subject.removeprefix("ruleset:"))
    with ledger.references_unchecked(), transaction.atomic():
        ruleset = RuleSet.objects.select_for_update().filter(pk=pk).first()
        if ruleset is None:
            return {}
        if ruleset.status == RuleSetStatus.ACTIVE:
            lines = ledger.rescore_ruleset(ruleset, progress=progress)
        else:
            ledger.clear_ruleset(ruleset)
            lines = 0
        # The decision's own entry has the standings before; this one has them after.
        log(
            ruleset,
            "xinxuan.ruleset.rescore",
            user=job.user,
            data={"lines": lines, "standings": ledger.unit_totals(ruleset)},
        )
    # the calculations only the replaced lines used, once the new lines are committed
    explanations.prune_calcs()
    progress(4, 4)
    return {"lines": lines, "back": reverse("scoring:standings", args=[pk])}


def schedule_whatif(*, draft, base, user) -> Job:
    """Queue a what-if: ``draft`` run on the period of ``base`` (see ``whatif.py``);
    only the office that issued both (or a superuser) may."""
    from xinxuan.scoring import whatif

    whatif.require_owner(user, draft=draft, base=base)
    return running.start(
        user=user,
        kind=JobKind.WHATIF,
        title=_("What if “%(draft)s” had applied in %(start)s – %(end)s")
        % {"draft": draft.name, "start": base.effective_from, "end": base.effective_to},
        task=run_whatif,
        subject=f"whatif:{base.pk}",
        params={"draft": draft.pk, "base": base.pk},
    )


@task()
def run_whatif(job_id: int) -> None:
    running.run(job_id, _whatif)


def _whatif(job: Job, progress: running.Progress) -> dict:
    from xinxuan.scoring import whatif
    from xinxuan.scoring.models import RuleSet

    draft = RuleSet.objects.get(pk=job.params["draft"])
    base = RuleSet.objects.get(pk=job.params["base"])
    result = whatif.compare(draft, base, progress=progress)
    progress(4, 4)
    result["back"] = reverse("scoring:whatif", args=[base.pk]) + f"?job={job.pk}"
    return result
