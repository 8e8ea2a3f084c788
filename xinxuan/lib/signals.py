"""Signals between apps that may not import each other (see tests/test_layers.py)."""

from __future__ import annotations

from django.dispatch import Signal

# Something the public portal shows that is not a page has changed — the holder of the
# rotating plaque (流动示范点) on the home page.  Sent after the change is committed;
# the portal's caches forget their pages (xinxuan/portal/signals.py).
public_news_changed = Signal()
