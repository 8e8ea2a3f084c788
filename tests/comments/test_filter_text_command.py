"""`manage.py filter_text` filters texts against the database's lists or given files."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args, stdin=""):
    out = io.StringIO()
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command("filter_text", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_database_lists_as_a_table():
    table = run(stdin="今天很好\n有人賭-博\n").splitlines()
    assert table[0].split("\t") == ["id", "decision", "categories", "matches"]
    assert table[1].split("\t")[1] == "pass"
    assert table[2].split("\t")[1:3] == ["hold", "广告"]
    assert "赌博[2:5]normalised" in table[2]


def test_files_and_json_lines(tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("@category 谣言 hold\n地震预报\t谣言\n", encoding="utf-8")
    allow = tmp_path / "allow.txt"
    allow.write_text("辟谣地震预报\n", encoding="utf-8")
    texts = tmp_path / "texts.jsonl"
    texts.write_text(
        '{"id": "a", "text": "明天地震预报"}\n{"id": "b", "text": "辟谣地震预报"}\n',
        encoding="utf-8",
    )
    rows = [
        json.loads(line)
        for line in run(
            "--lexicon", str(words), "--whitelist", str(allow), "--jsonl", "--json", str(texts)
        ).splitlines()
    ]
    assert [(r["id"], r["decision"]) for r in rows] == [("a", "hold"), ("b", "pass")]
    assert rows[0]["matches"][0]["start"] == 2


def test_a_bad_file_is_an_error_naming_the_line(tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("好词\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1"):
        run("--lexicon", str(words), stdin="x\n")
