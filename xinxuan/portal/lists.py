"""The three top-ten lists, served from the cache.

* recommended — articles an editor flagged, pinned ones first, until their expiry;
* most read — views in the last day, week or month (sliding windows summed from
  hourly counters, so they never go stale);
* hot — views and comments of the last seven days with exponential time decay::

      hot(p) = Σ over hours h in the last 7 days of (v(p, h) + 5 · c(p, h)) · 2^(−age(h) / 24 h)

  where v counts readers once a day, c counts published comments and age(h) is the
  time from the middle of hour h until now: a view loses half its weight every day,
  a comment weighs five views.

Every list is computed at most once per ``PORTAL_LIST_SECONDS`` (and again after a
publication) and stored in the cache; a page view costs one cache round trip.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Page

from xinxuan.portal.counting import WINDOWS
from xinxuan.portal.models import ArticlePage, CounterKind, PageCounter, recommended_filter

LENGTH = 10
HOT_DAYS = 7
HOT_HALF_LIFE_HOURS = 24
HOT_COMMENT_WEIGHT = 5
GENERATION_KEY = "portal:generation"
WINDOW_NAMES = {"day": CounterKind.DAY, "week": CounterKind.WEEK, "month": CounterKind.MONTH}


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    score: float = 0


def list_seconds() -> int:
    return int(getattr(settings, "PORTAL_LIST_SECONDS", 300))


def _stamp_file() -> Path:
    return Path(getattr(settings, "PORTAL_GENERATION_FILE", settings.VAR_DIR / "portal-generation"))


def generation() -> str:
    """A token that changes whenever anything published changes (see ``bump_generation``).

    It joins a value in the cache (shared by every host when the cache is Redis) with
    the modification time of a file under var/ (shared by every worker of one host even
    when each has its own in-memory cache): one cache read and one stat() per request.
    """
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = str(time.time_ns())
        if not cache.add(GENERATION_KEY, value, None):
            value = cache.get(GENERATION_KEY) or value
    try:
        stamp = os.stat(_stamp_file()).st_mtime_ns
    except FileNotFoundError:
        stamp = 0
    return f"{value}.{stamp}"


def bump_generation() -> None:
    """Invalidate every cached list and page (a new token, never a reused one)."""
    cache.set(GENERATION_KEY, str(time.time_ns()), None)
    path = _stamp_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        os.utime(path, ns=(time.time_ns(), time.time_ns()))
    except OSError:
        pass  # a read-only var/: the cache token alone still works for a shared cache


def _articles(channel_path: str | None):
    queryset = ArticlePage.objects.live().public()
    if channel_path:
        queryset = queryset.filter(path__startswith=channel_path)
    return queryset


def _entries(pages, scores: dict[int, float] | None = None) -> list[Entry]:
    return [
        Entry(title=p.title, url=p.get_url() or p.url_path, score=(scores or {}).get(p.pk, 0))
        for p in pages
    ]


def compute_recommended(channel_path: str | None, now: datetime) -> tuple[list[Entry], int]:
    pages = list(
        _articles(channel_path)
        .filter(recommended_filter(now))
        .order_by("-pinned", "-date", "-pk")
        .only("title", "url_path", "recommended_until", "path", "depth")[:LENGTH]
    )
    ttl = list_seconds()
    ends = [p.recommended_until for p in pages if p.recommended_until]
    if ends:
        # Expire the cached list when its first recommendation ends.
        ttl = max(1, min(ttl, int((min(ends) - now).total_seconds()) + 1))
    return _entries(pages), ttl


def _ranked(channel_path: str | None, scores: dict[int, float]) -> list[Entry]:
    candidates = sorted(scores, key=lambda pk: (-scores[pk], -pk))[: LENGTH * 3]
    pages = {
        p.pk: p
        for p in _articles(channel_path)
        .filter(pk__in=candidates)
        .only("title", "url_path", "path", "depth")
    }
    ordered = [pages[pk] for pk in candidates if pk in pages][:LENGTH]
    return _entries(ordered, scores)


def compute_most_read(channel_path: str | None, kind: str, now: datetime) -> list[Entry]:
    since = now - WINDOWS[kind]
    rows = PageCounter.objects.filter(kind=kind, hour__gt=since)
    if channel_path:
        rows = rows.filter(page__path__startswith=channel_path)
    totals = rows.values("page_id").annotate(total=Sum("count")).order_by("-total")
    return _ranked(channel_path, {r["page_id"]: r["total"] for r in totals[: LENGTH * 3]})


def compute_hot(channel_path: str | None, now: datetime) -> list[Entry]:
    rows = PageCounter.objects.filter(
        kind__in=[CounterKind.DAY, CounterKind.COMMENT],
        hour__gt=now - timedelta(days=HOT_DAYS),
    )
    if channel_path:
        rows = rows.filter(page__path__startswith=channel_path)
    scores: dict[int, float] = defaultdict(float)
    for page_id, kind, hour, count in rows.values_list("page_id", "kind", "hour", "count"):
        age_hours = max((now - hour).total_seconds() / 3600 - 0.5, 0)
        weight = HOT_COMMENT_WEIGHT if kind == CounterKind.COMMENT else 1
        scores[page_id] += count * weight * 2 ** (-age_hours / HOT_HALF_LIFE_HOURS)
    return _ranked(channel_path, dict(scores))


def lists_for(channel: Page | None) -> dict[str, list[Entry]]:
    """The five lists (recommended, read day/week/month, hot) for a channel or the site."""
    channel_path = channel.path if channel is not None else None
    scope = channel.pk if channel is not None else "site"
    prefix = f"portal:list:{generation()}:{scope}:"
    names = ["recommended", "day", "week", "month", "hot"]
    found = cache.get_many([prefix + n for n in names])
    result: dict[str, list[Entry]] = {}
    now = timezone.now()
    for name in names:
        key = prefix + name
        if key in found:
            result[name] = found[key]
            continue
        ttl = list_seconds()
        if name == "recommended":
            entries, ttl = compute_recommended(channel_path, now)
        elif name == "hot":
            entries = compute_hot(channel_path, now)
        else:
            entries = compute_most_read(channel_path, WINDOW_NAMES[name], now)
        cache.set(key, entries, ttl)
        result[name] = entries
    return result
