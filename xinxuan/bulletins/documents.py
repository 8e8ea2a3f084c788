"""The bulletin as a Word document in the official layout (GB/T 9704) and as an Excel
workbook with every table."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from xinxuan.lib.word import (
    BODY_FONT,
    HEADING_FONT,
    RED,
    SIZE_2,
    SIZE_3,
    TITLE_FONT,
    a4_official,
    paragraph,
    red_rule,
    set_font,
    table,
)

from .content import BulletinData
from .models import Bulletin

CHINESE_NUMERALS = "一二三四五六七八九十"


def fmt(value: Decimal | None, places: int = 1) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def text_width(text: str) -> Decimal:
    """Width in full characters: Latin letters and digits take half a character."""
    return sum((Decimal("0.5") if ord(c) < 0x2E80 else Decimal(1) for c in text), Decimal(0))


def chinese_date(day) -> str:
    return _("%(year)s-%(month)s-%(day)s") % {"year": day.year, "month": day.month, "day": day.day}


def standings_table(data: BulletinData) -> tuple[list[str], list[list[str]]]:
    header = [_("Rank"), _("Unit"), _("Points")]
    year = any(row.completion is not None for row in data.standings)
    if year:
        header += [_("Target"), _("Completion")]
    rows = []
    for row in data.standings:
        cells = [str(row.rank), row.unit.name, fmt(row.points)]
        if year:
            cells += [fmt(row.target, 0), f"{fmt(row.completion, 0)}%" if row.completion else "—"]
        rows.append(cells)
    return header, rows


def prize_name(award) -> str:
    """先进集体一等奖; a tier already named after its recipients (先进个人) alone."""
    kind = award.get_recipient_display()
    return award.tier_label if kind in award.tier_label else f"{kind}{award.tier_label}"


def recipient_full_name(award) -> str:
    if award.item_id:
        return f"《{award.item.title}》（{award.unit.name}）"
    if award.person_id:
        return f"{award.person.name}（{award.unit.name}）"
    return award.unit.name


def awards_table(data: BulletinData) -> tuple[list[str], list[list[str]]]:
    header = [_("Line of work"), _("Prize awarded"), _("Recipient")]
    rows = [[a.get_track_display(), prize_name(a), recipient_full_name(a)] for a in data.awards]
    return header, rows


def headline_sentence(data: BulletinData) -> str:
    h = data.headline
    return _(
        "In %(period)s the units reported %(reported)s items of information upward, of "
        "which %(high)s were adopted at provincial level or above; leaders endorsed items "
        "%(endorsements)s times; %(media)s articles appeared in the media at all levels; "
        "%(prizes)s prizes were won."
    ) % {
        "period": data.label,
        "reported": h.reported,
        "high": h.adopted_high,
        "endorsements": h.endorsements,
        "media": h.media_articles,
        "prizes": h.prizes,
    }


def heading(document, number: int, text: str) -> None:
    paragraph(document, f"{CHINESE_NUMERALS[number - 1]}、{text}", font=HEADING_FONT)


def bulletin_docx(bulletin: Bulletin, data: BulletinData) -> bytes:
    document = Document()
    a4_official(document)
    issuer = data.unit.name
    # 版头: the issuing body in red 小标宋, the number, the red rule
    masthead = paragraph(
        document,
        _("%(issuer)s Bulletin") % {"issuer": issuer},
        font=TITLE_FONT,
        size=Pt(36),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED,
        indent=False,
        space_after=18,
    )
    masthead.paragraph_format.line_spacing = None
    number = paragraph(
        document, bulletin.number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=6
    )
    red_rule(number)
    paragraph(document, "", indent=False)
    title = paragraph(
        document,
        bulletin.title,
        font=TITLE_FONT,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        space_after=12,
    )
    title.paragraph_format.line_spacing = Pt(36)
    paragraph(document, _("To every department and field office:"), indent=False)
    paragraph(
        document,
        _(
            "Under the regulation on information and publicity work (%(ruleset)s), the "
            "office has assessed the work of %(period)s. The results are announced as follows."
        )
        % {"ruleset": data.ruleset.name, "period": data.label},
    )
    heading(document, 1, _("Overall"))
    paragraph(document, headline_sentence(data))
    heading(document, 2, _("Standings of the units"))
    header, rows = standings_table(data)
    table(document, header, rows, widths=[1.6, 6.0, 2.6, 2.6, 2.6][: len(header)])
    if data.standings:
        first = data.standings[0]
        lead = first.points - data.standings[1].points if len(data.standings) > 1 else None
        text = _("%(unit)s ranks first with %(points)s points") % {
            "unit": first.unit.name,
            "points": fmt(first.points),
        }
        if first.completion is not None:
            text += _(", %(completion)s%% of its target") % {"completion": fmt(first.completion, 0)}
        if lead is not None:
            text += _(", %(lead)s points ahead of the second") % {"lead": fmt(lead)}
        paragraph(document, _("%(sentence)s.") % {"sentence": text})
    section = 3
    if data.awards:
        heading(document, section, _("Commendations"))
        section += 1
        header, rows = awards_table(data)
        table(document, header, rows, widths=[2.8, 4.4, 8.2])
    if data.plaque is not None:
        heading(document, section, data.plaque.label)
        section += 1
        paragraph(
            document,
            _("The %(label)s of %(year)s is awarded to %(holder)s.")
            % {
                "label": data.plaque.label,
                "year": data.plaque.year,
                "holder": data.plaque.holder.name,
            },
        )
    closing = paragraph(
        document,
        _("Every unit is asked to learn from the advanced and to do still better work."),
    )
    gap = paragraph(document, "", indent=False)
    # GB/T 9704: the issuer and date never stand alone on a page without body text, so
    # the last paragraph moves to the next page with them.
    for kept in (closing, gap):
        kept.paragraph_format.keep_with_next = True
    # 成文日期 four characters from the right margin, the issuer centred above it
    date = chinese_date(bulletin.issued_on)
    shift = max(Decimal(0), (text_width(date) - text_width(issuer)) / 2)
    for text, indent in ((issuer, 4 + shift), (date, Decimal(4))):
        p = paragraph(document, "", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        p.paragraph_format.keep_with_next = text == issuer
        p.paragraph_format.right_indent = Pt(SIZE_3.pt * float(indent))
        set_font(p.add_run(text), BODY_FONT, SIZE_3)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _sheet(workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column) * 2 + 2
        sheet.column_dimensions[column[0].column_letter].width = min(width, 60)


def bulletin_xlsx(bulletin: Bulletin, data: BulletinData) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        _("Headline figures"),
        [_("Figure"), _("Value")],
        [[label, value] for label, value in data.headline.as_rows()],
    )
    _sheet(
        workbook,
        _("Standings"),
        [_("Rank"), _("Unit"), _("Points"), _("Target"), _("Completion")],
        [
            [
                r.rank,
                r.unit.name,
                float(r.points),
                float(r.target) if r.target is not None else None,
                round(float(r.completion), 1) if r.completion is not None else None,
            ]
            for r in data.standings
        ],
    )
    if data.awards:
        header, rows = awards_table(data)
        _sheet(
            workbook,
            _("Commendations"),
            header + [_("Points")],
            [row + [float(a.points)] for row, a in zip(rows, data.awards, strict=True)],
        )
    if data.plaque is not None:
        _sheet(
            workbook,
            _("Rotating plaque"),
            [_("Year"), _("Holder"), _("Awarded on"), _("Reason")],
            [
                [
                    data.plaque.year,
                    data.plaque.holder.name,
                    data.plaque.awarded_on,
                    data.plaque.reason,
                ]
            ],
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
