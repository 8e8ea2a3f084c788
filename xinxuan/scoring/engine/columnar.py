"""Columnar pre-aggregation of plain items for a full run (numpy).

Most items of a year are *plain*: their events are reports, adoptions,
publications and endorsements whose value needs at most the item-level settings done
here. What the period rules and the totals need of such an item is only
the sums its lines add per (unit, month, clause and sign) and per (person, month),
with the tallies — no line object at all. Here those sums are computed for every
plain item at once, column by column:

1. each event's value is looked up once per distinct (kind, route, event key), the
   same ``Hit`` the item stage uses;
2. an item is taken here when all its events are reports, submissions, adoptions,
   publications or endorsements valued without a note of their own, and the period
   data knows its units. What the item stage's general path does for such items is done
   here too: a combined adoption's fixed value goes whole to each unit (outside the
   running total of the item's shares), a report or submission delivered after it was
   due adds one more row (its deduction) right after its own, and the ``highest``
   settings (several adoptions, publications, endorsements) keep the best of an item's
   positive values by (points, date, id) and turn the others into their dropped values
   (zero, tallied nowhere). Items under any other setting that weighs several outcomes
   (``top_levels``, once per carrier class, ``report_and_adoption``, endorsements as a
   bonus), and items with revoked, nullifying, commission or deduction events, go
   through the item stage as before;
3. each event's points become an integer at a common scale (exact: Decimal points
   have finitely many places); the tally goes to the first counted event of its type
   per item by (date, id), exactly as the item stage orders them;
4. items with several units or persons: each share is the item stage's own
   arithmetic (``allocation.allocate`` of the item's running total after the event
   minus that before it, or of the event alone when shares round per event) done in
   integers for all rows at once, with the exponent each Decimal part would have; the
   loop ``_add_shared`` remains for runs whose integers could overflow;
5. the sums per (unit, granule, clause and sign) and (person, granule) are counted
   with ``bincount`` in a table (exact while they fit a double's 53 bits; else by a
   sort and ``reduceat`` in 64-bit integers) and turned back into Decimals with the
   exponent the item stage's own additions give (the smallest exponent added).

The lines of these items are not kept: ``scoring._ItemStage`` builds them on demand by
running the item stage over the same items when somebody reads ``Result.lines``.
A property test checks that a run with this path gives exactly the lines and totals
of a run without it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, compress, repeat
from operator import attrgetter, itemgetter
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from .model import Calc, Event, Item, fold_key
from .ruleset import RuleSet
from .scoring import _fixed_calc, _hit, _with_factor

I64 = npt.NDArray[np.int64]
_DATE = attrgetter("date")
_KIND_KEY = attrgetter("kind", "char_count", "route")
_UNITS = attrgetter("units")
_PERSONS = attrgetter("persons")
_FIRST = itemgetter(0)
_ID = attrgetter("id")
_WEIGHT = attrgetter("weight")
_UNIT = attrgetter("unit")
_TO_ORDINAL = datetime.date.toordinal
# the tally bits of scoring._TALLY_BITS as small numbers (1 → 0, 2 → 1, 4 → 2 …)
_BIT_INDEX = {1 << i: i for i in range(8)}
_ZERO = Decimal(0)
# outcomes a ``highest`` setting weighs
_TYPES = {"adoption": 1, "publication": 2, "endorsement": 3}
# the types of events whose values are summed here (with no note of their own)
_TYPES_HERE = frozenset(("report", "submission", "adoption", "publication", "endorsement"))
# sums stay far below 2**63 however they are grouped
_LIMIT = 2**62


class Codes(dict[Any, int]):
    """Numbers for keys in order of first sight, looked up in C by ``map``."""

    def __missing__(self, key: Any) -> int:
        code = self[key] = len(self)
        return code


@dataclass
class Plain:
    """What the plain items of a run add to the buckets, and which items they are."""

    columnar: list[bool]  # per item in run order: summed here, lines built on demand
    lines: int  # the number of lines of those items
    # (unit, granule, fold key) -> [a calc of the clause, points, tally, lines]
    units: dict[tuple[str, datetime.date, str], list[Any]]
    # (person, granule) -> [points, adopted]
    persons: dict[tuple[str, datetime.date], list[Any]]
    # person -> (run position of the first plain item crediting them, their unit there)
    first: dict[str, tuple[int, str]]
    # the rows of the items with one unit and one person, for their records
    rows: Rows | None = None


@dataclass
class Rows:
    """The rows of plain items with one unit and one person whose every value is the
    item stage's own (no late report's deduction, no value dropped by a ``highest``
    setting: those are made here), in the item stage's order (by item, date, id):
    ``starts[k]:starts[k + 1]`` are item k's, each an event of the run (``event``), a
    value (``pair``: its calc is ``calcs[pair]``) and a tally. The item stage makes
    their records from these instead of scoring the items again."""

    starts: list[int]
    event: list[int]
    pair: list[int]
    tally: list[int]
    calcs: list[Calc | None]


def _decimal(scaled: int, scale: int, exponent: int) -> Decimal:
    """``scaled / 10**scale`` written with ``exponent`` (every addend had at least it)."""
    shift = scale + exponent
    if shift > 0:
        scaled //= 10**shift
    elif shift < 0:
        scaled *= 10 ** (-shift)
    return Decimal(scaled).scaleb(exponent)


class Runs(Sequence[tuple[Item, list[Event]]]):
    """The events of a run grouped by item: ``runs[k]`` is the k-th item and its events
    in their order of input, ``loose`` the events without an item. One stable sort of
    the events' item numbers, one list of events; each item's list is sliced from it
    when asked for."""

    def __init__(self, items: list[Item], events: list[Event], positions: I64) -> None:
        self.items = items
        self.all_events = events
        self.positions = positions
        self.loose = list(map(events.__getitem__, np.flatnonzero(positions < 0).tolist()))
        self._events: list[Event] | None = None

    @property
    def events(self) -> list[Event]:
        """The events on items, item by item (sorted when first asked for: a full run
        that only sums needs none of them)."""
        if self._events is None:
            pos = self.positions
            order = np.argsort(pos, kind="stable")
            in_order = pos[order]
            n_loose = int(np.searchsorted(in_order, 0))
            self._events = list(map(self.all_events.__getitem__, order[n_loose:].tolist()))
            self.starts: list[int] = np.searchsorted(
                in_order[n_loose:], np.arange(len(self.items) + 1)
            ).tolist()
        return self._events

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, k: int) -> tuple[Item, list[Event]]: ...

    @overload
    def __getitem__(self, k: slice) -> list[tuple[Item, list[Event]]]: ...

    def __getitem__(
        self, k: int | slice
    ) -> tuple[Item, list[Event]] | list[tuple[Item, list[Event]]]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        events = self.events
        return (self.items[k], events[self.starts[k] : self.starts[k + 1]])


def pre_aggregate(
    rs: RuleSet,
    runs: Runs,
    known_units: frozenset[str],
    hit: Any,
    kind_of: Any,
    event_key: Any,
    recipients: Any,
    shares: Any,
    split: Any,
) -> Plain | None:
    """Sum the plain items of ``runs``.

    ``hit(event, kind, route, fast, key)`` values an event as the item stage does,
    ``kind_of(item)`` returns the item's effective kind and its value cache,
    ``recipients(item)`` its units and persons as the item stage splits them (ids,
    person units, integer weights), ``split(side, weights)`` which of an item's units
    (side "units") or persons with these weights get a part (their positions) and with
    which integer weights, as ``recipients`` has them, ``shares(before, gross,
    weights)`` the item stage's split of one event's points when the item had
    ``before`` points. Returns None when nothing is plain; errors in the input
    propagate (the caller then scores the run the ordinary way, which reports them in
    its own order)."""
    items = runs.items
    events = runs.all_events
    n_items = len(items)
    n = len(events)
    if not n_items or not n:
        return None
    person_mode = rs.settings["person_split"]
    # ---- per item: kind and route, and whether its recipients are simple
    # one number per (kind, characters, route), then per (effective kind, route)
    raw_codes = Codes()
    raw = np.fromiter(map(raw_codes.__getitem__, map(_KIND_KEY, items)), np.int64, n_items)
    kr_codes = Codes()
    kr_list: list[tuple[str, str | None, dict[Any, Any]]] = []
    _codes, seen_at = np.unique(raw, return_index=True)
    to_kr = np.empty(len(raw_codes), dtype=np.int64)
    for code, k in enumerate(seen_at.tolist()):
        kind, fast = kind_of(items[k])
        kr = to_kr[code] = kr_codes[(kind, items[k].route)]
        if kr == len(kr_list):
            kr_list.append((kind, items[k].route, fast))
    item_kr = to_kr[raw]
    unit_codes = Codes()
    person_codes = Codes()
    item_unit = np.full(n_items, -1, dtype=np.int64)
    item_person = np.full(n_items, -1, dtype=np.int64)
    # items with one unit the period data knows and one person with a weight
    units_of = list(map(_UNITS, items))
    persons_of = list(map(_PERSONS, items))
    one_each = (np.fromiter(map(len, units_of), np.int64, n_items) == 1) & (
        np.fromiter(map(len, persons_of), np.int64, n_items) == 1
    )
    if person_mode == "none":
        one_each[:] = False
    chosen = np.flatnonzero(one_each)
    at_chosen = chosen.tolist()
    unit_ids = list(map(_ID, map(_FIRST, map(units_of.__getitem__, at_chosen))))
    first_persons = list(map(_FIRST, map(persons_of.__getitem__, at_chosen)))
    person_ids = list(map(_ID, first_persons))
    person_weights = list(map(_WEIGHT, first_persons))
    person_units = list(map(_UNIT, first_persons))
    del first_persons
    # a weight is positive or not once per distinct weight (most are the same)
    weight_codes = Codes()
    weight_of = np.fromiter(map(weight_codes.__getitem__, person_weights), np.int64, len(chosen))
    positive = np.array([w > 0 for w in weight_codes] or [False], dtype=bool)
    fits = (
        np.fromiter(map(known_units.__contains__, unit_ids), bool, len(chosen))
        & positive[weight_of]
    )
    if not fits.all():
        keep = fits.tolist()
        chosen = chosen[fits]
        unit_ids = list(compress(unit_ids, keep))
        person_ids = list(compress(person_ids, keep))
        person_units = list(compress(person_units, keep))
    item_unit[chosen] = np.fromiter(map(unit_codes.__getitem__, unit_ids), np.int64, len(chosen))
    item_person[chosen] = np.fromiter(
        map(person_codes.__getitem__, person_ids), np.int64, len(chosen)
    )
    del person_ids, person_weights, weight_of
    # items with several units or persons (shares), all of them known
    shared_rc = _shared_recipients(
        np.flatnonzero(item_unit < 0), units_of, persons_of, known_units, split, person_mode
    )
    shared = np.zeros(n_items, dtype=bool)
    shared[shared_rc.items] = True
    simple = item_unit >= 0
    eligible = simple | shared
    if not eligible.any():
        return None
    # ---- per event: its item, its key's number, its date
    pos = runs.positions
    key_codes = Codes()
    key_of = np.fromiter(map(key_codes.__getitem__, map(event_key, events)), np.int64, n)
    on_item = pos >= 0
    idx = np.flatnonzero(on_item & eligible[np.where(on_item, pos, 0)])
    if not len(idx):
        return None
    epos = pos[idx]
    n_keys = max(len(key_codes), 1)
    pair = item_kr[epos] * n_keys + key_of[idx]
    size = len(kr_list) * n_keys
    if size <= 4 * len(pair) + 4096:
        # few enough (kind, route, key) combinations: numbered by a table, no sort
        present = np.zeros(size, dtype=bool)
        present[pair] = True
        pairs = np.flatnonzero(present)
        number = np.cumsum(present) - 1
        pair_of = number[pair]
        # one event of each pair (any: the pair decides its value)
        some = np.empty(size, dtype=np.int64)
        some[pair] = np.arange(len(pair))
        first_of_pair = some[pairs]
    else:
        pairs, first_of_pair, pair_of = np.unique(pair, return_index=True, return_inverse=True)
    # ---- per distinct (kind, route, event key): the value, as the item stage has it
    n_pairs = len(pairs)
    s = rs.settings
    # the settings that keep one outcome of several, the best by (points, date, id):
    # type -> (setting, the reason given to the others)
    highest: dict[str, tuple[str, tuple[str, str, Decimal]]] = {}
    if s["multi_adoption"] == "highest":
        highest["adoption"] = (
            "multi_adoption",
            ("同一稿件仅计最高", "highest adoption only", _ZERO),
        )
    if s["multi_publication"] == "highest":
        highest["publication"] = (
            "multi_publication",
            ("同一稿件仅计最高", "highest publication only", _ZERO),
        )
    bonus = s["endorsement_mode"] == "bonus"
    if not bonus and s["multi_endorsement"] == "highest":
        highest["endorsement"] = (
            "multi_endorsement",
            ("多次批示仅计最高", "highest endorsement only", _ZERO),
        )
    late_values = {"report": rs.report_late, "submission": rs.submission_late}
    # per pair, and per extra pair (a value dropped by ``highest``, a late report's
    # deduction) appended after them
    p_calc: list[Calc | None] = []
    p_gross: list[Decimal] = []
    p_plain: list[bool] = []
    p_bit: list[int] = []
    p_adopt: list[int] = []
    p_type: list[int] = []  # 1 adoption, 2 publication, 3 endorsement
    p_fold: list[int] = []
    p_each: list[bool] = []
    p_due: list[int] = []  # the ordinal of the day a report was due, or -1
    p_late: list[int] = []  # the extra pair of its late deduction, or -1
    p_dropped: list[int] = []  # the extra pair of its dropped value, or -1
    p_setting: list[int] = []  # 1 + the index of its ``highest`` setting, or 0
    folds = Codes()
    fold_names: list[str] = []
    settings_in_play = list(highest)
    late_pair: dict[str, int] = {}

    def add(calc: Calc | None, gross: Decimal, ok: bool, bit: int, adopted: int, etype: str) -> int:
        sign, _digits, exp = gross.as_tuple()
        # a negative zero would sum differently; such a value keeps its item ordinary
        p_calc.append(calc)
        p_gross.append(gross)
        p_plain.append(ok and isinstance(exp, int) and not (sign and not gross))
        p_bit.append(bit)
        p_adopt.append(adopted)
        p_type.append(_TYPES.get(etype, 0))
        code = folds[calc.fold if calc is not None else ""]
        if code == len(fold_names):
            fold_names.append(calc.fold if calc is not None else "")
        p_fold.append(code)
        p_each.append(calc is not None and calc.each_unit)
        p_due.append(-1)
        p_late.append(-1)
        p_dropped.append(-1)
        p_setting.append(0)
        return len(p_calc) - 1

    extra: list[tuple[int, Calc, str]] = []  # (pair, its dropped or late calc, type)
    for p in range(n_pairs):
        e = events[int(idx[first_of_pair[p]])]
        kind, route, fast = kr_list[int(pairs[p]) // n_keys]
        key = event_key(e)
        h = fast.get(key)
        if h is None:
            h = hit(e, kind, route, fast, key)
        calc, bit, adopted, gross, _fold, is_plain, etype = h
        if not is_plain and calc is not None and calc.note is None:
            # what the item stage's general path does for these items is done here:
            # a combined adoption's fixed value to each unit (shares are summed below),
            # a report delivered late (its deduction is one more line), endorsements
            is_plain = etype in _TYPES_HERE and not (bonus and etype == "endorsement")
        add(calc, gross, bool(is_plain), bit, adopted, etype)
        if not p_plain[p] or calc is None:
            continue
        if e.due is not None and etype in late_values:
            p_due[p] = e.due.toordinal()
            late = late_values[etype]
            if late is not None:
                found = late_pair.get(etype, -1)
                if found < 0:
                    # the clause and value of every late report's deduction (its
                    # label, which names the days, is the item stage's)
                    late_calc = _fixed_calc(rs, f"{etype}.late", ("迟报", "late report"), late)
                    found = late_pair[etype] = n_pairs + len(extra)
                    extra.append((p, late_calc, etype))
                p_late[p] = found
        if etype in highest and gross > 0:
            setting, factor = highest[etype]
            p_setting[p] = 1 + settings_in_play.index(etype)
            p_dropped[p] = n_pairs + len(extra)
            extra.append((p, _with_factor(rs, calc, factor, setting), etype))
    # the extra pairs, numbered after the pairs in the order they were asked for
    for _p, calc, etype in extra:
        add(calc, calc.gross, True, 0, 0, etype)
    for q, (p, calc, etype) in enumerate(extra, start=n_pairs):
        p_bit[q] = _hit(calc, etype)[1]
        p_adopt[q] = 1 if calc.category == "adoption" else 0
        if not p_plain[q]:
            p_plain[p] = False  # its item keeps the ordinary path
    n_all = len(p_calc)
    plain = np.array(p_plain, dtype=bool)
    tbit = np.array(p_bit, dtype=np.int64)
    adopt = np.array(p_adopt, dtype=np.int64)
    counts_as = np.array(p_type, dtype=np.int64)
    fold_code = np.array(p_fold, dtype=np.int64)
    each_unit = np.array(p_each, dtype=bool)
    due_day = np.array(p_due, dtype=np.int64)
    late_of = np.array(p_late, dtype=np.int64)
    dropped_of = np.array(p_dropped, dtype=np.int64)
    setting_of = np.array(p_setting, dtype=np.int64)
    exponent = np.zeros(n_all, dtype=np.int64)
    for p in range(n_all):
        exp = p_gross[p].as_tuple().exponent
        exponent[p] = exp if isinstance(exp, int) else 0
    calcs = p_calc
    grosses = p_gross
    scale = max(0, -int(exponent[plain].min())) if plain.any() else 0
    scaled = np.zeros(n_all, dtype=np.int64)
    biggest = 0
    for p in range(n_all):
        if plain[p]:
            value = int(grosses[p].scaleb(scale))
            biggest = max(biggest, abs(value))
            scaled[p] = value
    if biggest * 2 * n >= _LIMIT:
        return None
    # ---- per item: all plain, and no setting that looks at several outcomes in a way
    # not done here
    ev_plain = plain[pair_of]
    not_plain = np.bincount(epos, weights=~ev_plain, minlength=n_items)
    ok = eligible & (not_plain == 0)
    kinds_of = counts_as[pair_of]
    settings = np.zeros(n_items, dtype=bool)
    if rs.item_settings_active:
        settings |= np.bincount(epos, weights=kinds_of == 1, minlength=n_items) > 0
    for setting, code in (("multi_adoption", 1), ("multi_publication", 2)):
        if s[setting] not in ("sum", "highest"):
            settings |= np.bincount(epos, weights=kinds_of == code, minlength=n_items) > 1
    ok &= ~settings
    if not ok.any():
        return None
    take = ok[epos]
    idx = idx[take]
    epos = epos[take]
    pair_of = pair_of[take]
    m = len(idx)
    if m > n // 2:
        dates = np.fromiter(map(_TO_ORDINAL, map(_DATE, events)), np.int64, n)[idx]
    else:
        dates = np.fromiter(
            map(_TO_ORDINAL, map(_DATE, map(events.__getitem__, idx.tolist()))), np.int64, m
        )
    # ---- several adoptions (publications, endorsements) of an item, the best only
    cand = np.flatnonzero(setting_of[pair_of] > 0)
    if len(cand):
        group = epos[cand] * 4 + setting_of[pair_of[cand]]
        order = np.lexsort((dates[cand], -scaled[pair_of[cand]], group))
        g_sorted = group[order]
        starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        best = order[starts]
        g_pts = scaled[pair_of[cand[order]]]
        g_day = dates[cand[order]]
        for t in np.flatnonzero(sizes > 1).tolist():
            a = int(starts[t])
            b = a + 1
            while b < a + int(sizes[t]) and g_pts[b] == g_pts[a] and g_day[b] == g_day[a]:
                b += 1
            if b > a + 1:  # the same points on the same day: the smallest id
                best[t] = min(order[a:b].tolist(), key=lambda c: (events[int(idx[cand[c]])].id, c))
        several_of = np.repeat(sizes > 1, sizes)
        keep = np.zeros(len(cand), dtype=bool)
        keep[best] = True
        drop = cand[order[several_of & ~keep[order]]]
        pair_of[drop] = dropped_of[pair_of[drop]]
    # ---- late reports: one more row, right after the report's own
    origin = np.arange(m, dtype=np.int64)
    sub = np.zeros(m, dtype=np.int64)
    due = due_day[pair_of]
    late_rows = np.flatnonzero((due >= 0) & (dates > due) & (late_of[pair_of] >= 0))
    if len(late_rows):
        idx = np.r_[idx, idx[late_rows]]
        epos = np.r_[epos, epos[late_rows]]
        pair_of = np.r_[pair_of, late_of[pair_of[late_rows]]]
        dates = np.r_[dates, dates[late_rows]]
        origin = np.r_[origin, late_rows]
        sub = np.r_[sub, np.ones(len(late_rows), dtype=np.int64)]
        m = len(idx)

    def tie_key(j: int) -> tuple[str, int, int]:
        # rows of one item on one day: by id, then input order, a late deduction
        # right after its report, as the item stage orders them
        return (events[int(idx[j])].id, int(origin[j]), int(sub[j]))

    def tie_columns(rows: I64) -> tuple[list[str], I64, I64]:
        # what ``tie_key`` compares, for many rows at once
        ids = list(map(_ID, map(events.__getitem__, idx[rows].tolist())))
        return (ids, origin[rows], sub[rows])

    # ---- tallies: the first counted event of each type of an item, by (date, id)
    tally = np.zeros(m, dtype=np.int64)
    bits = tbit[pair_of]
    counted = np.flatnonzero(bits > 0)
    if len(counted):
        bit_index = np.zeros(int(bits.max()) + 1, dtype=np.int64)
        for b, i in _BIT_INDEX.items():
            if b < len(bit_index):
                bit_index[b] = i
        group = epos[counted] * 8 + bit_index[bits[counted]]
        day = dates[counted]
        # each group's first day, then the events on it: most groups have one
        first_day = np.full(n_items * 8, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first_day, group, day)
        on_first = np.flatnonzero(day == first_day[group])
        on_group = group[on_first]
        alone = np.bincount(on_group, minlength=n_items * 8)[on_group] == 1
        tally[counted[on_first[alone]]] = 1
        # several events of the group on its first day: the smallest id wins
        tied = on_first[~alone]
        if len(tied):
            order = np.argsort(group[tied], kind="stable")
            g_sorted = group[tied][order]
            starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]]).tolist()
            rows = counted[tied[order]].tolist()
            for a, b in zip(starts, [*starts[1:], len(rows)], strict=True):
                tally[min(rows[a:b], key=tie_key)] = 1
        del bits, counted, group, day, first_day, on_first, on_group, alone
    # ---- granules (months, or days when a rule works by weeks)
    day0 = int(dates.min())
    days = np.flatnonzero(np.bincount(dates - day0)) + day0
    granule_codes = Codes()
    granules: list[datetime.date] = []
    granule_of_day = np.zeros(int(days[-1]) - day0 + 1, dtype=np.int64)
    for ordinal in days.tolist():
        date = datetime.date.fromordinal(ordinal)
        g = date if rs.uses_weeks else date.replace(day=1)
        code = granule_codes[g]
        if code == len(granules):
            granules.append(g)
        granule_of_day[ordinal - day0] = code
    gran = granule_of_day[dates - day0]
    # arrays of the events no longer needed: a million rows each
    del pos, key_of, on_item, pair, ev_plain, kinds_of, take, due
    n_gran = max(len(granules), 1)
    unit_names = unit_codes  # grows with the units of shared items below
    one = np.flatnonzero(simple[epos])  # events of items with one unit and one person
    o_pos = epos[one]
    o_pair = pair_of[one]
    several = np.flatnonzero(~simple[epos])
    # ---- items with several units or persons: their shares, by columns
    shared_sums: _SharedSums | None = None
    loop_rows = several
    if len(several):
        shared_sums = _shared_columns(
            rs,
            _item_order(several, epos, dates, tie_key, tie_columns),
            epos,
            pair_of,
            tally,
            gran,
            scaled,
            scale,
            biggest,
            exponent,
            each_unit,
            adopt,
            calcs,
            folds,
            fold_names,
            shared_rc,
            unit_codes,
            person_codes,
            n_items,
        )
        if shared_sums is not None:
            loop_rows = several[:0]
    total_scale = shared_sums.scale if shared_sums is not None else scale
    lift = 10 ** (total_scale - scale)
    n_folds = max(len(fold_names), 1)
    # ---- unit sums per (unit, granule, clause and sign)
    u_code = item_unit[o_pos]
    u_gran = gran[one]
    u_fold = fold_code[o_pair]
    u_pts = scaled[o_pair] * lift
    u_exp = exponent[o_pair]
    u_tally = tally[one]
    u_pair = o_pair
    if shared_sums is not None:
        s_u = shared_sums.units
        u_code, u_gran, u_fold, u_pts, u_exp, u_tally, u_pair = (
            np.r_[a, b]
            for a, b in zip(
                (u_code, u_gran, u_fold, u_pts, u_exp, u_tally, u_pair), s_u, strict=True
            )
        )
        shared_sums.units = ()
        del s_u
    key = (u_code * n_gran + u_gran) * n_folds + u_fold
    del u_code, u_gran, u_fold
    names = list(unit_names)
    keys, some_pair, totals, ties, lines, lows = _grouped(key, u_pair, u_pts, u_tally, u_exp)
    u, rest = np.divmod(keys, n_gran * n_folds)
    gk, f = np.divmod(rest, n_folds)
    units_out: dict[tuple[str, datetime.date, str], list[Any]] = dict(
        zip(
            zip(
                map(names.__getitem__, u.tolist()),
                map(granules.__getitem__, gk.tolist()),
                map(fold_names.__getitem__, f.tolist()),
                strict=True,
            ),
            map(
                list,
                zip(
                    map(calcs.__getitem__, some_pair.tolist()),
                    _decimals(totals, total_scale, lows),
                    ties.tolist(),
                    lines.tolist(),
                    strict=True,
                ),
            ),
            strict=True,
        )
    )
    # ---- person sums per (person, granule)
    p_code = item_person[o_pos]
    p_gran = gran[one]
    p_pts = scaled[o_pair] * lift
    p_exp = exponent[o_pair]
    p_adopted = tally[one] & adopt[o_pair]
    if shared_sums is not None:
        p_code, p_gran, p_pts, p_exp, p_adopted = (
            np.r_[a, b]
            for a, b in zip(
                (p_code, p_gran, p_pts, p_exp, p_adopted), shared_sums.persons, strict=True
            )
        )
        shared_sums.persons = ()
    key = p_code * n_gran + p_gran
    del p_code, p_gran
    names = list(person_codes)
    keys, _pair, totals, adopted_n, _lines, lows = _grouped(key, key, p_pts, p_adopted, p_exp)
    pcode, gk = np.divmod(keys, n_gran)
    persons_out: dict[tuple[str, datetime.date], list[Any]] = dict(
        zip(
            zip(
                map(names.__getitem__, pcode.tolist()),
                map(granules.__getitem__, gk.tolist()),
                strict=True,
            ),
            map(list, zip(_decimals(totals, total_scale, lows), adopted_n.tolist(), strict=True)),
            strict=True,
        )
    )
    # ---- each person's first plain item (the unit a person is shown under)
    taken = np.flatnonzero(ok & simple)
    f_person = item_person[taken]
    f_item = taken
    at_chosen = np.searchsorted(chosen, taken)
    n_taken = len(taken)
    f_unit: list[str] = []
    if shared_sums is not None:
        f_person = np.r_[f_person, np.array(shared_sums.first_person, dtype=np.int64)]
        f_item = np.r_[f_item, np.array(shared_sums.first_item, dtype=np.int64)]
        f_unit = shared_sums.first_unit
    first: dict[str, tuple[int, str]] = {}
    if len(f_person):
        order = np.lexsort((f_item, f_person))
        fp = f_person[order]
        starts = np.flatnonzero(np.r_[True, fp[1:] != fp[:-1]])
        for j in order[starts].tolist():
            if j < n_taken:
                # the unit a person is shown under: their own, or the item's
                c = int(at_chosen[j])
                unit = person_units[c] or unit_ids[c]
            else:
                unit = f_unit[j - n_taken]
            first[names[int(f_person[j])]] = (int(f_item[j]), unit)
    lines_made = 2 * len(one) + (shared_sums.lines if shared_sums is not None else 0)
    if len(loop_rows):
        lines_made += _add_shared(
            rs,
            loop_rows,
            idx.tolist(),
            events,
            epos,
            dates,
            pair_of,
            tally,
            gran,
            granules,
            calcs,
            grosses,
            [fold_names[f] for f in fold_code.tolist()],
            adopt.tolist(),
            each_unit.tolist(),
            tie_key,
            {k: recipients(items[k]) for k in shared_rc.items.tolist()},
            shares,
            units_out,
            persons_out,
            first,
        )
    # ---- the rows of items with one unit and one person, in the item stage's order
    made_here = np.bincount(epos[pair_of >= n_pairs], minlength=n_items) > 0
    mine = one[~made_here[epos[one]]]
    rows = None
    if len(mine):
        ordered = _item_order(mine, epos, dates, tie_key, tie_columns)
        rows = Rows(
            np.searchsorted(epos[ordered], np.arange(n_items + 1)).tolist(),
            idx[ordered].tolist(),
            pair_of[ordered].tolist(),
            tally[ordered].tolist(),
            calcs,
        )
    return Plain(ok.tolist(), lines_made, units_out, persons_out, first, rows)


def _item_order(rows: I64, epos: I64, dates: I64, tie_key: Any, ties: Any = None) -> I64:
    """``rows`` in the item stage's order: by item, date, then ``tie_key`` (id …).

    ``ties(rows)``, when given, returns the ids, input positions and late-row marks of
    ``rows`` (what ``tie_key`` compares), so that rows of one item on one day are
    ordered by one sort of all of them instead of one ``sorted`` per day."""
    day = dates[rows]
    low = int(day.min())
    # rows come mostly by item already: a stable sort (timsort) finds them in order
    order = rows[np.argsort(epos[rows] * (int(day.max()) - low + 1) + (day - low), kind="stable")]
    ep = epos[order]
    day = dates[order]
    same = (ep[1:] == ep[:-1]) & (day[1:] == day[:-1])
    if not same.any():
        return order
    if ties is not None:
        at = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
        block = (np.cumsum(np.r_[True, ~same]) - 1)[at]
        tied = order[at]
        ids, origin, sub = ties(tied)
        # numpy orders strings by code point as Python does, but drops trailing NULs
        if "\x00" not in "".join(ids):
            _found, rank = np.unique(np.array(ids, dtype=str), return_inverse=True)
            order[at] = tied[np.lexsort((sub, origin, rank.ravel(), block))]
            return order
    in_order: list[int] = order.tolist()
    tie = np.flatnonzero(same).tolist()
    at_tie = 0
    while at_tie < len(tie):
        start = end = tie[at_tie]
        while at_tie < len(tie) and tie[at_tie] == end:
            end += 1
            at_tie += 1
        in_order[start : end + 1] = sorted(in_order[start : end + 1], key=tie_key)
    return np.array(in_order, dtype=np.int64)


@dataclass
class _SharedRecipients:
    """The recipients of the items with several units or persons (``items``,
    ascending), as ``recipients`` has them, in columns: per side (0 units, 1 persons)
    each item's chosen recipients (``ids[side][start[side][i]:][:count[side][i]]`` for
    the i-th item, in the order of the split) and the signature of its split
    (``sig[side][i]``: the number chosen and their weights are ``shapes[side][sig]``);
    the unit each chosen person is shown under (``person_units``, aligned with
    ``ids[1]``)."""

    items: I64
    start: tuple[I64, I64]
    count: tuple[I64, I64]
    ids: tuple[list[str], list[str]]
    sig: tuple[I64, I64]
    # per side, per signature: (the number chosen, their weights)
    shapes: tuple[list[tuple[int, tuple[int, ...]]], list[tuple[int, tuple[int, ...]]]]
    person_units: list[str]


def _segments(starts: I64, counts: I64) -> I64:
    """The positions ``starts[i] .. starts[i] + counts[i] - 1`` of every i, in order."""
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.repeat(starts - (ends - counts), counts) + np.arange(total, dtype=np.int64)


def _signatures(
    tuples: list[tuple[Any, ...]], weights: list[Any], off: I64, lens: I64
) -> tuple[I64, list[tuple[Any, ...]]]:
    """Per item (its shares ``tuples[i]``, their weights ``weights[off[i]:][:lens[i]]``):
    the number of its distinct weights tuple, and those tuples. Each weight is numbered
    (a Decimal's hash is kept), an item's numbers read as the digits of one integer."""
    n = len(tuples)
    codes = Codes()
    digit = np.fromiter(map(codes.__getitem__, weights), np.int64, len(weights)) + 1
    base = len(codes) + 1
    longest = int(lens.max()) if n else 0
    if base ** (longest + 1) >= _LIMIT:  # too many digits: the tuples themselves
        numbered = Codes()
        sig = np.fromiter(
            map(numbered.__getitem__, map(tuple, map(map, repeat(_WEIGHT), tuples))), np.int64, n
        )
        return sig, list(numbered)
    place = np.arange(len(weights), dtype=np.int64) - np.repeat(off, lens)
    # the running sums may wrap around; their differences, each below 2**62, are exact
    # (integers modulo 2**64)
    running = np.r_[0, np.cumsum(digit * base**place)]
    number = running[off + lens] - running[off]
    _found, first, sig = np.unique(number, return_index=True, return_inverse=True)
    distinct = [tuple(weights[int(off[i]) : int(off[i] + lens[i])]) for i in first.tolist()]
    return sig.ravel().astype(np.int64), distinct


def _shared_recipients(
    cand: I64,
    units_of: list[tuple[Any, ...]],
    persons_of: list[tuple[Any, ...]],
    known_units: frozenset[str],
    split: Any,
    person_mode: str,
) -> _SharedRecipients:
    """The items of ``cand`` whose units the period data all knows (and that have one),
    with their recipients as ``recipients`` splits them: one split per distinct
    weights of a side, the chosen ones picked for all items at once."""
    ks = cand.tolist()
    u_tuples = list(map(units_of.__getitem__, ks))
    u_len = np.fromiter(map(len, u_tuples), np.int64, len(ks))
    u_flat = list(chain.from_iterable(u_tuples))
    u_ids = list(map(_ID, u_flat))
    known = np.fromiter(map(known_units.__contains__, u_ids), bool, len(u_ids))
    unknown = np.bincount(np.repeat(np.arange(len(ks)), u_len), weights=~known, minlength=len(ks))
    keep = (u_len > 0) & (unknown == 0)
    if not keep.all():
        flat_keep = np.repeat(keep, u_len).tolist()
        u_ids = list(compress(u_ids, flat_keep))
        u_flat = list(compress(u_flat, flat_keep))
        u_tuples = list(compress(u_tuples, keep.tolist()))
        cand = cand[keep]
        ks = cand.tolist()
        u_len = u_len[keep]
    n = len(ks)
    p_tuples = list(map(persons_of.__getitem__, ks))
    p_len = np.fromiter(map(len, p_tuples), np.int64, n)
    p_flat = list(chain.from_iterable(p_tuples))
    p_ids = list(map(_ID, p_flat))
    u_off = np.cumsum(u_len) - u_len
    p_off = np.cumsum(p_len) - p_len
    first_unit = list(map(u_ids.__getitem__, u_off.tolist()))

    def unit_split(weights: tuple[Any, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if len(weights) == 1:
            return ((0,), ())
        found: tuple[tuple[int, ...], tuple[int, ...]] = split("units", weights)
        return found

    def person_split(weights: tuple[Any, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if len(weights) == 1 and person_mode != "none" and weights[0] > 0:
            return ((0,), ())
        found: tuple[tuple[int, ...], tuple[int, ...]] = split("persons", weights)
        return found

    starts: list[I64] = []
    counts: list[I64] = []
    chosen_ids: list[list[str]] = []
    sigs: list[I64] = []
    shapes: list[list[tuple[int, tuple[int, ...]]]] = []
    picked: list[I64] = []
    for tuples, flat, off, lens, flat_ids, splitter in (
        (u_tuples, u_flat, u_off, u_len, u_ids, unit_split),
        (p_tuples, p_flat, p_off, p_len, p_ids, person_split),
    ):
        sig, distinct = _signatures(tuples, list(map(_WEIGHT, flat)), off, lens)
        splits = list(map(splitter, distinct))
        ats = [np.array(a, dtype=np.int64) for a, _wt in splits]
        shapes.append([(len(a), wt) for a, wt in splits])
        count = np.array([len(a) for a in ats], dtype=np.int64)[sig] if n else sig
        start = np.cumsum(count) - count
        at = np.zeros(int(count.sum()), dtype=np.int64)
        for code, a in enumerate(ats):
            if not len(a):
                continue
            these = np.flatnonzero(sig == code)
            at[(start[these][:, None] + np.arange(len(a))).ravel()] = (
                off[these][:, None] + a[None, :]
            ).ravel()
        starts.append(start)
        counts.append(count)
        sigs.append(sig)
        picked.append(at)
        chosen_ids.append(list(map(flat_ids.__getitem__, at.tolist())))
    # the unit a chosen person is shown under: their own, or the item's first
    p_at = picked[1].tolist()
    owner = np.repeat(np.arange(n), counts[1]).tolist()
    own = list(map(_UNIT, map(p_flat.__getitem__, p_at)))
    person_units = [u or first_unit[i] for u, i in zip(own, owner, strict=True)]
    # a person named twice: the unit of the last mention, as ``recipients`` has it
    several = np.flatnonzero(p_len > 1)
    if len(several):
        numbered = Codes()
        seg = np.repeat(np.arange(n), p_len)
        seg = seg[(p_len > 1)[seg]]
        pcode = np.fromiter(
            map(
                numbered.__getitem__,
                map(p_ids.__getitem__, np.flatnonzero(np.repeat(p_len > 1, p_len)).tolist()),
            ),
            np.int64,
            len(seg),
        )
        both = np.lexsort((pcode, seg))
        twice = both[1:][(seg[both[1:]] == seg[both[:-1]]) & (pcode[both[1:]] == pcode[both[:-1]])]
        for i in np.unique(seg[twice]).tolist():
            persons = p_tuples[i]
            by_id = {p.id: (p.unit or first_unit[i]) for p in persons}
            begin = int(starts[1][i])
            for j in range(begin, begin + int(counts[1][i])):
                person_units[j] = by_id[chosen_ids[1][j]]
    return _SharedRecipients(
        cand,
        (starts[0], starts[1]),
        (counts[0], counts[1]),
        (chosen_ids[0], chosen_ids[1]),
        (sigs[0], sigs[1]),
        (shapes[0], shapes[1]),
        person_units,
    )


@dataclass
class _SharedSums:
    """What the items with several units or persons add, row by recipient, at
    ``scale``: units (code, granule, fold, points, exponent, tally, pair), persons
    (code, granule, points, exponent, adopted), the lines, each person's items (code,
    item, unit)."""

    scale: int
    units: tuple[I64, ...]
    persons: tuple[I64, ...]
    lines: int
    first_person: list[int]
    first_item: list[int]
    first_unit: list[str]


def _allocated(
    total: I64, exp: I64, weights: tuple[int, ...], quantum: int, q_exp: int
) -> tuple[I64, I64]:
    """``allocation.allocate`` of each of ``total`` (integers at a common scale, their
    Decimal exponents ``exp``) by ``weights`` in multiples of ``quantum``: the parts
    (rows × weights) and their exponents. A part of a negative total is negated as
    ``allocate`` does (``-Decimal("0.00")`` is ``0.00``, never a negative zero)."""
    rows = len(total)
    n = len(weights)
    if n == 1:
        return total[:, None], exp[:, None]
    w = np.array(weights, dtype=np.int64)
    w_sum = int(w.sum())
    if w_sum <= 0:
        w = np.ones(n, dtype=np.int64)
        w_sum = n
    negative = total < 0
    amount = np.abs(total)
    pieces = amount // quantum
    residue = amount - pieces * quantum
    product = pieces[:, None] * w[None, :]
    floors = product // w_sum
    remainders = product % w_sum
    left = pieces - floors.sum(axis=1)
    # the pieces left over go to the largest remainders, earlier position first
    order = np.argsort(-remainders, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(n), order.shape), axis=1)
    floors += rank < left[:, None]
    parts = floors * quantum
    at = np.arange(rows)
    parts[at, order[:, 0]] += residue
    exps = np.full((rows, n), q_exp, dtype=np.int64)
    exps[at, order[:, 0]] = np.minimum(q_exp, exp)
    parts[negative] *= -1
    return parts, exps


def _shared_columns(
    rs: RuleSet,
    in_order: I64,
    epos: I64,
    pair_of: I64,
    tally: I64,
    gran: I64,
    scaled: I64,
    scale: int,
    biggest: int,
    exponent: I64,
    each_unit: npt.NDArray[np.bool_],
    adopt: I64,
    calcs: list[Calc | None],
    folds: Codes,
    fold_names: list[str],
    recipients: _SharedRecipients,
    unit_codes: Codes,
    person_codes: Codes,
    n_items: int,
) -> _SharedSums | None:
    """The item stage's shares of items with several units or persons (rounded once
    per item or per event, a combined adoption whole to each unit), for all their rows
    (``in_order``: the item stage's order) at once; None when the integers could
    overflow (the loop then takes them all)."""
    quantum = rs.share_quantum
    q_exp = quantum.as_tuple().exponent
    if not isinstance(q_exp, int):
        return None
    total_scale = max(scale, -q_exp)
    lift = 10 ** (total_scale - scale)
    q = int(quantum.scaleb(total_scale))
    order = in_order
    ep = epos[order]
    # ---- per item: its recipients, grouped by their number and weights
    new_item = np.r_[True, ep[1:] != ep[:-1]]
    at_items = ep[new_item]
    which = np.searchsorted(recipients.items, at_items)
    item_group = [np.zeros(n_items, dtype=np.int64), np.zeros(n_items, dtype=np.int64)]
    # per item: where its recipients' codes start in ``codes[side]``
    item_start = [np.zeros(n_items, dtype=np.int64), np.zeros(n_items, dtype=np.int64)]
    codes: list[I64] = []
    group_shapes: list[list[tuple[int, tuple[int, ...]]]] = []
    for side, numbered in ((0, unit_codes), (1, person_codes)):
        count = recipients.count[side][which]
        at = _segments(recipients.start[side][which], count)
        ids = recipients.ids[side]
        # numbered in the order of the items, each item's in the order of its split
        codes.append(
            np.fromiter(
                map(numbered.__getitem__, map(ids.__getitem__, at.tolist())), np.int64, len(at)
            )
        )
        item_start[side][at_items] = np.cumsum(count) - count
        # the groups by (number, weights), numbered in the order of first sight
        sig = recipients.sig[side][which]
        group_keys = Codes()
        sig_group = np.array(
            list(map(group_keys.__getitem__, recipients.shapes[side])), dtype=np.int64
        )
        raw = sig_group[sig]
        found, first_at = np.unique(raw, return_index=True)
        seen_order = found[np.argsort(first_at)]
        renumber = np.zeros(len(group_keys), dtype=np.int64)
        renumber[seen_order] = np.arange(len(found))
        item_group[side][at_items] = renumber[raw]
        shapes = list(group_keys)
        group_shapes.append([shapes[k] for k in seen_order.tolist()])
        if side == 1:
            first_person = codes[1].tolist()
            first_item = np.repeat(at_items, count).tolist()
            first_unit = list(map(recipients.person_units.__getitem__, at.tolist()))
    has_weights = np.zeros(n_items, dtype=bool)
    if recipients.shapes[0]:
        weighted = np.array([bool(wt) for _n, wt in recipients.shapes[0]], dtype=bool)
        has_weights[at_items] = weighted[recipients.sig[0][which]]
    biggest_weight = max(
        [1, *(max(max(wt), len(wt)) for side in (0, 1) for _n, wt in group_shapes[side] if wt)]
    )
    if biggest * lift * (len(order) + 1) * biggest_weight * 4 >= _LIMIT:
        return None
    # ---- per row: its points, and the item's points before it (rounding per item)
    pr = pair_of[order]
    g = scaled[pr] * lift
    ex = exponent[pr]
    each = each_unit[pr] & has_weights[ep]
    seg = np.cumsum(new_item) - 1
    if rs.per_item_shares:
        part = np.where(each, 0, g)
        running = np.cumsum(part)
        before = running - part
        before -= before[new_item][seg]
        # the exponent of the running total (Decimal 0 plus the points so far)
        big = 1000
        step = np.minimum(np.where(each, 0, ex), 0) - seg * big
        upto = np.minimum.accumulate(step) + seg * big
        exp_before = np.r_[0, upto[:-1]]
        exp_before[new_item] = 0
    else:
        before = np.zeros(len(order), dtype=np.int64)
        exp_before = np.zeros(len(order), dtype=np.int64)
    nothing_before = before == 0  # split afresh (``shares`` with nothing before)
    unit_out: list[list[I64]] = [[] for _ in range(7)]
    person_out: list[list[I64]] = [[] for _ in range(5)]
    # per pair: its fold under each sign of a share (-1, 0, +1)
    signed = np.array(
        [
            [folds[f"{calc.clause} {sign:+d}"] if calc is not None else 0 for sign in (-1, 0, 1)]
            for calc in calcs
        ],
        dtype=np.int64,
    ).reshape(len(calcs), 3)
    while len(fold_names) < len(folds):
        fold_names.append(list(folds)[len(fold_names)])
    for side in (0, 1):
        for code, (n, wt) in enumerate(group_shapes[side]):
            if not n:
                continue
            rows = np.flatnonzero(item_group[side][ep] == code)
            if not len(rows):
                continue
            who = codes[side][item_start[side][ep[rows]][:, None] + np.arange(n)]
            gr = g[rows]
            if not wt:
                values = np.repeat(gr[:, None], n, axis=1)
                exps = np.repeat(ex[rows][:, None], n, axis=1)
            else:
                whole = each[rows] if side == 0 else np.zeros(len(rows), dtype=bool)
                b = np.where(each[rows], 0, before[rows])
                fresh = nothing_before[rows] | each[rows]
                t = gr + b
                t_exp = np.where(fresh, ex[rows], np.minimum(exp_before[rows], ex[rows]))
                values, exps = _allocated(t, t_exp, wt, q, q_exp)
                old = np.flatnonzero(~fresh)
                if len(old):
                    b_parts, b_exps = _allocated(b[old], exp_before[rows][old], wt, q, q_exp)
                    values[old] -= b_parts
                    exps[old] = np.minimum(exps[old], b_exps)
                if whole.any():
                    # a combined adoption: its fixed value whole to each unit
                    values[whole] = gr[whole][:, None]
                    exps[whole] = ex[rows][whole][:, None]
            r = order[rows]
            flat_rows = np.repeat(np.arange(len(rows)), n)
            at = rows[flat_rows]  # each share's row
            v = values.ravel()
            e = exps.ravel()
            if side == 0:
                for out, column in zip(
                    unit_out,
                    (
                        who.ravel(),
                        gran[r][flat_rows],
                        signed[pr[at], np.sign(v) + 1],
                        v,
                        e,
                        tally[r][flat_rows],
                        pr[at],
                    ),
                    strict=True,
                ):
                    out.append(column)
            else:
                adopted = tally[r] & adopt[pr[rows]]
                for out, column in zip(
                    person_out,
                    (who.ravel(), gran[r][flat_rows], v, e, adopted[flat_rows]),
                    strict=True,
                ):
                    out.append(column)
    units = [np.concatenate(out) if out else np.zeros(0, dtype=np.int64) for out in unit_out]
    persons = [np.concatenate(out) if out else np.zeros(0, dtype=np.int64) for out in person_out]
    return _SharedSums(
        total_scale,
        tuple(units),
        tuple(persons),
        len(units[0]) + len(persons[0]),
        first_person,
        first_item,
        first_unit,
    )


def _add_shared(
    rs: RuleSet,
    several: I64,
    taken: list[int],
    events: Sequence[Event],
    epos: I64,
    dates: I64,
    pair_of: I64,
    tally: I64,
    gran: I64,
    granules: list[datetime.date],
    calcs: list[Calc | None],
    grosses: list[Decimal],
    fold_of: list[str],
    adopt: list[int],
    each_unit: list[bool],
    tie_key: Any,
    shared_of: dict[int, Any],
    shares: Any,
    units_out: dict[tuple[str, datetime.date, str], list[Any]],
    persons_out: dict[tuple[str, datetime.date], list[Any]],
    first: dict[str, tuple[int, str]],
) -> int:
    """Add the sums of plain items with several units or persons (``several``: their
    events among the taken ones), event by event in the item stage's order, with its
    arithmetic (shares rounded per item or per event); returns their number of lines."""
    in_order = _item_order(several, epos, dates, tie_key).tolist()
    per_item = rs.per_item_shares
    zero = Decimal(0)
    ep_l = epos.tolist()
    pair_l = pair_of.tolist()
    tally_l = tally.tolist()
    gran_l = gran.tolist()
    current = -1
    running = zero
    unit_ids: tuple[str, ...] = ()
    unit_wt: tuple[int, ...] = ()
    person_ids: tuple[str, ...] = ()
    person_wt: tuple[int, ...] = ()
    lines = 0
    for j in in_order:
        k = ep_l[j]
        if k != current:
            current = k
            running = zero
            unit_ids, unit_wt, person_ids, person_units, person_wt = shared_of[k]
            for pid, puid in zip(person_ids, person_units, strict=True):
                if pid not in first or k < first[pid][0]:
                    first[pid] = (k, puid)
        p = pair_l[j]
        calc = calcs[p]
        assert calc is not None
        gross = grosses[p]
        fold = fold_of[p]
        t = tally_l[j]
        g = granules[gran_l[j]]
        before = zero
        if each_unit[p] and unit_wt:
            # a combined adoption: its fixed value to each unit, outside the running
            # total of the item's shares
            values = [gross] * len(unit_ids)
        else:
            if per_item:
                before = running
                running += gross
            values = shares(before, gross, unit_wt) if unit_wt else [gross] * len(unit_ids)
        for uid, pts in zip(unit_ids, values, strict=True):
            # a share whose sign differs from the event's is summed by its own sign
            key = (
                uid,
                g,
                fold
                if (pts > 0) == (gross > 0) and (pts < 0) == (gross < 0)
                else fold_key(calc.clause, pts),
            )
            entry = units_out.get(key)
            if entry is None:
                units_out[key] = [calc, pts, t, 1]
            else:
                entry[1] += pts
                entry[2] += t
                entry[3] += 1
        values = shares(before, gross, person_wt) if person_wt else [gross] * len(person_ids)
        adopted = t & adopt[p]
        for pid, pts in zip(person_ids, values, strict=True):
            pentry = persons_out.get((pid, g))
            if pentry is None:
                persons_out[(pid, g)] = [pts, adopted]
            else:
                pentry[0] += pts
                pentry[1] += adopted
        lines += len(unit_ids) + len(person_ids)
    return lines


def _grouped(
    key: I64, pair_of: I64, points: I64, tally: I64, exps: I64
) -> tuple[I64, I64, I64, I64, I64, I64]:
    """Per distinct key, in key order: the key, a pair in it, the sum of points, of
    tallies, the rows, the smallest exponent."""
    if not len(key):
        empty = np.zeros(0, dtype=np.int64)
        return (empty, empty, empty, empty, empty, empty)
    size = int(key.max()) + 1
    biggest = int(np.abs(points).max())
    if int(key.min()) >= 0 and size <= 4 * len(key) + 4096 and biggest * len(key) < 2**53:
        # keys few enough for a table, sums small enough to be exact in a double:
        # counted without sorting
        counts = np.bincount(key, minlength=size)
        present = np.flatnonzero(counts)
        totals = np.bincount(key, weights=points, minlength=size)[present].astype(np.int64)
        tallied = np.bincount(key, weights=tally, minlength=size)[present].astype(np.int64)
        some = np.empty(size, dtype=np.int64)
        some[key] = pair_of
        low = np.zeros(size, dtype=np.int64)
        found = np.zeros(size, dtype=bool)
        for exp in range(int(exps.min()), int(exps.max()) + 1):  # smallest first
            among = exps == exp
            if not among.any():
                continue
            has = np.bincount(key[among], minlength=size) > 0
            low[has & ~found] = exp
            found |= has
        return (present, some[present], totals, tallied, counts[present], low[present])
    order = np.argsort(key)
    ks = key[order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    return (
        ks[starts],
        pair_of[order[starts]],
        np.add.reduceat(points[order], starts),
        np.add.reduceat(tally[order], starts),
        np.diff(np.r_[starts, len(order)]),
        np.minimum.reduceat(exps[order], starts),
    )


def _decimals(scaled: I64, scale: int, exponents: I64) -> list[Decimal]:
    """``_decimal`` of each: ``scaled / 10**scale`` written with its exponent."""
    out: list[Decimal] = [_ZERO] * len(scaled)
    values = scaled.tolist()
    for exp in np.unique(exponents).tolist():
        at = np.flatnonzero(exponents == exp).tolist()
        shift = scale + exp
        if shift >= 0:
            # every addend was a multiple of 10**shift: the division is exact
            these = (scaled[at] // 10**shift).tolist() if shift else [values[j] for j in at]
            made: Iterable[Decimal] = map(Decimal.scaleb, map(Decimal, these), repeat(exp))
        else:
            made = (_decimal(values[j], scale, exp) for j in at)
        for j, d in zip(at, made, strict=True):
            out[j] = d
    return out
