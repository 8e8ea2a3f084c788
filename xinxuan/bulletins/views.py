"""Bulletins in the workbench: the list with each one's state, issuing, downloading."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.accounts.views import forbidden
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation.access import can_see_unit, filter_by_unit, own_bureau_unit_ids
from xinxuan.scoring.models import RuleSet, RuleSetStatus

from . import actions
from .forms import BulletinForm
from .models import Bulletin

FORMATS = {
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _is_office(user) -> bool:
    return user.is_superuser or Role.OFFICE in roles_of(user)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    bulletins = filter_by_unit(
        Bulletin.objects.select_related("unit").defer("docx", "xlsx"), request.user, "unit"
    )
    return render(
        request,
        "bulletins/index.html",
        {
            "bulletins": bulletins,
            "is_office": _is_office(request.user),
            "pending": any(not b.is_ready and not b.error for b in bulletins),
        },
    )


@login_required
def issue(request: HttpRequest) -> HttpResponse:
    if not _is_office(request.user):
        return forbidden(
            request,
            PermissionDenied(_("Only the office of the issuing unit issues its bulletins.")),
        )
    rulesets = filter_by_unit(
        RuleSet.objects.exclude(status=RuleSetStatus.DRAFT).select_related("unit"),
        request.user,
        "unit",
    )
    # a superior office reads a bureau's bulletins; the bureau's own office issues them
    own = own_bureau_unit_ids(request.user)
    rulesets = rulesets if own is None else rulesets.filter(unit_id__in=own)
    form = BulletinForm(request.POST or None, rulesets=rulesets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bulletin = actions.issue_bulletin(
                ruleset=data["ruleset"],
                user=request.user,
                period=data["period"],
                index=data["index"],
                issued_on=data["issued_on"],
                prefix=data["prefix"],
                title=data["title"],
            )
        except (ActionRefused, PermissionDenied) as refused:
            messages.error(request, getattr(refused, "message", str(refused)))
        else:
            messages.success(
                request,
                _("%(number)s is being prepared; its files appear in the list when ready.")
                % {"number": bulletin.number},
            )
            return redirect("bulletins:bulletin-list")
    return render(request, "bulletins/issue.html", {"form": form})


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    bulletin = get_object_or_404(Bulletin.objects.select_related("unit"), pk=pk)
    if not can_see_unit(request.user, bulletin.unit_id):
        return forbidden(
            request,
            PermissionDenied(_("This bulletin belongs to a unit outside your responsibility.")),
        )
    content = getattr(bulletin, fmt)
    if not bulletin.is_ready or not content:
        messages.error(request, _("This bulletin's files are not ready."))
        return redirect("bulletins:bulletin-list")
    extension, content_type = FORMATS[fmt]
    response = HttpResponse(bytes(content), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="bulletin-{bulletin.year}-{bulletin.serial}.{extension}"'
    )
    return response
