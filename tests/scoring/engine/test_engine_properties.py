"""Properties that must hold for any input (hypothesis)."""

import dataclasses
import datetime
from decimal import Decimal
from unittest import mock

from engine_builders import make_rules
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xinxuan.scoring.engine import (
    Event,
    Item,
    PeriodData,
    Share,
    UnitInfo,
    allocate,
    score,
    score_item,
    scoring,
    totals,
)
from xinxuan.scoring.engine.allocation import integer_weights

# issue 11: combined adoptions to each unit, report points by destination level
NEW = "[uses.zonghe]\neach_unit = 1\n[report.levels]\nprovincial = 2\n"
RULES = make_rules(
    'person_split = "ratio_first_n"',
    '[base]\nperiod = "quarter"\npoints = 5\nfloor = 0\n'
    '[quotas.q]\nperiod = "month"\ncounts = "report"\nrequired = 1\nbasis = "flat"\nflat = -1\n'
    + NEW,
)
UNITS = ("A", "B", "C")
PERIOD = PeriodData(units=tuple(UnitInfo(u) for u in UNITS))

outcome = st.sampled_from(
    [
        {"type": "adoption", "carrier": "zx"},
        {"type": "adoption", "carrier": "zb", "grade": "canyue"},
        {"type": "adoption", "carrier": "sd", "use": "combined"},
        {"type": "publication", "carrier": "cd"},
        {"type": "report"},
        {"type": "endorsement", "leader_level": "city"},
        {"type": "deduction", "rule": "late"},
        {"type": "adoption", "carrier": "zx", "use": "zonghe"},
        {"type": "report", "level": "provincial", "due": datetime.date(2011, 6, 1)},
    ]
)


@st.composite
def ledgers(draw):
    n_items = draw(st.integers(1, 6))
    items = []
    for i in range(n_items):
        units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3, unique=True))
        weights = draw(st.lists(st.integers(1, 5), min_size=len(units), max_size=len(units)))
        items.append(
            Item(
                id=f"I{i}",
                kind=draw(st.sampled_from(["info", "photo", "brief"])),
                units=tuple(Share(u, Decimal(w)) for u, w in zip(units, weights, strict=True)),
                persons=tuple(
                    Share(p)
                    for p in draw(st.lists(st.sampled_from("PQR"), max_size=3, unique=True))
                ),
            )
        )
    events = []
    for k in range(draw(st.integers(0, 15))):
        day = datetime.date(2011, 1, 1) + datetime.timedelta(days=draw(st.integers(0, 364)))
        events.append(
            Event(id=f"E{k}", date=day, item_id=draw(st.sampled_from(items)).id, **draw(outcome))
        )
    return items, events


def unit_sum(result):
    return sum((line.points for line in result.lines if line.person is None), Decimal(0))


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_totals_equal_sum_of_lines(ledger):
    items, events = ledger
    result = score(RULES, items, events, PERIOD)
    assert sum(t.points for t in result.units.values()) == unit_sum(result)
    person_lines = sum(
        (line.points for line in result.lines if line.person is not None), Decimal(0)
    )
    assert sum(t.points for t in result.persons.values()) == person_lines


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_shares_of_one_event_add_up_exactly(ledger):
    items, events = ledger
    result = score(RULES, items, events, PERIOD)
    for event in events:
        lines = [ln for ln in result.lines if ln.event == event.id and ln.person is None]
        gross = {ln.calc.gross for ln in lines}
        if lines:
            (value,) = gross
            if lines[0].share is not None:
                assert sum(ln.points for ln in lines) == value


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_a_units_points_on_an_item_are_its_share_of_the_items_total(ledger):
    """Shares round once per item: whatever the number and order of an item's events,
    each unit's (and person's) lines of the item add up to the largest-remainder split
    of the item's total — the same figures as if the item had one event worth it all."""
    items, events = ledger
    result = score(RULES, items, events, PERIOD)
    for it in items:
        # the split lines (a combined adoption goes whole to each unit, unsplit)
        lines = [
            ln
            for ln in result.lines
            if ln.item == it.id and ln.person is None and ln.share is not None
        ]
        if not lines:
            continue
        records = {ln.event: ln.calc.gross for ln in lines}
        weights = integer_weights([s.weight for s in it.units])
        expected = allocate(sum(records.values(), Decimal(0)), weights, Decimal("0.01"))
        for share, value in zip(it.units, expected, strict=True):
            got = sum((ln.points for ln in lines if ln.unit == share.id), Decimal(0))
            assert got == value


