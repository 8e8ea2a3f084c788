"""A table of the official layout is the same document whether its rows are built cell
by cell or copied from the first row (how ``lib.word.table`` makes 300 rows fast)."""

from __future__ import annotations

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree

from xinxuan.lib.word import BODY_FONT, HEADING_FONT, SIZE_4, repeat_header, set_font, table

HEADER = ["名次", "单位", "得分"]


def cell_by_cell(document, header, rows, widths=None):
    """The table as python-docx builds it one cell at a time (the reference)."""
    t = document.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = 1
    for cell, text in zip(t.rows[0].cells, header, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(cell.paragraphs[0].add_run(text), HEADING_FONT, SIZE_4)
    repeat_header(t.rows[0])
    for row in rows:
        for cell, text in zip(t.add_row().cells, row, strict=True):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, SIZE_4)
    if widths:
        t.autofit = False
        for column, width in zip(t.columns, widths, strict=False):
            column.width = Cm(width)
        for row in t.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Cm(width)
    return t


def xml(build, rows, widths) -> bytes:
    document = Document()
    build(document, HEADER, rows, widths=widths)
    return etree.tostring(document.element.body, encoding="utf-8")


@pytest.mark.parametrize("widths", [None, [1.6, 6.0, 2.6]], ids=["no-widths", "widths"])
@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([[str(n), f"第{n}处", f"{n}.5"] for n in range(1, 40)], id="plain"),
        pytest.param([["1", "一处", "3.0"], ["2", " 前后空格 ", "2.0"]], id="spaces"),
        pytest.param([["1", "一处", "3.0"], ["2", "", "—"], ["3", "三处", 4]], id="empty-cell"),
        pytest.param([["1", "一处", "3.0"], ["2", "二\t处", "2.0"]], id="tab"),
        pytest.param([["1", "", "3.0"], ["2", "二处", "2.0"]], id="first-row-empty"),
        pytest.param([], id="no-rows"),
    ],
)
def test_copied_rows_make_the_same_document(rows, widths):
    assert xml(table, rows, widths) == xml(cell_by_cell, rows, widths)


def test_the_header_row_is_repeated_on_every_page():
    document = Document()
    t = table(document, HEADER, [["1", "一处", "3.0"]] * 3)
    repeated = [
        row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
        for row in t.rows
    ]
    assert repeated == [True, False, False, False]
