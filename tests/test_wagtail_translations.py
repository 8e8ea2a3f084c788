"""The Wagtail admin shows Chinese where Wagtail's own zh_Hans catalogues have gaps.

locale-wagtail/ (LOCALE_PATHS) supplies what Wagtail leaves untranslated and nothing more;
scripts/wagtail-missing-strings.py --write refreshes it after a Wagtail upgrade.
"""

import importlib.util
import re
from pathlib import Path

import pytest
import wagtail
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "locale-wagtail" / "zh_Hans" / "LC_MESSAGES"
WAGTAIL = Path(wagtail.__file__).parent

_spec = importlib.util.spec_from_file_location(
    "wagtail_missing_strings", ROOT / "scripts" / "wagtail-missing-strings.py"
)
generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generator)

# Strings the dashboard, listings, edit forms, explorer and account page show.
VISIBLE = [
    "Search all pages…",
    "Save changes",
    "Shortcuts",
    "Show keyboard shortcuts",
    "Toggle minimap",
    "Close modal dialogs (like this one)",
    "Text editing",
    "Text formatting",
    "Paste without formatting",
    "Insert or edit a link",
    "Add or show comments",
    "Edit account avatar",
    "Exploring",
    "Page type",
    "Never",
    "Theme preferences",
    "Enable custom keyboard shortcuts specific to Wagtail.",
    "Use server language: %(language_name)s",
    "Privacy and access",
    "Choose when this page should go live and/or expire",
    "Wagtail %(current_version)s editor guide",
    "Things in Wagtail %(version)s have changed!",
    "You haven't uploaded any images.",
    "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s",
]
VISIBLE_PLURAL = [
    (
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
    ),
    (
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
    ),
    ("There is one matching page", "There are %(counter)s matching pages"),
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}|</?[a-z]+[^>]*>")


def tags(text):
    return sorted(t for t in PLACEHOLDER.findall(text) if t.startswith("<"))


def supplement(domain):
    return [e for e in generator.parse_po(CATALOGUES / f"{domain}.po") if e["id"]]


@pytest.mark.parametrize("msgid", VISIBLE)
def test_visible_wagtail_string_is_chinese(msgid):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) != msgid


@pytest.mark.parametrize(("singular", "plural"), VISIBLE_PLURAL, ids=lambda v: v[:30])
def test_visible_wagtail_plural_is_chinese(singular, plural):
    with translation.override("zh-hans"):
        for n in (1, 53):
            assert translation.ngettext(singular, plural, n) not in (singular, plural)


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_supplement_never_overrides_wagtail(domain):
    """Only msgids Wagtail's own zh_Hans catalogues leave untranslated are supplied."""
    wagtail_done = generator.translated_keys(WAGTAIL)[domain]
    ours = {generator.key(e) for e in supplement(domain)}
    assert ours, f"locale-wagtail has no {domain} entries"
    assert not ours & wagtail_done, sorted(ours & wagtail_done)[:10]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_supplement_is_complete_and_keeps_placeholders(domain):
    for e in supplement(domain):
        text = e["strs"].get(0, "")
        assert text and not e["fuzzy"], f"untranslated: {e['id']!r}"
        source = e["id"] + (e["plural"] or "")
        assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(source)), e["id"]
        assert tags(text) == tags(e["plural"] or e["id"]), e["id"]


def test_header_is_zh_hans_with_one_plural_form():
    text = (CATALOGUES / "django.po").read_text(encoding="utf-8")
    assert '"Language: zh_Hans\\n"' in text
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text


@pytest.mark.django_db
def test_admin_javascript_catalogue_includes_supplement(client):
    response = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    body = response.content.decode()
    assert '"Insert a block": "\\u63d2\\u5165\\u533a\\u5757"' in body  # 插入区块
