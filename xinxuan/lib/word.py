"""Small python-docx helpers for documents in the official layout (GB/T 9704).

Fonts are named, never embedded: a Chinese office machine has 仿宋_GB2312 and
方正小标宋; elsewhere Word or LibreOffice fall back to FangSong / SimSun.
"""

from __future__ import annotations

import copy

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
XML_SPACE = qn("xml:space")
RED = RGBColor(0xE6, 0x00, 0x12)
SIZE_3 = Pt(16)  # 三号: the body
SIZE_2 = Pt(22)  # 二号: the title
SIZE_4 = Pt(14)  # 四号: tables


def set_font(run, east_asian: str = BODY_FONT, size=SIZE_3, *, bold=False, color=None) -> None:
    """Name the Chinese and Latin fonts of a run (python-docx sets only the Latin one)."""
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def paragraph(
    doc_or_cell,
    text: str = "",
    *,
    font=BODY_FONT,
    size=SIZE_3,
    align=None,
    bold=False,
    color=None,
    indent=True,
    space_after=0,
):
    p = doc_or_cell.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    fmt.line_spacing = Pt(28) if size == SIZE_3 else None
    if indent and align in (None, WD_ALIGN_PARAGRAPH.JUSTIFY):
        fmt.first_line_indent = Pt(size.pt * 2)  # two characters
    if text:
        set_font(p.add_run(text), font, size, bold=bold, color=color)
    return p


def a4_official(document) -> None:
    """A4 with the margins of GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm."""
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    style = document.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = SIZE_3
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def red_rule(paragraph_) -> None:
    """The red line under the masthead, drawn as the paragraph's bottom border."""
    from docx.oxml import OxmlElement

    p_pr = paragraph_._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "18"),
        ("w:space", "6"),
        ("w:color", "E60012"),
    ):
        bottom.set(qn(key), value)
    border.append(bottom)
    p_pr.append(border)


def repeat_header(row) -> None:
    """Mark a table's first row to be repeated at the top of every page it runs onto
    (a ranking of 300 units fills nine pages)."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _fill(cells, values, font) -> None:
    for cell, text in zip(cells, values, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(cell.paragraphs[0].add_run(str(text)), font, SIZE_4)


def _plain(text: str) -> bool:
    """Text python-docx writes as one ``w:t`` of itself (no tab, break or empty run)."""
    return bool(text) and not any(c in text for c in "\t\n\r")


def table(document, header: list[str], rows: list[list[str]], *, widths=None):
    """A plain bordered table in 四号 仿宋 with a bold header row.

    The first row of data is built cell by cell; each further row whose cells are
    plain text is a copy of it with its texts replaced: python-docx spends about 2 ms
    per cell finding where each property goes, and a bulletin of 300 units has 1,500
    cells.  A row with an empty cell, a tab or a line break is built cell by cell."""
    t = document.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = 1  # centred
    _fill(t.rows[0].cells, header, HEADING_FONT)
    repeat_header(t.rows[0])
    if rows:
        _fill(t.add_row().cells, rows[0], BODY_FONT)
    if widths:
        t.autofit = False
        for column, width in zip(t.columns, widths, strict=False):
            column.width = Cm(width)
        for row in t.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Cm(width)
    template = t.rows[1]._tr if rows and all(_plain(str(v)) for v in rows[0]) else None
    for values in rows[1:]:
        texts = [str(v) for v in values]
        if template is not None and all(_plain(text) for text in texts):
            tr = copy.deepcopy(template)
            for element, text in zip(tr.iter(qn("w:t")), texts, strict=True):
                element.text = text
                element.attrib.pop(XML_SPACE, None)
                if len(text.strip()) < len(text):
                    element.set(XML_SPACE, "preserve")
            t._tbl.append(tr)
            continue
        cells = t.add_row().cells
        _fill(cells, texts, BODY_FONT)
        for cell, width in zip(cells, widths or [], strict=False):
            cell.width = Cm(width)
    return t
