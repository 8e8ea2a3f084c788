"""View counting without a database write per view.

A view reaches ``record_view`` from the page's beacon (so that pages served from a
cache are counted too).  For each of the three windows (day, week, month) the reader
is counted at most once per window length; counted views are buffered

* in Redis (a hash of pending counts, one Lua call per view) when the cache is Redis,
* else in an append-only spool file per worker under ``var/portal-views/``,

and ``flush_views`` moves them into hourly ``PageCounter`` rows in one transaction
per batch.  A batch is renamed before it is read and recorded as flushed in the
same transaction as its counts, so a worker killed at any moment loses no count and
counts none twice.  See docs/portal.md, "View counting".

A reader is the address and the browser together, so readers behind one office's
address are told apart.  A client that makes up a new browser for every request is
held by two caps on its address per day (``address_allows``): the beacons of one
address taken into account at all, and those for any one page.  Sponsor clicks are
counted the same way: once per reader per sponsor per day, within the address caps.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from wagtail.models import Page

from xinxuan.lib.net import client_ip
from xinxuan.portal.models import CounterBatch, CounterKind, PageCounter

WINDOWS: dict[str, timedelta] = {
    CounterKind.DAY: timedelta(days=1),
    CounterKind.WEEK: timedelta(days=7),
    CounterKind.MONTH: timedelta(days=30),
}
MAX_PAGE_ID = 2**31 - 1

_lock = threading.Lock()
_last_flush = 0.0


def flush_interval() -> float:
    return float(getattr(settings, "PORTAL_VIEW_FLUSH_SECONDS", 30))


def _digest(*parts: str) -> str:
    raw = "|".join((settings.SECRET_KEY, *parts)).encode()
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def address_of(request: HttpRequest) -> str:
    """A short, non-reversible token for the client's address (trusted proxies only)."""
    return _digest(client_ip(request))


def visitor_of(request: HttpRequest) -> str:
    """A short, non-reversible token for "the same reader": address and browser."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    return _digest(client_ip(request), agent)


ADDRESS_WINDOW = timedelta(days=1)


def address_limits() -> dict[str, int]:
    """Per address and day: requests taken into account at all, and for one target."""
    return {
        "all": int(getattr(settings, "PORTAL_ADDRESS_DAILY_CAP", 2000)),
        "one": int(getattr(settings, "PORTAL_ADDRESS_TARGET_DAILY_CAP", 50)),
    }


def address_allows(address: str, target: str, now: datetime) -> bool:
    """Whether a request of ``address`` for ``target`` (a page, a sponsor) still counts
    today: each one uses up one of the address's allowance, counted or not."""
    seconds = int(ADDRESS_WINDOW.total_seconds())
    day = int(now.timestamp()) // seconds
    limits = address_limits()
    within = True
    for scope, key in (
        ("all", f"portal:cap:{day}:{address}"),
        ("one", f"portal:cap:{day}:{address}:{target}"),
    ):
        cache.add(key, 0, seconds)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, seconds)
            used = 1
        within = within and used <= limits[scope]
    return within


def hour_of(moment: datetime) -> int:
    return int(moment.timestamp()) // 3600 * 3600


# ---------------------------------------------------------------------------
# Buffers


def redis_url() -> str | None:
    url = getattr(settings, "PORTAL_COUNTER_REDIS_URL", None)
    if url is not None:
        return url or None
    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("RedisCache"):
        return default["LOCATION"]
    return None


_RECORD_LUA = """
local counted = 0
local kinds = {'d', 'w', 'm'}
for i, kind in ipairs(kinds) do
  local seen = ARGV[4] .. ':seen:' .. kind .. ':' .. ARGV[1] .. ':' .. ARGV[2]
  if redis.call('SET', seen, 1, 'NX', 'EX', tonumber(ARGV[4 + i])) then
    redis.call('HINCRBY', KEYS[1], ARGV[1] .. ':' .. kind .. ':' .. ARGV[3], 1)
    counted = counted + 1
  end
end
return counted
"""


class RedisBuffer:
    prefix = "xinxuan:portal:views"

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.script = self.client.register_script(_RECORD_LUA)

    def record(self, page_id: int, visitor: str, hour: int) -> int:
        ttls = [int(WINDOWS[k].total_seconds()) for k in ("d", "w", "m")]
        return int(
            self.script(
                keys=[f"{self.prefix}:pending"],
                args=[page_id, visitor, hour, self.prefix, *ttls],
            )
        )

    def batches(self) -> list[tuple[str, Counter]]:
        """Claim what is pending and return every claimed batch not yet deleted."""
        claimed = f"{self.prefix}:flushing:{uuid.uuid4().hex}"
        try:
            self.client.rename(f"{self.prefix}:pending", claimed)
        except Exception as error:  # redis.ResponseError: nothing pending
            if "no such key" not in str(error).lower():
                raise
        result = []
        for key in self.client.scan_iter(f"{self.prefix}:flushing:*"):
            key = key.decode()
            counts = Counter({k.decode(): int(v) for k, v in self.client.hgetall(key).items()})
            result.append((key.rsplit(":", 1)[1], counts))
        return result

    def done(self, batch_id: str) -> None:
        self.client.delete(f"{self.prefix}:flushing:{batch_id}")


