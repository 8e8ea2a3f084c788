"""Rate limits kept in the cache: so many tries per account or address per window.

A fixed window per limit (``COMMENTS_RATE_LIMITS``); the counter is one ``add`` and
one ``incr`` in the cache, shared by every worker when the cache is Redis.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    # name: (tries, seconds)
    "login-account": (10, 600),
    "login-address": (30, 600),
    "register-address": (5, 3600),
    "post-account": (5, 60),
    "post-address": (20, 60),
    "report-account": (10, 600),
}


def limit_of(name: str) -> tuple[int, int]:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "COMMENTS_RATE_LIMITS", {})}
    return limits[name]


def hit(name: str, key: str) -> bool:
    """Count one try of ``name`` by ``key``; False when the limit is already used up."""
    tries, seconds = limit_of(name)
    if tries <= 0 or not key:
        return True
    window = int(time.time() // seconds)
    digest = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
    cache_key = f"comments:rate:{name}:{window}:{digest}"
    if cache.add(cache_key, 1, seconds + 1):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, seconds + 1)
        count = 1
    return count <= tries
