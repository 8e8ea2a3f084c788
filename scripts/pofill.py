#!/usr/bin/env python3
# Usage: scripts/pofill.py CATALOGUE.po MAPPING.json — fill msgstr entries from a JSON
# {msgid: translation} mapping, drop fuzzy marks, and list what is still untranslated.
"""Fill msgstr entries of a .po file from a mapping; print what is still missing."""

import json
import sys
from pathlib import Path


def parse_str(lines: list[str]) -> str:
    """The string of a msgid or msgstr entry, its continuation lines joined."""
    lines = [line for line in lines if line.startswith(('"', "msgid ", "msgstr "))]
    return "".join(
        json.loads(line[line.index('"') :])
        if line.startswith('"')
        else json.loads(line.split(" ", 1)[1])
        for line in lines
    )


def _position(lines: list[str], prefix: str) -> int:
    return next(k for k, line in enumerate(lines) if line.startswith(prefix))


def fill(path: str, mapping: dict[str, str]) -> list[str]:
    text = Path(path).read_text(encoding="utf-8")
    out, missing = [], []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        try:
            i, j = _position(lines, "msgid "), _position(lines, "msgstr ")
        except StopIteration:
            out.append(block)
            continue
        msgid = parse_str(lines[i:j])
        if msgid == "":
            out.append(block)
            continue
        current = parse_str(lines[j:])
        lines = [line for line in lines if line != "#, fuzzy" and not line.startswith("#| ")]
        j = _position(lines, "msgstr ")
        new = mapping.get(msgid, current)
        if not new:
            missing.append(msgid)
        tail = [line for line in lines[j + 1 :] if not line.startswith('"') and line.strip()]
        lines = lines[:j] + ["msgstr " + json.dumps(new, ensure_ascii=False)] + tail
        out.append("\n".join(lines))
    result = "\n\n".join(out).replace('"Language: \\n"', '"Language: zh_Hans\\n"')
    Path(path).write_text(result if result.endswith("\n") else result + "\n", encoding="utf-8")
    return missing


if __name__ == "__main__":
    mapping = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    for message in fill(sys.argv[1], mapping):
        print("MISSING:", repr(message))
