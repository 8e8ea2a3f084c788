"""The lexicon of the database, compiled once per process and rebuilt when lists change.

Whether the lists changed is asked of the database (counts and latest change times of
the three tables) at most every ``COMMENTS_LEXICON_CHECK_SECONDS``, so that every
worker sees an edit without a shared cache.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models import Count, Max

from xinxuan.comments.lexicon import Lexicon
from xinxuan.comments.models import LexiconCategory, LexiconWord, WhitelistWord

_lock = threading.Lock()
_state: dict = {"stamp": None, "checked": 0.0, "lexicon": None}


def _stamp() -> tuple:
    return tuple(
        tuple(model.objects.aggregate(n=Count("pk"), latest=Max("updated_at")).values())
        for model in (LexiconCategory, LexiconWord, WhitelistWord)
    )


def build() -> Lexicon:
    entries = [w.as_entry() for w in LexiconWord.objects.select_related("category")]
    whitelist = list(WhitelistWord.objects.values_list("word", flat=True))
    return Lexicon(entries, whitelist)


def current_lexicon() -> Lexicon:
    """The compiled lexicon of the lists as they are now (give or take a few seconds)."""
    interval = float(getattr(settings, "COMMENTS_LEXICON_CHECK_SECONDS", 5))
    now = time.monotonic()
    with _lock:
        if _state["lexicon"] is not None and now - _state["checked"] < interval:
            return _state["lexicon"]
        stamp = _stamp()
        if stamp != _state["stamp"] or _state["lexicon"] is None:
            _state["lexicon"] = build()
            _state["stamp"] = stamp
        _state["checked"] = now
        return _state["lexicon"]


def forget() -> None:
    """Make the next check rebuild (after an import, and between tests)."""
    with _lock:
        _state.update(stamp=None, checked=0.0, lexicon=None)
