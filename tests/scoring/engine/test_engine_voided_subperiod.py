"""A veto or nullification voids its own period, not the longer period around it.

Found by a bureau encoding its regulation with docs/rules.md alone (江南海关, 2026):
"同一月内两次约稿未完成的，当月得分为零" beside "每季度采用得分不少于 15 分，差额按 1 倍扣分".
"""

import datetime
from decimal import Decimal

import pytest
from engine_builders import make_event as ev
from engine_builders import make_item as item
from engine_builders import make_rules

from xinxuan.scoring.engine import PeriodData, UnitInfo, score

D = Decimal
Q1 = PeriodData(
    units=(UnitInfo("A"), UnitInfo("B")),
    start=datetime.date(2011, 1, 1),
    end=datetime.date(2011, 3, 31),
)
MONTH_VETO = (
    '[vetoes.v]\nevent = "commission_missed"\ncount = 2\nperiod = "month"\n'
    '[quotas.q]\nperiod = "quarter"\ncounts = "points"\nrequired = 15\nbasis = "points"\nk = 1\n'
)


def _month_vetoed_in_a_quarter():
    # January: adoption 10 (A); March: two missed 约稿 → March is vetoed, not the quarter
    return [
        ev("a", "adoption", "2011-01-10", item_id="I1", carrier="zx"),
        ev("m1", "commission_missed", "2011-03-05", item_id="C1"),
        ev("m2", "commission_missed", "2011-03-20", item_id="C2"),
    ]


@pytest.mark.parametrize(
    "setting",
    [
        pytest.param("", id="voided period not charged"),
        pytest.param("voided_period_counts_as_shortfall = true", id="voided period charged"),
    ],
)
def test_a_vetoed_month_does_not_void_the_quarters_quota(setting):
    """The quarter was not voided: its quota measures January's 10 adoption points and is
    short 5 (−5), whatever the setting says about voided periods. March scores 0.

    Got: with the setting false the quarter's quota is skipped (10); with true it is
    measured from 0 (required 15, done 0 → −15, total −5)."""
    rs = make_rules(setting + '\nshortfall_basis = "adoption_points"', MONTH_VETO)
    events = _month_vetoed_in_a_quarter()
    items = [item("I1"), item("C1"), item("C2")]
    result = score(rs, items, events, Q1)
    quota = [ln for ln in result.lines if ln.clause == "quota.q" and ln.unit == "A"]
    assert [ln.points for ln in quota] == [D(-5)]
    assert result.units["A"].points == D(5)  # 10 (January) + 0 (March, vetoed) − 5


def test_only_lines_of_voided_periods_name_the_voided_period_setting():
    """A quota line names 作废时段是否仍计任务差额 only when its period was voided.

    Got: once any unit has a voided period, every quota line of every unit names it."""
    rs = make_rules(
        "voided_period_counts_as_shortfall = true",
        '[vetoes.v]\nevent = "commission_missed"\ncount = 1\nperiod = "quarter"\n'
        '[quotas.r]\nperiod = "month"\ncounts = "report"\nrequired = 1\n'
        'basis = "per_piece"\nper_piece = -1\n',
    )
    events = [
        ev("r", "report", "2011-01-10", item_id="I1"),
        ev("m", "commission_missed", "2011-02-05", item_id="C1"),
    ]
    items = [item("I1", units="A"), item("C1", units="B")]
    result = score(rs, items, events, Q1)
    a_lines = [ln for ln in result.lines if ln.clause.startswith("quota.") and ln.unit == "A"]
    b_lines = [ln for ln in result.lines if ln.clause.startswith("quota.") and ln.unit == "B"]
    assert a_lines and b_lines
    assert all("voided_period_counts_as_shortfall" in ln.settings for ln in b_lines)
    assert not any("voided_period_counts_as_shortfall" in ln.settings for ln in a_lines)
