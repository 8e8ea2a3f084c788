"""Issuing a bulletin: number it, keep it, and have its files made in the background."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from xinxuan.accounts.roles import Role, roles_of
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation.access import can_see_unit, in_own_bureau
from xinxuan.scoring.models import RuleSet, RuleSetStatus

from .content import period_label, period_range
from .models import Bulletin, BulletinStatus, PeriodKind
from .tasks import generate_bulletin


def document_number(prefix: str, year: int, serial: int) -> str:
    return _("%(prefix)s [%(year)s] No. %(serial)s") % {
        "prefix": prefix,
        "year": year,
        "serial": serial,
    }


@transaction.atomic
def issue_bulletin(
    *,
    ruleset: RuleSet,
    user,
    period: str,
    index: int = 1,
    issued_on: datetime.date,
    prefix: str = "",
    title: str = "",
) -> Bulletin:
    """Number a bulletin of the rule set's issuing unit for a month (``index`` 1–12), a
    quarter (1–4) or the year, and queue the making of its files."""
    unit = ruleset.unit
    if (user is not None and not user.is_superuser) and (
        Role.OFFICE not in roles_of(user)
        or not can_see_unit(user, unit)
        or not in_own_bureau(user, unit)
    ):
        raise PermissionDenied(_("Only the office of the issuing unit issues its bulletins."))
    if ruleset.status == RuleSetStatus.DRAFT:
        raise ActionRefused(_("Bulletins are issued on a rule set in force, not on a draft."))
    if period not in PeriodKind.values:
        raise ActionRefused(_("Choose a month, a quarter or the year."))
    try:
        start, end = period_range(period, ruleset.effective_from.year, index)
    except ValueError:
        raise ActionRefused(_("There is no such month or quarter.")) from None
    if start < ruleset.effective_from or end > ruleset.effective_to:
        raise ActionRefused(_("The period lies outside the rule set's period."))
    # one number after the other, even when two offices click at once
    type(unit).objects.select_for_update().filter(pk=unit.pk).first()
    year = issued_on.year
    serial = (
        Bulletin.objects.filter(unit=unit, year=year).aggregate(m=Max("serial"))["m"] or 0
    ) + 1
    label = period_label(period, start)
    bulletin = Bulletin.objects.create(
        unit=unit,
        ruleset=ruleset,
        period=period,
        start=start,
        end=end,
        year=year,
        serial=serial,
        number=document_number(prefix.strip() or unit.label, year, serial),
        title=title.strip()
        or _("Bulletin on the information and publicity work of %(period)s") % {"period": label},
        issued_on=issued_on,
        status=BulletinStatus.PENDING,
        created_by=user,
    )
    log(bulletin, "xinxuan.bulletin.issue", user=user, data={"number": bulletin.number})
    transaction.on_commit(lambda: generate_bulletin.enqueue(bulletin.pk))
    return bulletin
