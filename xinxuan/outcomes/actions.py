"""Recording and revoking outcomes.  Each call rescores exactly what it affects.

Two clerks recording the same adoption at the same moment: the item row is locked
for the duration, and a partial unique index on the outcome's fingerprint refuses
the second live copy, so one succeeds and the other is told who was first.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.lib.exceptions import ActionRefused, DuplicateOutcome
from xinxuan.organisation import access
from xinxuan.organisation.models import Person, Unit
from xinxuan.outcomes.models import (
    ITEM_KINDS,
    Carrier,
    Level,
    Outcome,
    OutcomeKind,
    Source,
)
from xinxuan.scoring import ledger
from xinxuan.scoring.vocabulary import range_text
from xinxuan.submissions import actions as item_actions
from xinxuan.submissions.models import APPROVED_STATES, Commission, Item, ItemStatus

# 报送 reaches the office before it approves; 上报 is recorded while the item is reported.
NOT_YET_APPROVED = (OutcomeKind.SUBMISSION, OutcomeKind.REPORT)


def fingerprint(kind: str, *, item: Item | None, **parts) -> str:
    """What makes two live outcomes "the same one"; empty when repeats are legitimate."""
    pk = item.pk if item is not None else ""

    def key(name: str) -> str:
        value = parts.get(name)
        return str(getattr(value, "pk", value) or "")

    if kind == OutcomeKind.REPORT:
        return f"report:{pk}:{key('superior_body')}:{key('date')}"
    if kind == OutcomeKind.SUBMISSION:
        return f"submission:{pk}:{key('date')}"
    if kind == OutcomeKind.ADOPTION:
        return f"adoption:{pk}:{key('carrier')}:{key('issue') or key('date')}"
    if kind == OutcomeKind.PUBLICATION:
        return f"publication:{pk}:{key('carrier')}:{key('date')}"
    if kind == OutcomeKind.ENDORSEMENT:
        return f"endorsement:{pk}:{key('leader')}:{key('date')}"
    if kind == OutcomeKind.PRIZE:
        return f"prize:{pk}:{key('rule')}:{key('date')}"
    return ""


def check_office(user, unit_id: int) -> None:
    """The office records and revokes outcomes of the units it assesses; a bureau is
    assessed by its superior, never by itself (``access.require(assessing=True)``)."""
    access.require(
        user,
        unit_id,
        roles=(Role.OFFICE,),
        denied=_("Only the office may record outcomes for this unit."),
        assessing=True,
    )


def describe(outcome: Outcome) -> dict[str, str]:
    """Which outcome, as the audit names it: kind, carrier (or clause), date, item."""
    return {
        "outcome": str(outcome.pk),
        "kind": outcome.kind,
        "kind_label": str(outcome.get_kind_display()),
        "carrier": str(outcome.carrier) if outcome.carrier_id else "",
        "rule": outcome.rule,
        "date": str(outcome.date),
        "item": outcome.item.title if outcome.item_id else "",
        "unit": outcome.unit.label,
    }


def _duplicate_message(fp: str) -> str:
    other = Outcome.objects.active().filter(fingerprint=fp).select_related("recorded_by").first()
    if other is None:
        return _("The same outcome is already in the ledger.")
    who = other.recorded_by.get_username() if other.recorded_by else _("an import")
    return _(
        "Not recorded: the same %(kind)s is already in the ledger, recorded by %(who)s "
        "at %(when)s. Nothing was counted twice."
    ) % {
        "kind": other.get_kind_display(),
        "who": who,
        "when": timezone.localtime(other.recorded_at).strftime("%Y-%m-%d %H:%M:%S"),
    }


class _Duplicate(Exception):
    """The outcome's row broke a unique constraint: another live copy is in the ledger.

    Raised out of the transaction, which the database has already aborted; the refusal
    that names the other copy is read after it is rolled back."""

    def __init__(self, *, fingerprint: str, import_key: str) -> None:
        super().__init__(fingerprint)
        self.fingerprint, self.import_key = fingerprint, import_key

    def refusal(self) -> DuplicateOutcome:
        if self.import_key and Outcome.objects.filter(import_key=self.import_key).exists():
            return DuplicateOutcome(_("This row was imported before."))
        return DuplicateOutcome(_duplicate_message(self.fingerprint))


def _atomic_refusing_duplicates(action):
    """``transaction.atomic`` for ``record_outcome``, a duplicate refused once the
    transaction (or the caller's savepoint) is rolled back: no savepoint of its own
    around the insert, two round trips less on every recorded outcome."""

    @functools.wraps(action)
    def atomic_action(**kwargs):
        try:
            with transaction.atomic():
                return action(**kwargs)
        except _Duplicate as duplicate:
            raise duplicate.refusal() from None

    return atomic_action


@_atomic_refusing_duplicates
def record_outcome(
    *,
    kind: str,
    user,
    date: datetime.date,
    item: Item | None = None,
    unit: Unit | None = None,
    person: Person | None = None,
    source: str = Source.WORKBENCH,
    import_key: str = "",
    automatic: bool = False,
    **fields,
) -> Outcome:
    """Put one outcome in the ledger and rescore what it affects.

    ``fields`` are Outcome fields (carrier, grade, use, leader, level, rule, points …).

    ``automatic``: the system records the outcome on behalf of ``user`` as one step of
    another action that has checked the user's right to take it (a head's approval
    records the item's 报送): the office check is not asked, the source is
    ``automatic`` and the audit entry says so.
    """
    if kind in ITEM_KINDS and item is None:
        raise ActionRefused(_("This kind of outcome belongs to an item."))
    if item is not None:
        item = (
            Item.objects.select_for_update(no_key=True, of=("self",))
            .select_related("unit")
            .get(pk=item.pk)
        )
        unit = item.unit
        if kind == OutcomeKind.SUBMISSION and item.status == ItemStatus.DRAFT:
            raise ActionRefused(_("A draft has not been submitted to the office yet."))
        if kind not in NOT_YET_APPROVED and item.status not in APPROVED_STATES:
            raise ActionRefused(
                _("Outcomes are recorded for approved items; this one is “%(s)s”.")
                % {"s": item.get_status_display()}
            )
    if unit is None:
        raise ActionRefused(_("Say which unit the outcome concerns."))
    if automatic:
        source = Source.AUTOMATIC
    else:
        check_office(user, unit.pk)
    low, high, points = fields.get("range_min"), fields.get("range_max"), fields.get("points")
    if (low is not None or high is not None) and (
        points is None or (low is not None and points < low) or (high is not None and points > high)
    ):
        raise ActionRefused(
            _("The chosen points must lie in the range %(range)s.")
            % {"range": range_text(low, high)}
        )
    if kind in (OutcomeKind.DEDUCTION, OutcomeKind.MANUAL_ADJUSTMENT) and not fields.get(
        "reason", ""
    ):
        raise ActionRefused(_("A deduction or adjustment needs a reason."))
    carrier: Carrier | None = fields.get("carrier")
    grades = carrier.grade_list() if carrier is not None else []
    if grades and fields.get("grade") and fields["grade"] not in grades:
        raise ActionRefused(
            _("%(carrier)s has no grade “%(grade)s”; its grades are: %(grades)s.")
            % {
                "carrier": carrier,
                "grade": fields["grade"],
                "grades": "、".join(carrier.grade_list()),
            }
        )
    fp = fingerprint(kind, item=item, date=date, **fields)
    outcome = Outcome(
        kind=kind,
        item=item,
        unit=unit,
        person=person,
        date=date,
        source=source,
        import_key=import_key,
        fingerprint=fp,
        recorded_by=user,
        **fields,
    )
    try:
        outcome.save()
    except IntegrityError:
        raise _Duplicate(fingerprint=fp, import_key=import_key) from None
    try:
        ledger.after_change(outcome)
    except ledger.LedgerError as error:
        raise ActionRefused(error.message) from None
    log(
        outcome,
        "xinxuan.outcome.record",
        user=user,
        data={
            **describe(outcome),
            "reason": fields.get("reason", ""),
            "points": _points(outcome),
            "source": source,
            "automatic": automatic,
        },
    )
    return outcome


def _points(outcome: Outcome) -> str | None:
    """The outcome's points now (its unit credit under every rule set), for the audit;
    None inside an import, which rescores everything once at its end."""
    if ledger.deferring() or not ledger.live_scoring():
        return None
    return str(ledger.outcome_points(outcome))


def record_submission(
    *,
    item: Item,
    user,
    date: datetime.date,
    due: datetime.date | None = None,
    note: str = "",
    automatic: bool = False,
) -> Outcome:
    """The item was submitted to the own office (报送) on ``date``; with ``due``, the day
    it was due, the rule set's lateness deduction follows from the two dates.

    ``automatic``: recorded by the system when the item reached the office, on behalf of
    the head who approved it (``record_arrival``)."""
    return record_outcome(
        kind=OutcomeKind.SUBMISSION,
        item=item,
        user=user,
        date=date,
        due=due,
        reason=note,
        automatic=automatic,
    )


def record_arrival(*, item: Item, user) -> Outcome | None:
    """The item has just reached the office (its department head approved it): in a
    bureau whose office has switched on automatic 报送 (``Unit.auto_submission``),
    record its 报送 dated today, due by its commission's deadline if it answers one, on
    behalf of ``user``.  Once per item: nothing is recorded when a 报送 of the item is
    already in the ledger and not revoked (an item returned and approved again does
    not earn twice).  Returns the outcome recorded, or None.

    Called by ``head_approve_item`` inside its transaction, which has already checked
    that ``user`` may approve the item; a 报送 the rule set in force cannot score
    refuses the approval with the reason, as any change it cannot score is refused.
    """
    bureau = item.unit.bureau()
    if bureau is None or not bureau.auto_submission:
        return None
    if Outcome.objects.active().filter(item=item, kind=OutcomeKind.SUBMISSION).exists():
        return None
    commission = item.commission
    due = commission.deadline if commission is not None and not commission.cancelled else None
    return record_submission(
        item=item,
        user=user,
        date=timezone.localdate(),
        due=due,
        note=_("Recorded automatically: the department head approved the item for the office."),
        automatic=True,
    )


def record_adoption(
    *,
    item: Item,
    user,
    carrier: Carrier,
    date: datetime.date,
    grade: str = "",
    use: str = "sole",
    placement: str = "",
    issue: str = "",
    evidence=None,
    link: str = "",
    points: Decimal | None = None,
    range_min: Decimal | None = None,
    range_max: Decimal | None = None,
) -> Outcome:
    """A superior body adopted the item into one of its publications (采用); for a
    carrier whose value the assessor chooses, ``points`` inside its range."""
    return record_outcome(
        kind=OutcomeKind.ADOPTION,
        item=item,
        user=user,
        date=date,
        carrier=carrier,
        grade=grade,
        use=use,
        placement=placement,
        issue=issue,
        evidence=evidence or "",
        link=link,
        points=points,
        range_min=range_min,
        range_max=range_max,
    )


def record_endorsement(
    *,
    item: Item,
    user,
    leader: str,
    level: Level | None,
    date: datetime.date,
    rank: str = "other",
    carrier: Carrier | None = None,
    text: str = "",
) -> Outcome:
    """A leader endorsed the item (领导批示)."""
    if not leader.strip():
        raise ActionRefused(_("Name the leader who endorsed the item."))
    return record_outcome(
        kind=OutcomeKind.ENDORSEMENT,
        item=item,
        user=user,
        date=date,
        leader=leader.strip(),
        level=level,
        leader_rank=rank,
        carrier=carrier,
        text=text,
    )


def record_publication(
    *,
    item: Item,
    user,
    carrier: Carrier,
    date: datetime.date,
    placement: str = "",
    link: str = "",
    points: Decimal | None = None,
    range_min: Decimal | None = None,
    range_max: Decimal | None = None,
) -> Outcome:
    """A media outlet published the article (媒体发表); ``points`` as for an adoption."""
    return record_outcome(
        kind=OutcomeKind.PUBLICATION,
        item=item,
        user=user,
        date=date,
        carrier=carrier,
        placement=placement,
        link=link,
        points=points,
        range_min=range_min,
        range_max=range_max,
    )


def record_prize(
    *, item: Item, user, rule: str, date: datetime.date, grade: str = "", reason: str = ""
) -> Outcome:
    """The item won a prize named in the rule set (好新闻奖 …)."""
    return record_outcome(
        kind=OutcomeKind.PRIZE,
        item=item,
        user=user,
        date=date,
        rule=rule,
        grade=grade,
        reason=reason,
    )


def record_deduction(
    *,
    unit: Unit,
    user,
    rule: str,
    date: datetime.date,
    reason: str,
    points: Decimal | None = None,
    range_min: Decimal | None = None,
    range_max: Decimal | None = None,
    person: Person | None = None,
) -> Outcome:
    """A deduction the regulation names (迟报, 漏报 …), for a unit; a ranged clause
    (瞒报 −200…−100) carries the assessor's chosen ``points`` and the range."""
    return record_outcome(
        kind=OutcomeKind.DEDUCTION,
        unit=unit,
        person=person,
        user=user,
        date=date,
        rule=rule,
        reason=reason.strip(),
        points=points,
        range_min=range_min,
        range_max=range_max,
    )


def record_adjustment(
    *,
    unit: Unit,
    user,
    rule: str,
    points: Decimal,
    range_min: Decimal,
    range_max: Decimal,
    date: datetime.date,
    reason: str,
) -> Outcome:
    """Assessor-chosen points inside the range the regulation allows, with the reason."""
    return record_outcome(
        kind=OutcomeKind.MANUAL_ADJUSTMENT,
        unit=unit,
        user=user,
        date=date,
        rule=rule,
        points=points,
        range_min=range_min,
        range_max=range_max,
        reason=reason.strip(),
    )


@transaction.atomic
def revoke_outcome(*, outcome: Outcome, user, reason: str) -> Outcome:
    """Take an outcome out of the count, keeping it in the ledger with the reason.

    The one way an outcome leaves the count: outcomes are never deleted.
    """
    reason = reason.strip()
    if not reason:
        raise ActionRefused(_("Say why the outcome is revoked."))
    check_office(user, outcome.unit_id)
    return _revoke(outcome, user=user, reason=reason)


def _revoke(outcome: Outcome, *, user, reason: str, automatic: bool = False) -> Outcome:
    if outcome.item_id:
        Item.objects.select_for_update(no_key=True).filter(pk=outcome.item_id).first()
    before = _points(outcome)
    changed = Outcome.objects.filter(pk=outcome.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user, revoke_reason=reason
    )
    if not changed:
        current = Outcome.objects.select_related("revoked_by").get(pk=outcome.pk)
        who = current.revoked_by.get_username() if current.revoked_by else "—"
        raise ActionRefused(
            _("Already revoked by %(who)s at %(when)s: %(reason)s")
            % {
                "who": who,
                "when": timezone.localtime(current.revoked_at).strftime("%Y-%m-%d %H:%M:%S"),
                "reason": current.revoke_reason,
            }
        )
    # with what the audit entry names (``describe``), in the same query
    outcome.refresh_from_db(from_queryset=Outcome.objects.select_related("carrier", "item", "unit"))
    ledger.after_change(outcome)
    log(
        outcome,
        "xinxuan.outcome.revoke",
        user=user,
        data={
            **describe(outcome),
            "reason": reason,
            "automatic": automatic,
            # a revoked event scores nothing (the engine passes it over): no need to
            # ask its lines again
            "changes": {"revoked": [False, True], "points": [before, before and "0"]},
        },
    )
    return outcome


@transaction.atomic
def edit_carrier(*, user, carrier: Carrier) -> Carrier:
    """Save the changes made to a carrier in memory.  Its code is what the rule sets
    score by, so a new code rescores every outcome in that carrier, and one the rule
    set in force does not know is refused with the reason, nothing saved."""
    if user is not None and not (user.is_superuser or Role.OFFICE in roles_of(user)):
        raise PermissionDenied(_("Only the office may change carriers."))
    current = Carrier.objects.select_for_update().get(pk=carrier.pk)
    carrier.save()
    changes = {
        name: [str(getattr(current, name)), str(getattr(carrier, name))]
        for name in ("name", "code", "kind", "level_id", "carrier_class", "grades", "is_active")
        if getattr(current, name) != getattr(carrier, name)
    }
    if "code" in changes:
        try:
            ledger.rescore_outcomes(
                Outcome.objects.filter(carrier=carrier).values_list("pk", flat=True)
            )
        except ledger.LedgerError as error:
            raise ActionRefused(
                _("Not saved: %(reason)s Nothing was changed.") % {"reason": error.message}
            ) from None
    log(carrier, "wagtail.edit", user=user, data={"changes": changes})
    return carrier


@transaction.atomic
def withdraw_missed_commission(*, commission_id: int, user) -> list[Outcome]:
    """A commissioned item was delivered: the missed event recorded for it no longer
    stands (the engine scores the late delivery instead).  Revoked through the same
    audited path as any revocation, on behalf of whoever delivered the item."""
    missed = Outcome.objects.active().filter(
        kind=OutcomeKind.COMMISSION_MISSED, commission_id=commission_id
    )
    return [
        _revoke(
            outcome,
            user=user,
            reason=_("The commissioned item was delivered after the deadline."),
            automatic=True,
        )
        for outcome in missed.select_for_update()
    ]


@transaction.atomic
def report_upward(
    *,
    item: Item,
    user,
    superior_body,
    route,
    date: datetime.date,
    note: str = "",
    due: datetime.date | None = None,
    source: str = Source.WORKBENCH,
    import_key: str = "",
) -> Outcome:
    """Record that the office reported an approved item to a superior body (上报); with
    ``due``, the day the report was due (the rule set's ``late`` deduction follows)."""
    access.require(
        user,
        item.unit_id,
        roles=(Role.OFFICE,),
        denied=_("You may not report items upward for this unit."),
    )
    item = Item.objects.select_for_update(no_key=True).get(pk=item.pk)
    if item.status not in APPROVED_STATES:
        raise ActionRefused(
            _("Only an item the office has approved can be reported; this one is “%(s)s”.")
            % {"s": item.get_status_display()}
        )
    outcome = record_outcome(
        kind=OutcomeKind.REPORT,
        item=item,
        user=user,
        date=date,
        superior_body=superior_body,
        route=route,
        reason=note,
        due=due,
        source=source,
        import_key=import_key,
    )
    item_actions.mark_reported(item=item, user=user, to=str(superior_body))
    return outcome


@transaction.atomic
def record_missed_commissions(*, today: datetime.date, bureau_ids: set[int] | None = None) -> list:
    """Turn every commission past its deadline with nothing delivered into a missed
    event (约稿未完成), once; returns the outcomes recorded now.  Runs daily from
    ``manage.py record_missed_commissions`` — never when a page is read."""
    overdue = Commission.objects.filter(deadline__lt=today, cancelled=False).exclude(
        items__submitted_at__isnull=False
    )
    overdue = overdue.exclude(outcomes__kind=OutcomeKind.COMMISSION_MISSED)
    if bureau_ids is not None:
        overdue = overdue.filter(unit_id__in=bureau_ids)
    recorded = []
    for commission in overdue.select_related("unit").order_by("deadline", "pk"):
        try:
            with transaction.atomic():
                outcome = record_outcome(
                    kind=OutcomeKind.COMMISSION_MISSED,
                    unit=commission.unit,
                    commission=commission,
                    user=None,
                    date=commission.deadline,
                    reason=_("Nothing was delivered by the deadline %(d)s.")
                    % {"d": commission.deadline},
                    source=Source.AUTOMATIC,
                )
        except (ActionRefused, IntegrityError):
            continue  # recorded meanwhile by another run
        recorded.append(outcome)
    return recorded
