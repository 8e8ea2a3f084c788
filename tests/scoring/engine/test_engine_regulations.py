"""Combinations that published regulations use (RULES.md section I), each as data."""

import datetime
from decimal import Decimal

import pytest
from engine_builders import BASE, make_rules
from engine_builders import make_event as ev
from engine_builders import make_item as item

from xinxuan.scoring.engine import (
    PeriodData,
    RuleSetError,
    ScoringError,
    UnitInfo,
    explain,
    load_ruleset,
    score,
)

D = Decimal
ONE_UNIT = PeriodData(units=(UnitInfo("A"),))
MARCH = PeriodData(
    units=(UnitInfo("A"),), start=datetime.date(2011, 3, 1), end=datetime.date(2011, 3, 31)
)


def rules_with(settings="", extra="", **tables):
    """The test rule set with keys added to tables the base text already has, e.g.
    ``commission="adopted = 6"`` adds ``adopted = 6`` under ``[commission]``."""
    text = BASE.replace("{settings}", settings).replace("{extra}", extra)
    for table, keys in tables.items():
        text = text.replace(f"[{table}]\n", f"[{table}]\n{keys}\n", 1)
    return load_ruleset(text, "test.toml")


def items_of(events, units="A"):
    return [item(i, units=units) for i in dict.fromkeys(e.item_id for e in events if e.item_id)]


COMMISSIONED = [
    ev("c", "commission_due", "2011-03-01", item_id="I1"),
    ev("r", "report", "2011-03-02", item_id="I1"),
    ev("a1", "adoption", "2011-03-10", item_id="I1", carrier="zx"),
]
PUBLISHED = [
    ev("p1", "publication", "2011-03-01", item_id="I1", carrier="zb"),
    ev("p2", "publication", "2011-03-02", item_id="I1", carrier="zx"),
    ev("p3", "publication", "2011-03-03", item_id="I1", carrier="sd"),  # its own 8
    ev("p4", "publication", "2011-03-04", item_id="I1", carrier="cd"),
]

