"""Period stage: quotas, bases, floors, caps, rates, steps, escalation, vetoes (E, F)."""

from decimal import Decimal

import pytest
from engine_builders import make_event as ev
from engine_builders import make_item as item
from engine_builders import make_rules

from xinxuan.scoring.engine import PeriodData, UnitInfo, score

D = Decimal
ONE_UNIT = PeriodData(units=(UnitInfo("A"),))

QUOTA_MONTHLY = """
[quotas.monthly]
label_zh = "每月报送"
period = "month"
counts = "report"
required = 1
basis = "per_piece"
per_piece = -1
"""

MARCH = (
    '[quotas.march]\nperiod = "month"\ncounts = "adoption"\n'
    'required = 1\nbasis = "flat"\nflat = -4\n'
)

CASES = [
    # (name, settings, extra rules, events, expected year total for unit A)
    (
        "quota shortfall per piece",
        "",
        QUOTA_MONTHLY,
        [ev("r", "report", item_id="I1")],
        D("0.5") - 11,
    ),
    (
        "quota flat",
        "",
        QUOTA_MONTHLY.replace('basis = "per_piece"\nper_piece = -1', 'basis = "flat"\nflat = -2')
        .replace('period = "month"', 'period = "year"')
        .replace("required = 1", "required = 3"),
        [ev("r", "report", item_id="I1")],
        D("0.5") - 2,
    ),
    (
        "quota k times points shortfall",
        "",
        '[quotas.pts]\nperiod = "year"\ncounts = "points"\n'
        'required = 20\nbasis = "points"\nk = 0.5\n',
        [ev("a", "adoption", item_id="I1", carrier="zx")],
        D(10) - D(5),
    ),
    (
        "base with floor on the base",
        "",
        '[base]\nperiod = "year"\npoints = 10\nfloor = 0\n',
        [ev(f"d{i}", "deduction", unit="A", rule="late") for i in range(12)]
        + [ev("a", "adoption", item_id="I1", carrier="zx")],
        D(10),  # base 10 used up by 12 deductions, floor keeps base at 0, adoption 10 on top
    ),
    (
        "base with floor on the total",
        'floor_applies_to = "total"',
        '[base]\nperiod = "year"\npoints = 10\nfloor = 0\n',
        [ev(f"d{i}", "deduction", unit="A", rule="late") for i in range(12)]
        + [ev("a", "adoption", item_id="I1", carrier="zx")],
        D(8),
    ),
    (
        "base with cap on additions",
        "",
        '[base]\nperiod = "year"\npoints = 10\ncap_additions = 5\n',
        [ev("a", "adoption", item_id="I1", carrier="zx")],
        D(15),
    ),
    (
        "escalating deductions 1 2 4 8",
        "",
        '[deductions.late-again]\nlabel_zh = "迟报"\npoints = -1\nescalation = [1, 2, 4, 8]\n',
        [
            ev(f"d{i}", "deduction", f"2011-0{i + 1}-01", unit="A", rule="late-again")
            for i in range(5)
        ],
        D(-23),
    ),
    (
        "adoption rate below threshold",
        "",
        '[rates.q]\nlabel_zh = "采用率"\nperiod = "quarter"\nbelow = 0.3\npoints = -1\n',
        [
            ev("r1", "report", item_id="I1"),
            ev("r2", "report", item_id="I2"),
            ev("r3", "report", item_id="I3"),
            ev("r4", "report", item_id="I4"),
        ],
        D(2) - 1,
    ),
    (
        "step function on counts",
        "",
        '[steps.s]\nperiod = "year"\ncounts = "report"\nthresholds = [[3, 50], [2, 20]]\n',
        [ev("r1", "report", item_id="I1"), ev("r2", "report", item_id="I2")],
        D(1) + 20,
    ),
    (
        "section cap",
        "",
        '[caps.media]\nperiod = "year"\nclauses = ["publication"]\ncap = 6\n',
        [
            ev(f"p{i}", "publication", item_id=f"I{i}", carrier="cd", placement="toutiao")
            for i in range(1, 3)
        ],
        D(6),
    ),
    (
        "monthly caps with yearly cap",
        "",
        '[caps.month]\nperiod = "month"\nclauses = ["adoption"]\ncap = 10\n'
        '[caps.year]\nperiod = "year"\nclauses = ["adoption", "cap.month"]\ncap = 15\n',
        [
            ev("a1", "adoption", "2011-01-05", item_id="I1", carrier="zx"),
            ev("a2", "adoption", "2011-01-06", item_id="I2", carrier="sd"),
            ev("a3", "adoption", "2011-02-01", item_id="I3", carrier="zx"),
        ],
        D(15),
    ),
    (
        "annual veto",
        "",
        '[vetoes.commission]\nlabel_zh = "两次未完成约稿"\n'
        'event = "commission_missed"\ncount = 2\n',
        [
            ev("a", "adoption", item_id="I1", carrier="zx"),
            ev("m1", "commission_missed", unit="A"),
            ev("m2", "commission_missed", unit="A"),
        ],
        D(0),
    ),
    (
        "period nullification with deduction",
        "",
        "",
        [
            ev("a", "adoption", "2011-03-02", item_id="I1", carrier="zx"),
            ev("b", "adoption", "2011-04-02", item_id="I2", carrier="sd"),
            ev("n", "period_nullification", "2011-03-20", unit="A"),
        ],
        D(8) - 3,
    ),
    (
        "voided month is no shortfall",
        "",
        QUOTA_MONTHLY.replace("required = 1", "required = 0") + MARCH,
        [ev("n", "period_nullification", "2011-03-20", unit="A")]
        + [
            ev(f"a{m}", "adoption", f"2011-{m:02d}-02", item_id=f"I{m}", level="city")
            for m in range(1, 13)
            if m != 3
        ],
        D(22) - 3,
    ),
    (
        "voided month counts as shortfall",
        "voided_period_counts_as_shortfall = true",
        MARCH,
        [ev("n", "period_nullification", "2011-03-20", unit="A")]
        + [
            ev(f"a{m}", "adoption", f"2011-{m:02d}-02", item_id=f"I{m}", level="city")
            for m in range(1, 13)
            if m != 3
        ],
        D(22) - 3 - 4,
    ),
    (
        "manual adjustment with reason",
        "",
        "",
        [
            ev(
                "m",
                "manual_adjustment",
                unit="A",
                rule="bonus",
                points=4,
                assessor="主任",
                reason="抗洪报道",
            )
        ],
        D(4),
    ),
]


