"""Near-identical items: the same text from two units, a resubmission, a copy of a
published article.  Words come from jieba; two texts are compared by the Jaccard
similarity of their word pairs (shingles), which ignores small edits and order of
paragraphs but not a different text on the same subject."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import jieba

from xinxuan.organisation.models import Unit
from xinxuan.submissions.models import Item

THRESHOLD = 0.6  # flagged at or above this similarity
CANDIDATES = 400  # most recent items of the bureau compared with
WORD = re.compile(r"\w", re.UNICODE)


@lru_cache(maxsize=4096)
def shingles(text: str) -> frozenset[tuple[str, str]]:
    """Pairs of consecutive words of the text, punctuation and spaces dropped."""
    words = [w for w in jieba.lcut(text, HMM=False) if WORD.search(w)]
    if len(words) < 2:
        return frozenset((w, "") for w in words)
    return frozenset(zip(words, words[1:], strict=False))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two texts' word pairs, 0 … 1."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


@dataclass(frozen=True)
class Match:
    item: Item
    similarity: float

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def text_of(item: Item) -> str:
    return f"{item.title}\n{item.plain_text()}"


def similar_items(item: Item, *, threshold: float = THRESHOLD, limit: int = 5) -> list[Match]:
    """Items of the same bureau, written within a year, at least ``threshold`` alike."""
    bureau = item.unit.bureau() or item.unit
    units = bureau.descendant_ids() if isinstance(bureau, Unit) else {item.unit_id}
    low, high = item.char_count // 2, item.char_count * 2 + 50
    candidates = (
        Item.objects.filter(
            unit_id__in=units,
            created_at__gte=item.created_at - timedelta(days=365),
            created_at__lte=item.created_at + timedelta(days=365),
            char_count__gte=low,
            char_count__lte=high,
        )
        .exclude(pk=item.pk)
        .select_related("unit")
        .order_by("-created_at")[:CANDIDATES]
    )
    mine = text_of(item)
    found = [Match(other, similarity(mine, text_of(other))) for other in candidates]
    found = [m for m in found if m.similarity >= threshold]
    found.sort(key=lambda m: -m.similarity)
    return found[:limit]
