"""The standings page's long tables as HTML built in Python.

A province's standings list hundreds of units and writers; the template language spent
about a quarter of a second on those rows alone (``bench/bench_lists.py``). Each
function gives the same markup the template wrote, every text escaped, every number
formatted by the template's own ``floatformat``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _dash(value, places: str) -> str:
    return "—" if value is None else floatformat(value, places)


def _completion_class(completion) -> str:
    if completion is None:
        return "num "
    return "num standings-over" if completion >= 100 else "num standings-under"


def unit_rows(
    rows: Iterable[tuple],
    *,
    period_key: str,
    seen: set[int],
    lines_url: str,
    deduction_url: str | None,
    adjustment_url: str | None,
) -> SafeString:
    """The ``<tr>`` of each (standing row, unit with its own rule set) of a ranking."""
    breakdown_title = escape(_("Breakdown and writers of this unit"))
    lines_title = escape(_("The score lines behind this figure"))
    sub_units = escape(_("its sub-units"))
    period = escape(period_key)
    out = []
    for row, sub in rows:
        pk = row.unit.pk
        label = escape(row.unit.label)
        points = floatformat(row.points, "1")
        if pk in seen:
            unit = f'<a href="?period={period}&amp;unit={pk}" title="{breakdown_title}">{label}</a>'
            lines = f"{escape(lines_url)}?period={period}&amp;unit={pk}"
            points = f'<a href="{lines}" title="{lines_title}">{points}</a>'
            adopted = f'<a href="{lines}&amp;kind=adoption">{row.adopted}</a>'
        else:
            unit, adopted = label, row.adopted
        if sub:
            standings = escape(reverse("scoring:standings", args=[sub]))
            unit += f' · <a href="{standings}?period={period}">{sub_units}</a>'
        completion = "—" if row.completion is None else f"{floatformat(row.completion, '1')} %"
        second = row.to_second
        cells = [
            f"<td>{row.rank}</td>",
            f"<td>{unit}</td>",
            f'<td class="num">{points}</td>',
            f'<td class="num">{_dash(row.target, "-1")}</td>',
            f'<td class="{_completion_class(row.completion)}">{completion}</td>',
            f'<td class="num">{adopted}</td>',
            f'<td class="num">{_dash(row.gap_to_next, "-1")}</td>',
            f'<td class="num">{"" if second is None else floatformat(second, "-1")}</td>',
        ]
        if deduction_url or adjustment_url:
            links = []
            if deduction_url:
                word = escape(_("Deduction"))
                links.append(f'<a href="{escape(deduction_url)}?unit={pk}">{word}</a>')
            if adjustment_url:
                links.append(
                    f'<a href="{escape(adjustment_url)}?unit={pk}">{escape(_("Adjustment"))}</a>'
                )
            cells.append(f'<td class="unit-outcome-links">{" · ".join(links)}</td>')
        first = ' class="first"' if row.rank == 1 and row.points else ""
        out.append(f"<tr{first}>{''.join(cells)}</tr>")
    return mark_safe("\n".join(out))  # noqa: S308 — every text above is escaped


def unit_options(rankings: Iterable[dict], *, seen: set[int], focus) -> SafeString:
    """The ``<option>`` of every unit the user may open, in ranking order."""
    chosen = focus.pk if focus else None
    out = []
    for block in rankings:
        for row, _sub in block["rows"]:
            pk = row.unit.pk
            if pk in seen:
                selected = " selected" if pk == chosen else ""
                out.append(f'<option value="{pk}"{selected}>{escape(row.unit.label)}</option>')
    return mark_safe("".join(out))  # noqa: S308 — every text above is escaped


def person_rows(rows: Iterable, *, period_key: str, lines_url: str) -> SafeString:
    """The ``<tr>`` of each writer's standing, or one row saying there are none."""
    period = escape(period_key)
    lines = escape(lines_url)
    out = []
    for row in rows:
        teams = "、".join(escape(team) for team in row.teams) or "—"
        completion = "—" if row.completion is None else f"{floatformat(row.completion, '1')} %"
        out.append(
            f"<tr><td>{row.rank}</td><td>{escape(row.person.name)}</td>"
            f"<td>{escape(row.unit.label)}</td><td>{teams}</td>"
            f'<td class="num"><a href="{lines}?period={period}&amp;person={row.person.pk}">'
            f"{floatformat(row.points, '1')}</a></td>"
            f'<td class="num">{_dash(row.target, "-1")}</td>'
            f'<td class="num">{completion}</td><td class="num">{row.adopted}</td>'
            f'<td class="num">{_dash(row.gap_to_next, "-1")}</td></tr>'
        )
    if not out:
        out.append(f'<tr><td colspan="9">{escape(_("None."))}</td></tr>')
    return mark_safe("\n".join(out))  # noqa: S308 — every text above is escaped
