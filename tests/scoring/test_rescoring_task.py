"""A rule-set change commits at once and queues the rescoring; the standings say they
are being recalculated until the worker has run it."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.submissions.world import (
    DAY,
    RULESET_2011,
    make_ruleset,
    make_world,
    points_of,
    reported_item,
)
from xinxuan.jobs.models import Job, JobKind, JobStatus
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring import actions
from xinxuan.scoring.models import RuleSetStatus

QUEUED = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
}
WORKER = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}


def adopted(world):
    item = reported_item(world)
    outcome_actions.record_adoption(
        item=item, user=world.office, carrier=world.carriers["sheng-dongtai"], date=DAY
    )
    return item


def draft_of_2011(world):
    from xinxuan.scoring import ledger

    world.ruleset.status = RuleSetStatus.RETIRED
    world.ruleset.save()
    ledger.clear_ruleset(world.ruleset)
    return make_ruleset(
        world.org.bureau,
        name="2011 修订",
        code="changzhou-2011b",
        text=RULESET_2011.replace("[report]\npoints = 0.5", "[report]\npoints = 2"),
        status=RuleSetStatus.DRAFT,
    )


@pytest.mark.django_db
def test_activation_queues_the_rescoring_and_the_standings_say_so(client, world, settings):
    adopted(world)
    draft = draft_of_2011(world)
    settings.TASKS = QUEUED
    actions.activate_ruleset(ruleset=draft, user=world.office, reason="测试")
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.ACTIVE  # the office's decision is in force at once
    job = Job.objects.get(kind=JobKind.RESCORE)
    assert job.status == JobStatus.QUEUED and job.subject == f"ruleset:{draft.pk}"
    assert not draft.lines.exists()
    client.force_login(world.office)
    page = client.get(reverse("scoring:standings", args=[draft.pk]))
    assert "排名正在重新计算" in page.text

    from xinxuan.scoring.tasks import rescore_ruleset

    rescore_ruleset.call(job.pk)  # what the worker does
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 4, 4)
    assert points_of(world.org.dept) == Decimal("12")  # report 2 + adoption 10
    page = client.get(reverse("scoring:standings", args=[draft.pk]))
    assert "排名正在重新计算" not in page.text and "12.0" in page.text


@pytest.mark.django_db
def test_retiring_clears_the_lines_once_the_job_has_run(world, settings):
    adopted(world)
    settings.TASKS = QUEUED
    actions.retire_ruleset(ruleset=world.ruleset, user=world.office, reason="测试")
    assert world.ruleset.lines.exists()  # nothing waits on the request
    from xinxuan.scoring.tasks import rescore_ruleset

    rescore_ruleset.call(Job.objects.get().pk)
    assert not world.ruleset.lines.exists() and points_of(world.org.dept) == 0


@pytest.mark.django_db
def test_jobs_queued_in_either_order_agree_with_the_rule_sets_status(world, settings):
    """Activate, retire, activate again: whichever job runs last, the lines follow the
    status the rule set has when it runs."""
    adopted(world)
    settings.TASKS = QUEUED
    actions.retire_ruleset(ruleset=world.ruleset, user=world.office, reason="测试")
    actions.activate_ruleset(ruleset=world.ruleset, user=world.office, reason="测试")
    from xinxuan.scoring.tasks import rescore_ruleset

    first, second = Job.objects.order_by("pk")
    rescore_ruleset.call(second.pk)
    rescore_ruleset.call(first.pk)  # the retirement's job, run late
    assert points_of(world.org.dept) == Decimal("10.5")


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_queued_rescoring(world, settings):
    adopted(world)
    draft = draft_of_2011(world)
    settings.TASKS = WORKER
    actions.activate_ruleset(ruleset=draft, user=world.office, reason="测试")
    assert Job.objects.get().status == JobStatus.QUEUED
    call_command(
        "db_worker",
        "--backend",
        "background",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )
    assert Job.objects.get().status == JobStatus.DONE
    assert points_of(world.org.dept) == Decimal("12")


@pytest.fixture
def world():
    return make_world()


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's key checks; PostgreSQL sets its keys aside"
)
@pytest.mark.django_db(transaction=True)
def test_the_worker_checks_the_keys_again_after_a_rescoring_even_one_that_failed(
    world, settings, monkeypatch
):
    """On SQLite the rescoring's transaction writes its lines without checking each
    line's keys (``ledger.references_unchecked``); the connection checks them again
    afterwards, also when the rescoring failed half-way."""
    from xinxuan.scoring import ledger
    from xinxuan.scoring.models import ScoreLine

    def keys_checked() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            return bool(cursor.fetchone()[0])

    adopted(world)
    draft = draft_of_2011(world)
    settings.TASKS = WORKER
    actions.activate_ruleset(ruleset=draft, user=world.office, reason="测试")
    seen = []
    write_lines = ledger._write_lines

    def writing(*args, **kwargs):
        seen.append(keys_checked())
        return write_lines(*args, **kwargs)

    monkeypatch.setattr(ledger, "_write_lines", writing)
    worker = ("db_worker", "--backend", "background", "--batch", "--no-startup-delay")
    call_command(*worker, "--no-reload", verbosity=0)
    assert Job.objects.get().status == JobStatus.DONE
    assert points_of(world.org.dept) == Decimal("12")
    assert seen == [False]
    assert keys_checked()

    def broken(*args, **kwargs):
        raise RuntimeError("half-way")

    monkeypatch.setattr(ledger, "_write_lines", broken)
    lines = ScoreLine.objects.count()
    from xinxuan.scoring.tasks import schedule_rescoring

    schedule_rescoring(ruleset=draft, user=None)
    call_command(*worker, "--no-reload", verbosity=0)
    assert Job.objects.filter(status=JobStatus.FAILED).exists()
    assert ScoreLine.objects.count() == lines
    assert keys_checked()
