"""Rule sets in the workbench and the standings they produce."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.organisation.access import filter_by_unit, visible_unit_ids, visible_units
from xinxuan.organisation.models import Unit
from xinxuan.scoring import actions, ledger
from xinxuan.scoring.forms import RuleSetForm
from xinxuan.scoring.models import RuleSet
from xinxuan.submissions.actions import ActionRefused, record_missed_commissions


def _visible(user):
    return filter_by_unit(RuleSet.objects.select_related("unit"), user, "unit")


def _is_office(user) -> bool:
    return user.is_superuser or Role.OFFICE in roles_of(user)


@login_required
def ruleset_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scoring/ruleset_list.html",
        {"rulesets": _visible(request.user), "is_office": _is_office(request.user)},
    )


def numbered(text: str, problems) -> list[tuple[int, str, list[str]]]:
    """The text's lines with the problems found on each, for showing them in place."""
    by_line: dict[int, list[str]] = {}
    for p in problems:
        by_line.setdefault(p.line, []).append(p.message_zh)
    return [(n, line, by_line.get(n, [])) for n, line in enumerate(text.splitlines(), 1)]


@login_required
def ruleset_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    ruleset = get_object_or_404(_visible(request.user), pk=pk) if pk else None
    units = visible_units(request.user).exclude(children=None)
    initial = {"unit": ruleset.unit if ruleset else None, "text": ruleset.text if ruleset else ""}
    form = RuleSetForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    context = {"ruleset": ruleset, "form": form, "problems": None, "lines": None}
    if request.method == "POST" and form.is_valid():
        if not _is_office(request.user):
            raise PermissionDenied(_("Only the office may manage this unit's rule sets."))
        try:
            ruleset = actions.save_ruleset(
                user=request.user,
                unit=form.cleaned_data["unit"],
                text=form.cleaned_data["text"],
                ruleset=ruleset,
                note=form.cleaned_data["note"],
            )
        except actions.InvalidRuleSet as invalid:
            context["problems"] = invalid.problems
            context["lines"] = numbered(form.cleaned_data["text"], invalid.problems)
            messages.error(request, invalid.message)
        except (ActionRefused, ledger.LedgerError) as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Saved as version %(v)s.") % {"v": ruleset.version})
            return redirect("scoring:ruleset-edit", pk=ruleset.pk)
    if ruleset is not None:
        context["versions"] = ruleset.versions.select_related("saved_by")
    context["is_office"] = _is_office(request.user)
    return render(request, "scoring/ruleset_edit.html", context)


def _act(request, pk, fn, done):
    ruleset = get_object_or_404(_visible(request.user), pk=pk)
    try:
        fn(ruleset=ruleset, user=request.user)
    except (ActionRefused, ledger.LedgerError) as refused:
        messages.error(request, refused.message)
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    else:
        messages.success(request, done)
    return redirect("scoring:ruleset-edit", pk=pk)


@login_required
@require_POST
def ruleset_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, actions.activate_ruleset, _("In force; the period was rescored."))


@login_required
@require_POST
def ruleset_retire(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, actions.retire_ruleset, _("Retired."))


@login_required
def standings(request: HttpRequest, pk: int) -> HttpResponse:
    """Units under a rule set: points, target completion, rank, gaps."""
    ruleset = get_object_or_404(RuleSet, pk=pk)
    ids = visible_unit_ids(request.user)
    if (
        ids is not None
        and ruleset.unit_id not in ids
        and not ids
        & set(Unit.objects.filter(parent_id=ruleset.unit_id).values_list("pk", flat=True))
    ):
        raise PermissionDenied(_("This rule set belongs to a unit outside your responsibility."))
    # Missed commissions become events when the standings are looked at: nobody enters them.
    record_missed_commissions(today=timezone.localdate())
    rows = ledger.standings(ruleset)
    return render(request, "scoring/standings.html", {"ruleset": ruleset, "rows": rows})
