"""A rule-set change while the office records adoptions: both wait their turn, neither
is answered with a deadlock, and the standings come out as a full rescoring has them.

The threaded race needs a server database (PostgreSQL); SQLite serialises its writers.
"""

from decimal import Decimal

import pytest
from django.db import connection

from tests.outcomes.test_concurrency import race
from tests.submissions.world import DAY, RULESET_2011, make_world, reported_item
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring import actions, ledger
from xinxuan.scoring.models import RuleSet, Standing

needs_server_db = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="a real race needs PostgreSQL's concurrent writers"
)
CARRIERS = ["zongju-zhuanbao", "sheng-dongtai", "shiwei-xinxi", "changzhou-ribao"]


def standings_of(ruleset):
    return {
        (s.unit_id, s.person_id): s.points
        for s in Standing.objects.filter(ruleset=ruleset)
        if s.points
    }


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_saving_the_rule_set_in_force_during_adoptions_never_deadlocks():
    world = make_world()
    items = [reported_item(world, title=f"稿件{n}") for n in range(6)]
    for round_ in range(3):
        points = f"{round_ + 1}"

        def save(points=points):
            ruleset = RuleSet.objects.get(pk=world.ruleset.pk)
            return actions.save_ruleset(
                user=world.office,
                unit=world.org.bureau,
                ruleset=ruleset,
                text=RULESET_2011.replace("[report]\npoints = 0.5", f"[report]\npoints = {points}"),
            )

        def adopt(carrier=CARRIERS[round_], round_=round_):
            # one after another, items in the opposite order to the rescoring's
            return [
                outcome_actions.record_adoption(
                    item=item,
                    user=world.office,
                    carrier=world.carriers[carrier],
                    date=DAY,
                    issue=f"{round_}",
                )
                for item in reversed(items)
            ]

        results = race(save, adopt, adopt if round_ else save)
        errors = [r for r in results if isinstance(r, Exception)]
        # the second adopt repeats the first: refused as a duplicate, never a deadlock
        assert all("deadlock" not in str(e).lower() for e in errors), errors
        assert all(isinstance(e, outcome_actions.ActionRefused) for e in errors), errors
    ruleset = RuleSet.objects.get(pk=world.ruleset.pk)
    stored = standings_of(ruleset)
    ledger.rescore_ruleset(ruleset)
    assert stored == standings_of(ruleset)
    assert sum(stored.values(), Decimal(0)) > 0
