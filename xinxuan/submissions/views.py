"""The item's page in the workbench, the review buttons on it, and the desk."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import ModelLogEntry

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.accounts.views import forbidden
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation.access import (
    bureau_of,
    filter_by_unit,
    home_unit,
    in_own_bureau,
    visible_unit_ids,
)
from xinxuan.organisation.models import Unit, UnitKind
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.outcomes import forms as outcome_forms
from xinxuan.outcomes.models import Outcome
from xinxuan.portal.forms import PublishItemForm
from xinxuan.scoring import ledger, vocabulary
from xinxuan.scoring.engine import fmt
from xinxuan.scoring.models import ScoreLine
from xinxuan.submissions import actions
from xinxuan.submissions.duplicates import similar_items
from xinxuan.submissions.forms import AutoSubmissionForm, CommentForm, ReasonForm, ReportForm
from xinxuan.submissions.models import Item, ItemStatus


def visible_items(user):
    return filter_by_unit(Item.objects.select_related("kind", "unit"), user, "unit")


def _buttons(user, item: Item) -> set[str]:
    """The steps the user is offered; the actions check them again."""
    roles = roles_of(user) if not user.is_superuser else set(Role)
    status = item.status
    # A superior office reads its bureaus' items but does not review them.
    reviews = in_own_bureau(user, item.unit_id)
    verbs = set()
    if status in (ItemStatus.DRAFT, ItemStatus.RETURNED):
        verbs.add("submit")
    if status == ItemStatus.SUBMITTED and Role.HEAD in roles:
        verbs.add("return")
        if actions.approval_refusal(user, item) is None:
            verbs.add("head-approve")
    office_reviews = Role.OFFICE in roles and reviews
    if status in (ItemStatus.SUBMITTED, ItemStatus.HEAD_APPROVED) and office_reviews:
        verbs.add("return")
    if status == ItemStatus.HEAD_APPROVED and office_reviews:
        verbs |= {"approve", "submission"}  # it reached the office: 报送 may be recorded
    if Role.OFFICE in roles and status != ItemStatus.DRAFT:
        # an outcome already recorded — a 报送 of an item since returned — may be
        # revoked whatever the item's state (the action checks who assesses it)
        verbs.add("revoke")
    if item.is_approved and Role.OFFICE in roles:
        verbs |= {"report", "outcomes"}
        if item.kind.is_press:
            verbs.add("publish")
    return verbs


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(visible_items(request.user), pk=pk)
    verbs = _buttons(request.user, item)
    outcomes = list(
        Outcome.objects.filter(item=item)
        .select_related("carrier", "level", "superior_body", "route", "recorded_by", "revoked_by")
        .order_by("date", "pk")
    )
    lines = (
        ScoreLine.objects.filter(item=item)
        .select_related("unit", "person", "ruleset", "calc")
        .order_by("ruleset", "person", "date", "pk")
    )
    lines = list(lines)
    outcomes = list(outcomes)
    vocabulary.annotate(outcomes, item.unit_id)
    for line in lines:
        line.shown = fmt(line.points)
    unit_lines = [line for line in lines if line.person_id is None]
    totals: dict[str, object] = defaultdict(int)
    for line in unit_lines:
        totals[line.unit.label] += line.points
    history = list(
        ModelLogEntry.objects.filter(
            Q(content_type__model="item", object_id=str(item.pk))
            | Q(content_type__model="outcome", object_id__in=[str(o.pk) for o in outcomes])
        )
        .select_related("content_type", "user")
        .order_by("-timestamp")[:50]
    )
    by_pk = {str(o.pk): o for o in outcomes}
    for entry in history:
        entry.outcome = (
            by_pk.get(entry.object_id) if entry.content_type.model == "outcome" else None
        )
        entry.reason = (entry.data or {}).get("reason", "")
    context = {
        "item": item,
        "verbs": verbs,
        "may_edit": actions.may_edit_item(request.user, item),
        "outcomes": outcomes,
        "unit_lines": unit_lines,
        "person_lines": [line for line in lines if line.person_id is not None],
        "totals": dict(totals),
        "total": fmt(sum((line.points for line in unit_lines), Decimal(0))),
        "history": history,
        "notes": item.notes.select_related("author"),
        "duplicates": similar_items(item) if "report" in verbs or "approve" in verbs else [],
        "reason_form": ReasonForm(),
        "comment_form": CommentForm(),
        "report_form": ReportForm(),
        "outcome_forms": outcome_forms.item_forms(
            vocabulary.offer_for(item.unit_id, item.kind.code, timezone.localdate()),
            kinds=None if "outcomes" in verbs else ["submission"],
        )
        if verbs & {"outcomes", "submission"}
        else {},
        "revoke_form": outcome_forms.RevokeForm(),
        "articles": [(a, a.get_url(request)) for a in item.portal_articles.all()],
        "route_warnings": ledger.unknown_routes(outcomes, item.unit_id),
    }
    if "publish" in verbs and not context["articles"]:
        context["publish_form"] = PublishItemForm()
    return render(request, "submissions/item_detail.html", context)


def _submit(request, item):
    return actions.submit_item(item=item, user=request.user), _("Submitted to the department head.")


def _head_approve(request, item):
    actions.head_approve_item(item=item, user=request.user)
    return item, _("Approved and passed to the office.")


def _approve(request, item):
    actions.approve_item(item=item, user=request.user)
    return item, _("Approved by the office.")


def _return(request, item):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise ActionRefused(_("Say why the item goes back: the author will read it."))
    actions.return_item(item=item, user=request.user, reason=form.cleaned_data["reason"])
    return item, _("Returned to the author.")


def _comment(request, item):
    form = CommentForm(request.POST)
    if not form.is_valid():
        raise ActionRefused(_("The comment is empty."))
    actions.comment_item(item=item, user=request.user, text=form.cleaned_data["text"])
    return item, _("Comment added.")


def _report(request, item):
    form = ReportForm(request.POST)
    if not form.is_valid():
        errors = outcome_forms.in_words(form)
        raise ActionRefused(_("Check the report: %(errors)s") % {"errors": errors})
    data = form.cleaned_data
    outcome_actions.report_upward(
        item=item,
        user=request.user,
        superior_body=data["superior_body"],
        route=data["route"],
        date=data["date"],
        note=data["note"],
        due=data["due"],
    )
    return item, _("Reported to %(body)s.") % {"body": data["superior_body"]}


VERBS = {
    "submit": _submit,
    "head-approve": _head_approve,
    "approve": _approve,
    "return": _return,
    "comment": _comment,
    "report": _report,
}


@login_required
@require_POST
def item_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    item = get_object_or_404(visible_items(request.user), pk=pk)
    handler = VERBS.get(verb)
    if handler is None:
        return redirect("submissions:item-detail", pk=pk)
    try:
        _item, message = handler(request, item)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    else:
        messages.success(request, message)
    return redirect("submissions:item-detail", pk=pk)


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The items waiting for the user: by role, who holds them and since when."""
    roles = roles_of(request.user)
    items = visible_items(request.user)
    waiting = Q(pk__in=[])
    if Role.HEAD in roles:
        waiting |= Q(status=ItemStatus.SUBMITTED)
    if Role.OFFICE in roles:
        waiting |= Q(status=ItemStatus.HEAD_APPROVED)
    mine = items.filter(created_by=request.user).exclude(status=ItemStatus.REPORTED)
    context = {
        "waiting": items.filter(waiting).order_by("status_since")[:100],
        "mine": mine.order_by("-status_since")[:100],
        "has_units": visible_unit_ids(request.user) != set(),
    }
    return render(request, "submissions/desk.html", context)


