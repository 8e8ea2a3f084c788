"""Rule sets in the workbench: save a version, activate, retire.  Each rescoring
follows in the same transaction, so the stored lines never disagree with the rule
set in force."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from xinxuan.accounts.roles import Role
from xinxuan.lib.exceptions import ActionRefused, InvalidRuleSet
from xinxuan.organisation import access
from xinxuan.organisation.models import Unit
from xinxuan.scoring import engine, ledger
from xinxuan.scoring.models import RuleSet, RuleSetStatus, RuleSetVersion


def _check(user, unit: Unit) -> None:
    access.require(
        user,
        unit,
        roles=(Role.OFFICE,),
        denied=_("Only the office may manage this unit's rule sets."),
    )


def _reason(user, reason: str) -> str:
    """Putting a rule set in force or out of it moves every standing: say why."""
    reason = reason.strip()
    if user is not None and not reason:
        raise ActionRefused(
            _("Say why the rule set is put in force or retired: every standing moves.")
        )
    return reason


def _standing_totals(ruleset: RuleSet) -> dict[str, str]:
    """Each unit's points under the rule set, for the audit's old → new."""
    return {
        str(s.unit_id): str(s.points)
        for s in ruleset.standings.filter(person__isnull=True).order_by("unit_id")
    }


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
    if ruleset.status == RuleSetStatus.ACTIVE:
        ledger.rescore_ruleset(ruleset)
    log(
        ruleset,
        "xinxuan.ruleset.save",
        user=user,
        data={
            "version": ruleset.version,
            "reason": note,
            "changes": {"standings": [before, _standing_totals(ruleset)]},
        },
    )
    return ruleset


def _refuse_overlap(ruleset: RuleSet) -> None:
    # Lock the issuing unit: two activations for one unit run one after the other.
    Unit.objects.select_for_update().filter(pk=ruleset.unit_id).first()
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
    ledger.rescore_ruleset(ruleset)
    log(
        ruleset,
        "xinxuan.ruleset.activate",
        user=user,
        data={
            "version": ruleset.version,
            "reason": reason,
            "changes": {
                "status": [was, str(RuleSetStatus.ACTIVE)],
                "standings": [{}, _standing_totals(ruleset)],
            },
        },
    )
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
    ledger.clear_ruleset(ruleset)
    log(
        ruleset,
        "xinxuan.ruleset.retire",
        user=user,
        data={
            "version": ruleset.version,
            "reason": reason,
            "changes": {
                "status": [str(RuleSetStatus.ACTIVE), str(RuleSetStatus.RETIRED)],
                "standings": [before, {}],
            },
        },
    )
    return ruleset
