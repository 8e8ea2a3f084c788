"""A full rescoring rewrites the lines in bulk: the score lines' indexes (and on
PostgreSQL their foreign keys) are set aside and built again once over the finished
table, the monthly sums come from one ``GROUP BY`` — and none of it shows: the schema
is the same afterwards, a failure leaves the old lines, and the sums are those of the
lines."""

import threading

import pytest
from django.db import IntegrityError, connection, connections
from django.test.utils import CaptureQueriesContext

from xinxuan.organisation import demo as organisation_demo
from xinxuan.outcomes import demo as outcomes_demo
from xinxuan.scoring import demo as scoring_demo
from xinxuan.scoring import ledger
from xinxuan.scoring import standings as by_period
from xinxuan.scoring.explanations import CalcStore
from xinxuan.scoring.models import MonthlyScore, RuleSet, ScoreLine, Standing
from xinxuan.submissions import demo as submissions_demo

pytestmark = pytest.mark.django_db

TABLE = ScoreLine._meta.db_table


@pytest.fixture
def ruleset(settings):
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    for module in (organisation_demo, submissions_demo, outcomes_demo, scoring_demo):
        module.load(log=lambda _message: None)
    return RuleSet.objects.get(code="changzhou-2011")


def schema():
    """The score-line table's indexes and constraints as the database states them, a
    key's ``NOT VALID`` mark aside (a full rescoring on PostgreSQL adds its keys back
    so, and ``validate_keys`` shows that validating them finds nothing to refuse)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s ORDER BY name",
                [TABLE],
            )
        else:
            cursor.execute(
                "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY 1, 2",
                [TABLE, TABLE],
            )
        return [(kind, name, str(sql).removesuffix(" NOT VALID")) for kind, name, sql in cursor]


def ledger_state(ruleset):
    return (
        sorted(
            ScoreLine.objects.filter(ruleset=ruleset).values_list(
                "outcome_id", "event_key", "unit_id", "person_id", "clause", "points", "calc_id"
            ),
            key=str,
        ),
        sorted(
            Standing.objects.filter(ruleset=ruleset).values_list("unit_id", "person_id", "points"),
            key=str,
        ),
        sorted(
            MonthlyScore.objects.filter(ruleset=ruleset).values_list(
                "unit_id", "person_id", "month", "clause", "points", "lines"
            ),
            key=str,
        ),
    )


def monthly(ruleset):
    rows = MonthlyScore.objects.filter(ruleset=ruleset).values_list(
        "ruleset_id",
        "unit_id",
        "person_id",
        "month",
        "clause",
        "level_id",
        "points",
        "adopted",
        "lines",
    )
    return {tuple(row[:6]): list(row[6:]) for row in rows}


def test_the_indexes_and_keys_are_built_again_as_they_were(ruleset):
    before = schema()
    assert any("INDEX" in str(row[2]).upper() for row in before)
    with CaptureQueriesContext(connection) as queries:
        ledger.rescore_ruleset(ruleset)
    sql = [q["sql"] for q in queries.captured_queries]
    # the lines of the demo's other rule sets are fewer: the indexes were set aside
    assert any(s.startswith("DROP INDEX") for s in sql)
    assert any(s.startswith("CREATE INDEX") for s in sql)
    if connection.vendor == "postgresql":
        assert any("ADD CONSTRAINT" in s and "FOREIGN KEY" in s for s in sql)
        validate_keys()
    assert schema() == before


def validate_keys():
    """On PostgreSQL the keys come back ``NOT VALID`` (their references were checked in
    one pass, ``ledger._check_references``): the same keys, still enforced, and the
    database's own validation of every line finds nothing to refuse."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY 1",
            [TABLE],
        )
        keys = cursor.fetchall()
        assert keys and all(definition.endswith(" NOT VALID") for _name, definition in keys)
        for name, _definition in keys:
            cursor.execute(f'ALTER TABLE {TABLE} VALIDATE CONSTRAINT "{name}"')


