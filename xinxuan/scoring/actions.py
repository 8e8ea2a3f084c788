"""Rule sets in the workbench: save a version, activate, retire.  The change commits at
once; the rescoring it calls for is queued in the same transaction and runs in the
background worker (``scoring/tasks.py``), the standings saying meanwhile that they are
being recalculated."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from xinxuan.accounts.roles import Role
from xinxuan.lib.exceptions import ActionRefused, InvalidRuleSet
from xinxuan.organisation import access
from xinxuan.organisation.models import Unit
from xinxuan.scoring import engine, ledger, tasks
from xinxuan.scoring.models import RuleSet, RuleSetStatus, RuleSetVersion


def _check(user, unit: Unit) -> None:
    access.require(
        user,
        unit,
        roles=(Role.OFFICE,),
        denied=_("Only the office may manage this unit's rule sets."),
    )
    # a superior office reads a bureau's regulation; the bureau's own office manages it
    if not access.in_own_bureau(user, unit):
        raise PermissionDenied(_("Only the office may manage this unit's rule sets."))


def _reason(user, reason: str) -> str:
    """Putting a rule set in force or out of it moves every standing: say why."""
    reason = reason.strip()
    if user is not None and not reason:
        raise ActionRefused(
            _("Say why the rule set is put in force or retired: every standing moves.")
        )
    return reason


def _standing_totals(ruleset: RuleSet) -> dict[str, str]:
    return ledger.unit_totals(ruleset)


def validate(text: str) -> engine.RuleSet:
    """The compiled rule set, or ``InvalidRuleSet`` listing every problem with its line."""
    try:
        return engine.load_ruleset(text, source="rules.toml")
    except engine.RuleSetError as error:
        raise InvalidRuleSet(
            _("The rule set has errors; nothing was saved."), error.problems
        ) from None


@transaction.atomic
def save_ruleset(
    *, user, unit: Unit, text: str, ruleset: RuleSet | None = None, note: str = ""
) -> RuleSet:
    """Save a new rule set as a draft, or a new version of an existing one.

    Every version's text is kept.  Editing a rule set in force rescores what it covers.
    """
    _check(user, unit)
    compiled = validate(text)
    if ruleset is None:
        ruleset = RuleSet(unit=unit, status=RuleSetStatus.DRAFT, version=0)
    else:
        ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
        if ruleset.text == text:
            return ruleset
    ruleset.name = compiled.name
    ruleset.code = compiled.id
    ruleset.engine_version = compiled.version
    ruleset.effective_from = compiled.effective_from
    ruleset.effective_to = compiled.effective_to
    ruleset.text = text
    ruleset.version += 1
    ruleset.updated_at = timezone.now()
    if ruleset.status == RuleSetStatus.ACTIVE:
        _refuse_overlap(ruleset)
    ruleset.save()
    RuleSetVersion.objects.create(
        ruleset=ruleset,
        number=ruleset.version,
        text=text,
        status=ruleset.status,
        saved_by=user,
        note=note,
    )
    before = _standing_totals(ruleset)
    log(
        ruleset,
        "xinxuan.ruleset.save",
        user=user,
        data={"version": ruleset.version, "reason": note, "standings_before": before},
    )
    if ruleset.status == RuleSetStatus.ACTIVE:
        # The new standings follow from the background rescoring, which logs them.
        tasks.schedule_rescoring(ruleset=ruleset, user=user)
    return ruleset


def _refuse_overlap(ruleset: RuleSet) -> None:
    # Lock the issuing unit: two activations for one unit run one after the other.
    Unit.objects.select_for_update(no_key=True).filter(pk=ruleset.unit_id).first()
    clash = (
        RuleSet.objects.active()
        .filter(
            unit_id=ruleset.unit_id,
            effective_from__lte=ruleset.effective_to,
            effective_to__gte=ruleset.effective_from,
        )
        .exclude(pk=ruleset.pk)
        .first()
    )
    if clash is not None:
        raise ActionRefused(
            _(
                "“%(other)s” is already in force for %(unit)s from %(start)s to %(end)s; "
                "retire it first. Two rule sets are never in force for one unit on one day."
            )
            % {
                "other": clash.name,
                "unit": ruleset.unit,
                "start": clash.effective_from,
                "end": clash.effective_to,
            }
        )


@transaction.atomic
def activate_ruleset(*, ruleset: RuleSet, user, reason: str = "") -> RuleSet:
    """Put a draft in force (the office's decision, with its reason) and score its
    period under it."""
    _check(user, ruleset.unit)
    reason = _reason(user, reason)
    ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if ruleset.status == RuleSetStatus.ACTIVE:
        raise ActionRefused(_("This rule set is already in force."))
    _refuse_overlap(ruleset)
    validate(ruleset.text)
    was = str(ruleset.status)
    ruleset.status = RuleSetStatus.ACTIVE
    ruleset.activated_at = timezone.now()
    ruleset.save(update_fields=["status", "activated_at"])
    log(
        ruleset,
        "xinxuan.ruleset.activate",
        user=user,
        data={
            "version": ruleset.version,
            "reason": reason,
            "changes": {"status": [was, str(RuleSetStatus.ACTIVE)]},
            "standings_before": {},
        },
    )
    tasks.schedule_rescoring(ruleset=ruleset, user=user)
    return ruleset


@transaction.atomic
def retire_ruleset(*, ruleset: RuleSet, user, reason: str = "") -> RuleSet:
    """Take a rule set out of force (with the reason); the lines it produced go with it."""
    _check(user, ruleset.unit)
    reason = _reason(user, reason)
    ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if ruleset.status != RuleSetStatus.ACTIVE:
        raise ActionRefused(_("Only a rule set in force can be retired."))
    before = _standing_totals(ruleset)
    ruleset.status = RuleSetStatus.RETIRED
    ruleset.save(update_fields=["status"])
    log(
        ruleset,
        "xinxuan.ruleset.retire",
        user=user,
        data={
            "version": ruleset.version,
            "reason": reason,
            "changes": {"status": [str(RuleSetStatus.ACTIVE), str(RuleSetStatus.RETIRED)]},
            "standings_before": before,
        },
    )
    tasks.schedule_rescoring(ruleset=ruleset, user=user)
    return ruleset
