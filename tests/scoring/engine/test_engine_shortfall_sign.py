"""A quota's shortfall costs points: a sign that would make it earn them is refused.

Found by a bureau encoding its regulation with docs/rules.md alone: ``per_piece`` and
``flat`` are written with their sign (−1), ``k`` without it (−k × shortfall). Written the
other way round (``per_piece = 1``, ``k = -0.5``), ``check`` said OK and every missing
report earned a point, every missing point half a point."""

import pytest
from engine_builders import BASE

from xinxuan.scoring.engine import RuleSetError, load_ruleset

QUOTA = '[quotas.q]\nperiod = "month"\ncounts = "{counts}"\nrequired = 2\nbasis = "{basis}"\n'


@pytest.mark.parametrize(
    ("counts", "basis", "amount"),
    [
        pytest.param("report", "per_piece", "per_piece = 1", id="per piece +1"),
        pytest.param("report", "flat", "flat = 2", id="flat +2"),
        pytest.param("points", "points", "k = -0.5", id="k -0.5"),
    ],
)
def test_a_shortfall_that_would_earn_points_is_refused_at_its_line(counts, basis, amount):
    extra = QUOTA.format(counts=counts, basis=basis) + amount + "\n"
    text = BASE.replace("{settings}", "").replace("{extra}", extra)
    with pytest.raises(RuleSetError) as info:
        load_ruleset(text, "r.toml")
    key = "quotas.q." + amount.split(" ")[0]
    problem = next(p for p in info.value.problems if p.key == key)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln == amount)
    assert problem.line == line and problem.message_zh and problem.message_en
