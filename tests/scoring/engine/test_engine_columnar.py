"""The columnar path for plain items gives exactly the lines and totals of the item
stage (hypothesis). ``scoring.COLUMNAR_MIN_EVENTS`` decides from which size a full run
takes it; here it is set to 0 for one run and out of reach for the other."""

import dataclasses
import datetime
import random
from decimal import Decimal
from unittest import mock

from engine_builders import BASE
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xinxuan.scoring.engine import (
    Event,
    Item,
    PeriodData,
    PersonInfo,
    Share,
    UnitInfo,
    load_ruleset,
    score,
    scoring,
)

# a late report's deduction (in the rule set's [report] table) and a submission table
LATE = "[submission]\npoints = 0.2\nlate = -0.5\n"
NEW = "[uses.zonghe]\neach_unit = 1\n[report.levels]\nprovincial = 2\n"
VARIANTS = (
    ('person_split = "ratio_first_n"', ""),
    ('multi_adoption = "highest"\nperson_split = "equal"', ""),
    ('report_and_adoption = "adoption_only"\nshare_rounding = "per_item"', ""),
    ('multi_publication = "top_levels"\nshare_quantum = 0.001', ""),
    # a rule by weeks: the sums are kept per day
    ('person_split = "none"', '[caps.w]\nperiod = "week"\nclauses = ["adoption"]\ncap = 12\n'),
    # the settings that keep the best of several outcomes, late reports and submissions
    (
        'multi_publication = "highest"\nmulti_endorsement = "highest"\n'
        'person_split = "ratio_first_n"',
        LATE,
    ),
    (
        'multi_adoption = "highest"\nmulti_publication = "highest"\nshare_quantum = 0.001\n'
        'share_rounding = "per_event"',
        LATE,
    ),
    ('multi_endorsement = "highest"\nunit_split = "equal"\nperson_split = "equal"', LATE),
    # a coarse quantum: values finer than it (a share's exponent from the value)
    ('share_quantum = 0.1\nmulti_publication = "highest"\nperson_split = "shares"', LATE),
    # endorsements only as a bonus to an adopted item: those items keep the item stage
    ('endorsement_mode = "bonus"\nmulti_publication = "highest"', LATE),
)
UNITS = ("A", "B", "C", "D")
# D is not in the period data: its items keep the ordinary path (its place in the
# standings follows the order in which units first score)
PERIODS = (
    PeriodData(units=tuple(UnitInfo(u, order=k) for k, u in enumerate(UNITS[:3]))),
    PeriodData(
        units=tuple(UnitInfo(u, order=k) for k, u in enumerate(UNITS[:3])),
        persons=(PersonInfo("P", "B"), PersonInfo("Q")),
    ),
)

plain_outcome = st.sampled_from(
    [
        {"type": "adoption", "carrier": "zx"},
        {"type": "adoption", "carrier": "zb", "grade": "canyue"},
        {"type": "adoption", "carrier": "sd", "use": "combined"},
        {"type": "adoption", "carrier": "zx", "route": "office"},
        {"type": "adoption", "carrier": "wechat"},
        {"type": "publication", "carrier": "cd"},
        {"type": "publication", "carrier": "cd", "placement": "double"},
        {"type": "publication", "carrier": "zx"},
        {"type": "publication", "carrier": "sd"},
        {"type": "report"},
        {"type": "report", "level": "provincial"},
        {"type": "submission"},
    ]
)
other_outcome = st.sampled_from(
    [
        {"type": "endorsement", "leader_level": "city"},
        {"type": "endorsement", "leader_level": "provincial"},
        {"type": "endorsement", "leader_level": "city", "leader_rank": "main"},
        {"type": "adoption", "carrier": "zx", "use": "zonghe"},
        {"type": "adoption", "carrier": "sd", "use": "zonghe"},
        {"type": "report", "level": "provincial", "due": datetime.date(2011, 2, 1)},
        {"type": "report", "due": datetime.date(2011, 1, 28)},
        {"type": "submission", "due": datetime.date(2011, 1, 25)},
        {"type": "item_nullification"},
        {"type": "adoption", "carrier": "zx", "revoked": True},
    ]
)


