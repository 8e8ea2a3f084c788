"""Every change to items: writing, review, reporting upward, commissions.

Each function checks who may do it, changes the rows, writes its audit entry and
rescoring in the same transaction.  State changes are conditional UPDATEs: when two
people act on the same item at once, exactly one succeeds and the other gets an
``ActionRefused`` that says what happened.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation import access
from xinxuan.organisation.models import Person, Unit, UnitKind
from xinxuan.scoring import ledger
from xinxuan.submissions.models import (
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

WRITERS = (Role.OFFICER, Role.HEAD, Role.OFFICE)


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


def _facts(item_id: int) -> dict[str, str]:
    """What the item says now, as the audit shows it: every field a change is
    recorded for (old → new), the scored ones among them."""
    item = Item.objects.select_related("kind", "unit", "commission").get(pk=item_id)
    units = item.unit_shares.select_related("unit").order_by("sort_order", "pk")
    authors = item.author_shares.select_related("person").order_by("sort_order", "pk")
    return {
        "title": item.title,
        "kind": f"{item.kind.name} ({item.kind.code})",
        "unit": item.unit.label,
        "char_count": str(item.char_count),
        "units": "、".join(f"{s.unit.label} {s.share.normalize()}" for s in units),
        "authors": "、".join(f"{a.person.name} {a.share.normalize()}" for a in authors),
        "topics": "、".join(sorted(t.code for t in item.topics.all())),
        "commission": str(item.commission_id or ""),
        "is_urgent": str(item.is_urgent),
        "deadline": str(item.deadline or ""),
    }


# What the rule sets read of an item: a change to any of these rescores it.
SCORED_FACTS = ("kind", "unit", "char_count", "units", "authors", "topics", "commission")


def _changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {k: [before[k], after[k]] for k in before if before[k] != after[k]}


def _rescore(item: Item) -> None:
    """Rescore the item in the caller's transaction; a change the rule set in force
    cannot score is refused with its reason (the transaction rolls back)."""
    if not ledger.live_scoring():
        return
    try:
        ledger.rescore_item(item.pk)
    except ledger.LedgerError as error:
        raise ActionRefused(
            _("Not saved: %(reason)s Nothing was changed.") % {"reason": error.message}
        ) from None


def _ensure_unit_share(item: Item) -> None:
    """An item without listed units counts fully for its own unit."""
    if not item.unit_shares.exists():
        ItemUnit.objects.create(item=item, unit=item.unit, share=Decimal(1))


def _require_writer(user, item: Item) -> None:
    """The writer may credit only units and people they may see."""
    access.require(
        user, item.unit_id, roles=WRITERS, denied=_("You may not write items for this unit.")
    )
    for share in item.unit_shares.all():
        access.require(
            user, share.unit_id, roles=WRITERS, denied=_("You may not write items for this unit.")
        )


@transaction.atomic
def save_new_item(*, user, item: Item, token: str = "") -> Item:
    """Save a new item prepared in memory (by the workbench's form, or by
    ``create_item``) with its shares, authors and topics, as a draft.

    ``token`` is the form's one-time key: a second post of the same form (a double
    click, a reload) finds the item the first one made instead of making another.
    """
    if token:
        existing = Item.objects.filter(create_token=token).first()
        if existing is not None:
            return existing
    if user is not None:
        _require_writer(user, item)
    if item.created_by_id is None and user is not None:
        item.created_by = user
    item.create_token = token
    _count_chars(item)
    try:
        with transaction.atomic():
            item.save()  # a cluster item writes its shares, authors and topics too
    except IntegrityError:
        existing = Item.objects.filter(create_token=token).first() if token else None
        if existing is None:
            raise
        return existing  # the other post of the same form won the race
    _ensure_unit_share(item)
    item.save_revision(user=user, log_action=False)
    log(item, "wagtail.create", user=user, data={"facts": _facts(item.pk)})
    return item


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
    item = Item(
        title=title,
        kind=kind,
        unit=unit,
        body=body,
        is_urgent=is_urgent,
        deadline=deadline,
        commission=commission,
        source_key=source_key,
        created_at=created_at or timezone.now(),
        status_since=created_at or timezone.now(),
    )
    item.unit_shares = [
        ItemUnit(unit=share_unit, share=share, sort_order=order)
        for order, (share_unit, share) in enumerate(units or [(unit, Decimal(1))])
    ]
    item.author_shares = [
        ItemAuthor(person=person, share=share, sort_order=order)
        for order, (person, share) in enumerate(authors)
    ]
    item.topics = list(topics)
    return save_new_item(user=user, item=item)


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


def is_scored(item: Item) -> bool:
    """Whether the item has outcomes in the ledger (its edits then need a reason)."""
    return item.pk is not None and item.outcomes.exists()


@transaction.atomic
def edit_item(*, user, item: Item, reason: str = "") -> Item:
    """Save the changes made to ``item`` in memory (fields, shares, authors, topics)
    and rescore it in the same transaction, so the standings move at once.

    Refused, with nothing saved, when the item has been sent onward past the user,
    when a scored item is changed without a reason, and when the rule set in force
    cannot score the item as changed (a kind it does not know …).
    """
    current = Item.objects.select_for_update(no_key=True).get(pk=item.pk)
    refusal = edit_refusal(user, current)
    if refusal:  # sent onward between opening the form and saving it
        raise PermissionDenied(refusal)
    access.require(
        user, current.unit_id, roles=WRITERS, denied=_("You may not write items for this unit.")
    )
    reason = reason.strip()
    if is_scored(current) and not reason:
        raise ActionRefused(_("This item has outcomes in the ledger: say why it is changed."))
    _require_writer(user, item)
    before = _facts(item.pk)
    _count_chars(item)
    item.save()  # a cluster item writes its shares, authors and topics too
    _ensure_unit_share(item)
    after = _facts(item.pk)
    changes = _changes(before, after)
    if any(name in changes for name in SCORED_FACTS):
        _rescore(item)
    revision = item.save_revision(user=user, log_action=False)
    log(
        item,
        "wagtail.edit",
        user=user,
        revision=revision,
        data={"changes": changes, "reason": reason},
    )
    return item


def delete_refusal(item: Item) -> str | None:
    """Why the item may not be deleted, or None if it may."""
    count = item.outcomes.count()
    if not count:
        return None
    return _(
        "“%(title)s” has %(n)s outcomes in the ledger, so it cannot be deleted: its "
        "points are part of the record. Revoke the outcomes with a reason if they were "
        "recorded by mistake."
    ) % {"title": item.title, "n": count}


@transaction.atomic
def edit_item_kind(*, user, kind: ItemKind) -> ItemKind:
    """Save the changes made to an item kind in memory.  Its code is what the rule sets
    score by, so a new code rescores every scored item of the kind, and one the rule
    set in force does not know is refused like an item edited to an unknown kind."""
    if user is not None and not (user.is_superuser or Role.OFFICE in roles_of(user)):
        raise PermissionDenied(_("Only the office may change item kinds."))
    current = ItemKind.objects.select_for_update().get(pk=kind.pk)
    kind.save()
    changes = {
        name: [str(getattr(current, name)), str(getattr(kind, name))]
        for name in ("name", "code", "is_press", "is_active")
        if getattr(current, name) != getattr(kind, name)
    }
    if "code" in changes:
        scored = Item.objects.filter(kind=kind).filter(
            Q(outcomes__isnull=False) | Q(commission__isnull=False, submitted_at__isnull=False)
        )
        for item in scored.distinct().order_by("pk"):
            _rescore(item)
    log(kind, "wagtail.edit", user=user, data={"changes": changes})
    return kind


@transaction.atomic
def delete_item(*, user, item: Item) -> None:
    """Delete an item that has nothing in the ledger; one with outcomes is refused
    (its points are history: revoke the outcomes instead)."""
    access.require(
        user, item.unit_id, roles=(Role.OFFICE,), denied=_("Only the office may delete items.")
    )
    item = Item.objects.select_for_update().get(pk=item.pk)
    refusal = delete_refusal(item)
    if refusal:
        raise ActionRefused(refusal)
    log(item, "wagtail.delete", user=user, deleted=True, data={"facts": _facts(item.pk)})
    item.delete()


def _wrote(user, item: Item) -> bool:
    """Whether the user wrote the item: created it, or is one of its listed authors."""
    if user is None:
        return False
    if item.created_by_id == user.pk:
        return True
    return item.author_shares.filter(person__user=user).exists()


def approval_refusal(user, item: Item) -> str | None:
    """Why the user may not approve the item as department head, or None."""
    if _wrote(user, item):
        return _(
            "You wrote this item, so you cannot approve it yourself: another head of the "
            "department, or the office, reviews it."
        )
    return None


@transaction.atomic
def submit_item(*, item: Item, user) -> Item:
    """The author sends a draft (or a returned item) to the department head."""
    access.require(
        user, item.unit_id, roles=WRITERS, denied=_("You may not submit items for this unit.")
    )
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
    """The department head approves the item and passes it to the office; where the
    bureau has switched on automatic 报送, the item's 报送 is recorded with it."""
    access.require(
        user,
        item.unit_id,
        roles=(Role.HEAD,),
        denied=_("You may not approve items as department head for this unit."),
    )
    refusal = approval_refusal(user, item)
    if refusal:
        raise PermissionDenied(refusal)
    item = _transition(
        item,
        user=user,
        allowed=[ItemStatus.SUBMITTED],
        to=ItemStatus.HEAD_APPROVED,
        action="xinxuan.item.head_approve",
    )
    _reached_office(item, user=user)
    return item