@pytest.mark.parametrize("others", ["kept", "none"])
def test_the_old_lines_are_emptied_wholesale_only_when_no_other_rule_set_has_lines(ruleset, others):
    ScoreLine.objects.exclude(ruleset=ruleset).delete()
    if others == "kept":  # a few lines of another rule set (the demo's others have none)
        other = RuleSet.objects.exclude(pk=ruleset.pk).first()
        copies = list(ScoreLine.objects.filter(ruleset=ruleset)[:20])
        for line in copies:
            line.pk, line.ruleset = None, other
        ScoreLine.objects.bulk_create(copies)
    kept = sorted(ScoreLine.objects.exclude(ruleset=ruleset).values_list("pk", "points"))
    assert bool(kept) == (others == "kept")
    before, expected = schema(), ledger_state(ruleset)
    with CaptureQueriesContext(connection) as queries:
        ledger.rescore_ruleset(ruleset)
    wholesale = {f"TRUNCATE {TABLE}", f"DELETE FROM {TABLE}"}
    assert any(q["sql"] in wholesale for q in queries.captured_queries) == (others == "none")
    assert sorted(ScoreLine.objects.exclude(ruleset=ruleset).values_list("pk", "points")) == kept
    assert ledger_state(ruleset) == expected
    assert schema() == before


def test_the_indexes_stay_when_the_other_rule_sets_lines_outnumber_the_new_ones(
    ruleset, monkeypatch
):
    before = schema()
    monkeypatch.setattr(ledger, "_others", lambda _cursor, _ruleset: 10**9)
    with CaptureQueriesContext(connection) as queries:
        count = ledger.rescore_ruleset(ruleset)
    assert not any("DROP" in q["sql"] for q in queries.captured_queries)
    assert count == ScoreLine.objects.filter(ruleset=ruleset).count() > 1000
    assert schema() == before


def test_a_rescoring_that_fails_while_writing_leaves_the_old_lines_and_the_schema(
    ruleset, monkeypatch
):
    before, state = schema(), ledger_state(ruleset)
    assert len(state[0]) > 1000
    monkeypatch.setattr(ledger, "WRITE_CHUNK", 300)
    real, written = ledger._chunk_rows, []

    def failing(chunk, *args):
        if written:
            raise RuntimeError("the disk is full")
        rows = real(chunk, *args)
        written.append(len(rows))
        return rows

    monkeypatch.setattr(ledger, "_chunk_rows", failing)
    with pytest.raises(RuntimeError):
        ledger.rescore_ruleset(ruleset)
    # it failed half-way through the new lines (a chunk: 300 events' lines)
    assert len(written) == 1 and 300 <= written[0] < len(state[0]) // 2
    assert schema() == before
    assert ledger_state(ruleset) == state


def test_the_monthly_sums_of_a_rebuild_are_those_of_the_lines(ruleset):
    lines = ScoreLine.objects.filter(ruleset=ruleset)
    expected = by_period.stored_month_sums(lines)  # summed by the ORM, month by month
    assert len(expected) > 50
    by_period.rebuild_months(ruleset)
    assert monthly(ruleset) == expected
    assert any(key[5] is not None for key in expected)  # levels, from outcome or carrier
    assert any(value[1] for value in expected.values())  # adopted items counted


needs_server_db = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="another session's lock needs PostgreSQL"
)


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_a_reader_holding_the_lines_makes_the_rescoring_keep_its_indexes_not_wait(
    ruleset,
):
    before, expected = schema(), ledger_state(ruleset)
    holding, release = threading.Event(), threading.Event()

    def reader():
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608
                holding.set()
                release.wait(30)
                cursor.execute("COMMIT")
        finally:
            other.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert holding.wait(30)
        with CaptureQueriesContext(connection) as queries:
            ledger.rescore_ruleset(ruleset)
    finally:
        release.set()
        thread.join()
    sql = [q["sql"] for q in queries.captured_queries]
    assert any("NOWAIT" in s for s in sql)
    assert not any(s.startswith("DROP INDEX") for s in sql)
    assert schema() == before
    assert ledger_state(ruleset) == expected


