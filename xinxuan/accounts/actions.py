"""Changes to accounts, each in one transaction with its entry in Wagtail's audit log."""

from __future__ import annotations

from django.db import transaction
from wagtail.log_actions import log

from xinxuan.organisation.access import require_unit
from xinxuan.organisation.models import Person, Unit


@transaction.atomic
def link_account_to_unit(*, by, account, unit: Unit) -> Person:
    """Give a new account its person in ``unit``, so that it falls in the unit's scope.

    The office creates accounts only together with their person: an account without one
    would at once be out of the office's reach.
    """
    require_unit(by, unit)
    name = (f"{account.last_name}{account.first_name}" or account.get_username())[:40]
    person = Person.objects.create(name=name, unit=unit, user=account)
    log(instance=person, action="wagtail.create", user=by, title=str(person))
    return person
