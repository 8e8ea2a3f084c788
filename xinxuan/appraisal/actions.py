"""The office's year-end decisions: propose, adjust, confirm; the plaque; eliminations.

Each function is keyword-only, runs in one transaction and writes its audit entry
(``wagtail.log_actions``) in that transaction.  Views, the demo and tests call them.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.lib.signals import public_news_changed
from xinxuan.organisation.access import can_see_unit, in_own_bureau
from xinxuan.organisation.models import Person, TeamMembership, Unit
from xinxuan.scoring.models import RuleSet, RuleSetStatus

from . import proposal as proposals
from .models import Appraisal, AppraisalStatus, Award, Elimination, PlaqueAward, Recipient


def require_office(user, unit: Unit) -> None:
    """Only the office of the rule set's issuing unit (or a superuser, or the demo
    loader with no user) decides its appraisal."""
    if user is None or user.is_superuser:
        return
    # a superior office sees the bureau's standings but does not decide its prizes
    if (
        Role.OFFICE not in roles_of(user)
        or not can_see_unit(user, unit)
        or not in_own_bureau(user, unit)
    ):
        raise PermissionDenied(_("Only the office of the issuing unit decides its appraisal."))


def _refuse_missing(ruleset: RuleSet, part: str | None = None) -> None:
    try:
        proposals.require_section(ruleset, part)
    except proposals.NoAppraisalRules as missing:
        raise ActionRefused(missing.message) from None


@transaction.atomic
def propose_appraisal(*, ruleset: RuleSet, user) -> Appraisal:
    """Propose (or propose again) the prizes of a rule set's period from its standings.

    A confirmed appraisal is not proposed again.
    """
    require_office(user, ruleset.unit)
    _refuse_missing(ruleset)
    if ruleset.status == RuleSetStatus.DRAFT:
        raise ActionRefused(_("A draft rule set is not appraised; put it in force first."))
    RuleSet.objects.select_for_update().filter(pk=ruleset.pk).first()
    appraisal = Appraisal.objects.filter(ruleset=ruleset).first()
    if appraisal is not None and appraisal.is_confirmed:
        raise ActionRefused(_("This appraisal is confirmed; it is not proposed again."))
    if appraisal is None:
        appraisal = Appraisal.objects.create(ruleset=ruleset, proposed_by=user)
    else:
        appraisal.awards.all().delete()
        appraisal.proposed_by = user
        appraisal.proposed_at = timezone.now()
        appraisal.save(update_fields=["proposed_by", "proposed_at"])
    found = proposals.propose(ruleset)
    Award.objects.bulk_create(
        Award(
            appraisal=appraisal,
            track=p.track,
            recipient=p.recipient,
            tier=p.tier,
            tier_label=p.tier_label,
            tier_order=p.tier_order,
            place=p.place,
            unit=p.unit,
            person=p.person,
            item=p.item,
            points=p.points,
            completion=p.completion,
            tied=p.tied,
        )
        for p in found.awards
    )
    log(
        appraisal,
        "xinxuan.appraisal.propose",
        user=user,
        data={"awards": len(found.awards), "ties": len(found.ties)},
    )
    return appraisal


@transaction.atomic
def adjust_award(
    *,
    award: Award,
    user,
    reason: str,
    tier: str | None = None,
    withdraw: bool = False,
    unit: Unit | None = None,
    person: Person | None = None,
) -> Award:
    """Move an award to another prize, to another recipient, or withdraw it — always
    with the reason the office gives, which the certificate list and the audit keep."""
    award = Award.objects.select_for_update().select_related("appraisal__ruleset").get(pk=award.pk)
    appraisal = award.appraisal
    require_office(user, appraisal.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for the adjustment."))
    if appraisal.is_confirmed:
        raise ActionRefused(_("This appraisal is confirmed; its awards no longer change."))
    before = {"tier": award.tier, "unit": award.unit_id, "person": award.person_id}
    if tier is not None and tier != award.tier:
        labels = dict(proposals.tier_choices(appraisal.ruleset, award.recipient))
        if tier not in labels:
            raise ActionRefused(_("The rule set has no such prize."))
        award.tier = tier
        award.tier_label = labels[tier]
        award.tier_order = list(labels).index(tier)
    if person is not None and award.recipient == Recipient.INDIVIDUAL:
        award.person = person
        award.unit = person.unit
    elif unit is not None and award.recipient == Recipient.COLLECTIVE:
        award.unit = unit
    if (unit is not None or person is not None) and award.unit_id not in (
        appraisal.unit.descendant_ids()
    ):
        raise ActionRefused(_("The recipient is not assessed under this rule set."))
    award.withdrawn = withdraw
    award.tied = False
    award.adjusted_reason = reason
    award.save()
    log(
        appraisal,
        "xinxuan.appraisal.adjust",
        user=user,
        data={
            "award": award.pk,
            "before": before,
            "after": {"tier": award.tier, "unit": award.unit_id, "person": award.person_id},
            "withdrawn": withdraw,
            "reason": reason,
        },
    )
    return award


@transaction.atomic
def confirm_appraisal(*, appraisal: Appraisal, user) -> Appraisal:
    """The office's final word: the awards are fixed and may be printed."""
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    require_office(user, appraisal.unit)
    if appraisal.is_confirmed:
        raise ActionRefused(_("This appraisal is already confirmed."))
    open_ties = appraisal.awards.filter(tied=True, withdrawn=False)
    if open_ties.exists():
        raise ActionRefused(
            _(
                "Some awards are tied at a prize boundary: decide each one (keep it with a "
                "reason, move or withdraw it) before confirming."
            )
        )
    appraisal.status = AppraisalStatus.CONFIRMED
    appraisal.confirmed_by = user
    appraisal.confirmed_at = timezone.now()
    appraisal.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    log(
        appraisal,
        "xinxuan.appraisal.confirm",
        user=user,
        data={"awards": appraisal.awards.filter(withdrawn=False).count()},
    )
    return appraisal


