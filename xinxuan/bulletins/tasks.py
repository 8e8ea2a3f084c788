"""Bulletins are made in the background: a year's tables take a while to gather."""

from __future__ import annotations

import logging

from django.utils import translation
from django_tasks import task

from .content import gather
from .documents import bulletin_docx, bulletin_xlsx
from .models import Bulletin, BulletinStatus

logger = logging.getLogger(__name__)


@task()
def generate_bulletin(bulletin_id: int) -> str:
    """Make the Word and Excel files of a pending bulletin; a failure is kept on the row
    (status "failed" and the error) for the office to see, never lost."""
    bulletin = Bulletin.objects.select_related("ruleset__unit", "unit").get(pk=bulletin_id)
    try:
        with translation.override("zh-hans"):
            data = gather(
                ruleset=bulletin.ruleset,
                kind=bulletin.period,
                start=bulletin.start,
                end=bulletin.end,
            )
            docx = bulletin_docx(bulletin, data)
            xlsx = bulletin_xlsx(bulletin, data)
    except Exception as error:  # any failure must reach the row, not only the worker's log
        logger.exception("bulletin %s failed", bulletin_id)
        Bulletin.objects.filter(pk=bulletin_id).update(
            status=BulletinStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return BulletinStatus.FAILED
    Bulletin.objects.filter(pk=bulletin_id).update(
        status=BulletinStatus.READY, docx=docx, xlsx=xlsx, error=""
    )
    return BulletinStatus.READY
