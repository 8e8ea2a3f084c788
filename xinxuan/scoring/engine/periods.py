"""Period keys (2011, 2011-H1, 2011-Q1, 2011-03, 2011-W05) and their date ranges."""

from __future__ import annotations

import calendar
import datetime
import re
from functools import lru_cache


@lru_cache(maxsize=8192)
def period_key(date: datetime.date, kind: str) -> str:
    """The key of the period of ``kind`` that contains ``date``."""
    if kind == "month":
        return f"{date.year}-{date.month:02d}"
    if kind == "year":
        return str(date.year)
    if kind == "quarter":
        return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
    if kind == "half":
        return f"{date.year}-H{1 if date.month <= 6 else 2}"
    if kind == "week":
        year, week, _ = date.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"unknown period kind {kind!r}")


@lru_cache(maxsize=8192)
def period_end(date: datetime.date, kind: str) -> datetime.date:
    """The last day of the period of ``kind`` that contains ``date``."""
    return period_range(period_key(date, kind))[1]


def period_range(key: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a period key; raises ValueError when malformed."""
    if m := re.fullmatch(r"(\d{4})", key):
        year = int(m.group(1))
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", key):
        year, month = int(m.group(1)), int(m.group(2))
        last = calendar.monthrange(year, month)[1]
        return datetime.date(year, month, 1), datetime.date(year, month, last)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", key):
        year, q = int(m.group(1)), int(m.group(2))
        start = datetime.date(year, 3 * q - 2, 1)
        last = calendar.monthrange(year, 3 * q)[1]
        return start, datetime.date(year, 3 * q, last)
    if m := re.fullmatch(r"(\d{4})-H([12])", key):
        year, h = int(m.group(1)), int(m.group(2))
        if h == 1:
            return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
        return datetime.date(year, 7, 1), datetime.date(year, 12, 31)
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", key):
        year, week = int(m.group(1)), int(m.group(2))
        start = datetime.date.fromisocalendar(year, week, 1)
        return start, start + datetime.timedelta(days=6)
    raise ValueError(f"malformed period {key!r}")


def months_between(start: datetime.date, end: datetime.date) -> tuple[str, ...]:
    """Month keys from the month of ``start`` to the month of ``end``, inclusive."""
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return tuple(out)