CASES = [
    pytest.param(
        make_rules(extra="[report.levels]\nprovincial = 2\nnational = 10\n"),
        [
            ev("r1", "report", item_id="I1", level="provincial"),
            ev("r2", "report", item_id="I2", carrier="gov"),
            ev("r3", "report", item_id="I3"),
        ],
        D("12.5"),
        id="I.1 report points by destination level",
    ),
    pytest.param(
        make_rules(
            extra='[routes.city]\nlabel_zh = "经市办转报"\nfactor = 1\n'
            "levels = {provincial = 2, national = 5}\n"
        ),
        [
            ev("a1", "adoption", item_id="I1", carrier="sd", route="city"),
            ev("a2", "adoption", item_id="I2", carrier="zx", route="city"),
            ev("a3", "adoption", item_id="I3", level="city", route="city"),
        ],
        D(16) + 50 + 2,
        id="I.2 route factor by destination level",
    ),
    pytest.param(
        rules_with(commission="adopted = 6"),
        COMMISSIONED,
        D("0.5") + 10 + 6,
        id="I.3 commissioned item adopted besides the carrier",
    ),
    pytest.param(
        rules_with('commission_adoption = "instead"', commission="adopted = 6"),
        [*COMMISSIONED, ev("a2", "adoption", "2011-03-12", item_id="I1", carrier="sd")],
        D("0.5") + 6,
        id="I.3 commissioned item adopted instead of the carrier",
    ),
    pytest.param(make_rules(), PUBLISHED, D(5 + 5 + 8 + 1), id="I.4 publications summed"),
    pytest.param(
        make_rules('multi_publication = "highest"'), PUBLISHED, D(8), id="I.4 highest publication"
    ),
    pytest.param(
        make_rules('multi_publication = "top_levels"\nmulti_publication_top_n = 2'),
        PUBLISHED,
        D(5 + 8),
        id="I.4 top two levels of publications",
    ),
    pytest.param(
        make_rules('multi_publication = "once_per_carrier_class"'),
        PUBLISHED,
        D(5 + 8 + 1),
        id="I.4 publications once per carrier class",
    ),
    pytest.param(
        make_rules(extra='[carriers.shiwei]\nlabel_zh = "市委信息"\nmin = 2\nmax = 5\n'),
        [ev("a", "adoption", item_id="I1", carrier="shiwei", points=4, assessor="主任")],
        D(4),
        id="I.6 adoption valued inside the carrier's range",
    ),
    pytest.param(
        make_rules(extra='[adjustments.open]\nlabel_zh = "重大贡献"\nmin = 2\n'),
        [ev("m", "manual_adjustment", unit="A", rule="open", points=50, reason="抗洪")],
        D(50),
        id="I.6 uncapped range needs no maximum",
    ),
    pytest.param(
        make_rules(
            extra='[quotas.task]\nperiod = "year"\ncounts = "adoption"\nrequired = 1\nmet = 3\n'
        ),
        [ev("a", "adoption", item_id="I1", carrier="zx")],
        D(13),
        id="I.7 task met earns a bonus",
    ),
    pytest.param(
        make_rules(
            extra='[quotas.task]\nperiod = "year"\ncounts = "adoption"\nrequired = 1\nmet = 3\n'
        ),
        [ev("r", "report", item_id="I1")],
        D("0.5"),
        id="I.7 task not met earns nothing",
    ),
    pytest.param(
        make_rules(
            extra='[quotas.q]\nperiod = "year"\ncounts = "points"\nrequired = 10\n'
            'basis = "points"\nk = 1\n'
        ),
        [
            ev("a", "adoption", item_id="I1", carrier="zx"),
            ev("d", "deduction", unit="A", rule="late"),
        ],
        D(10) - 1 - 1,
        id="I.8 shortfall on all points",
    ),
    pytest.param(
        make_rules(
            'shortfall_basis = "adoption_points"',
            '[quotas.q]\nperiod = "year"\ncounts = "points"\nrequired = 10\n'
            'basis = "points"\nk = 1\n',
        ),
        [
            ev("a", "adoption", item_id="I1", carrier="zx"),
            ev("d", "deduction", unit="A", rule="late"),
        ],
        D(10) - 1,
        id="I.8 shortfall on adoption points only",
    ),
    pytest.param(
        make_rules(
            extra='[factors.up]\nlabel_zh = "省级以上加倍"\nfactor = 2\nmin_level = "provincial"\n'
            'events = ["adoption"]\n'
        ),
        [
            ev("a1", "adoption", item_id="I1", carrier="zx"),
            ev("a2", "adoption", item_id="I2", carrier="cd"),
            ev("p", "publication", item_id="I3", carrier="zx"),
        ],
        D(20 + 2 + 5),
        id="I.11 double at provincial level and above",
    ),
    pytest.param(
        make_rules(
            extra='[factors.journal]\nlabel_zh = "总局刊物减半"\nfactor = 0.5\n'
            'classes = ["zongju"]\n'
        ),
        [
            ev("a1", "adoption", item_id="I1", carrier="zb"),
            ev("a2", "adoption", item_id="I2", carrier="sd"),
        ],
        D(5 + 8),
        id="I.11 a carrier class counts half",
    ),
    pytest.param(
        make_rules(extra="[endorsement.by_carrier.city]\nzx = 7\n"),
        [
            ev("e1", "endorsement", item_id="I1", leader_level="city", carrier="zx"),
            ev("e2", "endorsement", item_id="I2", leader_level="city"),
        ],
        D(7 + 5),
        id="I.11 endorsement by leader level and carrier",
    ),
    pytest.param(
        make_rules(extra="[endorsement]\nvalue = 3\n"),
        [ev("e", "endorsement", item_id="I1")],
        D(3),
        id="I.12 endorsement without a leader level",
    ),
    pytest.param(
        make_rules(extra='[carriers.bulletin]\nlabel_zh = "内部简报"\npoints = 1.5\n'),
        [ev("a", "adoption", item_id="I1", carrier="bulletin")],
        D("1.5"),
        id="I.12 carrier without a level",
    ),
    pytest.param(
        rules_with(report="late = -1"),
        [
            ev("r1", "report", "2011-03-03", item_id="I1", due=datetime.date(2011, 3, 1)),
            ev("r2", "report", "2011-03-01", item_id="I2", due=datetime.date(2011, 3, 1)),
        ],
        D("0.5") - 1 + D("0.5"),
        id="I.13 late report from due and delivered dates",
    ),
    pytest.param(
        make_rules(extra="[submission]\npoints = 0.2\nlate = -0.5\n"),
        [
            ev("s", "submission", "2011-03-01", item_id="I1"),
            ev("s2", "submission", "2011-03-09", item_id="I2", due=datetime.date(2011, 3, 5)),
            ev("r", "report", "2011-03-02", item_id="I1"),
        ],
        D("0.2") + D("0.2") - D("0.5") + D("0.5"),
        id="I.13 submission to the own office apart from reporting upward",
    ),
]


