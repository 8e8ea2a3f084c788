"""The shipped regulations score their worked examples exactly, through the CLI."""

import io
import json
from pathlib import Path

import pytest

from xinxuan.scoring.engine import load_ruleset_file
from xinxuan.scoring.engine.appraisal import award_prizes, decide_plaque
from xinxuan.scoring.engine.cli import main

RULESETS = Path(__file__).resolve().parents[3] / "xinxuan" / "scoring" / "rulesets"
EXAMPLES = RULESETS / "examples"
NAMES = sorted(p.stem for p in RULESETS.glob("*.toml"))


def run(*args):
    out = io.StringIO()
    code = main(list(args), out)
    return code, out.getvalue()


def test_at_least_five_rulesets_are_shipped():
    assert {"changzhou-2011", "changzhou-2012-draft"} <= set(NAMES)
    assert len(NAMES) >= 5


@pytest.mark.parametrize("name", NAMES)
def test_example_scores_exactly(name):
    expected = json.loads((EXAMPLES / f"{name}-expected.json").read_text(encoding="utf-8"))
    args = [
        "score",
        "--rules",
        str(RULESETS / f"{name}.toml"),
        "--events",
        str(EXAMPLES / expected["events"]),
    ]
    if expected["units_file"]:
        args += ["--units", str(EXAMPLES / expected["units_file"])]
    code, out = run(*args, "--format", "json", "--explain")
    assert code == 0
    data = json.loads(out)
    units = {
        u["id"]: {"points": u["points"], "rank": u["rank"], "completion": u["completion"]}
        for u in data["units"]
    }
    assert units == expected["units"]
    assert {p["id"]: p["points"] for p in data["persons"]} == expected["persons"]
    assert all(
        line["explanation"].endswith(f"= {line['points']}")
        or "（" in line["explanation"]
        or "[" in line["explanation"]
        for line in data["lines"]
    )


@pytest.mark.parametrize("name", NAMES)
def test_check_accepts_shipped_rulesets(name):
    code, out = run("check", "--rules", str(RULESETS / f"{name}.toml"))
    assert code == 0 and out.startswith("OK")


def test_table_output_shows_completion_and_explanations():
    code, out = run(
        "score",
        "--rules",
        str(RULESETS / "changzhou-2011.toml"),
        "--events",
        str(EXAMPLES / "changzhou-2011-events.csv"),
        "--units",
        str(EXAMPLES / "changzhou-2011-units.csv"),
        "--period",
        "2011-Q1",
        "--explain",
    )
    assert code == 0
    assert "86.0%" not in out  # only the first quarter: 40.5 of 50
    assert "81.0%" in out
    assert "总局《专报信息》采用 国家级 基础分 20 × 独家采用 1 = 20" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "--rules", "missing.toml", "--events", "x.csv"], "cannot read file"),
        (
            ["score", "--rules", str(RULESETS / "changzhou-2011.toml"), "--events", "missing.csv"],
            "not found",
        ),
        (
            [
                "score",
                "--rules",
                str(RULESETS / "changzhou-2011.toml"),
                "--events",
                str(EXAMPLES / "changzhou-2011-events.csv"),
                "--period",
                "2011-Q9",
            ],
            "bad date or period",
        ),
    ],
    ids=["missing rules", "missing events", "bad period"],
)
def test_bad_input_exits_2_without_traceback(args, message, capsys):
    code, _out = run(*args)
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_2011_appraisal_first_prize_and_plaque():
    rs = load_ruleset_file(RULESETS / "changzhou-2011.toml")
    from xinxuan.scoring.engine import score
    from xinxuan.scoring.engine.events_io import read_events, read_units

    parsed = read_events(EXAMPLES / "changzhou-2011-events.csv", ruleset=rs)
    units = read_units(EXAMPLES / "changzhou-2011-units.csv")
    result = score(rs, parsed.items, parsed.events, units)
    awards = award_prizes(rs, result)
    assert [(a.tier, a.winner) for a in awards] == [("first", "动植检处")]  # others below 60 %
    decision = decide_plaque(rs, result, previous_holder="办公室")
    assert decision.holder == "办公室" and not decision.changed  # nobody reached 100 %
