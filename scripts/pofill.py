#!/usr/bin/env python3
# Usage: scripts/pofill.py CATALOGUE.po MAPPING.json — fill msgstr entries from a JSON
# {msgid: translation} mapping, drop fuzzy marks, and list what is still untranslated.
"""Fill msgstr entries of a .po file from a mapping; print what is still missing."""
import re, sys, json

def parse_str(lines):
    lines = [l for l in lines if l.startswith(('"', 'msgid ', 'msgstr '))]
    return "".join(json.loads(l[l.index('"'):]) if l.startswith('"') else json.loads(l.split(" ",1)[1]) for l in lines)

def fill(path, mapping):
    text = open(path, encoding="utf-8").read()
    blocks = text.split("\n\n")
    out, missing = [], []
    for b in blocks:
        lines = b.split("\n")
        try:
            i = next(k for k,l in enumerate(lines) if l.startswith("msgid "))
            j = next(k for k,l in enumerate(lines) if l.startswith("msgstr "))
        except StopIteration:
            out.append(b); continue
        msgid = parse_str(lines[i:j])
        if msgid == "":
            out.append(b); continue
        cur = parse_str(lines[j:])
        lines = [l for l in lines if l != "#, fuzzy" and not l.startswith("#| ")]
        i = next(k for k,l in enumerate(lines) if l.startswith("msgid "))
        j = next(k for k,l in enumerate(lines) if l.startswith("msgstr "))
        new = mapping.get(msgid, cur)
        if not new:
            missing.append(msgid)
        tail = [l for l in lines[j+1:] if not l.startswith('"') and l.strip()]
        lines = lines[:j] + ["msgstr " + json.dumps(new, ensure_ascii=False)] + tail
        out.append("\n".join(lines))
    res = "\n\n".join(out)
    res = res.replace('"Language: \\n"', '"Language: zh_Hans\\n"')
    open(path, "w", encoding="utf-8").write(res if res.endswith("\n") else res + "\n")
    return missing

if __name__ == "__main__":
    mapping = json.load(open(sys.argv[2], encoding="utf-8"))
    for m in fill(sys.argv[1], mapping):
        print("MISSING:", repr(m))