@transaction.atomic
def award_plaque(*, ruleset: RuleSet, user, day: datetime.date) -> PlaqueAward | None:
    """Hand the rotating plaque on for the year after the rule set's period, as the
    rule set decides: the previous holder's period ends on ``day``.  Returns the new
    holding, or None when the plaque is withdrawn."""
    bureau = ruleset.unit
    require_office(user, bureau)
    _refuse_missing(ruleset, "plaque")
    Unit.objects.select_for_update().filter(pk=bureau.pk).first()
    year = ruleset.effective_to.year + 1
    if PlaqueAward.objects.filter(bureau=bureau, year=year).exists():
        raise ActionRefused(_("The %(year)s plaque has already been awarded.") % {"year": year})
    current = proposals.current_plaque(bureau)
    if current is not None and day < current.awarded_on:
        raise ActionRefused(_("The plaque cannot be handed on before it was awarded."))
    decision = proposals.propose_plaque(ruleset, current.holder if current else None)
    if current is not None:
        current.ended_on = day
        current.save(update_fields=["ended_on"])
    holding = None
    if decision.holder is not None:
        holding = PlaqueAward.objects.create(
            bureau=bureau,
            holder=decision.holder,
            year=year,
            ruleset=ruleset,
            label=decision.label,
            awarded_on=day,
            reason=decision.reason,
            awarded_by=user,
        )
    log(
        holding or ruleset,
        "xinxuan.plaque.award",
        user=user,
        data={
            "year": year,
            "holder": decision.holder.pk if decision.holder else None,
            "previous": current.holder_id if current else None,
            "reason": decision.reason,
        },
    )
    # the portal's home page names the holder: its cached copies go once this commits
    transaction.on_commit(lambda: public_news_changed.send(sender=PlaqueAward))
    return holding


@transaction.atomic
def confirm_elimination(
    *, membership: TeamMembership, ruleset: RuleSet, user, reason: str, day: datetime.date
) -> Elimination:
    """End a team membership by last-place elimination, with the reason; the vacancy
    stays listed until someone of the unit joins the team."""
    membership = (
        TeamMembership.objects.select_for_update().select_related("team").get(pk=membership.pk)
    )
    require_office(user, membership.team.bureau)
    _refuse_missing(ruleset, "elimination")
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for the elimination."))
    if membership.team.bureau_id != ruleset.unit_id:
        raise ActionRefused(_("This team is not assessed under this rule set."))
    if membership.left is not None:
        raise ActionRefused(_("This membership has already ended."))
    if day < membership.joined:
        raise ActionRefused(_("The membership cannot end before it began."))
    row = next(
        (
            row
            for _team, rows in proposals.team_assessment(ruleset)
            for row in rows
            if row.membership.pk == membership.pk
        ),
        None,
    )
    if row is None or not row.proposed:
        raise ActionRefused(_("This member is not on the rule set's elimination list."))
    points = row.points
    membership.left = day
    membership.leave_reason = reason[:200]
    membership.save(update_fields=["left", "leave_reason"])
    elimination = Elimination.objects.create(
        membership=membership, ruleset=ruleset, points=points, reason=reason, confirmed_by=user
    )
    log(
        membership,
        "xinxuan.team.eliminate",
        user=user,
        data={"ruleset": ruleset.pk, "points": str(points), "reason": reason},
    )
    return elimination
