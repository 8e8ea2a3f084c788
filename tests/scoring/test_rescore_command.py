"""``manage.py rescore`` queues the full rescoring of the rule sets in force (after an
upgrade that changes how lines are scored), or of the ones named."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests.submissions.world import DAY, make_world, reported_item
from xinxuan.outcomes import actions as outcome_actions
from xinxuan.scoring.models import ScoreLine, Standing

IMMEDIATE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}


def lines_of(ruleset) -> list[tuple]:
    return sorted(
        ScoreLine.objects.filter(ruleset=ruleset).values_list("unit_id", "person_id", "points")
    )


@pytest.mark.django_db
def test_the_lines_lost_come_back_from_the_events(settings, capsys):
    settings.TASKS = IMMEDIATE
    world = make_world()
    outcome_actions.record_adoption(
        item=reported_item(world),
        user=world.office,
        carrier=world.carriers["zongju-zhuanbao"],
        date=DAY,
    )
    before = lines_of(world.ruleset)
    standings = sorted(Standing.objects.values_list("unit_id", "person_id", "points"))
    assert before
    ScoreLine.objects.all().delete()
    Standing.objects.all().delete()

    call_command("rescore")

    assert lines_of(world.ruleset) == before
    assert sorted(Standing.objects.values_list("unit_id", "person_id", "points")) == standings
    assert "2011" in capsys.readouterr().out


@pytest.mark.django_db
def test_an_unknown_rule_set_is_refused_and_nothing_queued(settings):
    settings.TASKS = IMMEDIATE
    world = make_world()
    with pytest.raises(CommandError, match=str(world.ruleset.pk + 100)):
        call_command("rescore", str(world.ruleset.pk), str(world.ruleset.pk + 100))
