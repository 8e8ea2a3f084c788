"""Chinese search through Wagtail's search: jieba cuts both the indexed text and the query.

The index stores a copy of each article's text with words separated by spaces
(``ArticlePage.search_text``), so any backend that splits on spaces — the database
backend on SQLite or PostgreSQL, Elasticsearch or OpenSearch — finds 检验检疫 in
"出入境检验检疫局" without knowing Chinese.  See docs/portal.md, "Search".

Both the indexed text and the query are simplified first (character for character,
``xinxuan.lib.hanzi``), so a query in traditional characters finds an article in
simplified ones and the other way round; excerpts are cut from the original text at
the positions found in its simplified copy.
"""

from __future__ import annotations

import html
import logging
import re

import jieba

from xinxuan.lib.hanzi import to_simplified

jieba.setLogLevel(logging.WARNING)

MAX_QUERY_LENGTH = 50
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def segment(text: str) -> str:
    """The text as jieba's search-mode words (long words and their parts), space-separated."""
    words = []
    for chunk in _PUNCTUATION.split(to_simplified(text)):
        if chunk:
            words.extend(w for w in jieba.cut_for_search(chunk) if w.strip())
    return " ".join(words)


def query_terms(query: str) -> list[str]:
    """The words a query must match: jieba's smallest words of each chunk, in order.

    Only the smallest words are kept ("检验检疫" → "检验", "检疫"), because the index
    always holds them, whichever way jieba cut the longer word in the article's context.
    """
    terms: list[str] = []
    for chunk in _PUNCTUATION.split(to_simplified(query[:MAX_QUERY_LENGTH])):
        if not chunk:
            continue
        words = {w for w in jieba.cut_for_search(chunk) if w.strip()}
        for word in sorted(words, key=chunk.find):
            smallest = not any(other != word and other in word for other in words)
            if smallest and word not in terms:
                terms.append(word)
    return terms


def _folded(text: str) -> str:
    """The text simplified and in lower case, character for character."""
    simplified = to_simplified(text)
    lowered = simplified.lower()
    return lowered if len(lowered) == len(simplified) else simplified


def term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where each term occurs in ``text``, whether written simplified or traditional."""
    folded = _folded(text)
    spans: set[tuple[int, int]] = set()
    for term in {_folded(t) for t in terms if t}:
        start = folded.find(term)
        while start >= 0:
            spans.add((start, start + len(term)))
            start = folded.find(term, start + len(term))
    return sorted(spans, key=lambda span: (span[0], -span[1]))


def highlight(text: str, terms: list[str], *, width: int = 120) -> str:
    """An escaped excerpt of ``text`` around the first term, each term wrapped in <mark>."""
    text = " ".join(text.split())
    spans = term_spans(text, terms)
    start = max(spans[0][0] - width // 4, 0) if spans else 0
    stop = start + width
    pieces, at = [], start
    for first, last in spans:
        if first < at or first >= stop:
            continue  # overlaps a longer term already marked, or outside the excerpt
        last = min(last, stop)
        pieces.append(html.escape(text[at:first]))
        pieces.append(f"<mark>{html.escape(text[first:last])}</mark>")
        at = last
    pieces.append(html.escape(text[at:stop]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if stop < len(text) else ""
    return prefix + "".join(pieces) + suffix


def best_passage(*texts: str, terms: list[str]) -> str:
    """The first of ``texts`` that holds a term (the body before the summary), else the first.

    The summary is usually the body's first sentences: showing it and then the body
    would show the same passage twice.
    """
    for text in texts:
        if text and term_spans(text, terms):
            return text
    return next((t for t in texts if t), "")
