"""Mistakes a bureau's office makes at the command line are told, in Chinese first.

Found by a bureau encoding its regulation with docs/rules.md alone (青溪县, 2026)."""

import io
from pathlib import Path

from xinxuan.scoring.engine.cli import main

RULESETS = Path(__file__).resolve().parents[3] / "xinxuan" / "scoring" / "rulesets"
EXAMPLES = RULESETS / "examples"
NAME = "qingxi-publicity-2026"


def run(*args):
    out = io.StringIO()
    code = main(list(args), out)
    return code, out.getvalue()


def test_a_holder_that_is_no_unit_is_refused(capsys):
    """--holder 不存在镇 (a typo): nobody reaches 90 points in April, and the plaque was
    reported as kept by 不存在镇, a unit that does not exist. Expected: exit 2 naming it."""
    code, out = run(
        "appraise",
        "--rules",
        str(RULESETS / f"{NAME}.toml"),
        "--events",
        str(EXAMPLES / f"{NAME}-events.csv"),
        "--units",
        str(EXAMPLES / f"{NAME}-units.csv"),
        "--period",
        "2026-04",
        "--holder",
        "不存在镇",
    )
    err = capsys.readouterr().err
    assert code == 2, out
    assert "不存在镇" in err and "Traceback" not in err


def test_an_endorsement_without_its_leader_level_is_told_without_none(tmp_path, capsys):
    """A 批示 row with 领导级别 left empty, under a rule set that values endorsements by the
    leader's level. Got: ``event N9 [leader_level]: 未知领导级别 None``."""
    text = (EXAMPLES / f"{NAME}-events.csv").read_text(encoding="utf-8")
    row = "N9,N1,城关镇老街改造惠民生,新闻稿,城关镇,刘一,批示,2026-04-25,,省领导,省级"
    assert row in text
    events = tmp_path / "events.csv"
    events.write_text(text.replace(row, row.removesuffix("省级")), encoding="utf-8")
    code, _out = run(
        "score",
        "--rules",
        str(RULESETS / f"{NAME}.toml"),
        "--events",
        str(events),
        "--period",
        "2026-Q2",
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "N9" in err and "领导级别" in err
    assert "None" not in err
