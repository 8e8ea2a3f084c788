"""Item stage: what one item's outcomes are worth, case by case (RULES.md A–D)."""

import dataclasses
from decimal import Decimal

import pytest
from engine_builders import make_event as ev
from engine_builders import make_item as item
from engine_builders import make_rules

from xinxuan.scoring.engine import ScoringError, explain, score_item

D = Decimal

CASES = [
    # (name, settings, item, events, expected unit points by unit)
    ("level default", "", item(), [ev("e", "adoption", carrier="zx")], {"A": D(10)}),
    ("carrier override", "", item(), [ev("e", "adoption", carrier="sd")], {"A": D(8)}),
    ("level without carrier", "", item(), [ev("e", "adoption", level="city")], {"A": D(2)}),
    (
        "grade inside carrier",
        "",
        item(),
        [ev("e", "adoption", carrier="zb", grade="zhongyao")],
        {"A": D(5)},
    ),
    (
        "kind x level matrix",
        "",
        item(kind="photo"),
        [ev("e", "adoption", carrier="zx")],
        {"A": D(2)},
    ),
    (
        "genre factor via inherits",
        "",
        item(kind="brief"),
        [ev("e", "adoption", carrier="zx")],
        {"A": D(5)},
    ),
    (
        "per-carrier kind override",
        "",
        item(kind="news", chars=1200),
        [ev("e", "publication", carrier="cd")],
        {"A": D(3)},
    ),
    (
        "length below threshold",
        "",
        item(kind="news", chars=999),
        [ev("e", "publication", carrier="cd")],
        {"A": D(1)},
    ),
    (
        "placement replaces",
        "",
        item(),
        [ev("e", "publication", carrier="cd", placement="toutiao")],
        {"A": D(8)},
    ),
    (
        "placement multiplies",
        "",
        item(),
        [ev("e", "publication", carrier="cd", placement="double")],
        {"A": D(2)},
    ),
    ("combined use", "", item(), [ev("e", "adoption", carrier="zx", use="combined")], {"A": D(5)}),
    (
        "route multiplier",
        "",
        item(),
        [ev("e", "adoption", carrier="sd", route="office")],
        {"A": D(16)},
    ),
    (
        "required route missing",
        "",
        item(),
        [ev("e", "adoption", carrier="gov", route="direct")],
        {"A": D(0)},
    ),
    (
        "required route given",
        "",
        item(),
        [ev("e", "adoption", carrier="gov", route="office")],
        {"A": D(20)},
    ),
    ("carrier counts nothing", "", item(), [ev("e", "adoption", carrier="wechat")], {"A": D(0)}),
    ("report", "", item(), [ev("e", "report")], {"A": D("0.5")}),
    (
        "report and adoption both",
        "",
        item(),
        [ev("r", "report"), ev("a", "adoption", carrier="zx")],
        {"A": D("10.5")},
    ),
    (
        "adoption only",
        'report_and_adoption = "adoption_only"',
        item(),
        [ev("r", "report"), ev("a", "adoption", carrier="zx")],
        {"A": D(10)},
    ),
    (
        "multi adoption sum",
        "",
        item(),
        [
            ev("a", "adoption", carrier="zx"),
            ev("b", "adoption", carrier="sd"),
            ev("c", "adoption", carrier="zb", grade="canyue"),
        ],
        {"A": D(21)},
    ),
    (
        "multi adoption highest",
        'multi_adoption = "highest"',
        item(),
        [ev("a", "adoption", carrier="zx"), ev("b", "adoption", carrier="sd")],
        {"A": D(10)},
    ),
    (
        "multi adoption top levels",
        'multi_adoption = "top_levels"\nmulti_adoption_top_n = 2',
        item(),
        [
            ev("a", "adoption", carrier="zx"),
            ev("b", "adoption", carrier="zb", grade="zhongyao"),
            ev("c", "adoption", carrier="sd"),
            ev("d", "adoption", level="city"),
        ],
        {"A": D(18)},
    ),
    (
        "multi adoption once per carrier class",
        'multi_adoption = "once_per_carrier_class"',
        item(),
        [
            ev("a", "adoption", carrier="zx"),
            ev("b", "adoption", carrier="zb", grade="zhongyao"),
            ev("c", "adoption", carrier="sd"),
        ],
        {"A": D(18)},
    ),
    (
        "endorsement by level",
        "",
        item(),
        [ev("e", "endorsement", leader_level="city")],
        {"A": D(5)},
    ),
    (
        "endorsement main leader",
        "",
        item(),
        [ev("e", "endorsement", leader_level="city", leader_rank="main")],
        {"A": D(10)},
    ),
    (
        "endorsement carrier bonus",
        "",
        item(),
        [ev("e", "endorsement", leader_level="city", carrier="zb")],
        {"A": D(7)},
    ),
    (
        "endorsements each",
        "",
        item(),
        [
            ev("e", "endorsement", leader_level="city"),
            ev("f", "endorsement", leader_level="provincial"),
        ],
        {"A": D(13)},
    ),
    (
        "endorsements highest",
        'multi_endorsement = "highest"',
        item(),
        [
            ev("e", "endorsement", leader_level="city"),
            ev("f", "endorsement", leader_level="provincial"),
        ],
        {"A": D(8)},
    ),
    (
        "endorsement bonus needs adoption",
        'endorsement_mode = "bonus"',
        item(),
        [ev("e", "endorsement", leader_level="city")],
        {"A": D(0)},
    ),
    (
        "endorsement bonus with adoption",
        'endorsement_mode = "bonus"',
        item(),
        [ev("a", "adoption", level="city"), ev("e", "endorsement", leader_level="city")],
        {"A": D(7)},
    ),
    ("prize grade", "", item(), [ev("e", "prize", rule="good", grade="first")], {"A": D(10)}),
    ("prize default", "", item(), [ev("e", "prize", rule="good")], {"A": D(3)}),
    (
        "commission delivered",
        "",
        item(),
        [ev("d", "commission_due", "2011-03-10"), ev("e", "commission_delivered", "2011-03-09")],
        {"A": D(5)},
    ),
    (
        "commission late",
        "",
        item(),
        [ev("d", "commission_due", "2011-03-10"), ev("e", "commission_delivered", "2011-03-12")],
        {"A": D(3)},
    ),
    ("commission missed", "", item(), [ev("e", "commission_missed")], {"A": D(-10)}),
    ("item deduction", "", item(), [ev("e", "deduction", rule="late")], {"A": D(-1)}),
    (
        "assessor range",
        "",
        item(),
        [ev("e", "manual_adjustment", rule="bonus", points=3, assessor="主任", reason="重大题材")],
        {"A": D(3)},
    ),
    (
        "item nullification",
        "",
        item(),
        [ev("a", "adoption", carrier="zx"), ev("n", "item_nullification", "2011-04-01")],
        {"A": D(-5)},
    ),
    ("revoked event ignored", "", item(), [ev("a", "adoption", carrier="zx", revoked=True)], {}),
    (
        "shares split exactly",
        "",
        item(units="A:1;B:1;C:1"),
        [ev("a", "adoption", carrier="zx")],
        {"A": D("3.34"), "B": D("3.33"), "C": D("3.33")},
    ),
    (
        "shares by weight",
        "",
        item(units="A:3;B:2"),
        [ev("a", "adoption", carrier="zx")],
        {"A": D(6), "B": D(4)},
    ),
    (
        "equal split ignores weights",
        'unit_split = "equal"',
        item(units="A:3;B:1"),
        [ev("a", "adoption", carrier="zx")],
        {"A": D(5), "B": D(5)},
    ),
    (
        "fixed value to each",
        'unit_split = "fixed_each"',
        item(units="A;B"),
        [ev("a", "adoption", carrier="zx")],
        {"A": D(10), "B": D(10)},
    ),
]