@pytest.mark.parametrize(("rs", "events", "expected"), CASES)
def test_regulation_values(rs, events, expected):
    result = score(rs, items_of(events), events, ONE_UNIT)
    assert result.units["A"].points == expected
    assert sum(line.points for line in result.lines if line.person is None) == expected
    # again with the rule set's caches warm: plain items then take the short path
    again = score(rs, items_of(events), events, ONE_UNIT)
    assert repr(tuple(again.lines)) == repr(tuple(result.lines))


def test_combined_adoption_gives_each_unit_the_fixed_value():
    rs = make_rules(extra='[uses.zonghe]\nlabel_zh = "综合采用"\neach_unit = 1\n')
    events = [ev("a", "adoption", item_id="I1", carrier="zx", use="zonghe")]
    units = PeriodData(units=(UnitInfo("A"), UnitInfo("B"), UnitInfo("C")))
    result = score(rs, items_of(events, "A:3;B:1;C:1"), events, units)
    assert {u: t.points for u, t in result.units.items()} == {"A": 1, "B": 1, "C": 1}
    line = next(ln for ln in result.lines if ln.unit == "B")
    assert "综合采用每个单位 基础分 1" in explain(line)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        pytest.param("", {"A": D("6.67"), "B": D("6.67"), "C": D("6.66")}, id="per item"),
        pytest.param(
            'share_rounding = "per_event"',
            {"A": D("6.68"), "B": D("6.66"), "C": D("6.66")},
            id="per event",
        ),
    ],
)
def test_shares_round_once_per_item(setting, expected):
    """Two adoptions of 10 among three units: the item's 20 split once (6.67, 6.67,
    6.66), not each 10 split twice (3.34 + 3.34 for the first unit)."""
    rs = make_rules(setting)
    events = [
        ev("a1", "adoption", "2011-03-01", item_id="I1", carrier="zx"),
        ev("a2", "adoption", "2011-03-02", item_id="I1", carrier="zx"),
    ]
    units = PeriodData(units=(UnitInfo("A"), UnitInfo("B"), UnitInfo("C")))
    result = score(rs, items_of(events, "A;B;C"), events, units)
    assert {u: t.points for u, t in result.units.items()} == expected


@pytest.mark.parametrize(
    ("points", "message"),
    [
        pytest.param(6, "2～5", id="above the range"),
        pytest.param(None, "须填写评定分值", id="no chosen value"),
    ],
)
def test_a_chosen_value_outside_the_range_is_refused_with_the_range(points, message):
    rs = make_rules(extra='[carriers.shiwei]\nlabel_zh = "市委信息"\nmin = 2\nmax = 5\n')
    events = [ev("a", "adoption", item_id="I1", carrier="shiwei", points=points)]
    with pytest.raises(ScoringError) as refused:
        score(rs, items_of(events), events, ONE_UNIT)
    assert message in refused.value.problems[0].message_zh


def test_a_deduction_naming_a_person_counts_in_the_persons_total():
    """Defect (a): the line was explained but missing from the person's total."""
    rs = make_rules()
    events = [
        ev("d", "deduction", unit="A", person="张三", rule="late"),
        ev("m", "manual_adjustment", unit="A", person="张三", rule="bonus", points=3),
    ]
    result = score(rs, [], events, ONE_UNIT)
    assert result.persons["张三"].points == 2
    assert result.units["A"].points == 2


