"""Score lines share their calculations (``ScoreCalc``); lines replaced leave behind the
calculations only they used.  A full rescoring and the nightly command delete those,
and never one a writer is about to use: on PostgreSQL a writer's calc is passed by
while its transaction is open, and a writer that comes after the pruning stores the
calculation again instead of pointing at a deleted one."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from tests.submissions.world import DAY, make_world, reported_item
from xinxuan.jobs import running
from xinxuan.jobs.models import JobKind
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring import engine, ledger
from xinxuan.scoring.explanations import CalcStore, prune_calcs
from xinxuan.scoring.models import ScoreCalc, ScoreLine
from xinxuan.scoring.tasks import rescore_ruleset

needs_server_db = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL"
)

GONE = engine.Calc(
    "adjustment.gone", ("已删除条款", "a clause since removed"), Decimal(3), ("", "")
)


def unused_calcs() -> set[int]:
    used = set(ScoreLine.objects.values_list("calc_id", flat=True))
    return set(ScoreCalc.objects.values_list("pk", flat=True)) - used


def adoption_moved_to_another_carrier(world):
    """An adoption recorded in one carrier, then corrected to another: the line of the
    first carrier is replaced, its calculation is left unused."""
    item = reported_item(world)
    outcome = outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["zongju-zhuanbao"], date=DAY
    )
    outcome.carrier = world.carriers["sheng-dongtai"]
    outcome.save()
    ledger.after_change(outcome)
    return outcome


@pytest.mark.django_db
def test_replaced_lines_leave_their_calculation_until_a_full_rescoring_prunes_it(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    world = make_world()
    adoption_moved_to_another_carrier(world)
    left = unused_calcs()
    assert (
        len(left) == 1 and "zongju-zhuanbao" in ScoreCalc.objects.get(pk=left.pop()).data["clause"]
    )
    job = running.start(
        user=None,
        kind=JobKind.RESCORE,
        title="rescore",
        task=rescore_ruleset,
        subject=f"ruleset:{world.ruleset.pk}",
    )
    rescore_ruleset.call(job.pk)  # what the worker does
    assert not unused_calcs()
    lines = ScoreLine.objects.filter(ruleset=world.ruleset).select_related("calc")
    assert lines.count() == 2 and all(line.explanation for line in lines)


@pytest.mark.django_db
def test_the_nightly_command_deletes_only_unused_calculations(capsys):
    world = make_world()
    adoption_moved_to_another_carrier(world)
    used = set(ScoreLine.objects.values_list("calc_id", flat=True))
    call_command("prune_score_calcs")
    assert "已删除不再使用的计分算式 1 条" in capsys.readouterr().out
    assert set(ScoreCalc.objects.values_list("pk", flat=True)) == used
    call_command("prune_score_calcs")
    assert "已删除不再使用的计分算式 0 条" in capsys.readouterr().out


def line_on(calc_pk: int, world) -> ScoreLine:
    return ScoreLine.objects.create(
        ruleset=world.ruleset,
        version="v1",
        unit=world.org.dept,
        clause="adjustment.gone",
        points=Decimal(3),
        date=DAY,
        calc_id=calc_pk,
    )


def waiting_for_a_lock(timeout: float = 10.0) -> bool:
    """Whether another session waits for a row lock (within ``timeout`` seconds)."""
    with connections["default"].cursor() as cursor:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def in_thread(call):
    """Run ``call`` on its own connection; the returned list gets its result or error."""
    out: list = []

    def run():
        try:
            out.append(call())
        except Exception as error:  # noqa: BLE001 — the test inspects it
            out.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_a_calculation_a_writer_looked_up_is_not_pruned_under_it():
    world = make_world()
    old = CalcStore().pks([GONE])[0]  # stored, committed, used by no line
    looked_up, pruned = threading.Event(), threading.Event()

    def writer():
        with transaction.atomic():
            pk = CalcStore().pks([GONE])[0]
            looked_up.set()
            assert pruned.wait(10)
            return line_on(pk, world).calc_id

    thread, out = in_thread(writer)
    assert looked_up.wait(10)
    assert prune_calcs() == 0  # passed by, not waited for
    pruned.set()
    thread.join()
    assert out == [old]
    assert ScoreLine.objects.get().calc_id == old


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_a_writer_after_the_pruning_stores_the_calculation_again():
    world = make_world()
    old = CalcStore().pks([GONE])[0]

    def writer():
        with transaction.atomic():
            return line_on(CalcStore().pks([GONE])[0], world).calc_id

    with transaction.atomic():
        assert prune_calcs() == 1  # deleted, not yet committed
        thread, out = in_thread(writer)
        assert waiting_for_a_lock()  # the writer waits for the pruning's commit
    thread.join()
    assert len(out) == 1 and isinstance(out[0], int), out
    assert out[0] != old
    assert ScoreLine.objects.get().calc.pk == out[0]
    assert not ScoreCalc.objects.filter(pk=old).exists()