@st.composite
def runs(draw):
    """Items (mostly one unit and one person, as in real ledgers) and their events on
    few days (so that several events of an item share a day and ids decide)."""
    items = []
    for i in range(draw(st.integers(1, 8))):
        simple = draw(st.booleans())
        if simple:
            units = (Share(draw(st.sampled_from(UNITS))),)
            persons = (
                Share(
                    draw(st.sampled_from("PQR")),
                    unit=draw(st.sampled_from((None, "C"))),
                ),
            )
        else:
            chosen = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3, unique=True))
            units = tuple(Share(u, Decimal(draw(st.integers(0, 3)))) for u in chosen)
            persons = tuple(
                Share(
                    p,
                    Decimal(draw(st.integers(0, 2))),
                    unit=draw(st.sampled_from((None, None, "C"))),
                )
                for p in draw(st.lists(st.sampled_from("PQR"), max_size=3, unique=True))
            )
        items.append(
            Item(
                id=f"I{i}",
                kind=draw(st.sampled_from(["info", "photo", "brief", "news"])),
                units=units,
                persons=persons,
                char_count=draw(st.sampled_from((0, 1200))),
                route=draw(st.sampled_from((None, None, "direct"))),
            )
        )
    events = []
    first_day = datetime.date(2011, 1, 20)
    for k in range(draw(st.integers(0, 24))):
        kind = draw(plain_outcome) if draw(st.integers(0, 2)) else draw(other_outcome)
        day = first_day + datetime.timedelta(days=draw(st.integers(0, 20)))
        events.append(
            Event(
                # ids whose text order is not their number order
                id=f"E{draw(st.integers(0, 99))}-{k}",
                date=day,
                item_id=draw(st.sampled_from(items)).id,
                **kind,
            )
        )
    if draw(st.booleans()):
        events.append(
            Event(id="L1", type="deduction", date=first_day, unit="A", person="P", rule="late")
        )
    order = draw(st.sampled_from(("as drawn", "by item", "shuffled")))
    if order == "by item":
        events.sort(key=lambda e: e.item_id or "")
    elif order == "shuffled":
        random.Random(draw(st.integers(0, 9))).shuffle(events)
    return items, events


def _rules(variant):
    settings, extra = VARIANTS[variant]
    text = BASE.replace("{settings}", settings).replace("{extra}", extra + NEW)
    if extra.startswith(LATE):
        text = text.replace("[report]\npoints = 0.5\n", "[report]\npoints = 0.5\nlate = -1\n")
    return load_ruleset(text, "test.toml")


def _both(variant, items, events, period, sums=None):
    """The run with the columnar path and without; ``sums`` receives, for each, the
    sums the period stage starts from (per unit, granule, clause and sign: points,
    tallies, lines; per person and granule: points, adoptions)."""
    real = scoring._period_stage

    def spy(rs, item_lines, buckets, loose, period_data):
        if sums is not None:
            sums.append(
                (
                    sorted((k, repr(v[1:])) for k, v in buckets.data.items()),
                    sorted((k, repr(v)) for k, v in buckets.persons.items()),
                )
            )
        return real(rs, item_lines, buckets, loose, period_data)

    results = []
    for size in (0, 10**12):
        rules = _rules(variant)
        with (
            mock.patch.object(scoring, "COLUMNAR_MIN_EVENTS", size),
            mock.patch.object(scoring, "_period_stage", spy),
        ):
            results.append(score(rules, items, events, period))
    return results


SAME_DAY = (
    [
        Item("I1", "info", (Share("A"),), (Share("P"),)),
        Item("I2", "photo", (Share("B"),), (Share("P", unit="C"),)),
    ],
    [
        Event("E9", "adoption", datetime.date(2011, 3, 2), item_id="I1", carrier="zx"),
        Event("E10", "adoption", datetime.date(2011, 3, 2), item_id="I1", carrier="sd"),
        Event("E2", "report", datetime.date(2011, 3, 2), item_id="I2"),
        Event("E1", "report", datetime.date(2011, 3, 1), item_id="I1"),
        Event("E3", "adoption", datetime.date(2011, 4, 2), item_id="I2", carrier="zx"),
    ],
)


SHARED = (
    [
        Item("I1", "info", (Share("A"), Share("B", Decimal(2))), (Share("P"), Share("Q"))),
        Item("I2", "info", (Share("A"), Share("B", Decimal(2))), (Share("P"),)),
    ],
    [
        Event("E5", "adoption", datetime.date(2011, 3, 2), item_id="I1", carrier="zx"),
        Event("E10", "adoption", datetime.date(2011, 3, 2), item_id="I1", carrier="sd"),
        Event("E1", "report", datetime.date(2011, 3, 1), item_id="I1"),
        Event("E7", "adoption", datetime.date(2011, 3, 3), item_id="I2", carrier="zx"),
        Event("E8", "publication", datetime.date(2011, 3, 3), item_id="I2", carrier="cd"),
    ],
)


