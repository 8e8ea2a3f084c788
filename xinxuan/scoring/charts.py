"""The standings' charts, drawn on the server as SVG by pygal: nothing runs in the
browser and nothing is fetched (pygal's tooltip script is left out), the labels use the
browser's own Chinese fonts.  Each chart is shown beside the table it draws."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from decimal import Decimal

import pygal
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

FONTS = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', sans-serif"
)
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#888",
    font_family=FONTS,
    label_font_family=FONTS,
    major_label_font_family=FONTS,
    value_font_family=FONTS,
    title_font_family=FONTS,
    legend_font_family=FONTS,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    colors=("#c0392b", "#9aa5b1", "#2e6da4", "#e67e22", "#27ae60", "#8e44ad"),
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


# Drawing is the costly part (pygal walks its configuration for every bar: 60 ms for a
# ranking of 300 units), and the same figures are drawn again on every visit until the
# standings move; a chart is kept by its figures, so a change of them draws anew.
CHART_SECONDS = 3600


def _remembered(draw):
    @functools.wraps(draw)
    def wrapper(*args) -> SafeString:
        figures = repr((draw.__name__, get_language(), args)).encode()
        key = "xinxuan:chart:" + hashlib.sha256(figures).hexdigest()
        svg = cache.get(key)
        if svg is None:
            svg = str(draw(*args))
            cache.set(key, svg, CHART_SECONDS)
        return mark_safe(svg)  # noqa: S308 - drawn by pygal, which escapes the labels

    return wrapper


def _svg(chart) -> SafeString:
    svg = chart.render(is_unicode=True)
    # pygal writes its configuration for its tooltip script inline; the page's policy
    # forbids inline scripts, and the charts need none.
    return mark_safe(_SCRIPT.sub("", svg))  # noqa: S308 - pygal escapes the labels


def _common(**extra):
    return {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "print_values": True,
        "value_formatter": lambda v: f"{v:,.1f}".rstrip("0").rstrip("."),
        "legend_at_bottom": True,
        **extra,
    }


@_remembered
def ranking(
    title: str, labels: Sequence[str], points: Sequence[Decimal], targets: Sequence[Decimal | None]
) -> SafeString:
    """Each unit's points beside its target, best first from the top."""
    chart = pygal.HorizontalBar(
        **_common(title=title, height=110 + 40 * max(len(labels), 1), width=560)
    )
    chart.x_labels = list(reversed(labels))
    chart.add(_("Points"), [float(p) for p in reversed(points)])
    if any(t is not None for t in targets):
        chart.add(
            _("Target"),
            [float(t) if t is not None else None for t in reversed(targets)],
        )
    return _svg(chart)


@_remembered
def trend(title: str, labels: Sequence[str], points: Sequence[Decimal]) -> SafeString:
    """Points month by month."""
    chart = pygal.Bar(**_common(title=title, height=320, width=560, show_legend=False))
    chart.x_labels = list(labels)
    chart.add(_("Points"), [float(p) for p in points])
    return _svg(chart)


@_remembered
def shares(title: str, labels: Sequence[str], points: Sequence[Decimal]) -> SafeString:
    """Points by kind or by level."""
    chart = pygal.HorizontalBar(
        **_common(title=title, height=100 + 36 * max(len(labels), 1), width=480, show_legend=False)
    )
    chart.x_labels = list(reversed(labels))
    chart.add(_("Points"), [float(p) for p in reversed(points)])
    return _svg(chart)