@settings(max_examples=40, deadline=None)
@given(ledgers(), st.randoms())
def test_event_order_does_not_matter_and_output_is_stable(ledger, rnd):
    items, events = ledger
    first = score(RULES, items, events, PERIOD)
    shuffled = list(events)
    rnd.shuffle(shuffled)
    again = score(RULES, items, shuffled, PERIOD)
    assert {u: t.points for u, t in first.units.items()} == {
        u: t.points for u, t in again.units.items()
    }
    assert sorted(map(repr, first.lines)) == sorted(map(repr, again.lines))
    assert repr(score(RULES, items, events, PERIOD).lines) == repr(first.lines)


@settings(max_examples=40, deadline=None)
@given(ledgers(), st.data())
def test_revoking_and_restoring_an_event_restores_totals(ledger, data):
    items, events = ledger
    if not events:
        return
    before = score(RULES, items, events, PERIOD)
    index = data.draw(st.integers(0, len(events) - 1))
    revoked = list(events)
    revoked[index] = dataclasses.replace(events[index], revoked=True)
    score(RULES, items, revoked, PERIOD)
    restored = list(revoked)
    restored[index] = dataclasses.replace(revoked[index], revoked=False)
    after = score(RULES, items, restored, PERIOD)
    assert {u: t.points for u, t in before.units.items()} == {
        u: t.points for u, t in after.units.items()
    }


@given(
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    st.lists(st.integers(1, 9), min_size=1, max_size=7),
)
def test_allocation_is_exact(total, weights):
    parts = allocate(total, weights, Decimal("0.01"))
    assert sum(parts) == total and len(parts) == len(weights)


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_lines_built_on_demand_are_the_lines_of_each_item(ledger):
    """A full run keeps its item-stage lines as compact records; the lines it yields are
    exactly those of scoring each item on its own, and its totals exactly (same Decimal
    representation) those recomputed from the lines one by one."""
    items, events = ledger
    result = score(RULES, items, events, PERIOD)
    lines = tuple(result.lines)
    assert len(result.lines) == len(lines)
    assert result.lines == lines and repr(result.lines) == repr(lines)
    assert all(result.lines[i] == line for i, line in enumerate(lines))
    by_item = {}
    for event in events:
        by_item.setdefault(event.item_id, []).append(event)
    item_map = {item.id: item for item in items}
    expected = [line for i, evs in by_item.items() for line in score_item(RULES, item_map[i], evs)]
    assert list(lines[: len(expected)]) == expected
    assert all(line.item is None for line in lines[len(expected) :])
    again = totals(RULES, lines, PERIOD)
    assert repr(again.units) == repr(result.units)
    assert repr(again.persons) == repr(result.persons)


VARIANTS = (
    ('person_split = "ratio_first_n"',),
    ('multi_adoption = "highest"\nperson_split = "ratio_first_n"',),
    ('report_and_adoption = "adoption_only"\nmulti_endorsement = "highest"',),
    ('multi_publication = "top_levels"\nshare_rounding = "per_event"',),
)
WARM = [make_rules(*variant, NEW) for variant in VARIANTS]


TWO_ADOPTIONS = (
    [Item("I1", "info", (Share("A"),), (Share("P"),))],
    [
        Event("E1", "report", datetime.date(2011, 3, 1), item_id="I1"),
        Event("E2", "adoption", datetime.date(2011, 3, 2), item_id="I1", carrier="zx"),
        Event("E3", "adoption", datetime.date(2011, 3, 3), item_id="I1", carrier="sd"),
    ],
)


@settings(max_examples=80, deadline=None)
@given(ledgers(), st.integers(0, len(VARIANTS) - 1), st.data())
@example(TWO_ADOPTIONS, 1, None).via("several adoptions of one item, highest only")
@example(TWO_ADOPTIONS, 2, None).via("a report of an adopted item does not count")
def test_the_short_path_for_plain_items_equals_the_general_path(ledger, variant, data):
    """The item stage keeps each event's value per (kind, route, event) and takes a
    shorter path for items whose events need no item-level setting. Forced through the
    general path for every item, with nothing kept from earlier runs, the same input
    gives exactly the same lines (tallies included) and totals, revoked events too."""
    items, events = ledger
    n = len(events)
    revoke = data.draw(st.lists(st.booleans(), min_size=n, max_size=n)) if data else [False] * n
    events = [
        dataclasses.replace(e, revoked=True) if r and len(events) > 3 else e
        for e, r in zip(events, revoke, strict=True)
    ]
    warm = WARM[variant]
    score(warm, items, events, PERIOD)
    short = score(warm, items, events, PERIOD)
    with mock.patch.object(scoring, "_IS_PLAIN", lambda hit: False):
        general = score(make_rules(*VARIANTS[variant], NEW), items, events, PERIOD)
    assert repr(tuple(general.lines)) == repr(tuple(short.lines))
    assert repr(general.units) == repr(short.units)
    assert repr(general.persons) == repr(short.persons)