def _reached_office(item: Item, *, user) -> None:
    """The item is with the office now: where the bureau records 报送 automatically, it
    is recorded in this transaction (this approval is the one way an item reaches the
    office; the office approves, returns and reports only items that have)."""
    # Against the direction of the apps, listed in tests/test_layers.py: the approval
    # and its 报送 are one transaction, through the office's own audited record path.
    from xinxuan.outcomes.actions import record_arrival

    record_arrival(item=item, user=user)


@transaction.atomic
def return_item(*, item: Item, user, reason: str) -> Item:
    """The head or the office of the item's own bureau sends the item back to its
    author, saying why."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused(_("Say why the item goes back: the author will read it."))
    roles = roles_of(user)
    allowed: list[str] = []
    if Role.HEAD in roles or user.is_superuser:
        allowed.append(ItemStatus.SUBMITTED)
    if Role.OFFICE in roles or user.is_superuser:
        allowed += [ItemStatus.SUBMITTED, ItemStatus.HEAD_APPROVED]
    access.require(
        user,
        item.unit_id,
        roles=(Role.HEAD, Role.OFFICE),
        denied=_("You may not return items for this unit."),
        own_bureau=True,
    )
    item = _transition(
        item, user=user, allowed=allowed, to=ItemStatus.RETURNED, action="xinxuan.item.return"
    )
    ReviewNote.objects.create(item=item, kind=NoteKind.RETURN, text=reason, author=user)
    return item


@transaction.atomic
def approve_item(*, item: Item, user) -> Item:
    """The office of the item's own bureau approves it (审定): it may now be reported
    or go to the portal."""
    access.require(
        user,
        item.unit_id,
        roles=(Role.OFFICE,),
        denied=_("You may not approve items for the office for this unit."),
        own_bureau=True,
    )
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
    access.require(
        user, item.unit_id, roles=WRITERS, denied=_("You may not comment on items for this unit.")
    )
    note = ReviewNote.objects.create(item=item, kind=NoteKind.COMMENT, text=text, author=user)
    log(item, "xinxuan.item.comment", user=user, data={"text": text[:200]})
    return note


def mark_reported(*, item: Item, user, to: str) -> Item:
    """The item has been reported upward (``outcomes.actions.report_upward`` records
    the report in the ledger and calls this in its transaction)."""
    if item.status != ItemStatus.REPORTED:
        Item.objects.filter(pk=item.pk).update(
            status=ItemStatus.REPORTED, status_since=timezone.now()
        )
        item.refresh_from_db()
        log(item, "xinxuan.item.report", user=user, data={"to": to})
    return item


# ------------------------------------------------------------------ bureau options


def auto_submission_refusal(user, bureau: Unit) -> str | None:
    """Why the user may not switch automatic 报送 for the bureau, or None if they may:
    the bureau's own office decides it (a superior office reads its bureaus' work but
    does not run their review)."""
    if user is None or user.is_superuser:
        return None
    if Role.OFFICE not in roles_of(user) or not access.can_see_unit(user, bureau):
        return _(
            "Only the bureau's own office may change how its submissions to the office are "
            "recorded."
        )
    if not access.in_own_bureau(user, bureau):
        return _(
            "%(bureau)s's submissions to its office are recorded by the office of "
            "%(bureau)s, which decides whether they are recorded automatically. Your "
            "office reads its work."
        ) % {"bureau": bureau.label}
    return None


@transaction.atomic
def set_auto_submission(*, user, bureau: Unit, enabled: bool) -> Unit:
    """Switch automatic 报送 on or off for a bureau (``Unit.auto_submission``): from now
    on, an item its department head approves gets its 报送 recorded (on), or the office
    records 报送 by hand on the item's page (off).  Outcomes already in the ledger are
    not touched either way."""
    if bureau.kind != UnitKind.BUREAU:
        raise ActionRefused(
            _("Only a bureau sets how submissions to its office are recorded: %(unit)s is not one.")
            % {"unit": bureau}
        )
    refusal = auto_submission_refusal(user, bureau)
    if refusal:
        raise PermissionDenied(refusal)
    current = Unit.objects.select_for_update().get(pk=bureau.pk)
    if current.auto_submission != enabled:
        Unit.objects.filter(pk=bureau.pk).update(auto_submission=enabled)
        log(
            current,
            "xinxuan.bureau.auto_submission",
            user=user,
            data={"changes": {"auto_submission": [current.auto_submission, enabled]}},
        )
    bureau.refresh_from_db()
    return bureau


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
    access.require(
        user, unit, roles=(Role.OFFICE,), denied=_("You may not commission items for this unit.")
    )
    commission = Commission.objects.create(
        unit=unit, title=title, deadline=deadline, brief=brief, topic=topic, created_by=user
    )
    log(commission, "xinxuan.commission.create", user=user, data={"deadline": str(deadline)})
    return commission


@transaction.atomic
def edit_commission(*, user, commission: Commission, reason: str = "") -> Commission:
    """Save the changes made to a commission in memory (its subject, unit, deadline,
    brief); its delivered items are rescored, since the deadline decides whether they
    came late."""
    current = Commission.objects.select_for_update().get(pk=commission.pk)
    for unit_id in {current.unit_id, commission.unit_id}:
        access.require(
            user,
            unit_id,
            roles=(Role.OFFICE,),
            denied=_("You may not commission items for this unit."),
        )
    fields = ("title", "unit_id", "deadline", "brief", "topic_id", "cancelled")
    changes = {
        name: [str(getattr(current, name)), str(getattr(commission, name))]
        for name in fields
        if getattr(current, name) != getattr(commission, name)
    }
    commission.save()
    for item in commission.items.exclude(submitted_at=None):
        _rescore(item)
    log(
        commission,
        "wagtail.edit",
        user=user,
        data={"changes": changes, "reason": reason.strip()},
    )
    return commission


def _delivered(item: Item, *, user) -> None:
    """A commissioned item came in: a missed-commission event made earlier no longer
    stands (the engine scores the late delivery instead); rescore both."""
    # Against the direction of the apps, listed in tests/test_layers.py: the delivery
    # and the withdrawal of the missed event are one transaction, through the one
    # audited revoke path of the outcomes.
    from xinxuan.outcomes.actions import withdraw_missed_commission

    withdraw_missed_commission(commission_id=item.commission_id, user=user)
    _rescore(item)
