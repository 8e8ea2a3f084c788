"""A full rescoring (a rule set activated or changed) reads plain rows, scores in one
engine run, deletes the old lines in one statement and writes the new ones in bulk —
with the same lines, explanations and standings as rescoring item by item."""

import dataclasses
import datetime as dt
import inspect
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from xinxuan.organisation import demo as organisation_demo
from xinxuan.outcomes import demo as outcomes_demo
from xinxuan.outcomes.models import Level, Outcome, Route
from xinxuan.scoring import demo as scoring_demo
from xinxuan.scoring import engine, ledger
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
    assert_the_full_run_reads_what_the_models_give(ruleset)


def assert_the_full_run_reads_what_the_models_give(ruleset):
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


def test_fields_the_demo_leaves_blank_are_read_as_the_models_give_them(ruleset):
    """Chosen points (SQLite keeps them as numbers), due dates, revocations, placements,
    reasons, a report's own level and recorders known by each of their names."""
    users = get_user_model().objects
    clerks = [
        users.create(username="clerk-a", display_name="办公室小王"),
        users.create(username="clerk-b", first_name="丽", last_name="李"),
        users.create(username="clerk-c"),
    ]
    level = Level.objects.order_by("pk").last()
    cases = {
        "points with places": ("adoption", {"points": Decimal("2.5")}),
        "whole points": ("publication", {"points": Decimal("3")}),
        "negative points": ("adoption", {"points": Decimal("-0.75")}),
        "due date": ("report", {"due": dt.date(2011, 2, 28)}),
        "revoked report": ("report", {"revoked_at": dt.datetime(2011, 5, 1, 20, tzinfo=dt.UTC)}),
        "revoked adoption": ("adoption", {"revoked_at": dt.datetime(2011, 5, 1, tzinfo=dt.UTC)}),
        "placement and reason": ("publication", {"placement": "头版", "reason": "补录"}),
        "report with its own level": ("report", {"level": level}),
        "display name": ("adoption", {"recorded_by": clerks[0]}),
        "full name": ("publication", {"recorded_by": clerks[1]}),
        "user name": ("report", {"recorded_by": clerks[2]}),
        "no recorder": ("adoption", {"recorded_by": None}),
    }
    changed = {}
    for name, (kind, values) in cases.items():
        outcome = (
            Outcome.objects.filter(kind=kind, item__isnull=False)
            .exclude(pk__in=changed.values())
            .order_by("pk")
            .first()
        )
        Outcome.objects.filter(pk=outcome.pk).update(**values)
        changed[name] = outcome.pk
    compiled = ledger.compile_ruleset(ruleset)
    _items, events = ledger.run_input(ruleset, compiled, ledger.Tree.load())
    read = {event.id: event for event in events}
    for name, pk in changed.items():
        expected = ledger._fit(compiled, [ledger.engine_event(ledger._outcomes().get(pk=pk))])
        # the same values written the same way (Decimal("3") == Decimal("3.00"))
        assert repr([read[f"o{pk}"]]) == repr(expected), name
    assert read[f"o{changed['points with places']}"].points == Decimal("2.50")
    assert str(read[f"o{changed['whole points']}"].points) == "3.00"
    assert read[f"o{changed['display name']}"].assessor == "办公室小王"
    assert_the_full_run_reads_what_the_models_give(ruleset)


def test_an_items_route_is_that_of_its_last_live_report(ruleset):
    codes = Route.objects.values_list("code", flat=True)
    ruleset.text += "".join(
        f'\n[routes.{code}]\nlabel_zh = "{code}"\nlabel_en = "{code}"\nfactor = 2\n'
        for code in codes
    )
    ruleset.save()
    first, second = Outcome.objects.filter(kind="report", route__isnull=False).order_by("pk")[:2]
    for report, revoked_at in ((first, dt.datetime(2011, 6, 1, tzinfo=dt.UTC)), (second, None)):
        Outcome.objects.create(
            kind="report",
            item_id=report.item_id,
            unit_id=report.unit_id,
            date=report.date + dt.timedelta(days=1),
            route=Route.objects.exclude(pk=report.route_id).first(),
            revoked_at=revoked_at,
        )
    compiled = ledger.compile_ruleset(ruleset)
    items, _events = ledger.run_input(ruleset, compiled, ledger.Tree.load())
    routes = {item.id: item.route for item in items}
    assert routes[str(first.item_id)] == first.route.code  # the later one was revoked
    assert routes[str(second.item_id)] not in (None, second.route.code)
    assert_the_full_run_reads_what_the_models_give(ruleset)


def test_the_quick_event_maker_makes_the_engines_event():
    names = [f.name for f in dataclasses.fields(engine.Event)]
    assert list(inspect.signature(ledger._event).parameters) == names
    values = [f"value of {name}" for name in names]
    values[names.index("points")] = Decimal("1.50")
    values[names.index("revoked")] = True
    made, expected = ledger._event(*values), engine.Event(*values)
    assert type(made) is engine.Event
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.id = "another"


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