# shares of negative totals (late reports), a share of nothing among them (0.00,
# never -0.00, as ``allocate`` negates), values finer than the quantum
NEGATIVE = (
    [
        Item(
            "I1",
            "brief",
            (Share("A", Decimal(0)), Share("B", Decimal(2))),
            (Share("P"), Share("Q", Decimal(0))),
        ),
        Item("I2", "brief", (Share("A"), Share("B", Decimal(3))), (Share("P"),)),
    ],
    [
        Event(
            "E1", "report", datetime.date(2011, 3, 4), item_id="I1", due=datetime.date(2011, 3, 1)
        ),
        Event(
            "E2", "adoption", datetime.date(2011, 3, 5), item_id="I2", carrier="zx", use="combined"
        ),
        Event(
            "E3", "report", datetime.date(2011, 3, 5), item_id="I2", due=datetime.date(2011, 3, 1)
        ),
        Event(
            "E4", "adoption", datetime.date(2011, 3, 6), item_id="I2", carrier="zx", use="zonghe"
        ),
        Event("E5", "adoption", datetime.date(2011, 3, 7), item_id="I2", carrier="sd"),
    ],
)


# a person named twice on an item: the unit of the last mention, as the item stage has it
TWICE = (
    [
        Item(
            "I1",
            "info",
            (Share("A"), Share("B", Decimal(2))),
            (Share("P"), Share("P", Decimal(2), unit="C"), Share("Q")),
        ),
    ],
    [
        Event("E1", "report", datetime.date(2011, 3, 4), item_id="I1"),
        Event("E2", "adoption", datetime.date(2011, 3, 5), item_id="I1", carrier="zx"),
    ],
)


# persons of a shared item shown under their own unit (R), or the item's first (Q)
OWN_UNIT = (
    [
        Item(
            "I1",
            "info",
            (Share("A"), Share("B", Decimal(2))),
            (Share("R", unit="C"), Share("Q", Decimal(2))),
        ),
    ],
    [
        Event("E1", "report", datetime.date(2011, 3, 4), item_id="I1"),
        Event("E2", "adoption", datetime.date(2011, 3, 5), item_id="I1", carrier="zx"),
    ],
)


@settings(max_examples=400, deadline=None)
@given(runs(), st.integers(0, len(VARIANTS) - 1), st.integers(0, len(PERIODS) - 1))
@example(SAME_DAY, 0, 0).via("two adoptions on one day: the smaller id is tallied")
@example(SAME_DAY, 2, 1).via("a person's unit from the first item that credits them")
@example(SHARED, 0, 0).via("shares rounded once per item, in (date, id) order")
@example(SHARED, 3, 1).via("shares at a finer quantum")
@example(TWICE, 1, 0).via("a person named twice")
@example(OWN_UNIT, 1, 0).via("a person of a shared item under their own unit")
@example(NEGATIVE, 5, 0).via("shares of negative running totals")
@example(NEGATIVE, 8, 1).via("values finer than the quantum, a combined adoption to each unit")
def test_the_columnar_path_gives_the_lines_and_totals_of_the_item_stage(run, variant, period):
    """Same sums for the period rules (tallies included), same lines (tallies, shares,
    calcs, order) and same totals, to the Decimal's exponent (``repr``), whatever the
    rule set's settings and the events' order."""
    items, events = run
    sums = []
    columnar, ordinary = _both(variant, items, events, PERIODS[period], sums)
    assert sums[0] == sums[1]
    assert len(columnar.lines) == len(ordinary.lines)
    assert repr(tuple(columnar.lines)) == repr(tuple(ordinary.lines))
    assert repr(columnar.units) == repr(ordinary.units)
    assert repr(columnar.persons) == repr(ordinary.persons)
    assert columnar.classes == ordinary.classes and columnar.months == ordinary.months
    # the lines are built again on each reading, and indexing agrees with iterating
    assert repr(tuple(columnar.lines)) == repr(tuple(ordinary.lines))
    if ordinary.lines:
        assert repr(columnar.lines[-1]) == repr(ordinary.lines[-1])


