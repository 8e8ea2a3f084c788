"""A full rescoring (a rule set activated or changed) reads plain rows, scores in one
engine run, deletes the old lines in one statement and writes the new ones in bulk —
with the same lines, explanations and standings as rescoring item by item."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from xinxuan.organisation import demo as organisation_demo
from xinxuan.outcomes import demo as outcomes_demo
from xinxuan.outcomes.models import Outcome
from xinxuan.scoring import demo as scoring_demo
from xinxuan.scoring import ledger
from xinxuan.scoring.models import RuleSet, ScoreCalc, ScoreLine, Standing
from xinxuan.submissions import demo as submissions_demo
from xinxuan.submissions.models import Item

pytestmark = pytest.mark.django_db


@pytest.fixture
def ruleset(settings):
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    for module in (organisation_demo, submissions_demo, outcomes_demo, scoring_demo):
        module.load(log=lambda _message: None)
    return RuleSet.objects.get(code="changzhou-2011")


def stored(ruleset):
    lines = ScoreLine.objects.filter(ruleset=ruleset).select_related("calc")
    return Counter(
        (
            line.item_id,
            line.outcome_id,
            line.event_key,
            line.unit_id,
            line.person_id,
            line.clause,
            line.points,
            line.date,
            line.tally,
            line.explain("zh"),
            line.explain("en"),
        )
        for line in lines
    )


def standings_of(ruleset):
    return sorted(
        Standing.objects.filter(ruleset=ruleset).values_list(
            "unit_id", "person_id", "points", "adopted"
        ),
        key=str,
    )


def test_the_full_run_reads_the_items_and_events_the_models_give(ruleset):
    tree = ledger.Tree.load()
    compiled = ledger.compile_ruleset(ruleset)
    items, events = ledger.run_input(ruleset, compiled, tree)
    assert len(items) > 100 and len(events) > 500
    outcomes = {f"o{o.pk}": o for o in ledger._outcomes().filter(item__isnull=False)}
    for event in events:
        if event.id in outcomes:
            assert ledger._fit(compiled, [ledger.engine_event(outcomes[event.id])]) == [event]
    by_pk = {i.pk: i for i in ledger._items_query().filter(pk__in=[int(i.id) for i in items])}
    for eitem in items:
        item = by_pk[int(eitem.id)]
        own = list(ledger._outcomes().filter(item=item).order_by("date", "pk"))
        route = ledger._item_route(own)
        expected = ledger.engine_item(
            item, ruleset, tree, route if route in compiled.routes else None
        )
        assert eitem == expected


def test_a_full_rescoring_gives_the_lines_and_standings_of_rescoring_item_by_item(ruleset):
    full_lines, full_standings = stored(ruleset), standings_of(ruleset)
    assert sum(full_lines.values()) > 1000
    ledger.clear_ruleset(ruleset)
    items = Item.objects.filter(outcomes__isnull=False).values_list("pk", flat=True)
    ledger.rescore_outcomes(
        [*Outcome.objects.filter(item__in=items).values_list("pk", flat=True)]
        + [*Outcome.objects.filter(item__isnull=True).values_list("pk", flat=True)]
    )
    assert stored(ruleset) == full_lines
    assert standings_of(ruleset) == full_standings


def test_old_lines_go_in_one_statement_without_being_loaded(ruleset):
    assert ScoreLine.objects.filter(ruleset=ruleset).count() > 1000
    with CaptureQueriesContext(connection) as queries:
        ledger.clear_ruleset(ruleset)
    statements = [q["sql"] for q in queries.captured_queries if "scoring_scoreline" in q["sql"]]
    assert len(statements) == 1 and statements[0].startswith("DELETE")
    assert not ScoreLine.objects.filter(ruleset=ruleset).exists()


def test_lines_share_their_stored_calculations_and_a_rescoring_adds_none(ruleset):
    lines = ScoreLine.objects.filter(ruleset=ruleset).count()
    calcs = ScoreCalc.objects.count()
    assert calcs * 5 < lines
    ledger.rescore_ruleset(ruleset)
    assert ScoreCalc.objects.count() == calcs


def test_explanations_are_rendered_in_the_readers_language(ruleset):
    line = (
        ScoreLine.objects.filter(ruleset=ruleset, clause__startswith="adoption")
        .select_related("calc")
        .first()
    )
    with translation.override("zh-hans"):
        zh = line.explanation
    with translation.override("en"):
        en = line.explanation
    assert "基础分" in zh and zh.endswith(f"= {ledger.engine.fmt(line.points)}")
    assert "base" in en and "基础分" not in en
    assert zh == line.explain("zh") and en == line.explain("en")


def test_a_lines_share_is_part_of_its_explanation(ruleset):
    line = ScoreLine.objects.filter(ruleset=ruleset, clause__startswith="adoption").first()
    line.share, line.points = "1/3", line.points / 3
    assert "份额 1/3" in line.explain("zh") and "share 1/3" in line.explain("en")


def test_a_line_converted_from_its_stored_texts_shows_them_as_they_were(ruleset):
    line = ScoreLine.objects.filter(ruleset=ruleset).first()
    line.calc = ScoreCalc(digest="x", data={"text": "旧的说明 = 5", "text_en": "old = 5"})
    assert (line.explain("zh"), line.explain("en")) == ("旧的说明 = 5", "old = 5")


def test_the_progress_of_a_full_rescoring_moves_forward_to_the_end(ruleset):
    seen = []
    count = ledger.rescore_ruleset(ruleset, progress=lambda done, total: seen.append(done / total))
    assert count == ScoreLine.objects.filter(ruleset=ruleset).count()
    assert seen == sorted(seen) and seen[-1] == 1 and len(seen) >= 3
    assert (
        Standing.objects.filter(ruleset=ruleset, person=None).aggregate(total=ledger.Sum("points"))[
            "total"
        ]
        == ScoreLine.objects.filter(ruleset=ruleset, person=None).aggregate(
            total=ledger.Sum("points")
        )["total"]
        != Decimal(0)
    )
