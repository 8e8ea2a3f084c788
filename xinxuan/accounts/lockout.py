"""Login lockout with two limits: per account and address, and per address alone.

django-axes counts failures for each group of ``AXES_LOCKOUT_PARAMETERS`` but compares
them all with one limit.  Password spraying (a few guesses at many user names) is
caught only by the address-alone group, whose limit must be higher, since a whole
office may log in from behind one address.  This handler scales each group's count to
``AXES_FAILURE_LIMIT`` before axes compares, so the address-alone group locks at
``LOGIN_ADDRESS_FAILURE_LIMIT`` failures; and a successful login clears only the
failures of that account, not those of every account tried from the address.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def _is_address_only(parameter: str | list[str]) -> bool:
    return parameter in ("ip_address", ["ip_address"])


def _limit_of(parameter: str | list[str], account_limit: int) -> int:
    if _is_address_only(parameter):
        return max(getattr(settings, "LOGIN_ADDRESS_FAILURE_LIMIT", account_limit), 1)
    return account_limit


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            # A count that reaches its own limit reaches the one axes compares with.
            worst = max(worst, count * limit // _limit_of(parameter, limit))
        return worst

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        parameters = get_lockout_parameters(request, credentials)
        count = 0
        for parameter, attempts in zip(
            parameters, self.filter_user_attempts(request, credentials), strict=True
        ):
            if not _is_address_only(parameter):
                count += attempts.delete()[0]
        return count
