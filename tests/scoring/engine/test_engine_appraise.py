"""Appraisal from the command line and its gates (RULES.md G, I.9)."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from engine_builders import make_event as ev
from engine_builders import make_item as item
from engine_builders import make_rules

from xinxuan.scoring.engine import EngineError, PeriodData, UnitInfo, score
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


# Three units on 10 points each, made differently: A one national adoption (zx), B five
# city adoptions (cd), C two city endorsements. The first and second prize go to one
# unit each, so the tie-breaks decide who gets which and who gets none.
TIED_ITEMS = [item("A1", units="A"), item("C1", units="C")] + [
    item(f"B{n}", units="B") for n in range(5)
]
TIED_EVENTS = [
    ev("a", "adoption", item_id="A1", carrier="zx"),
    *(ev(f"b{n}", "adoption", item_id=f"B{n}", carrier="cd") for n in range(5)),
    ev("c1", "endorsement", item_id="C1", leader_level="city"),
    ev("c2", "endorsement", item_id="C1", leader_level="city", date="2011-04-01"),
]
TIED_UNITS = PeriodData(
    units=(
        UnitInfo("A", target=Decimal(100)),
        UnitInfo("B", target=Decimal(20)),
        UnitInfo("C"),
    )
)
TIERS = """
[appraisal.collective]
tiers = [{id = "first", count = 1}, {id = "second", count = 1}]
"""


@pytest.mark.parametrize(
    ("tie_break", "first", "second"),
    [
        pytest.param("", "A", "B", id="none: by identifier, the office decides"),
        pytest.param('["adopted:provincial"]', "A", "B", id="adopted at provincial level"),
        pytest.param('["adopted"]', "B", "A", id="more items adopted"),
        pytest.param('["points:endorsement"]', "C", "A", id="points of a clause"),
        pytest.param('["points:endorsement", "adopted"]', "C", "B", id="second criterion"),
        pytest.param(
            '["adopted:provincial", "points:endorsement"]', "A", "C", id="docs/rules.md example"
        ),
        pytest.param('["completion"]', "B", "A", id="completion: none is lowest"),
    ],
)
def test_ties_at_a_prize_boundary_are_broken_as_the_rule_set_says(tie_break, first, second):
    extra = TIERS + (f"tie_break = {tie_break}\n" if tie_break else "")
    rs = make_rules(extra=extra)
    result = score(rs, TIED_ITEMS, TIED_EVENTS, TIED_UNITS)
    assert {t.points for t in result.units.values()} == {Decimal(10)}
    awards = award_prizes(rs, result)
    assert [(a.tier, a.winner) for a in awards] == [("first", first), ("second", second)]


@pytest.mark.parametrize(
    ("tie_break", "message"),
    [
        pytest.param('["luck"]', "unknown tie-break 'luck'", id="unknown criterion"),
        pytest.param('["adopted:county"]', "undefined level 'county'", id="unknown level"),
        pytest.param('["points:"]', "unknown tie-break 'points:'", id="no clause"),
    ],
)
def test_a_tie_break_the_engine_does_not_know_is_refused(tie_break, message):
    with pytest.raises(EngineError) as error:
        make_rules(extra=TIERS + f"tie_break = {tie_break}\n")
    assert message in str(error.value.problems[0].message_en)
