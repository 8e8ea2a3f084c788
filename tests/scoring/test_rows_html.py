"""The standings' long tables, built in Python, escape every text they write."""

from decimal import Decimal
from types import SimpleNamespace as Row

from xinxuan.scoring import rows_html


def unit_row(label):
    unit = Row(pk=7, label=label)
    return Row(
        unit=unit,
        rank=1,
        points=Decimal("12.5"),
        target=None,
        completion=Decimal("125"),
        adopted=3,
        gap_to_next=None,
        to_second=Decimal("2"),
    )


def test_unit_rows_escape_names_and_link_only_what_is_seen():
    html = rows_html.unit_rows(
        [(unit_row("<b>处</b>"), None)],
        period_key="2011",
        seen=set(),
        lines_url="/admin/rulesets/1/standings/lines/",
        deduction_url=None,
        adjustment_url=None,
    )
    assert "&lt;b&gt;处&lt;/b&gt;" in html and "<b>" not in html
    assert "<a " not in html  # a unit the reader may not open has no links
    assert '<td class="num standings-over">125.0 %</td>' in html
    seen = rows_html.unit_rows(
        [(unit_row("处"), None)],
        period_key="2011",
        seen={7},
        lines_url="/l/",
        deduction_url="/d/",
        adjustment_url=None,
    )
    assert '<a href="/l/?period=2011&amp;unit=7&amp;kind=adoption">3</a>' in seen
    assert '<a href="/d/?unit=7">' in seen


def test_person_rows_escape_and_say_none():
    person = Row(pk=3, name="<i>沈</i>")
    row = Row(
        rank=1,
        person=person,
        unit=Row(label="处"),
        teams=["<x>"],
        points=Decimal(1),
        target=None,
        completion=None,
        adopted=0,
        gap_to_next=None,
    )
    html = rows_html.person_rows([row], period_key="2011", lines_url="/l/")
    assert "&lt;i&gt;沈&lt;/i&gt;" in html and "&lt;x&gt;" in html and "<i>" not in html
    assert 'colspan="9"' in rows_html.person_rows([], period_key="2011", lines_url="/l/")
