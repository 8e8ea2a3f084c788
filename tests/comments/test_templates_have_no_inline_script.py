"""Portal and comment templates load JavaScript from static files only, so that a
Content-Security-Policy without 'unsafe-inline' does not break them."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
TEMPLATES = sorted(
    p.relative_to(ROOT)
    for folder in ("templates/portal", "templates/comments")
    for p in (ROOT / folder).rglob("*.html")
)


@pytest.mark.parametrize("path", TEMPLATES, ids=str)
def test_no_inline_script_or_event_handler(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    assert not INLINE.search(text), f"{path} has an inline <script>"
    assert not HANDLER.search(text), f"{path} has an inline event handler"
