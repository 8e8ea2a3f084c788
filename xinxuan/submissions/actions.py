"""Every change to items: writing, review, reporting upward, commissions.

Each function checks who may do it, changes the rows, writes its audit entry and
rescoring in the same transaction.  State changes are conditional UPDATEs: when two
people act on the same item at once, exactly one succeeds and the other gets an
``ActionRefused`` that says what happened.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.organisation.access import can_see_unit
from xinxuan.organisation.models import Person, Unit
from xinxuan.submissions.models import (
    APPROVED_STATES,
    Commission,
    Item,
    ItemAuthor,
    ItemKind,
    ItemStatus,
    ItemUnit,
    NoteKind,
    ReviewNote,
    Topic,
)


class ActionRefused(Exception):
    """The action cannot be done now; ``message`` tells the user why (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _require(user, unit_id: int, roles: Iterable[Role], what: str) -> None:
    if user.is_superuser:
        return
    if not (roles_of(user) & set(roles)) or not can_see_unit(user, unit_id):
        raise PermissionDenied(_("You may not %(what)s for this unit.") % {"what": what})


def _transition(
    item: Item, *, user, allowed: Sequence[str], to: str, action: str, **fields
) -> Item:
    now = timezone.now()
    changed = Item.objects.filter(pk=item.pk, status__in=allowed).update(
        status=to, status_since=now, **fields
    )
    if not changed:
        current = Item.objects.get(pk=item.pk)
        raise ActionRefused(
            _(
                "Nothing was changed: this item is now “%(status)s” (since %(since)s), "
                "so it can no longer be handled from the state you saw. "
                "Someone else has probably acted on it first."
            )
            % {
                "status": current.get_status_display(),
                "since": timezone.localtime(current.status_since).strftime("%Y-%m-%d %H:%M"),
            }
        )
    item.refresh_from_db()
    log(item, action, user=user, data={"status": to})
    return item


def _count_chars(item: Item) -> None:
    item.char_count = item.count_chars()


@transaction.atomic
def create_item(
    *,
    user,
    title: str,
    kind: ItemKind,
    unit: Unit,
    body: str = "",
    units: Sequence[tuple[Unit, Decimal]] = (),
    authors: Sequence[tuple[Person, Decimal]] = (),
    topics: Sequence[Topic] = (),
    is_urgent: bool = False,
    deadline: datetime.datetime | None = None,
    commission: Commission | None = None,
    source_key: str = "",
    created_at: datetime.datetime | None = None,
) -> Item:
    """Write a new item as a draft of ``unit`` (the workbench form does the same)."""
    if user is not None:
        _require(user, unit.pk, (Role.OFFICER, Role.HEAD, Role.OFFICE), _("write items"))
    item = Item(
        title=title,
        kind=kind,
        unit=unit,
        body=body,
        is_urgent=is_urgent,
        deadline=deadline,
        commission=commission,
        created_by=user,
        source_key=source_key,
        created_at=created_at or timezone.now(),
        status_since=created_at or timezone.now(),
    )
    _count_chars(item)
    item.save()
    for order, (share_unit, share) in enumerate(units or [(unit, Decimal(1))]):
        ItemUnit.objects.create(item=item, unit=share_unit, share=share, sort_order=order)
    for order, (person, share) in enumerate(authors):
        ItemAuthor.objects.create(item=item, person=person, share=share, sort_order=order)
    if topics:
        item.topics.set(topics)
    item.save_revision(user=user, log_action=False)
    log(item, "wagtail.create", user=user)
    return item


EDITABLE_BY_AUTHORS = (ItemStatus.DRAFT, ItemStatus.RETURNED)


def edit_refusal(user, item: Item) -> str | None:
    """Why the user may not edit the item now, or None if they may.

    Drafts and returned items are edited by their authors, officers and heads; once an
    item has been sent onward only the office (which edits during review) may change it.
    """
    if user.is_superuser or Role.OFFICE in roles_of(user):
        return None
    if item.status in EDITABLE_BY_AUTHORS:
        return None
    return _(
        "This item is “%(status)s” and can no longer be edited here. Once an item has "
        "been submitted, only the office may change it; ask the office to return it to "
        "you if it needs changes."
    ) % {"status": item.get_status_display()}


def may_edit_item(user, item: Item) -> bool:
    return edit_refusal(user, item) is None


def prepare_item_for_save(item: Item, *, user) -> None:
    """What the workbench's create and edit forms set before saving an item."""
    _count_chars(item)
    if item.pk is None:
        item.created_by = user


def ensure_unit_share(item: Item) -> None:
    """An item without listed units counts fully for its own unit."""
    if not item.unit_shares.exists():
        ItemUnit.objects.create(item=item, unit=item.unit, share=Decimal(1))


@transaction.atomic
def submit_item(*, item: Item, user) -> Item:
    """The author sends a draft (or a returned item) to the department head."""
    _require(user, item.unit_id, (Role.OFFICER, Role.HEAD, Role.OFFICE), _("submit items"))
    now = timezone.now()
    item = _transition(
        item,
        user=user,
        allowed=[ItemStatus.DRAFT, ItemStatus.RETURNED],
        to=ItemStatus.SUBMITTED,
        action="xinxuan.item.submit",
        submitted_at=item.submitted_at or now,
    )
    if item.commission_id:
        _delivered(item, user=user)
    return item


@transaction.atomic
def head_approve_item(*, item: Item, user) -> Item:
    """The department head approves the item and passes it to the office."""
    _require(user, item.unit_id, (Role.HEAD,), _("approve items as department head"))
    return _transition(
        item,
        user=user,
        allowed=[ItemStatus.SUBMITTED],
        to=ItemStatus.HEAD_APPROVED,
        action="xinxuan.item.head_approve",
    )


@transaction.atomic
def return_item(*, item: Item, user, reason: str) -> Item:
    """The head or the office sends the item back to its author, saying why."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused(_("Say why the item goes back: the author will read it."))
    roles = roles_of(user)
    allowed: list[str] = []
    if Role.HEAD in roles or user.is_superuser:
        allowed.append(ItemStatus.SUBMITTED)
    if Role.OFFICE in roles or user.is_superuser:
        allowed += [ItemStatus.SUBMITTED, ItemStatus.HEAD_APPROVED]
    _require(user, item.unit_id, (Role.HEAD, Role.OFFICE), _("return items"))
    item = _transition(
        item, user=user, allowed=allowed, to=ItemStatus.RETURNED, action="xinxuan.item.return"
    )
    ReviewNote.objects.create(item=item, kind=NoteKind.RETURN, text=reason, author=user)
    return item


@transaction.atomic
def approve_item(*, item: Item, user) -> Item:
    """The office approves the item (审定): it may now be reported or go to the portal."""
    _require(user, item.unit_id, (Role.OFFICE,), _("approve items for the office"))
    return _transition(
        item,
        user=user,
        allowed=[ItemStatus.HEAD_APPROVED],
        to=ItemStatus.APPROVED,
        action="xinxuan.item.approve",
        approved_at=timezone.now(),
    )


@transaction.atomic
def comment_item(*, item: Item, user, text: str) -> ReviewNote:
    """A reviewer's comment on an item, kept with it."""
    if not text.strip():
        raise ActionRefused(_("The comment is empty."))
    _require(user, item.unit_id, (Role.OFFICER, Role.HEAD, Role.OFFICE), _("comment on items"))
    note = ReviewNote.objects.create(item=item, kind=NoteKind.COMMENT, text=text, author=user)
    log(item, "xinxuan.item.comment", user=user, data={"text": text[:200]})
    return note


@transaction.atomic
def report_upward(
    *,
    item: Item,
    user,
    superior_body,
    route,
    date: datetime.date,
    note: str = "",
    source: str = "workbench",
    import_key: str = "",
):
    """Record that the office reported an approved item to a superior body (上报)."""
    from xinxuan.outcomes.actions import record_outcome

    _require(user, item.unit_id, (Role.OFFICE,), _("report items upward"))
    item = Item.objects.select_for_update(no_key=True).get(pk=item.pk)
    if item.status not in APPROVED_STATES:
        raise ActionRefused(
            _("Only an item the office has approved can be reported; this one is “%(s)s”.")
            % {"s": item.get_status_display()}
        )
    outcome = record_outcome(
        kind="report",
        item=item,
        user=user,
        date=date,
        superior_body=superior_body,
        route=route,
        reason=note,
        source=source,
        import_key=import_key,
    )
    if item.status != ItemStatus.REPORTED:
        Item.objects.filter(pk=item.pk).update(
            status=ItemStatus.REPORTED, status_since=timezone.now()
        )
        item.refresh_from_db()
        log(item, "xinxuan.item.report", user=user, data={"to": str(superior_body)})
    return outcome


# ------------------------------------------------------------------ commissions


@transaction.atomic
def commission_item(
    *,
    user,
    unit: Unit,
    title: str,
    deadline: datetime.date,
    brief: str = "",
    topic: Topic | None = None,
) -> Commission:
    """The office commissions a piece (约稿) from a unit, due by ``deadline``."""
    _require(user, unit.pk, (Role.OFFICE,), _("commission items"))
    commission = Commission.objects.create(
        unit=unit, title=title, deadline=deadline, brief=brief, topic=topic, created_by=user
    )
    log(commission, "xinxuan.commission.create", user=user, data={"deadline": str(deadline)})
    return commission


def _delivered(item: Item, *, user) -> None:
    """A commissioned item came in: a missed-commission event made earlier no longer
    stands (the engine scores the late delivery instead); rescore both."""
    from xinxuan.outcomes.models import Outcome, OutcomeKind
    from xinxuan.scoring import ledger

    missed = Outcome.objects.active().filter(
        kind=OutcomeKind.COMMISSION_MISSED, commission_id=item.commission_id
    )
    for outcome in missed.select_for_update():
        Outcome.objects.filter(pk=outcome.pk).update(
            revoked_at=timezone.now(),
            revoked_by=user,
            revoke_reason=_("The commissioned item was delivered after the deadline."),
        )
        outcome.refresh_from_db()
        log(outcome, "xinxuan.outcome.revoke", user=user, data={"automatic": True})
        if ledger.live_scoring():
            ledger.rescore_outcome(outcome)
    if ledger.live_scoring():
        ledger.rescore_item(item.pk)


@transaction.atomic
def record_missed_commissions(*, today: datetime.date, bureau_ids: set[int] | None = None) -> list:
    """Turn every commission past its deadline with nothing delivered into a missed
    event (约稿未完成), once; returns the outcomes recorded now.  Runs daily
    (``manage.py record_missed_commissions``) and when the standings are looked at."""
    from xinxuan.outcomes.actions import record_outcome
    from xinxuan.outcomes.models import OutcomeKind

    overdue = Commission.objects.filter(deadline__lt=today, cancelled=False).exclude(
        items__submitted_at__isnull=False
    )
    overdue = overdue.exclude(outcomes__kind=OutcomeKind.COMMISSION_MISSED)
    if bureau_ids is not None:
        overdue = overdue.filter(unit_id__in=bureau_ids)
    recorded = []
    for commission in overdue.select_related("unit").order_by("deadline", "pk"):
        if bureau_ids is not None and commission.unit_id not in bureau_ids:
            continue
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
                    source="automatic",
                )
        except (ActionRefused, IntegrityError):
            continue  # recorded meanwhile by another request
        recorded.append(outcome)
    return recorded