@needs_server_db
def test_a_line_whose_row_went_missing_fails_the_rescoring_and_leaves_the_old_lines(
    ruleset, monkeypatch
):
    # as if an outcome read for the rescoring were deleted before the locks were taken:
    # a new line refers to a row that is not there when the keys are added back
    before, state = schema(), ledger_state(ruleset)
    real = ledger._write_lines

    def write_then_lose_a_row(*args, **kwargs):
        written = real(*args, **kwargs)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET outcome_id = (SELECT MAX(id) + 1 FROM outcomes_outcome) "  # noqa: S608
                f"WHERE id = (SELECT MAX(id) FROM {TABLE} WHERE outcome_id IS NOT NULL)"
            )
        return written

    monkeypatch.setattr(ledger, "_write_lines", write_then_lose_a_row)
    with pytest.raises(IntegrityError, match="outcome"):
        ledger.rescore_ruleset(ruleset)
    assert schema() == before
    assert ledger_state(ruleset) == state


@needs_server_db
def test_a_second_rescoring_adds_back_the_keys_it_found_not_valid(ruleset):
    ledger.rescore_ruleset(ruleset)
    expected = ledger_state(ruleset)
    assert ledger.rescore_ruleset(ruleset) == len(expected[0])
    assert ledger_state(ruleset) == expected
    validate_keys()


def test_a_version_with_a_backslash_or_a_tab_is_stored_as_it_reads(ruleset):
    # PostgreSQL's COPY text format gives both a meaning: they are escaped
    ruleset.engine_version = "2011\\1\t修订"
    ruleset.save(update_fields=["engine_version"])
    count = ledger.rescore_ruleset(ruleset)
    versions = set(ScoreLine.objects.filter(ruleset=ruleset).values_list("version", flat=True))
    assert versions == {ruleset.version_label} and "\\1\t" in ruleset.version_label
    assert count > 1000


def test_a_full_rescoring_sums_the_months_as_the_lines_give_them(ruleset):
    MonthlyScore.objects.filter(ruleset=ruleset).delete()
    ledger.rescore_ruleset(ruleset)  # summed in Python as the lines are written
    expected = by_period.stored_month_sums(ScoreLine.objects.filter(ruleset=ruleset))
    assert len(expected) > 50 and any(key[5] is not None for key in expected)
    assert monthly(ruleset) == expected


def test_a_delivered_commission_is_read_with_its_local_day_of_submission(ruleset):
    import datetime as dt

    from django.utils import timezone

    from xinxuan.submissions.models import Commission, Item

    item = Item.objects.filter(outcomes__isnull=False, commission__isnull=True).first()
    commission = Commission.objects.create(
        title="专题约稿", unit_id=item.unit_id, deadline=dt.date(2011, 3, 1)
    )
    # 18:30 UTC is 02:30 the next day in Beijing
    submitted = dt.datetime(2011, 3, 1, 18, 30, tzinfo=dt.UTC)
    Item.objects.filter(pk=item.pk).update(commission=commission, submitted_at=submitted)
    item.refresh_from_db()
    _items, events = ledger.run_input(ruleset, ledger.compile_ruleset(ruleset), ledger.Tree.load())
    mine = [e for e in events if e.id.startswith(f"c{commission.pk}-")]
    assert mine == ledger.commission_events(item)
    assert mine[1].date == timezone.localdate(submitted) == dt.date(2011, 3, 2)