@login_required
def bureau_options_home(request: HttpRequest) -> HttpResponse:
    """The menu's way in: the office's own bureau; a superuser linked to no unit
    chooses one."""
    bureau = bureau_of(home_unit(request.user))
    if bureau is not None:
        return redirect("submissions:bureau-options", pk=bureau.pk)
    if not request.user.is_superuser:
        return forbidden(
            request,
            PermissionDenied(
                _(
                    "Only the bureau's own office may change how its submissions to the "
                    "office are recorded."
                )
            ),
        )
    bureaus = Unit.objects.filter(kind=UnitKind.BUREAU).order_by("sort_order", "name")
    return render(request, "submissions/bureau_options.html", {"bureaus": bureaus})


@login_required
def bureau_options(request: HttpRequest, pk: int) -> HttpResponse:
    """The bureau's options for its items' way to the office: automatic 报送."""
    bureau = get_object_or_404(Unit, pk=pk, kind=UnitKind.BUREAU)
    refusal = actions.auto_submission_refusal(request.user, bureau)
    if refusal:
        # Answered here rather than raised: Wagtail turns a raised PermissionDenied into a
        # redirect to the dashboard, and the officer should read why.
        return forbidden(request, PermissionDenied(refusal))
    form = AutoSubmissionForm(
        request.POST if request.method == "POST" else None,
        initial={"auto_submission": bureau.auto_submission},
    )
    if request.method == "POST" and form.is_valid():
        enabled = form.cleaned_data["auto_submission"]
        try:
            actions.set_auto_submission(user=request.user, bureau=bureau, enabled=enabled)
        except ActionRefused as refused:
            messages.error(request, refused.message)
        except PermissionDenied as denied:
            messages.error(request, str(denied))
        else:
            messages.success(
                request,
                _(
                    "Submissions to the office are now recorded automatically when an "
                    "item reaches the office."
                )
                if enabled
                else _("Submissions to the office are now recorded by hand on the item's page."),
            )
        return redirect("submissions:bureau-options", pk=bureau.pk)
    return render(request, "submissions/bureau_options.html", {"bureau": bureau, "form": form})
