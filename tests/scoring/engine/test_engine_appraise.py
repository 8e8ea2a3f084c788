"""Appraisal from the command line and its gates (RULES.md G, I.9)."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from engine_builders import make_event as ev
from engine_builders import make_item as item
from engine_builders import make_rules

from xinxuan.scoring.engine import PeriodData, UnitInfo, score
from xinxuan.scoring.engine.appraisal import award_prizes, decide_plaque, eligibility
from xinxuan.scoring.engine.cli import main

RULESETS = Path(__file__).resolve().parents[3] / "xinxuan" / "scoring" / "rulesets"
EXAMPLES = RULESETS / "examples"
APPRAISE_2011 = [
    "appraise",
    "--rules",
    str(RULESETS / "changzhou-2011.toml"),
    "--events",
    str(EXAMPLES / "changzhou-2011-events.csv"),
    "--units",
    str(EXAMPLES / "changzhou-2011-units.csv"),
    "--holder",
    "办公室",
]


def run(*args):
    out = io.StringIO()
    return main(list(args), out), out.getvalue()


def test_appraise_prints_prizes_eligibility_plaque_and_elimination():
    code, out = run(*APPRAISE_2011)
    assert code == 0
    assert "一等奖  1     动植检处" in out
    assert "武进办     15.0  37.5%   否    完成率低于 60%" in out
    assert "办公室    否    无单位达到条件，原单位保留" in out
    assert out.rstrip().endswith("孙四  1.0")


def test_appraise_as_json():
    code, out = run(*APPRAISE_2011, "--format", "json", "--lang", "en")
    assert code == 0
    data = json.loads(out)
    assert [(p["tier"], p["winner"]) for p in data["collective_prizes"]] == [("first", "动植检处")]
    assert data["plaque"] == {
        "holder": "办公室",
        "changed": False,
        "reason": "nobody qualifies; the holder keeps it",
    }
    assert data["elimination"] == [{"person": "孙四", "points": "1"}]
    by_id = {v["id"]: v for v in data["collective_eligibility"]}
    assert by_id["局"]["eligible"] is False and by_id["动植检处"]["eligible"] is True


def test_appraise_without_an_appraisal_section_is_refused(capsys):
    code, out = run(
        "appraise",
        "--rules",
        str(RULESETS / "route-shared.toml"),
        "--events",
        str(EXAMPLES / "route-shared-events.csv"),
    )
    assert code == 2 and out == ""
    assert "has no [appraisal]" in capsys.readouterr().err


APPRAISAL = """
[appraisal.collective]
tiers = [{id = "first", label_zh = "一等奖", count = 1}]
min_completion = 0.5
{gate}
[appraisal.plaque]
min_points = 9
"""
UNITS = PeriodData(units=(UnitInfo("A", target=Decimal(100)), UnitInfo("B")))
EVENTS = [
    ev("a", "adoption", item_id="I1", carrier="zx"),
    ev("b", "adoption", item_id="I2", carrier="sd"),
]


@pytest.mark.parametrize(
    ("gate", "winner"),
    [
        pytest.param("", "B", id="no target: not ineligible"),
        pytest.param('without_target = "ineligible"', None, id="no target: ineligible"),
        pytest.param("min_points = 9", None, id="absolute gate"),
    ],
)
def test_units_without_a_target_and_absolute_gates(gate, winner):
    """A has 10 points of a target of 100 (10 %), B has 8 and no target."""
    rs = make_rules(extra=APPRAISAL.replace("{gate}", gate))
    result = score(rs, [item("I1", units="A"), item("I2", units="B")], EVENTS, UNITS)
    awards = award_prizes(rs, result)
    assert [a.winner for a in awards] == ([winner] if winner else [])
    verdicts = {v.id: v for v in eligibility(rs, result)}
    assert not verdicts["A"].eligible and "10%" not in verdicts["A"].reason_zh


def test_the_rotating_award_by_an_absolute_threshold():
    """≥ 9 points: A (10 points, 10 % of its target) gets it; completion is not asked."""
    rs = make_rules(extra=APPRAISAL.replace("{gate}", ""))
    result = score(rs, [item("I1", units="A"), item("I2", units="B")], EVENTS, UNITS)
    decision = decide_plaque(rs, result, previous_holder="B")
    assert decision.holder == "A" and decision.changed