def unit_totals(lines):
    out: dict[str, Decimal] = {}
    for line in lines:
        if line.person is None:
            out[line.unit] = out.get(line.unit, D(0)) + line.points
    return out


@pytest.mark.parametrize(
    ("settings_text", "it", "events", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_item_points(settings_text, it, events, expected):
    rs = make_rules(settings_text)
    assert unit_totals(score_item(rs, it, events)) == expected


PERSON_CASES = [
    ("shares", "", "P:1;Q:1", {"P": D(5), "Q": D(5)}),
    (
        "ratio among first two",
        'person_split = "ratio_first_n"\nperson_ratio = [3, 2]',
        "P;Q;R",
        {"P": D(6), "Q": D(4)},
    ),
    ("participants only", 'person_split = "participants"', "P:1;Q:0;R:1", {"P": D(5), "R": D(5)}),
    ("fixed to each", 'person_split = "fixed_each"', "P;Q", {"P": D(10), "Q": D(10)}),
    ("no person credit", 'person_split = "none"', "P;Q", {}),
]


@pytest.mark.parametrize(
    ("settings_text", "persons", "expected"),
    [c[1:] for c in PERSON_CASES],
    ids=[c[0] for c in PERSON_CASES],
)
def test_person_credit_beside_unit_credit(settings_text, persons, expected):
    rs = make_rules(settings_text)
    lines = score_item(rs, item(persons=persons), [ev("a", "adoption", carrier="zx")])
    people: dict[str, Decimal] = {}
    for line in lines:
        if line.person is not None:
            people[line.person] = people.get(line.person, D(0)) + line.points
    assert people == expected
    assert unit_totals(lines) == {"A": D(10)}


def test_explanation_names_every_factor():
    rs = make_rules()
    lines = score_item(rs, item(units="A;B"), [ev("a", "adoption", carrier="zx", use="sole")])
    assert (
        explain(lines[0]) == "总局《检验检疫信息》采用 国家级 基础分 10 × 独家采用 1 × 份额 1/2 = 5"
    )
    assert explain(lines[0], "en").endswith("× share 1/2 = 5")
    assert lines[0].clause == "adoption.carrier.zx"
    assert lines[0].version == "t1"


def test_setting_is_named_in_the_line():
    rs = make_rules('multi_adoption = "highest"')
    lines = score_item(
        rs, item(), [ev("a", "adoption", carrier="zx"), ev("b", "adoption", carrier="sd")]
    )
    dropped = [line for line in lines if line.points == 0]
    assert dropped[0].settings == ("multi_adoption",)
    assert "仅计最高" in explain(dropped[0])


@pytest.mark.parametrize(
    ("event", "key"),
    [
        (ev("e", "adoption", carrier="nope"), "carrier"),
        (ev("e", "adoption", carrier="zb", grade="nope"), "grade"),
        (ev("e", "manual_adjustment", rule="bonus", points=9), "points"),
        (ev("e", "manual_adjustment", rule="bonus"), "points"),
        (ev("e", "deduction", rule="nope"), "rule"),
        (ev("e", "endorsement", leader_level="galactic"), "leader_level"),
    ],
    ids=[
        "unknown carrier",
        "unknown grade",
        "chosen value outside range",
        "range without value",
        "unknown clause",
        "unknown leader level",
    ],
)
def test_bad_events_are_refused(event, key):
    with pytest.raises(ScoringError) as info:
        score_item(make_rules(), item(), [event])
    assert info.value.problems[0].key == key


TALLY_EVENTS = [
    ev("r2", "report", "2011-03-02"),
    ev("a2", "adoption", "2011-03-05", carrier="zx"),
    ev("r1", "report", "2011-03-01"),
    ev("w", "adoption", "2011-03-02", carrier="wechat"),  # counts nothing: never tallied
    ev("a1", "adoption", "2011-03-03", carrier="sd"),
    ev("p1", "publication", "2011-03-04", carrier="cd"),
]


@pytest.mark.parametrize("warm", [False, True], ids=["values computed", "values kept"])
def test_only_the_first_counted_outcome_of_each_kind_is_tallied(warm):
    """Quotas, adoption rates and step rules count items, not events: of an item's
    outcomes only the earliest counted one of each kind is tallied (a report always
    counts; an adoption or publication only if it scores), whichever path the item
    takes through the item stage."""
    from xinxuan.scoring.engine import PeriodData, UnitInfo, score

    rules = make_rules(
        'person_split = "equal"',
        '[quotas.q]\nperiod = "month"\ncounts = "adoption"\nrequired = 2\n'
        'basis = "per_piece"\nper_piece = -1\n',
    )
    one = item(units="A", persons="P")
    period = PeriodData(units=(UnitInfo("A"),))
    if warm:  # the same values, kept from a first run over another item
        score(
            rules,
            [item("I0", units="B", persons="Q")],
            [ev(f"x{e.id}", e.type, item_id="I0", carrier=e.carrier) for e in TALLY_EVENTS],
            period,
        )
    events = [dataclasses.replace(e, item_id="I1") for e in TALLY_EVENTS]
    result = score(rules, [one], events, period)
    tallied = {(line.event, line.person) for line in result.lines if line.tally}
    assert tallied == {(e, who) for e in ("r1", "a1", "p1") for who in (None, "P")}
    assert result.units["A"].adopted == 1
    assert result.persons["P"].adopted == 1
    # one adopted item in March: one short of the quota of two
    march = [line for line in result.lines if line.clause == "quota.q" and line.date.month == 3]
    assert [line.points for line in march] == [D(-1)]
