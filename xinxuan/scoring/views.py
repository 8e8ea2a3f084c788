"""Rule sets in the workbench and the standings they produce."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.accounts.views import forbidden
from xinxuan.jobs.models import Job, JobKind, JobStatus
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.lib.spreadsheets import spreadsheet_text
from xinxuan.organisation.access import (
    can_see_unit,
    filter_by_unit,
    in_own_bureau,
    own_bureau_unit_ids,
    scope_root,
    visible_unit_ids,
    visible_units,
)
from xinxuan.organisation.models import Unit
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.outcomes.figures import headline_figures
from xinxuan.outcomes.forms import RevokeForm
from xinxuan.scoring import actions, charts, engine, ledger, rollup, rows_html
from xinxuan.scoring import standings as by_period
from xinxuan.scoring import whatif as what_if
from xinxuan.scoring.forms import RuleSetDecisionForm, RuleSetForm, UnitOutcomeForm
from xinxuan.scoring.models import RuleSet, RuleSetStatus
from xinxuan.scoring.regulation import regulation_of, to_docx
from xinxuan.scoring.tasks import being_recalculated, schedule_whatif


def _visible(user):
    """Rule sets the user's office manages: those of the units the user sees."""
    return filter_by_unit(RuleSet.objects.select_related("unit"), user, "unit")


def _readable(user):
    """Rule sets the user may read and look at the standings of: those of the units
    the user sees, and those that assess one of them (issued by the unit above it)."""
    ids = visible_unit_ids(user)
    rulesets = RuleSet.objects.select_related("unit").order_by("-effective_from", "pk")
    if ids is None:
        return rulesets
    return rulesets.filter(Q(unit_id__in=ids) | Q(unit__children__in=ids)).distinct()


def _is_office(user) -> bool:
    return user.is_superuser or Role.OFFICE in roles_of(user)


@login_required
def ruleset_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scoring/ruleset_list.html",
        {"rulesets": _readable(request.user), "is_office": _is_office(request.user)},
    )


def numbered(text: str, problems) -> list[tuple[int, str, list[str]]]:
    """The text's lines with the problems found on each, for showing them in place."""
    by_line: dict[int, list[str]] = {}
    for p in problems:
        by_line.setdefault(p.line, []).append(p.message_zh)
    return [(n, line, by_line.get(n, [])) for n, line in enumerate(text.splitlines(), 1)]


@login_required
def ruleset_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    ruleset = get_object_or_404(_readable(request.user), pk=pk) if pk else None
    # the office edits its own rule sets; the one assessing its bureau it only reads
    may_edit = _is_office(request.user) and (
        ruleset is None
        or (
            _visible(request.user).filter(pk=ruleset.pk).exists()
            and in_own_bureau(request.user, ruleset.unit_id)
        )
    )
    units = visible_units(request.user).exclude(children=None)
    own = own_bureau_unit_ids(request.user)
    units = units if own is None else units.filter(pk__in=own)
    initial = {"unit": ruleset.unit if ruleset else None, "text": ruleset.text if ruleset else ""}
    form = RuleSetForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    context = {"ruleset": ruleset, "form": form, "problems": None, "lines": None}
    if request.method == "POST" and not may_edit:
        raise PermissionDenied(_("Only the office may manage this unit's rule sets."))
    if request.method == "POST" and form.is_valid():
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
        except ActionRefused as refused:  # a ledger.LedgerError is one too
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Saved as version %(v)s.") % {"v": ruleset.version})
            return redirect("scoring:ruleset-edit", pk=ruleset.pk)
    if ruleset is not None:
        context["versions"] = ruleset.versions.select_related("saved_by")
    context["is_office"] = may_edit
    context["decision_form"] = RuleSetDecisionForm()
    return render(request, "scoring/ruleset_edit.html", context)


def _act(request, pk, fn, done):
    ruleset = get_object_or_404(_visible(request.user), pk=pk)
    form = RuleSetDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["reason"]))
        return redirect("scoring:ruleset-edit", pk=pk)
    try:
        fn(ruleset=ruleset, user=request.user, reason=form.cleaned_data["reason"])
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    else:
        messages.success(request, done)
    return redirect("scoring:ruleset-edit", pk=pk)


@login_required
@require_POST
def ruleset_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        actions.activate_ruleset,
        _("In force; the standings are being recalculated in the background."),
    )


