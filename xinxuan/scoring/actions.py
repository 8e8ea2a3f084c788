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

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.organisation.access import can_see_unit
from xinxuan.organisation.models import Unit
from xinxuan.scoring import engine, tasks
from xinxuan.scoring.models import RuleSet, RuleSetStatus, RuleSetVersion
from xinxuan.submissions.actions import ActionRefused


class InvalidRuleSet(ActionRefused):
    """The text does not load; ``problems`` point at the offending lines."""

    def __init__(self, problems: list[engine.Problem]) -> None:
        super().__init__(_("The rule set has errors; nothing was saved."))
        self.problems = problems


def _check(user, unit: Unit) -> None:
    if user is None or user.is_superuser:
        return
    if Role.OFFICE not in roles_of(user) or not can_see_unit(user, unit):
        raise PermissionDenied(_("Only the office may manage this unit's rule sets."))


def validate(text: str) -> engine.RuleSet:
    """The compiled rule set, or ``InvalidRuleSet`` listing every problem with its line."""
    try:
        return engine.load_ruleset(text, source="rules.toml")
    except engine.RuleSetError as error:
        raise InvalidRuleSet(error.problems) from None


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
    log(ruleset, "xinxuan.ruleset.save", user=user, data={"version": ruleset.version})
    if ruleset.status == RuleSetStatus.ACTIVE:
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
def activate_ruleset(*, ruleset: RuleSet, user) -> RuleSet:
    """Put a draft in force (the office's decision) and score its period under it."""
    _check(user, ruleset.unit)
    ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if ruleset.status == RuleSetStatus.ACTIVE:
        raise ActionRefused(_("This rule set is already in force."))
    _refuse_overlap(ruleset)
    validate(ruleset.text)
    ruleset.status = RuleSetStatus.ACTIVE
    ruleset.activated_at = timezone.now()
    ruleset.save(update_fields=["status", "activated_at"])
    log(ruleset, "xinxuan.ruleset.activate", user=user, data={"version": ruleset.version})
    tasks.schedule_rescoring(ruleset=ruleset, user=user)
    return ruleset


@transaction.atomic
def retire_ruleset(*, ruleset: RuleSet, user) -> RuleSet:
    """Take a rule set out of force; the lines it produced go with it."""
    _check(user, ruleset.unit)
    ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if ruleset.status != RuleSetStatus.ACTIVE:
        raise ActionRefused(_("Only a rule set in force can be retired."))
    ruleset.status = RuleSetStatus.RETIRED
    ruleset.save(update_fields=["status"])
    tasks.schedule_rescoring(ruleset=ruleset, user=user)
    log(ruleset, "xinxuan.ruleset.retire", user=user)
    return ruleset