def test_the_columnar_path_is_taken_for_plain_items():
    """A guard that the property above compares two different paths: plain items are
    summed by columns (one unit and one person in arrays, shares by a loop) — with
    endorsements, late reports, combined adoptions and the ``highest`` settings — the
    others (here a nullified item) by the item stage."""
    items, events = SAME_DAY
    items = [
        *items,
        Item("I3", "info", (Share("A"), Share("B")), (Share("P"),)),
        Item("I4", "info", (Share("A"),), (Share("P"),)),
        Item("I5", "info", (Share("A"),), (Share("P"),)),
    ]
    day = datetime.date(2011, 3, 5)
    events = [
        *events,
        Event("E4", "adoption", day, item_id="I3", carrier="zx"),
        Event("E6", "adoption", day, item_id="I3", carrier="sd", use="zonghe"),
        Event("E7", "report", day, item_id="I3", due=datetime.date(2011, 3, 1)),
        Event("E5", "endorsement", day, item_id="I4", leader_level="city"),
        Event("E8", "endorsement", day, item_id="I4", leader_level="provincial"),
        Event("E11", "publication", day, item_id="I4", carrier="zx"),
        Event("E12", "publication", day, item_id="I4", carrier="cd"),
        Event("E13", "adoption", day, item_id="I5", carrier="zx"),
        Event("E14", "item_nullification", day, item_id="I5"),
    ]
    taken = []
    real = scoring._merge

    def spy(buckets, plain):
        taken.append((plain.columnar, plain.lines))
        real(buckets, plain)

    with mock.patch.object(scoring, "_merge", spy):
        columnar, ordinary = _both(5, items, events, PERIODS[0])
    # five events of one unit and one person (two lines each); four of two units and
    # one person (three lines each: the late report's deduction is a line of its own);
    # four of I4 (two lines each: the lower endorsement and publication count nothing)
    assert taken == [([True, True, True, True, False], 30)]
    assert repr(tuple(columnar.lines)) == repr(tuple(ordinary.lines))
    assert repr(columnar.units) == repr(ordinary.units)
    dropped = [
        line.calc.settings[-1]
        for line in ordinary.lines
        if line.item == "I4" and line.person is None and not line.points
    ]
    assert dropped == ["multi_publication", "multi_endorsement"]


def test_the_lines_of_plain_items_with_one_unit_and_one_person_come_from_their_rows():
    """Reading ``Result.lines`` of a full run scores again only the plain items whose
    rows the columnar path cannot give as the item stage has them (here I3: its late
    report's deduction names the days); the others' records come from their rows."""
    items, events = SAME_DAY
    items = [*items, Item("I3", "info", (Share("A"),), (Share("P"),))]
    late = Event("E4", "report", datetime.date(2011, 3, 5), item_id="I3")
    events = [*events, dataclasses.replace(late, due=datetime.date(2011, 3, 1))]
    replayed = []
    real = scoring._ItemStage._replayed

    def spy(stage, groups):
        replayed.extend(item.id for item, _events in groups)
        return real(stage, groups)

    with mock.patch.object(scoring._ItemStage, "_replayed", spy):
        columnar, ordinary = _both(5, items, events, PERIODS[0])
        lines = tuple(columnar.lines)
    assert replayed == ["I3"]
    assert repr(lines) == repr(tuple(ordinary.lines))
    assert [line.item for line in lines].count("I3") == 4  # report, its deduction


def test_an_input_error_is_reported_as_by_the_item_stage():
    items, events = SAME_DAY
    bad = [*events, dataclasses.replace(events[0], id="E77", carrier="nowhere")]
    errors = []
    for size in (0, 10**12):
        with mock.patch.object(scoring, "COLUMNAR_MIN_EVENTS", size):
            try:
                score(_rules(0), items, bad, PERIODS[0])
            except scoring.ScoringError as error:
                errors.append(str(error))
    assert len(errors) == 2 and errors[0] == errors[1] and "nowhere" in errors[0]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(-(10**6), 10**6), st.integers(-4, 0)),
        min_size=1,
        max_size=60,
    )
)
def test_sums_by_a_table_and_by_sorting_agree(rows):
    """``columnar._grouped`` counts small keys in a table and others by sorting: both
    give each key's sum, tallies, rows and smallest exponent (the pair only names the
    clause: any of the key's)."""
    import numpy as np

    from xinxuan.scoring.engine import columnar

    key = np.array([k for k, _p, _e in rows], dtype=np.int64)
    points = np.array([p for _k, p, _e in rows], dtype=np.int64)
    exps = np.array([e for _k, _p, e in rows], dtype=np.int64)
    tally = (points > 0).astype(np.int64)

    def grouped(keys):
        columns = columnar._grouped(keys, key, points, tally, exps)
        return list(zip(*(a.tolist() for a in columns), strict=True))

    by_table = grouped(key)
    far = 10**9  # keys too far apart for a table
    by_sort = grouped(key + far)
    assert [(k, p, *rest) for k, p, *rest in by_table] == [
        (k - far, p, *rest) for k, p, *rest in by_sort
    ]
    for k, pair, total, tallies, n, low in by_table:
        mine = [(p, e) for kk, p, e in rows if kk == k]
        assert pair == k and total == sum(p for p, _e in mine) and n == len(mine)
        assert tallies == sum(p > 0 for p, _e in mine) and low == min(e for _p, e in mine)