VOID_QUOTA = (
    '[quotas.q]\nperiod = "month"\ncounts = "points"\nrequired = 5\nbasis = "points"\nk = 1\n'
)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        pytest.param("", D(-3), id="voided month not charged"),
        # 10 − 10 (voided) − 3 (the nullification's own deduction) − 5 (shortfall from 0)
        pytest.param("voided_period_counts_as_shortfall = true", D(-8), id="charged from 0"),
    ],
)
def test_a_voided_months_shortfall_is_measured_from_zero(setting, expected):
    """Defect (b): the shortfall was measured from −3, the score after the voiding's own
    deduction, instead of from the voided 0."""
    rs = make_rules(setting, VOID_QUOTA)
    events = [
        ev("a", "adoption", "2011-03-02", item_id="I1", carrier="zx"),
        ev("n", "period_nullification", "2011-03-20", unit="A"),
    ]
    assert score(rs, items_of(events), events, MARCH).units["A"].points == expected


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        pytest.param("", D(0), id="veto: the year is 0"),
        pytest.param("voided_period_counts_as_shortfall = true", D(-20), id="veto and shortfall"),
    ],
)
def test_a_vetoed_years_shortfall_is_charged_from_zero(setting, expected):
    rs = make_rules(
        setting,
        '[vetoes.v]\nevent = "commission_missed"\ncount = 1\n'
        '[quotas.y]\nperiod = "year"\ncounts = "points"\nrequired = 20\nbasis = "points"\nk = 1\n',
    )
    events = [
        ev("a", "adoption", item_id="I1", carrier="zx"),
        ev("m", "commission_missed", unit="A"),
    ]
    assert score(rs, items_of(events), events, ONE_UNIT).units["A"].points == expected


@pytest.mark.parametrize(
    ("flag", "person_points"),
    [pytest.param("", D(-3), id="units only"), pytest.param("true", D(-7), id="persons too")],
)
def test_escalation_for_persons(flag, person_points):
    extra = '[deductions.again]\nlabel_zh = "再犯"\npoints = -1\nescalation = [1, 2, 4]\n'
    if flag:
        extra += f"escalation_persons = {flag}\n"
    rs = make_rules(extra=extra)
    events = [
        ev(f"d{m}", "deduction", f"2011-0{m}-01", unit="A", person="张三", rule="again")
        for m in (1, 2, 3)
    ]
    result = score(rs, [], events, ONE_UNIT)
    assert result.units["A"].points == -7
    assert result.persons["张三"].points == person_points


@pytest.mark.parametrize(
    ("adoption", "expected"),
    [
        pytest.param("zx", D(10 + 10), id="task met: base paid"),
        pytest.param("cd", D(2), id="task not met: no base"),
    ],
)
def test_a_base_paid_only_when_the_task_is_met(adoption, expected):
    rs = make_rules(
        extra='[quotas.task]\nperiod = "month"\ncounts = "points"\nrequired = 6\nmet = 0\n'
        '[base]\nperiod = "month"\npoints = 10\nfloor = 0\nrequires_quota = "task"\n'
    )
    events = [ev("a", "adoption", item_id="I1", carrier=adoption)]
    assert score(rs, items_of(events), events, MARCH).units["A"].points == expected


@pytest.mark.parametrize(
    ("extra", "key", "needle"),
    [
        pytest.param(
            '[carriers.x]\nlabel_zh = "x"\n',
            "carriers.x",
            "[carriers.x]",
            id="carrier needs a level or points",
        ),
        pytest.param(
            '[factors.f]\nfactor = 2\nmin_level = "county"\n',
            "factors.f.min_level",
            'min_level = "county"',
            id="factor of an undefined level",
        ),
        pytest.param(
            "[routes.r]\nfactor = 1\nlevels = {county = 2}\n",
            "routes.r.levels.county",
            "levels = {county = 2}",
            id="route factor of an undefined level",
        ),
        pytest.param(
            '[base]\nperiod = "year"\npoints = 10\nrequires_quota = "none"\n',
            "base.requires_quota",
            'requires_quota = "none"',
            id="base requiring an undefined quota",
        ),
        pytest.param(
            '[quotas.q]\nperiod = "month"\ncounts = "report"\nrequired = 1\n',
            "quotas.q",
            "[quotas.q]",
            id="quota with neither basis nor met",
        ),
    ],
)
def test_new_keys_are_checked_at_their_line(extra, key, needle):
    text = BASE.replace("{settings}", "").replace("{extra}", extra)
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(text, "r.toml")
    problem = next(p for p in refused.value.problems if p.key == key)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)
    assert problem.line == line and problem.message_zh and problem.message_en
