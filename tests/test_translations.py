"""Every string a screen shows has a Chinese translation (zh-hans is the default)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PY_CALL = re.compile(
    r"""\b(?:_|gettext|gettext_lazy|pgettext_lazy|ngettext_lazy)\(\s*((?:"[^"\\\n]*"\s*)+)\)"""
)
TEMPLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+"([^"]+)"\s*(?:as\s+\w+\s*)?%\}""")
# Strings that read the same in both languages.
SAME_IN_CHINESE = {"ICP", "RSS", "Atom", "URL", "Excel", "Word", "CSV"}


def source_strings():
    found = set()
    for path in (ROOT / "xinxuan").rglob("*.py"):
        if "migrations" in path.parts or "engine" in path.parts:
            continue
        for match in PY_CALL.finditer(path.read_text(encoding="utf-8")):
            parts = re.findall(r'"([^"]*)"', match.group(1))
            found.add(("".join(parts), path.relative_to(ROOT)))
    for folder in (ROOT / "templates", ROOT / "xinxuan"):
        for path in folder.rglob("*.html"):
            for match in TEMPLATE_TAG.finditer(path.read_text(encoding="utf-8")):
                found.add((match.group(1), path.relative_to(ROOT)))
    return sorted(found)


def test_source_strings_are_found():
    assert len(source_strings()) > 50


@pytest.mark.parametrize(("msgid", "where"), source_strings(), ids=lambda v: str(v)[:50])
def test_string_has_chinese_translation(msgid, where):
    if msgid in SAME_IN_CHINESE or not re.search("[A-Za-z]", msgid):
        return
    with translation.override("zh-hans"):
        translated = translation.gettext(msgid.replace("\\n", "\n"))
    assert translated != msgid, f"{where}: no zh_Hans translation for {msgid!r}"
