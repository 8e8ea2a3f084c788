"""Recording and revoking outcomes from the item's page."""

from __future__ import annotations

import datetime
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xinxuan.files.views import file_response
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.lib.net import same_site_path
from xinxuan.organisation.access import filter_by_unit
from xinxuan.outcomes import actions
from xinxuan.outcomes.forms import ITEM_FORMS, RevokeForm, in_words
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring import vocabulary
from xinxuan.submissions.views import visible_items


def _record(kind: str, item, user, data):
    if kind == "submission":
        return actions.record_submission(
            item=item, user=user, date=data["date"], due=data["due"], note=data["note"]
        )
    if kind == "adoption":
        return actions.record_adoption(
            item=item,
            user=user,
            carrier=data["carrier"],
            date=data["date"],
            grade=data["grade"],
            use=data["use"],
            placement=data["placement"],
            issue=data["issue"],
            evidence=data.get("evidence"),
            link=data["link"],
            points=data["points"],
            range_min=data.get("range_min"),
            range_max=data.get("range_max"),
        )
    if kind == "endorsement":
        return actions.record_endorsement(
            item=item,
            user=user,
            leader=data["leader"],
            level=data["level"],
            rank=data["rank"],
            carrier=data["carrier"],
            date=data["date"],
            text=data["text"],
        )
    if kind == "publication":
        return actions.record_publication(
            item=item,
            user=user,
            carrier=data["carrier"],
            date=data["date"],
            placement=data["placement"],
            link=data["link"],
            points=data["points"],
            range_min=data.get("range_min"),
            range_max=data.get("range_max"),
        )
    return actions.record_prize(
        item=item,
        user=user,
        rule=data["rule"],
        grade=data["grade"],
        date=data["date"],
        reason=data["reason"],
    )


def _offer(item, posted_day: str) -> vocabulary.Offer:
    """The rule set in force on the day the outcome happened checks the choices; a day
    no rule set covers is checked against the one the form offered."""
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(posted_day.strip())
    except ValueError:
        day = today
    offer = vocabulary.offer_on(item.unit_id, item.kind.code, day)
    return (
        offer
        if offer.ruleset is not None
        else vocabulary.offer_for(item.unit_id, item.kind.code, today)
    )


@login_required
@require_POST
def record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    item = get_object_or_404(visible_items(request.user), pk=pk)
    if kind not in ITEM_FORMS:
        return redirect("submissions:item-detail", pk=pk)
    form = ITEM_FORMS[kind][1](
        request.POST, request.FILES, offer=_offer(item, request.POST.get("date", ""))
    )
    if not form.is_valid():
        messages.error(request, _("Nothing recorded: %(errors)s") % {"errors": in_words(form)})
        return redirect("submissions:item-detail", pk=pk)
    try:
        outcome = _record(kind, item, request.user, form.cleaned_data)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    else:
        messages.success(request, _("Recorded: %(outcome)s") % {"outcome": outcome})
    return redirect("submissions:item-detail", pk=pk)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = get_object_or_404(filter_by_unit(Outcome.objects.all(), request.user, "unit"), pk=pk)
    form = RevokeForm(request.POST)
    back = (
        redirect("submissions:item-detail", pk=outcome.item_id)
        if outcome.item_id
        else redirect("outcomes:ledger")
    )
    following = same_site_path(request.POST.get("next", ""))
    if following:
        back = redirect(following)
    if not form.is_valid():
        messages.error(request, _("Say why the outcome is revoked."))
        return back
    try:
        actions.revoke_outcome(
            outcome=outcome, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    else:
        messages.success(request, _("Revoked; the points were recomputed."))
    return back


@login_required
@require_safe
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file of an outcome, for those who may see the outcome's unit."""
    outcome = get_object_or_404(filter_by_unit(Outcome.objects.all(), request.user, "unit"), pk=pk)
    if not outcome.evidence:
        raise Http404
    extension = os.path.splitext(outcome.evidence.name)[1].lower()
    response = file_response(
        request, outcome.evidence, download_name=f"{_('Evidence file')}-{outcome.pk}{extension}"
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _import_context(request):
    from xinxuan.organisation.access import home_unit
    from xinxuan.scoring.models import RuleSet

    unit = home_unit(request.user)
    bureau = unit.bureau() if unit else None
    if bureau is None:
        raise ActionRefused(
            _("Your account belongs to no bureau, so there is no ledger to import into.")
        )
    ruleset = RuleSet.objects.active().filter(unit=bureau).order_by("-effective_from").first()
    if ruleset is None:
        raise ActionRefused(
            _("%(bureau)s has no rule set in force to read the sheet's labels with.")
            % {"bureau": bureau}
        )
    return bureau, ruleset


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload → preview with every row problem → import (all rows, or the good ones)."""
    from django.shortcuts import render

    from xinxuan.accounts.roles import Role, roles_of
    from xinxuan.outcomes import importing
    from xinxuan.outcomes.forms import ImportForm
    from xinxuan.scoring.ledger import compile_ruleset

    if not (request.user.is_superuser or Role.OFFICE in roles_of(request.user)):
        raise PermissionDenied(_("Only the office imports ledgers."))
    context: dict = {"form": ImportForm()}
    try:
        bureau, ruleset_row = _import_context(request)
        ruleset = compile_ruleset(ruleset_row)
        if request.method == "POST" and "cancel" in request.POST:
            importing.discard_stash(request.POST.get("token", ""), request.user)
            messages.success(request, _("Import cancelled; the uploaded file was deleted."))
            return redirect("outcomes:ledger-import")
        if request.method == "POST" and "token" in request.POST:
            # The confirmed import runs in the background; its page shows the progress
            # and, at the end, what was imported and what was refused.
            from xinxuan.outcomes.tasks import start_import

            token = request.POST["token"]
            importing.read_stash(token, request.user)  # refuses an expired or foreign token
            job = start_import(
                user=request.user,
                token=token,
                bureau=bureau,
                ruleset=ruleset_row,
                skip_bad_rows=request.POST.get("skip") == "1",
                rows=int(rows) if (rows := request.POST.get("rows", "")).isdigit() else 0,
            )
            return redirect("jobs:job-detail", pk=job.pk)
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            context["form"] = form
            if form.is_valid():
                importing.sweep_stashes()
                upload = form.cleaned_data["file"]
                if upload.size > importing.MAX_BYTES:
                    raise importing.ImportRefused(
                        _("The file is %(size)s MB; at most 50 MB can be imported.")
                        % {"size": upload.size // (1024 * 1024)}
                    )
                text = importing.read_upload(upload.name, upload.read())
                plan = importing.plan_import(text, bureau=bureau, ruleset=ruleset)
                context.update(
                    plan=plan, token=importing.stash_upload(text, request.user), bureau=bureau
                )
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except Exception as error:  # noqa: BLE001
        from xinxuan.scoring.ledger import LedgerError

        if not isinstance(error, LedgerError):
            raise
        messages.error(request, error.message)
    return render(request, "outcomes/import.html", context)