@login_required
@require_POST
def ruleset_retire(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, actions.retire_ruleset, _("Retired."))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def ruleset_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The rule set as the regulation officers and heads read (第一条 …), as a page or,
    with ``?format=docx``, as a Word document. The TOML stays the source."""
    ruleset = get_object_or_404(RuleSet.objects.select_related("unit"), pk=pk)
    if not _readable(request.user).filter(pk=pk).exists():
        # answered, not raised: Wagtail turns a raised PermissionDenied into a redirect
        denied = PermissionDenied(_("This rule set belongs to a unit outside your responsibility."))
        return forbidden(request, denied)
    try:
        compiled = ledger.compile_ruleset(ruleset)
    except engine.RuleSetError:
        messages.error(
            request, _("This rule set has problems; correct them to read it as a regulation.")
        )
        return redirect("scoring:ruleset-edit", pk=pk)
    regulation = regulation_of(compiled, assessed=ruleset.unit.name)
    if request.GET.get("format") == "docx":
        response = HttpResponse(to_docx(regulation), content_type=DOCX)
        filename = quote(f"{regulation.title}.docx")
        response["Content-Disposition"] = (
            f"attachment; filename=\"{ruleset.pk}.docx\"; filename*=UTF-8''{filename}"
        )
        return response
    return render(
        request, "scoring/ruleset_document.html", {"ruleset": ruleset, "regulation": regulation}
    )


@login_required
def ruleset_units(request: HttpRequest, pk: int) -> HttpResponse:
    """The units file the engine's command line reads beside a ledger export
    (``--units units.csv``): the units the rule set ranks with their classes and the
    year's targets, and the units below them with their parent.  For the office."""
    ruleset = get_object_or_404(RuleSet, pk=pk)
    if not _is_office(request.user) or not _readable(request.user).filter(pk=pk).exists():
        denied = PermissionDenied(_("This rule set belongs to a unit outside your responsibility."))
        return forbidden(request, denied)
    out = io.StringIO()
    out.write("\ufeff")  # Excel on a Chinese Windows reads the file as UTF-8
    writer = csv.writer(out)
    writer.writerow(by_period.UNITS_FILE_HEADER)
    for row in by_period.units_file(ruleset, visible_unit_ids(request.user)):
        writer.writerow([spreadsheet_text(value) for value in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="units-{ruleset.pk}.csv"'
    return response


def _standings_ruleset(request: HttpRequest, pk: int) -> RuleSet:
    ruleset = get_object_or_404(RuleSet, pk=pk)
    if not _readable(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("This rule set belongs to a unit outside your responsibility."))
    return ruleset


def _may_assess(user, ruleset: RuleSet) -> bool:
    """Office staff within the rule set's issuing unit record outcomes under it; a
    bureau's office looking at its superior's standings only reads them."""
    return (
        _is_office(user)
        and can_see_unit(user, ruleset.unit_id)
        and in_own_bureau(user, ruleset.unit_id)
    )


@login_required
def standings(request: HttpRequest, pk: int) -> HttpResponse:
    """Units under a rule set for a period (``?period=2011-Q2``): points, target
    completion, rank, gaps, per unit class; the writers; the breakdowns by month, kind
    and level of all units or of one (``?unit=``), with charts; the headline figures;
    the points that belong to no item.  ``?format=xlsx`` gives every table as a workbook."""
    ruleset = _standings_ruleset(request, pk)
    try:
        period = by_period.parse_period(ruleset, request.GET.get("period"))
    except by_period.BadPeriod as bad:
        messages.error(request, bad.message)
        period = by_period.whole(ruleset)
    rankings = by_period.unit_rankings(ruleset, period)
    ranked = {row.unit.pk: row.unit for ranking in rankings for row in ranking.rows}
    export = request.GET.get("format") == "xlsx"
    focus = None
    wanted = request.GET.get("unit", "")
    if wanted:
        focus = ranked.get(int(wanted)) if wanted.isdigit() and len(wanted) < 12 else None
        if focus is None:
            messages.error(
                request, _("That unit is not ranked under this rule set; all are shown.")
            )
        elif not can_see_unit(request.user, focus):
            # the ranking of totals is the whole bureau's; a unit's breakdown is its own
            denied = PermissionDenied(
                _(
                    "The breakdown of %(unit)s by month, kind and level is for its own "
                    "people and the office; the ranking of totals stays open to you."
                )
                % {"unit": focus.label}
            )
            if export:
                return forbidden(request, denied)
            messages.error(request, str(denied))
            focus = None
    scope = None if focus else _breakdown_scope(request.user, ruleset, ranked)
    breakdown = by_period.breakdown(ruleset, period, [focus.pk] if focus else scope)
    headline = headline_figures(unit=focus or ruleset.unit, start=period.start, end=period.end)
    parents = rollup.parent_choices(ruleset, period, visible_unit_ids(request.user))
    rolled = _rolled_up(request, ruleset, period, parents)
    person_rows = by_period.person_ranking(
        ruleset, period, _person_scope(request.user, focus), limit=None if export else 300
    )
    if export:
        return _standings_workbook(
            ruleset, period, rankings, person_rows, breakdown, headline, rolled
        )
    # Reading never writes: missed commissions are recorded by the daily
    # ``manage.py record_missed_commissions``, not when somebody looks.
    in_force = ruleset.status == RuleSetStatus.ACTIVE
    can_record = in_force and _may_assess(request.user, ruleset)
    subject = focus.label if focus else ruleset.unit.label
    seen = {
        pk
        for pk in [*ranked, *(row.unit.pk for row in (rolled.rows if rolled else ()))]
        if can_see_unit(request.user, pk)
    }
    blocks = _ranking_blocks(rankings, _sub_rulesets(ranked, period))
    has_deductions = can_record and bool(ledger.clauses(ruleset, "deduction"))
    has_adjustments = can_record and bool(ledger.clauses(ruleset, "manual_adjustment"))
    # reversed once here, not once per row of a ranking of hundreds
    lines_url = reverse("scoring:standings-lines", args=[pk])
    for block in blocks:
        block["rows_html"] = rows_html.unit_rows(
            block["rows"],
            period_key=period.key,
            seen=seen,
            lines_url=lines_url,
            deduction_url=(
                reverse("scoring:unit-outcome-add", args=[pk, "deduction"])
                if has_deductions
                else None
            ),
            adjustment_url=(
                reverse("scoring:unit-outcome-add", args=[pk, "adjustment"])
                if has_adjustments
                else None
            ),
        )
    context = {
        "ruleset": ruleset,
        "period": period,
        "choices": by_period.period_choices(ruleset),
        "rankings": blocks,
        "unit_options": rows_html.unit_options(blocks, seen=seen, focus=focus),
        "nothing": not any(row.points for ranking in rankings for row in ranking.rows),
        "focus": focus,
        "seen": seen,
        "parents": [ruleset.unit, *parents],
        "rolled": rolled,
        "breakdown_own": scope is not None,
        "breakdown": breakdown,
        "trend_chart": charts.trend(
            _("%(unit)s: points by month") % {"unit": subject},
            [s.label for s in breakdown.by_month],
            [s.points for s in breakdown.by_month],
        ),
        "kind_chart": charts.shares(
            _("By kind"),
            [s.label for s in breakdown.by_kind],
            [s.points for s in breakdown.by_kind],
        ),
        "level_chart": charts.shares(
            _("By level"),
            [s.label for s in breakdown.by_level],
            [s.points for s in breakdown.by_level],
        ),
        "headline": headline,
        "person_rows": person_rows,
        "person_rows_html": rows_html.person_rows(
            person_rows, period_key=period.key, lines_url=lines_url
        ),
        "loose_lines": ledger.loose_lines(ruleset).filter(
            date__gte=period.start, date__lte=period.end
        )[:200],
        "can_record": can_record,
        "has_deductions": has_deductions,
        "has_adjustments": has_adjustments,
        "revoke_form": RevokeForm(),
        "lines_url": lines_url,
        "recalculating": being_recalculated(ruleset),
        "drafts": _readable(request.user).filter(status=RuleSetStatus.DRAFT).exclude(pk=pk),
        "units_file": _is_office(request.user),
    }
    return render(request, "scoring/standings.html", context)


def _ranking_blocks(rankings, below: dict[int, int]) -> list[dict]:
    """Each class's ranking with its chart, and per unit its own rule set (if any)."""
    return [
        {
            "ranking": ranking,
            "chart": charts.ranking(
                _("%(class)s: points and target") % {"class": ranking.name},
                [row.unit.label for row in ranking.rows],
                [row.points for row in ranking.rows],
                [row.target for row in ranking.rows],
            ),
            "rows": [(row, below.get(row.unit.pk)) for row in ranking.rows],
        }
        for ranking in rankings
        # a class whose only unit has nothing (the office itself) needs no chart
        if len(ranking.rows) > 1 or ranking.rows and ranking.rows[0].points
    ]


def _breakdown_scope(user, ruleset: RuleSet, ranked: dict[int, Unit]) -> list[int] | None:
    """The units whose points the breakdown of "all units" sums for the user: all of
    them when the user sees the issuing unit's whole tree, else only the user's own
    (an officer reads their own department's months and kinds, not a colleague's)."""
    ids = visible_unit_ids(user)
    if ids is None or ruleset.unit_id in ids:
        return None
    return sorted(pk for pk in ranked if pk in ids)


def _rolled_up(request: HttpRequest, ruleset: RuleSet, period, parents) -> rollup.Rollup | None:
    """The roll-up the page was asked for (``?parent=``): the issuing unit or one of the
    offered units; anything else is refused with a message, the page still shown."""
    wanted = request.GET.get("parent", "")
    if not wanted:
        return None
    allowed = {ruleset.unit_id: ruleset.unit, **{u.pk: u for u in parents}}
    chosen = allowed.get(int(wanted)) if wanted.isdigit() and len(wanted) < 12 else None
    if chosen is None:
        messages.error(
            request,
            _("The sub-units of that unit cannot be ranked here; choose one from the list."),
        )
        return None
    return rollup.rollup(chosen, period)


def _person_scope(user, focus: Unit | None) -> set[int] | None:
    """The units whose writers a user sees in the standings (within the chosen unit)."""
    ids = visible_unit_ids(user)
    if focus is None:
        return ids
    return {focus.pk} if ids is None or focus.pk in ids else set()


def _sub_rulesets(units: dict[int, Unit], period) -> dict[int, int]:
    """unit pk → its own rule set in force in the period, whose standings rank the
    unit's sub-units (the province ranks its bureaus; each bureau its departments)."""
    found = RuleSet.objects.filter(
        unit_id__in=list(units),
        status=RuleSetStatus.ACTIVE,
        effective_from__lte=period.end,
        effective_to__gte=period.start,
    ).order_by("effective_from")
    return {rs.unit_id: rs.pk for rs in found}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _standings_workbook(ruleset, period, rankings, person_rows, breakdown, headline, rolled):
    """Every table of the standings page as a sheet; text cells never run as formulas."""
    from openpyxl import Workbook

    def sheet(title, header, rows):
        ws = book.create_sheet(title[:31])
        ws.append([spreadsheet_text(h) for h in header])
        for row in rows:
            ws.append([spreadsheet_text(v) if isinstance(v, str) else v for v in row])
        ws.column_dimensions["B"].width = 24

    def num(value):
        return float(value) if value is not None else None

    book = Workbook()
    book.remove(book.active)
    if rolled is not None:
        sheet(
            _("Sub-units of %(unit)s") % {"unit": rolled.parent.name},
            [
                _("Rank"),
                _("Unit"),
                _("Points"),
                _("Target"),
                _("Completion %"),
                _("Adopted items"),
                _("Gap to the one above"),
                _("Difference to the second"),
                _("Rule set"),
            ],
            [
                [
                    r.rank,
                    r.unit.label,
                    num(r.points),
                    num(r.target),
                    num(r.completion),
                    r.adopted,
                    num(r.gap_to_next),
                    num(r.to_second),
                    "、".join(rs.name for rs in (r.rulesets or rolled.rulesets)),
                ]
                for r in rolled.rows
            ]
            + [[None, rolled.note]],
        )
    for ranking in rankings:
        sheet(
            ranking.name,
            [
                _("Rank"),
                _("Unit"),
                _("Points"),
                _("Target"),
                _("Completion %"),
                _("Adopted items"),
                _("Gap to the one above"),
                _("Difference to the second"),
            ],
            [
                [
                    r.rank,
                    r.unit.label,
                    num(r.points),
                    num(r.target),
                    num(r.completion),
                    r.adopted,
                    num(r.gap_to_next),
                    num(r.to_second),
                ]
                for r in ranking.rows
            ],
        )
    sheet(
        _("Writers"),
        [
            _("Rank"),
            _("Writer"),
            _("Unit"),
            _("Team"),
            _("Points"),
            _("Target"),
            _("Completion %"),
            _("Adopted items"),
        ],
        [
            [
                r.rank,
                r.person.name,
                r.unit.label,
                "、".join(r.teams),
                num(r.points),
                num(r.target),
                num(r.completion),
                r.adopted,
            ]
            for r in person_rows
        ],
    )
    for title, slices in (
        (_("By month"), breakdown.by_month),
        (_("By kind"), breakdown.by_kind),
        (_("By level"), breakdown.by_level),
    ):
        sheet(
            title,
            [title, _("Points"), _("Score lines")],
            [[s.label, num(s.points), s.lines] for s in slices],
        )
    sheet(_("Headline figures"), [_("Figure"), _("Number")], headline.as_rows())
    response = HttpResponse(_workbook_bytes(book), content_type=XLSX)
    filename = quote(f"{ruleset.name}-{period.label}.xlsx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"standings-{ruleset.pk}.xlsx\"; filename*=UTF-8''{filename}"
    )
    return response


def _workbook_bytes(book) -> bytes:
    import io

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
def standings_lines(request: HttpRequest, pk: int) -> HttpResponse:
    """The score lines behind a figure of the standings, each with its explanation:
    filtered by period, unit, writer, month, kind and level, only of units the user
    may see."""
    ruleset = _standings_ruleset(request, pk)
    try:
        period = by_period.parse_period(ruleset, request.GET.get("period"))
        lines = by_period.lines_behind(
            ruleset,
            period,
            unit=request.GET.get("unit", ""),
            person=request.GET.get("person", ""),
            kind=request.GET.get("kind", ""),
            level=request.GET.get("level", ""),
            within=request.GET.get("within", ""),
        )
    except by_period.BadFilter as bad:
        messages.error(request, bad.message)
        return redirect("scoring:standings", pk=pk)
    lines = filter_by_unit(lines, request.user, "unit")
    paginator = Paginator(lines, 100)
    known = by_period.behind_totals(
        ruleset,
        period,
        visible_unit_ids(request.user),
        **{key: request.GET.get(key, "") for key in ("unit", "person", "kind", "level")},
    )
    if known is None:
        total = lines.aggregate(total=Sum("points"))["total"]
    else:
        # the count the paginator would take from the lines, from the monthly sums
        paginator.count, total = known
    page = paginator.get_page(request.GET.get("p"))
    context = {
        "ruleset": ruleset,
        "period": period,
        "page": page,
        "total": total,
        "filters": by_period.describe_filters(request.GET),
        "query": request.GET.copy(),
    }
    return render(request, "scoring/standings_lines.html", context)


UNIT_OUTCOMES = {
    "deduction": gettext_lazy("Record a deduction"),
    "adjustment": gettext_lazy("Record a manual adjustment"),
}


def _default_day(ruleset: RuleSet):
    today = timezone.localdate()
    return min(max(today, ruleset.effective_from), ruleset.effective_to)


@login_required
def unit_outcome_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """登记扣分 / 登记加减分: a clause of the rule set in force, for one unit it credits."""
    ruleset = _standings_ruleset(request, pk)
    if not _is_office(request.user):
        # Answered here rather than raised: Wagtail turns a raised PermissionDenied into a
        # redirect to the dashboard, and the officer should read why.
        denied = PermissionDenied(_("Only the office may record deductions and adjustments."))
        return forbidden(request, denied)
    # the office of the issuing bureau records them: not a bureau office under a
    # superior's rule set, nor a superior office under a bureau's
    if not can_see_unit(request.user, ruleset.unit_id):
        reason = _(
            "This rule set is issued by %(unit)s, which assesses your bureau: its "
            "deductions and adjustments are recorded by %(unit)s's office, not by yours."
        )
    elif not in_own_bureau(request.user, ruleset.unit_id):
        reason = _(
            "This rule set is %(unit)s's own: its deductions and adjustments are "
            "recorded by %(unit)s's office. Your office reads its standings."
        )
    else:
        reason = None
    if reason is not None:
        return forbidden(request, PermissionDenied(reason % {"unit": ruleset.unit}))
    if kind not in UNIT_OUTCOMES:
        return redirect("scoring:standings", pk=pk)
    if ruleset.status != RuleSetStatus.ACTIVE:
        messages.error(
            request, _("Deductions and adjustments are recorded under a rule set in force.")
        )
        return redirect("scoring:standings", pk=pk)
    section = "deduction" if kind == "deduction" else "manual_adjustment"
    clauses = ledger.clauses(ruleset, section)
    units = visible_units(request.user).filter(parent_id=ruleset.unit_id, is_active=True)
    own = None if request.user.is_superuser else scope_root(request.user)
    if own is not None:
        units = units.exclude(pk=own.pk)  # a bureau is assessed by its superior
    form = UnitOutcomeForm(
        request.POST or None,
        units=units,
        clauses=clauses,
        ruleset=ruleset,
        initial={"unit": request.GET.get("unit"), "date": _default_day(ruleset)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = _record_unit_outcome(kind, request.user, form.cleaned_data)
        except ActionRefused as refused:
            messages.error(request, refused.message)
        else:
            lines = outcome.score_lines.filter(ruleset=ruleset, person__isnull=True).select_related(
                "calc"
            )
            explained = "；".join(line.explanation for line in lines) or str(outcome)
            messages.success(
                request,
                _("Recorded for %(unit)s: %(explanation)s")
                % {"unit": outcome.unit.label, "explanation": explained},
            )
            return redirect("scoring:standings", pk=pk)
    context = {
        "ruleset": ruleset,
        "form": form,
        "kind": kind,
        "title": UNIT_OUTCOMES[kind],
        "clauses": clauses,
    }
    return render(request, "scoring/unit_outcome_form.html", context)


def _record_unit_outcome(kind: str, user, data):
    clause = data["clause"]
    common = {
        "unit": data["unit"],
        "user": user,
        "rule": clause.id,
        "date": data["date"],
        "reason": data["reason"],
    }
    if kind == "deduction":
        return outcome_actions.record_deduction(
            **common,
            points=data["points"] if clause.is_ranged else None,
            range_min=clause.low,
            range_max=clause.high,
        )
    return outcome_actions.record_adjustment(
        **common, points=data["points"], range_min=clause.low, range_max=clause.high
    )


@login_required
def whatif(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft rule set run on this rule set's period beside it: each unit's and
    writer's points and rank, before and after.  The office starts the run (a
    background job); everyone who reads the standings reads the kept results."""
    base = _standings_ruleset(request, pk)
    drafts = _readable(request.user).filter(status=RuleSetStatus.DRAFT).exclude(pk=pk)
    may_run = what_if.may_start(request.user, base)
    # the office tries its own drafts, never those of a bureau below it
    drafts = drafts.filter(pk__in=[d.pk for d in drafts if what_if.may_start(request.user, d)])
    if request.method == "POST":
        chosen = request.POST.get("draft", "")
        found = (
            RuleSet.objects.filter(pk=int(chosen)).select_related("unit").first()
            if chosen.isdigit() and len(chosen) < 12
            else None
        )
        try:
            if not may_run:
                what_if.require_owner(request.user, draft=base, base=base)
            if found is not None:
                what_if.require_owner(request.user, draft=found, base=base)
        except PermissionDenied as denied:
            return forbidden(request, denied)
        draft = drafts.filter(pk=found.pk).first() if found else None
        if draft is None:
            messages.error(request, _("Choose one of the drafts in the list."))
            return redirect("scoring:whatif", pk=pk)
        try:
            what_if.check(draft, base)
        except ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("scoring:whatif", pk=pk)
        job = schedule_whatif(draft=draft, base=base, user=request.user)
        return redirect("jobs:job-detail", pk=job.pk)
    runs = Job.objects.filter(kind=JobKind.WHATIF, subject=f"whatif:{base.pk}")
    shown = None
    wanted = request.GET.get("job", "")
    if wanted:
        readable = wanted.isdigit() and len(wanted) < 12
        shown = runs.filter(pk=wanted, status=JobStatus.DONE).first() if readable else None
        if shown is None:
            messages.error(request, _("That what-if is not among the finished ones below."))
    elif runs.filter(status=JobStatus.DONE).exists():
        shown = runs.filter(status=JobStatus.DONE).first()
    context = {
        "ruleset": base,
        "drafts": drafts,
        "runs": runs[:20],
        "shown": shown,
        "is_office": may_run,
    }
    if shown is not None:
        ids = visible_unit_ids(request.user)
        result = shown.result
        context["unit_rows"] = [_change(r) for r in result.get("units", [])]
        context["person_rows"] = [
            _change(r) for r in result.get("persons", []) if ids is None or r.get("unit") in ids
        ]
    return render(request, "scoring/whatif.html", context)


def _change(row: dict) -> dict:
    """A kept what-if row with its numbers as numbers (JSON keeps them as text)."""
    from decimal import Decimal

    return {
        **row,
        "before": Decimal(row["before"]),
        "after": Decimal(row["after"]),
        "change": Decimal(row["change"]),
        "moved": row["rank_before"] - row["rank_after"],
    }
