"""The year-end appraisal in the workbench: 年度考评 for a rule set's period."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.accounts.views import forbidden
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation.access import (
    can_see_unit,
    in_own_bureau,
    visible_unit_ids,
    visible_units,
)
from xinxuan.organisation.models import Person, Unit
from xinxuan.outcomes.figures import headline_figures
from xinxuan.outcomes.models import Outcome, OutcomeKind
from xinxuan.scoring import vocabulary
from xinxuan.scoring.models import RuleSet, RuleSetStatus

from . import actions
from . import certificates as certificate_docs
from . import proposal as proposals
from .forms import WITHDRAW, AdjustAwardForm, DayForm, EliminationForm, FiguresForm
from .models import Appraisal, Award, PlaqueAward, Recipient, Track


def readable_rulesets(user):
    """Rule sets whose appraisal the user may read: issued by a unit the user sees, or
    assessing one (a head reads the results of the regulation over their department)."""
    ids = visible_unit_ids(user)
    rulesets = RuleSet.objects.select_related("unit").exclude(status=RuleSetStatus.DRAFT)
    if ids is None:
        return rulesets
    return rulesets.filter(Q(unit_id__in=ids) | Q(unit__children__in=ids)).distinct()


def _ruleset(request: HttpRequest, pk: int) -> RuleSet:
    ruleset = get_object_or_404(RuleSet.objects.select_related("unit"), pk=pk)
    if not readable_rulesets(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("This appraisal belongs to a unit outside your responsibility."))
    return ruleset


def is_office_for(user, unit: Unit) -> bool:
    return user.is_superuser or (
        Role.OFFICE in roles_of(user) and can_see_unit(user, unit) and in_own_bureau(user, unit)
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rulesets = list(readable_rulesets(request.user).order_by("-effective_from", "pk"))
    appraisals = {a.ruleset_id: a for a in Appraisal.objects.filter(ruleset__in=rulesets)}
    rows = [(rs, appraisals.get(rs.pk)) for rs in rulesets]
    return render(request, "appraisal/index.html", {"rows": rows})


def _grouped(awards):
    """Awards by line of work and recipient, in the order a bulletin reads them."""
    groups = []
    for track in Track:
        for recipient in Recipient:
            chosen = [a for a in awards if a.track == track and a.recipient == recipient]
            if chosen:
                groups.append((track.label, recipient.label, chosen))
    return groups


def _in_words(ruleset, outcomes) -> list:
    """The outcomes with their particulars in words (好新闻奖, not its key)."""
    labels = vocabulary.Offer(ruleset).labels()
    found = list(outcomes)
    for outcome in found:
        outcome.shown = outcome.summary(labels)
    return found


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        ruleset = _ruleset(request, pk)
    except PermissionDenied as denied:
        return forbidden(request, denied)
    appraisal = Appraisal.objects.filter(ruleset=ruleset).first()
    is_office = is_office_for(request.user, ruleset.unit)
    context = {
        "ruleset": ruleset,
        "appraisal": appraisal,
        "is_office": is_office,
        "headline": headline_figures(
            unit=ruleset.unit, start=ruleset.effective_from, end=ruleset.effective_to
        ),
        "news_prizes": _in_words(
            ruleset,
            Outcome.objects.active()
            .filter(
                kind=OutcomeKind.PRIZE,
                unit_id__in=ruleset.unit.descendant_ids(),
                date__range=(ruleset.effective_from, ruleset.effective_to),
            )
            .select_related("item", "person", "unit"),
        ),
        "missing": None,
        "plaque_history": PlaqueAward.objects.filter(bureau=ruleset.unit).select_related("holder"),
        "day_form": DayForm(),
        "elimination_form": EliminationForm(),
    }
    try:
        proposals.require_section(ruleset)
    except proposals.NoAppraisalRules as missing:
        context["missing"] = missing.message
        return render(request, "appraisal/detail.html", context)
    if appraisal is not None:
        awards = list(appraisal.awards.select_related("unit", "person", "item"))
        context["groups"] = _grouped(awards)
        context["ties"] = [a for a in awards if a.tied and not a.withdrawn]
    sections = proposals.appraisal_rules(ruleset)
    if sections.get("plaque"):
        current = proposals.current_plaque(ruleset.unit)
        awarded = PlaqueAward.objects.filter(
            bureau=ruleset.unit, year=ruleset.effective_to.year + 1
        ).exists()
        context["plaque"] = proposals.propose_plaque(ruleset, current.holder if current else None)
        context["plaque_year"] = ruleset.effective_to.year + 1
        context["plaque_awarded"] = awarded
    if sections.get("elimination"):
        context["teams"] = proposals.team_assessment(ruleset)
        context["vacancies"] = proposals.open_vacancies(ruleset.unit)
    return render(request, "appraisal/detail.html", context)


def _office_action(request: HttpRequest, pk: int, run, done: str) -> HttpResponse:
    try:
        ruleset = _ruleset(request, pk)
    except PermissionDenied as denied:
        return forbidden(request, denied)
    if not is_office_for(request.user, ruleset.unit):
        return forbidden(
            request,
            PermissionDenied(_("Only the office of the issuing unit decides its appraisal.")),
        )
    try:
        run(ruleset)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    else:
        messages.success(request, done)
    return redirect("appraisal:appraisal-detail", pk=pk)


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_action(
        request,
        pk,
        lambda rs: actions.propose_appraisal(ruleset=rs, user=request.user),
        _("Proposed from the standings. Review the awards, then confirm."),
    )


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ruleset):
        appraisal = Appraisal.objects.filter(ruleset=ruleset).first()
        if appraisal is None:
            raise ActionRefused(_("Propose the appraisal first."))
        actions.confirm_appraisal(appraisal=appraisal, user=request.user)

    return _office_action(request, pk, run, _("The appraisal is confirmed."))


@login_required
@require_POST
def plaque(request: HttpRequest, pk: int) -> HttpResponse:
    form = DayForm(request.POST)

    def run(ruleset):
        if not form.is_valid():
            raise ActionRefused(" ".join(e for errors in form.errors.values() for e in errors))
        actions.award_plaque(ruleset=ruleset, user=request.user, day=form.cleaned_data["day"])

    return _office_action(request, pk, run, _("The plaque has been handed on."))


@login_required
@require_POST
def eliminate(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    form = EliminationForm(request.POST)

    def run(ruleset):
        from xinxuan.organisation.models import TeamMembership

        found = TeamMembership.objects.filter(pk=membership, team__bureau=ruleset.unit).first()
        if found is None:
            raise ActionRefused(_("This member is not on the rule set's elimination list."))
        if not form.is_valid():
            raise ActionRefused(" ".join(e for errors in form.errors.values() for e in errors))
        actions.confirm_elimination(
            membership=found,
            ruleset=ruleset,
            user=request.user,
            reason=form.cleaned_data["reason"],
            day=form.cleaned_data["day"],
        )

    return _office_action(request, pk, run, _("The membership has ended; the vacancy is listed."))


def _recipient_choices(award: Award) -> list[tuple[str, str]]:
    appraisal = award.appraisal
    ids = appraisal.unit.descendant_ids()
    if award.recipient == Recipient.INDIVIDUAL:
        people = Person.objects.filter(unit_id__in=ids, is_active=True).select_related("unit")
        return [(f"p{p.pk}", f"{p.name}（{p.unit.label}）") for p in people]
    if award.recipient == Recipient.COLLECTIVE:
        units = Unit.objects.filter(parent_id=appraisal.unit.pk, is_active=True)
        return [(f"u{u.pk}", u.label) for u in units]
    return [(f"i{award.item_id}", award.item.title)]


def _current_recipient(award: Award) -> str:
    if award.recipient == Recipient.INDIVIDUAL:
        return f"p{award.person_id}"
    if award.recipient == Recipient.COLLECTIVE:
        return f"u{award.unit_id}"
    return f"i{award.item_id}"


@login_required
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(
        Award.objects.select_related("appraisal__ruleset__unit", "unit", "person", "item"), pk=pk
    )
    ruleset = award.appraisal.ruleset
    if not readable_rulesets(request.user).filter(pk=ruleset.pk).exists() or not is_office_for(
        request.user, ruleset.unit
    ):
        return forbidden(
            request,
            PermissionDenied(_("Only the office of the issuing unit decides its appraisal.")),
        )
    form = AdjustAwardForm(
        request.POST or None,
        tiers=proposals.tier_choices(ruleset, award.recipient),
        recipients=_recipient_choices(award),
        initial={"tier": award.tier, "recipient": _current_recipient(award)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data["recipient"]
        target = {}
        if chosen != _current_recipient(award):
            if chosen.startswith("p"):
                target["person"] = Person.objects.get(pk=int(chosen[1:]))
            elif chosen.startswith("u"):
                target["unit"] = Unit.objects.get(pk=int(chosen[1:]))
        try:
            actions.adjust_award(
                award=award,
                user=request.user,
                reason=data["reason"],
                tier=None if data["tier"] == WITHDRAW else data["tier"],
                withdraw=data["tier"] == WITHDRAW,
                **target,
            )
        except (ActionRefused, PermissionDenied) as refused:
            messages.error(request, getattr(refused, "message", str(refused)))
        else:
            messages.success(request, _("The award was adjusted; the reason is kept."))
            return redirect("appraisal:appraisal-detail", pk=ruleset.pk)
    return render(
        request, "appraisal/adjust.html", {"award": award, "form": form, "ruleset": ruleset}
    )


@login_required
def certificates(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        ruleset = _ruleset(request, pk)
    except PermissionDenied as denied:
        return forbidden(request, denied)
    appraisal = Appraisal.objects.filter(ruleset=ruleset).first()
    if appraisal is None or not appraisal.is_confirmed:
        messages.error(request, _("Certificates are printed once the appraisal is confirmed."))
        return redirect("appraisal:appraisal-detail", pk=pk)
    form = DayForm(request.GET or None)
    day = form.cleaned_data["day"] if form.is_valid() else None
    response = HttpResponse(
        certificate_docs.certificates_docx(appraisal, day),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="certificates-{ruleset.code}.docx"'
    return response


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """The headline figures of any unit the user sees, for any period."""
    form = FiguresForm(request.GET or None, units=visible_units(request.user).order_by("pk"))
    headline = None
    if form.is_valid():
        data = form.cleaned_data
        headline = headline_figures(unit=data["unit"], start=data["start"], end=data["end"])
    return render(request, "appraisal/figures.html", {"form": form, "headline": headline})
