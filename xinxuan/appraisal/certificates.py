"""Certificates (荣誉证书) of a confirmed appraisal: one page per award, in Word."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from xinxuan.lib.word import BODY_FONT, RED, TITLE_FONT, paragraph, set_font

from .models import Appraisal, Recipient, Track


def certificate_text(award) -> str:
    year = award.appraisal.ruleset.effective_from.year
    work = _("policy research") if award.track == Track.RESEARCH else _("information and publicity")
    if award.recipient == Recipient.ITEM:
        return _("“%(title)s” (%(unit)s) is awarded %(prize)s of %(year)s.") % {
            "title": award.item.title,
            "unit": award.unit.label,
            "prize": award.tier_label,
            "year": year,
        }
    kind = (
        _("advanced collective")
        if award.recipient == Recipient.COLLECTIVE
        else _("advanced individual")
    )
    return _("%(name)s is awarded %(prize)s as %(kind)s in %(work)s work of %(year)s.") % {
        "name": award.recipient_name,
        "prize": award.tier_label,
        "kind": kind,
        "work": work,
        "year": year,
    }


def certificates_docx(appraisal: Appraisal, day: datetime.date | None = None) -> bytes:
    """Landscape A4, one certificate per award that stands, dated ``day`` (the day of
    the commendation meeting) or else the day the appraisal was confirmed."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Cm(3))
    issuer = appraisal.ruleset.unit.name
    if day is None:
        day = timezone.localdate(appraisal.confirmed_at or appraisal.proposed_at)
    awards = appraisal.awards.filter(withdrawn=False).select_related("unit", "person", "item")
    for index, award in enumerate(awards):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        paragraph(
            document,
            _("Certificate of honour"),
            font=TITLE_FONT,
            size=Pt(42),
            align=WD_ALIGN_PARAGRAPH.CENTER,
            color=RED,
            indent=False,
            space_after=36,
        )
        paragraph(document, certificate_text(award), font=BODY_FONT, size=Pt(24), space_after=12)
        paragraph(document, _("This is to certify."), font=BODY_FONT, size=Pt(24))
        for text in (
            issuer,
            _("%(year)s-%(month)s-%(day)s")
            % {"year": day.year, "month": day.month, "day": day.day},
        ):
            p = paragraph(document, "", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
            set_font(p.add_run(text), BODY_FONT, Pt(22))
    if not awards:
        paragraph(document, _("No awards."))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
