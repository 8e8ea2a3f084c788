"""Two office staff acting on the same thing at the same moment: one succeeds, the other
is told why, and no points are doubled or lost.

The threaded races need a server database (PostgreSQL); on SQLite, whose writers are
serialised by BEGIN IMMEDIATE, the same guarantees are checked with a stale copy.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from tests.submissions.world import DAY, make_world, points_of, reported_item, write_item
from xinxuan.lib.exceptions import ActionRefused
from xinxuan.outcomes import actions
from xinxuan.outcomes.models import Outcome
from xinxuan.submissions import actions as item_actions

needs_server_db = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="a real race needs PostgreSQL's concurrent writers"
)


def race(*calls):
    """Run the calls in threads released at the same moment; return results or errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        from django.db import connections

        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 — the test inspects it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_two_clerks_record_the_same_adoption_at_once():
    world = make_world()
    item = reported_item(world)
    carrier = world.carriers["zongju-zhuanbao"]

    def record():
        return actions.record_adoption(
            item=item, user=world.office, carrier=carrier, date=DAY, issue="7"
        )

    results = race(record, record, record)
    refused = [r for r in results if isinstance(r, ActionRefused)]
    assert len(refused) == 2, results
    assert Outcome.objects.filter(kind="adoption").count() == 1
    assert points_of(world.org.dept) == Decimal("20.5")


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_two_different_adoptions_of_one_item_at_once_both_count():
    world = make_world()
    item = reported_item(world)

    def record(code):
        return lambda: actions.record_adoption(
            item=item, user=world.office, carrier=world.carriers[code], date=DAY
        )

    results = race(record("zongju-zhuanbao"), record("sheng-dongtai"))
    assert not any(isinstance(r, Exception) for r in results), results
    assert points_of(world.org.dept) == Decimal("30.5")


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_two_office_staff_approve_the_same_item_at_once():
    world = make_world()
    item = write_item(world)
    item_actions.submit_item(item=item, user=world.officer)
    item_actions.head_approve_item(item=item, user=world.head)

    def approve():
        return item_actions.approve_item(item=type(item).objects.get(pk=item.pk), user=world.office)

    results = race(approve, approve)
    assert sum(isinstance(r, ActionRefused) for r in results) == 1, results
    assert sum(not isinstance(r, Exception) for r in results) == 1


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_two_clerks_revoke_the_same_outcome_at_once():
    world = make_world()
    item = reported_item(world)
    adoption = actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )

    def revoke():
        return actions.revoke_outcome(outcome=adoption, user=world.office, reason="误录")

    results = race(revoke, revoke)
    assert sum(isinstance(r, ActionRefused) for r in results) == 1, results
    assert points_of(world.org.dept) == Decimal("0.5")


@pytest.mark.django_db
def test_a_second_identical_adoption_is_refused_after_the_first_commits():
    world = make_world()
    item = reported_item(world)
    carrier = world.carriers["sheng-dongtai"]
    actions.record_adoption(item=item, user=world.office, carrier=carrier, date=DAY)
    with pytest.raises(actions.DuplicateOutcome):
        actions.record_adoption(item=item, user=world.office, carrier=carrier, date=DAY)
    assert points_of(world.org.dept) == Decimal("10.5")