class SpoolBuffer:
    """Per-process append-only files; a batch is a renamed file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _spool(self, pid: int) -> Path:
        return self.directory / f"spool-{pid}.log"

    def record(self, page_id: int, visitor: str, hour: int) -> int:
        lines = []
        for kind, length in WINDOWS.items():
            key = f"portal:seen:{kind}:{page_id}:{visitor}"
            if cache.add(key, 1, int(length.total_seconds())):
                lines.append(f"{page_id}:{kind}:{hour}\n")
        if lines:
            self.directory.mkdir(parents=True, exist_ok=True)
            with _lock:
                # One write() of an O_APPEND file: the kernel keeps it even if the
                # worker is killed right after.
                fd = os.open(self._spool(os.getpid()), os.O_WRONLY | os.O_APPEND | os.O_CREAT)
                try:
                    os.write(fd, "".join(lines).encode())
                finally:
                    os.close(fd)
        return len(lines)

    def batches(self) -> list[tuple[str, Counter]]:
        if not self.directory.exists():
            return []
        for spool in self.directory.glob("spool-*.log"):
            pid = int(spool.stem.split("-", 1)[1])
            if pid == os.getpid() or not _alive(pid):
                with _lock:
                    try:
                        spool.rename(self.directory / f"batch-{uuid.uuid4().hex}.log")
                    except FileNotFoundError:
                        continue
        result = []
        for batch in self.directory.glob("batch-*.log"):
            try:
                lines = batch.read_text().split()
            except FileNotFoundError:
                continue
            result.append((batch.stem.split("-", 1)[1], Counter(lines)))
        return result

    def done(self, batch_id: str) -> None:
        (self.directory / f"batch-{batch_id}.log").unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_buffer: RedisBuffer | SpoolBuffer | None = None


def buffer() -> RedisBuffer | SpoolBuffer:
    global _buffer
    if _buffer is None:
        url = redis_url()
        if url:
            _buffer = RedisBuffer(url)
        else:
            directory = getattr(settings, "PORTAL_VIEW_SPOOL_DIR", None)
            _buffer = SpoolBuffer(Path(directory or settings.VAR_DIR / "portal-views"))
    return _buffer


def reset_buffer() -> None:
    """Forget the chosen buffer (tests switch settings)."""
    global _buffer
    _buffer = None


# ---------------------------------------------------------------------------
# Recording and flushing


def record_view(
    *, page_id: int, visitor: str, address: str | None = None, now: datetime | None = None
) -> int:
    """Count a view of a page by a reader; returns how many windows counted it.

    With ``address``, the view counts only within that address's daily caps.
    """
    if not 0 < page_id <= MAX_PAGE_ID:
        return 0
    now = now or datetime.now(UTC)
    if address is not None and not address_allows(address, f"page:{page_id}", now):
        return 0
    counted = buffer().record(page_id, visitor, hour_of(now))
    maybe_flush()
    return counted


def maybe_flush() -> None:
    global _last_flush
    interval = flush_interval()
    if time.monotonic() - _last_flush < interval:
        return
    _last_flush = time.monotonic()
    if interval > 0 and not cache.add("portal:flush-lock", 1, 30):
        return  # another worker is flushing
    try:
        flush_views()
    finally:
        if interval > 0:
            cache.delete("portal:flush-lock")


def flush_views() -> int:
    """Move buffered counts into the database; returns the number of views moved."""
    source = buffer()
    moved = 0
    for batch_id, counts in source.batches():
        # IntegrityError: flushed already, by us before a crash or by another worker.
        with contextlib.suppress(IntegrityError):
            moved += _apply(batch_id, counts)
        source.done(batch_id)
    return moved


@transaction.atomic
def _apply(batch_id: str, counts: Counter) -> int:
    # The batch row first: a concurrent flusher of the same batch waits here and fails.
    with transaction.atomic():
        batch = CounterBatch.objects.create(batch_id=batch_id)
    parsed: dict[tuple[int, str, int], int] = {}
    for key, n in counts.items():
        try:
            page, kind, hour = key.split(":")
            parsed[(int(page), kind, int(hour))] = n
        except ValueError:
            continue
    existing = set(
        Page.objects.filter(pk__in={p for p, _k, _h in parsed}).values_list("pk", flat=True)
    )
    total = 0
    for (page_id, kind, hour), n in parsed.items():
        if page_id not in existing or kind not in WINDOWS:
            continue
        add_count(page_id=page_id, kind=kind, hour=datetime.fromtimestamp(hour, UTC), n=n)
        total += n if kind == CounterKind.DAY else 0
    batch.views = total
    batch.save(update_fields=["views"])
    return total


def add_count(*, page_id: int, kind: str, hour: datetime, n: int) -> None:
    """Add to one hourly counter row, creating it when it is the hour's first."""
    hour = hour.replace(minute=0, second=0, microsecond=0)
    rows = PageCounter.objects.filter(page_id=page_id, kind=kind, hour=hour)
    if rows.update(count=F("count") + n):
        return
    try:
        with transaction.atomic():
            PageCounter.objects.create(page_id=page_id, kind=kind, hour=hour, count=n)
    except IntegrityError:
        rows.update(count=F("count") + n)


def count_sponsor_click(
    *, sponsor_id: int, visitor: str, address: str, now: datetime | None = None
) -> bool:
    """Whether this click counts: once per reader per sponsor and day, within the
    address's daily caps."""
    now = now or datetime.now(UTC)
    if not address_allows(address, f"sponsor:{sponsor_id}", now):
        return False
    seconds = int(ADDRESS_WINDOW.total_seconds())
    day = int(now.timestamp()) // seconds
    return cache.add(f"portal:click:{day}:{sponsor_id}:{visitor}", 1, seconds)


def record_comment(*, page_id: int, when: datetime) -> None:
    """Count a published comment towards the page's hot score (called by comments)."""
    add_count(page_id=page_id, kind=CounterKind.COMMENT, hour=when.astimezone(UTC), n=1)
