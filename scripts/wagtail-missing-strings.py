#!/usr/bin/env python3
"""List the Wagtail admin strings that Wagtail's own zh_Hans catalogues leave untranslated.

Usage (from the repository root):

    .venv/bin/python scripts/wagtail-missing-strings.py            # print the missing msgids
    .venv/bin/python scripts/wagtail-missing-strings.py --write     # refresh locale-wagtail/

How: the installed wagtail package is copied to a temporary directory and Django's
makemessages (no settings needed) collects every msgid of the "django" and "djangojs"
domains.  The wheel holds only the built admin JavaScript, so the djangojs list is the
union of makemessages, Wagtail's en/djangojs.po and the literal arguments of the bundles'
minified gettext calls.  A msgid counts as translated when one of Wagtail's zh_Hans
catalogues (or Django's own, for the django domain) has a non-fuzzy msgstr for it.

--write rewrites locale-wagtail/zh_Hans/LC_MESSAGES/{django,djangojs}.po with exactly the
missing entries: translations already in those files are kept, new entries get an empty
msgstr (translate them, then `make messages`), entries Wagtail now translates are dropped.
Run it after every Wagtail upgrade.
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "locale-wagtail" / "zh_Hans" / "LC_MESSAGES"
LANG = "zh_Hans"


# --- .po reading / writing -------------------------------------------------------------


def parse_po(path):
    """Entries of a .po file: dicts with ctx, id, plural, strs {n: str}, fuzzy.  Obsolete
    (#~) entries are skipped; the header (id "") is returned too."""
    entries, cur, last = [], None, None

    def new():
        return {
            "ctx": None,
            "id": None,
            "plural": None,
            "strs": {},
            "fuzzy": False,
            "obsolete": False,
        }

    cur = new()
    for line in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if cur["id"] is not None and not cur["obsolete"]:
                entries.append(cur)
            cur, last = new(), None
            continue
        if line.startswith("#~"):
            cur["obsolete"] = True
            continue
        if line.startswith("#,"):
            cur["fuzzy"] = cur["fuzzy"] or "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if m:
            kw, value = m.group(1), json.loads(m.group(3))
            if kw.startswith("msgstr"):
                n = int(m.group(2) or 0)
                cur["strs"][n], last = value, ("strs", n)
            else:
                key = {"msgctxt": "ctx", "msgid": "id", "msgid_plural": "plural"}[kw]
                cur[key], last = value, (key, None)
        elif line.startswith('"') and last:
            value = json.loads(line)
            if last[0] == "strs":
                cur["strs"][last[1]] += value
            else:
                cur[last[0]] += value
    return entries


def po_quote(text):
    return json.dumps(text, ensure_ascii=False)


def write_po(path, entries, header_comment, domain):
    lines = [f"# {line}".rstrip() for line in header_comment.splitlines()]
    lines += [
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: xinxuan (Wagtail zh_Hans supplement)\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        f'"Language: {LANG}\\n"',
        '"Plural-Forms: nplurals=1; plural=0;\\n"',
        "",
    ]
    for e in entries:
        if e["ctx"] is not None:
            lines.append("msgctxt " + po_quote(e["ctx"]))
        lines.append("msgid " + po_quote(e["id"]))
        if e["plural"] is not None:
            lines.append("msgid_plural " + po_quote(e["plural"]))
            lines.append("msgstr[0] " + po_quote(e["strs"].get(0, "")))
        else:
            lines.append("msgstr " + po_quote(e["strs"].get(0, "")))
        lines.append("")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def key(e):
    return (e["ctx"], e["id"])


# --- collecting msgids -----------------------------------------------------------------

GETTEXT_CALL = re.compile(
    r"""\(0,\s*[\w$]+\.([\w$]+)\)\(\s*("(?:[^"\\]|\\.)*")(?:\s*,\s*("(?:[^"\\]|\\.)*"))?"""
)


def bundle_msgids(package, known):
    """msgids of the built admin JS: the literal arguments of minified `(0,x.AB)("…")` calls
    whose function name is, judging by its literals, Wagtail's gettext/ngettext."""
    calls = collections.defaultdict(list)
    for path in package.glob("**/static/**/*.js"):
        if "vendor" in path.name:
            continue
        for m in GETTEXT_CALL.finditer(path.read_text(encoding="utf-8", errors="replace")):
            try:
                singular = json.loads(m.group(2))
                plural = json.loads(m.group(3)) if m.group(3) else None
            except ValueError:
                continue
            calls[m.group(1)].append((singular, plural))
    found = {}
    for args in calls.values():
        hits = sum(1 for s, _ in args if s in known)
        if len(args) >= 3 and hits >= 0.8 * len(args):
            for singular, plural in args:
                found.setdefault(singular, plural)
    return found


def current_msgids(package):
    """{domain: {(ctx, id): entry}} of the wagtail package at `package`."""
    result = {"django": {}, "djangojs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "wagtail"
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        for po in copy.glob("**/locale/*/LC_MESSAGES/*.po"):
            if po.parent.parent.name != "en":
                po.unlink()
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        for domain in ("django", "djangojs"):
            subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
                [
                    sys.executable,
                    "-m",
                    "django",
                    "makemessages",
                    "-d",
                    domain,
                    "-l",
                    LANG,
                    "--no-location",
                    "--no-wrap",
                    "-v",
                    "0",
                    "--ignore",
                    "*/vendor/*",
                ],
                cwd=copy,
                env=env,
                check=True,
                stderr=subprocess.DEVNULL,
            )
        for po in sorted(copy.glob("**/locale/*/LC_MESSAGES/*.po")):
            domain = po.stem
            if domain not in result:
                continue
            for e in parse_po(po):  # the generated zh_Hans files and Wagtail's en ones
                if e["id"]:
                    result[domain].setdefault(key(e), {**e, "strs": {}, "fuzzy": False})
        known = {i for (_, i) in result["djangojs"]}
        for singular, plural in bundle_msgids(copy, known).items():
            result["djangojs"].setdefault(
                (None, singular),
                {"ctx": None, "id": singular, "plural": plural, "strs": {}, "fuzzy": False},
            )
    return result


def translated_keys(package):
    """{domain: set of (ctx, id)} that the installed zh_Hans catalogues translate."""
    import django

    done = {"django": set(), "djangojs": set()}
    sources = list(package.glob(f"**/locale/{LANG}/LC_MESSAGES/*.po"))
    django_locale = Path(django.__file__).parent / "conf" / "locale"
    sources.append(django_locale / LANG / "LC_MESSAGES" / "django.po")
    for po in sources:
        if po.stem not in done or not po.exists():
            continue
        for e in parse_po(po):
            if e["id"] and not e["fuzzy"] and e["strs"].get(0):
                done[po.stem].add(key(e))
    return done


def missing(package):
    current, done = current_msgids(package), translated_keys(package)
    return {
        domain: sorted(
            (e for k, e in entries.items() if k not in done[domain]),
            key=lambda e: (e["id"].lower(), e["id"], e["ctx"] or ""),
        )
        for domain, entries in current.items()
    }


HEADER = """\
Chinese (zh_Hans) translations that Wagtail {version}'s own catalogues lack.
Loaded through LOCALE_PATHS (config/settings.py, after locale/); it only adds entries
Wagtail leaves untranslated and never overrides one Wagtail translates.
Generated by scripts/wagtail-missing-strings.py --write (run it after a Wagtail upgrade,
translate the entries with an empty msgstr, then `make messages`)."""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--write", action="store_true", help="refresh locale-wagtail/ instead of printing"
    )
    args = parser.parse_args()
    import wagtail

    package = Path(wagtail.__file__).parent
    found = missing(package)
    if not args.write:
        for domain, entries in found.items():
            for e in entries:
                print(
                    json.dumps(
                        {
                            "domain": domain,
                            "msgctxt": e["ctx"],
                            "msgid": e["id"],
                            "msgid_plural": e["plural"],
                        },
                        ensure_ascii=False,
                    )
                )
        return
    for domain, entries in found.items():
        path = OUT_DIR / f"{domain}.po"
        old = {key(e): e for e in parse_po(path)} if path.exists() else {}
        for e in entries:
            if key(e) in old and old[key(e)]["strs"].get(0):
                e["strs"] = {0: old[key(e)]["strs"][0]}
        write_po(path, entries, HEADER.format(version=wagtail.__version__), domain)
        todo = sum(1 for e in entries if not e["strs"].get(0))
        print(f"{path.relative_to(ROOT)}: {len(entries)} entries, {todo} untranslated")


if __name__ == "__main__":
    main()
