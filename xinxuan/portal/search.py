"""Chinese search through Wagtail's search: jieba cuts both the indexed text and the query.

The index stores a copy of each article's text with words separated by spaces
(``ArticlePage.search_text``), so any backend that splits on spaces — the database
backend on SQLite or PostgreSQL, Elasticsearch or OpenSearch — finds 检验检疫 in
"出入境检验检疫局" without knowing Chinese.  See docs/portal.md, "Search".
"""

from __future__ import annotations

import html
import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

MAX_QUERY_LENGTH = 50
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def segment(text: str) -> str:
    """The text as jieba's search-mode words (long words and their parts), space-separated."""
    words = []
    for chunk in _PUNCTUATION.split(text):
        if chunk:
            words.extend(w for w in jieba.cut_for_search(chunk) if w.strip())
    return " ".join(words)


def query_terms(query: str) -> list[str]:
    """The words a query must match: jieba's smallest words of each chunk, in order.

    Only the smallest words are kept ("检验检疫" → "检验", "检疫"), because the index
    always holds them, whichever way jieba cut the longer word in the article's context.
    """
    terms: list[str] = []
    for chunk in _PUNCTUATION.split(query[:MAX_QUERY_LENGTH]):
        if not chunk:
            continue
        words = {w for w in jieba.cut_for_search(chunk) if w.strip()}
        for word in sorted(words, key=chunk.find):
            smallest = not any(other != word and other in word for other in words)
            if smallest and word not in terms:
                terms.append(word)
    return terms


def highlight(text: str, terms: list[str], *, width: int = 120) -> str:
    """An escaped excerpt of ``text`` around the first term, each term wrapped in <mark>."""
    text = " ".join(text.split())
    positions = [text.find(t) for t in terms if t and text.find(t) >= 0]
    start = max(min(positions) - width // 4, 0) if positions else 0
    excerpt = text[start : start + width]
    escaped = html.escape(excerpt)
    for term in sorted({html.escape(t) for t in terms if t}, key=len, reverse=True):
        escaped = escaped.replace(term, f"\0{term}\1")
    escaped = escaped.replace("\0", "<mark>").replace("\1", "</mark>")
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return prefix + escaped + suffix