def test_a_full_rescoring_scores_a_delivered_commission_as_the_item_path_does(ruleset):
    """Found while speeding the rescoring up: the commission's events reached the
    engine's full run without their item, and every full rescoring of a ledger with a
    delivered 约稿 failed (事件须指定单位)."""
    import datetime as dt

    from xinxuan.submissions.models import Commission, Item

    ruleset.text += "\n[commission]\ndelivered = 5\nlate = -2\n"
    ruleset.save()
    item = Item.objects.filter(outcomes__isnull=False, commission__isnull=True).first()
    commission = Commission.objects.create(
        title="专题约稿", unit_id=item.unit_id, deadline=dt.date(2011, 3, 1)
    )
    Item.objects.filter(pk=item.pk).update(
        commission=commission, submitted_at=dt.datetime(2011, 3, 5, 2, 0, tzinfo=dt.UTC)
    )
    ledger.rescore_ruleset(ruleset)
    full = ledger_state(ruleset)
    mine = {row for row in full[0] if str(row[1]).startswith(f"c{commission.pk}-")}
    assert mine, "the late delivery scores a line"
    ledger.rescore_item(item.pk)
    assert ledger_state(ruleset) == full


@pytest.mark.parametrize(
    "columnar",
    [
        pytest.param(0, id="plain items summed by columns"),
        pytest.param(10**12, id="every item through the item stage"),
    ],
)
def test_the_lines_written_in_bulk_are_the_engines_lines_one_by_one(ruleset, monkeypatch, columnar):
    """A full rescoring writes the engine's lines from their groups per event
    (``engine.line_groups``) and sums them per group: the same rows, in the same
    order, and the same standings and monthly sums as the engine's ``ScoreLine``
    objects turned into rows one by one (``_to_rows``, the per-item path)."""
    from xinxuan.organisation.models import Person
    from xinxuan.scoring import engine
    from xinxuan.scoring.engine import scoring
    from xinxuan.submissions.models import Item, ItemAuthor, ItemUnit

    # a few items shared by two units and two writers: lines with shares
    for item in Item.objects.filter(outcomes__isnull=False).distinct().order_by("pk")[:5]:
        ItemUnit.objects.get_or_create(item=item, unit_id=item.unit_id)
        units = ItemUnit.objects.filter(item=item).values_list("unit_id", flat=True)
        other = Person.objects.exclude(unit_id__in=units).order_by("pk").first()
        ItemUnit.objects.create(item=item, unit_id=other.unit_id, share=2, sort_order=9)
        ItemAuthor.objects.update_or_create(
            item=item, person=other, defaults={"share": 3, "sort_order": 9}
        )
    monkeypatch.setattr(scoring, "COLUMNAR_MIN_EVENTS", columnar)
    ledger.rescore_ruleset(ruleset)
    tree, compiled = ledger.Tree.load(), ledger.compile_ruleset(ruleset)
    items, events = ledger.run_input(ruleset, compiled, tree)
    result = engine.score(compiled, items, events, ledger.period_data(ruleset, tree))
    expected = ledger._to_rows(ruleset, tuple(result.lines))
    assert len(expected) > 1000 and any(row.share for row in expected)
    assert any(row.tally and row.clause.startswith("adoption") for row in expected)
    # a line's calculation is stored when the line is written (``_replace``): the
    # expected rows get the stored calculation of their engine's calc
    calcs = CalcStore().pks([row.engine_calc for row in expected])
    for row, calc in zip(expected, calcs, strict=True):
        row.calc_id = calc
    fields = [f.attname for f in ScoreLine._meta.concrete_fields if not f.primary_key]
    stored = ScoreLine.objects.filter(ruleset=ruleset).order_by("pk")
    assert list(stored.values_list(*fields)) == [
        tuple(getattr(row, f) for f in fields) for row in expected
    ]
    sums = ledger._one_per_writer(
        {(u, p): value for (_r, u, p), value in ledger._sums(expected).items()}
    )
    assert {
        (s.unit_id, s.person_id): (s.points, s.adopted)
        for s in Standing.objects.filter(ruleset=ruleset)
    } == sums
    assert monthly(ruleset) == {
        key: list(value) for key, value in by_period.row_month_sums(expected).items()
    }