def _items(events):
    return [item(e.item_id) for e in events if e.item_id]


@pytest.mark.parametrize(
    ("settings_text", "extra", "events", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_period_rules(settings_text, extra, events, expected):
    rs = make_rules(settings_text, extra)
    result = score(rs, _items(events), events, ONE_UNIT)
    assert result.units["A"].points == expected
    assert sum(line.points for line in result.lines if line.person is None) == expected


def test_every_unit_appears_with_zero_and_rolls_up():
    rs = make_rules()
    data = PeriodData(
        units=(
            UnitInfo("B", parent=None),
            UnitInfo("A", parent="B", target=D(20)),
            UnitInfo("C", parent="B"),
        )
    )
    result = score(rs, [item()], [ev("a", "adoption", item_id="I1", carrier="zx")], data)
    assert result.units["C"].points == 0
    assert result.units["B"].points == 10 and result.units["B"].own_points == 0
    assert result.units["A"].completion == D("0.5")
    assert result.units["A"].rank == 1 and result.units["C"].rank == 2
    assert result.running("A")[-1] == ("2011-12", D(10))
    assert dict(result.units["A"].by_month)["2011-03"] == 10


def test_classes_rank_separately():
    rs = make_rules()
    data = PeriodData(
        units=(
            UnitInfo("A", unit_class="处室"),
            UnitInfo("B", unit_class="办事处"),
            UnitInfo("C", unit_class="处室"),
        )
    )
    events = [
        ev("a", "adoption", item_id="I1", carrier="zx"),
        ev("b", "adoption", item_id="I2", carrier="sd"),
    ]
    result = score(rs, [item("I1", units="A"), item("I2", units="B")], events, data)
    assert result.units["B"].class_rank == 1 and result.units["B"].rank == 2
    assert result.classes == {"处室": D(10), "办事处": D(8)}


def test_conversion_formula():
    rs = make_rules(extra='[conversion]\nformula = "min(100, 60 + completion * 40)"\n')
    data = PeriodData(units=(UnitInfo("A", target=D(8)),))
    result = score(rs, [item()], [ev("a", "adoption", item_id="I1", carrier="zx")], data)
    assert result.units["A"].performance == 100


@pytest.mark.parametrize("placement", [None, "double"])
def test_a_share_of_nothing_sums_alike_in_a_full_run_and_item_by_item(placement):
    """A unit with weight 0 gets a line of 0.00; the period rules read the same sums —
    down to the written figures — whether the items were scored in one full run or
    one by one (as the workbench rescoring does)."""
    import datetime

    from xinxuan.scoring.engine import PeriodData, UnitInfo, score, score_item, score_period

    rules = make_rules("", '[base]\nperiod = "month"\npoints = 0\ncap_additions = 5\n')
    period = PeriodData(
        units=(UnitInfo("A"), UnitInfo("B")),
        start=datetime.date(2011, 3, 1),
        end=datetime.date(2011, 3, 31),
    )
    items = [item("I1", units="A:1;B:0"), item("I2", units="B")]
    events = [
        ev("E1", "adoption", item_id="I1", carrier="zx"),
        ev("E2", "adoption", item_id="I2", carrier="zx", placement=placement),
    ]
    full = [line for line in score(rules, items, events, period).lines if line.item is None]
    lines = [
        line
        for i in items
        for line in score_item(rules, i, [e for e in events if e.item_id == i.id])
    ]
    one_by_one = score_period(rules, lines, [], period)
    assert repr(full) == repr(one_by_one)
