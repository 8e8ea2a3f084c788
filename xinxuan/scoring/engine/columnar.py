"""Columnar pre-aggregation of plain items for a full run (numpy).

Most items of a year are *plain*: their events are reports, adoptions and
publications that need no item-level setting, and they credit one unit and one person
with all of it. What the period rules and the totals need of such an item is only
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
3. items with one unit and one person: each event's points become an integer at a
   common scale (exact: Decimal points have finitely many places), the tally goes to
   the first counted event of its type per item by (date, id), exactly as the item
   stage orders them, and the sums are grouped with a sort and ``reduceat`` in 64-bit
   integers; each sum is turned back into a Decimal with the exponent the item
   stage's own additions give (the smallest exponent of the values added);
4. items with several units or persons: a lean loop over their events in the item
   stage's order adds each share (the item stage's own arithmetic: rounded once per
   item, or per event) to the same sums.

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
from operator import attrgetter
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from .model import Calc, Event, Item, fold_key
from .ruleset import RuleSet
from .scoring import _fixed_calc, _hit, _with_factor

I64 = npt.NDArray[np.int64]
_DATE = attrgetter("date")
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


class _Codes(dict[Any, int]):
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

    def __init__(self, items: list[Item], events: list[Event], positions: Iterable[int]) -> None:
        n = len(events)
        pos = np.fromiter(positions, dtype=np.int64, count=n)
        order = np.argsort(pos, kind="stable")
        in_order = pos[order]
        n_loose = int(np.searchsorted(in_order, 0))
        self.items = items
        self.all_events = events
        self.positions = pos
        self.loose = list(map(events.__getitem__, order[:n_loose].tolist()))
        self.events = list(map(events.__getitem__, order[n_loose:].tolist()))
        self.starts: list[int] = np.searchsorted(
            in_order[n_loose:], np.arange(len(items) + 1)
        ).tolist()

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
        return (self.items[k], self.events[self.starts[k] : self.starts[k + 1]])


def pre_aggregate(
    rs: RuleSet,
    runs: Runs,
    known_units: frozenset[str],
    hit: Any,
    kind_of: Any,
    event_key: Any,
    recipients: Any,
    shares: Any,
) -> Plain | None:
    """Sum the plain items of ``runs``.

    ``hit(event, kind, route, fast, key)`` values an event as the item stage does,
    ``kind_of(item)`` returns the item's effective kind and its value cache,
    ``recipients(item)`` its units and persons as the item stage splits them (ids,
    person units, integer weights), ``shares(before, gross, weights)`` the item
    stage's split of one event's points when the item had ``before`` points. Returns
    None when nothing is plain; errors in the input propagate (the caller then scores
    the run the ordinary way, which reports them in its own order)."""
    items = runs.items
    events = runs.all_events
    n_items = len(items)
    n = len(events)
    if not n_items or not n:
        return None
    person_mode = rs.settings["person_split"]
    # ---- per item: kind and route, and whether its recipients are simple
    kr_codes = _Codes()
    kr_list: list[tuple[str, str | None, dict[Any, Any]]] = []
    unit_codes = _Codes()
    person_codes = _Codes()
    item_kr = np.empty(n_items, dtype=np.int64)
    item_unit = np.full(n_items, -1, dtype=np.int64)
    item_person = np.full(n_items, -1, dtype=np.int64)
    person_unit_of: list[str] = []
    # items with several units or persons (shares): summed by a loop below
    shared = np.zeros(n_items, dtype=bool)
    shared_of: dict[int, Any] = {}
    kr_of: dict[tuple[str, int, str | None], int] = {}
    for k, item in enumerate(items):
        kr_key = (item.kind, item.char_count, item.route)
        code = kr_of.get(kr_key, -1)
        if code < 0:
            kind, fast = kind_of(item)
            code = kr_of[kr_key] = kr_codes[(kind, item.route)]
            if code == len(kr_list):
                kr_list.append((kind, item.route, fast))
        item_kr[k] = code
        units = item.units
        persons = item.persons
        if (
            len(units) == 1
            and len(persons) == 1
            and person_mode != "none"
            and persons[0].weight > 0
            and units[0].id in known_units
        ):
            only = persons[0]
            item_unit[k] = unit_codes[units[0].id]
            item_person[k] = person_codes[only.id]
            person_unit_of.append(only.unit or units[0].id)
            continue
        person_unit_of.append("")
        if units and all(u.id in known_units for u in units):
            shared[k] = True
            shared_of[k] = recipients(item)
    simple = item_unit >= 0
    eligible = simple | shared
    if not eligible.any():
        return None
    # ---- per event: its item, its key's number, its date
    pos = runs.positions
    key_codes = _Codes()
    key_of = np.fromiter(map(key_codes.__getitem__, map(event_key, events)), np.int64, n)
    on_item = pos >= 0
    idx = np.flatnonzero(on_item & eligible[np.where(on_item, pos, 0)])
    if not len(idx):
        return None
    epos = pos[idx]
    n_keys = max(len(key_codes), 1)
    pair = item_kr[epos] * n_keys + key_of[idx]
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
    folds = _Codes()
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
        order = np.lexsort((day, group))
        g_sorted = group[order]
        d_sorted = day[order]
        starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
        firsts = counted[order[starts]]
        # several events of the group on its first day: the smallest id wins
        ends = np.r_[starts[1:], len(order)]
        tied = np.flatnonzero(
            (ends - starts > 1)
            & (d_sorted[np.minimum(starts + 1, len(order) - 1)] == d_sorted[starts])
        )
        for t in tied.tolist():
            a = int(starts[t])
            b = a + 1
            while b < int(ends[t]) and d_sorted[b] == d_sorted[a]:
                b += 1
            candidates = counted[order[a:b]].tolist()
            firsts[t] = min(candidates, key=tie_key)
        tally[firsts] = 1
    # ---- granules (months, or days when a rule works by weeks)
    days, day_of = np.unique(dates, return_inverse=True)
    granule_codes = _Codes()
    granules: list[datetime.date] = []
    granule_of_day = np.empty(len(days), dtype=np.int64)
    for j, ordinal in enumerate(days.tolist()):
        date = datetime.date.fromordinal(ordinal)
        g = date if rs.uses_weeks else date.replace(day=1)
        code = granule_codes[g]
        if code == len(granules):
            granules.append(g)
        granule_of_day[j] = code
    gran = granule_of_day[day_of]
    n_gran = max(len(granules), 1)
    unit_names = list(unit_codes)
    person_names = list(person_codes)
    one = np.flatnonzero(simple[epos])  # events of items with one unit and one person
    o_pos = epos[one]
    o_pair = pair_of[one]
    o_gran = gran[one]
    o_tally = tally[one]
    points = scaled[o_pair]
    exps = exponent[o_pair]
    # ---- unit sums per (unit, granule, clause and sign)
    n_folds = max(len(fold_names), 1)
    key = (item_unit[o_pos] * n_gran + o_gran) * n_folds + fold_code[o_pair]
    units_out: dict[tuple[str, datetime.date, str], list[Any]] = {}
    for k, first_pair, total, ties, lines, low in _grouped(key, o_pair, points, o_tally, exps):
        u, rest = divmod(k, n_gran * n_folds)
        gk, f = divmod(rest, n_folds)
        units_out[(unit_names[u], granules[gk], fold_names[f])] = [
            calcs[first_pair],
            _decimal(total, scale, low),
            ties,
            lines,
        ]
    # ---- person sums per (person, granule)
    key = item_person[o_pos] * n_gran + o_gran
    persons_out: dict[tuple[str, datetime.date], list[Any]] = {}
    adopted_tally = o_tally & adopt[o_pair]
    for k, _first, total, adopted_n, _lines, low in _grouped(
        key, o_pair, points, adopted_tally, exps
    ):
        pcode, gk = divmod(k, n_gran)
        persons_out[(person_names[pcode], granules[gk])] = [_decimal(total, scale, low), adopted_n]
    # ---- each person's first plain item (the unit a person is shown under)
    first: dict[str, tuple[int, str]] = {}
    taken = np.flatnonzero(ok & simple)
    codes, at = np.unique(item_person[taken], return_index=True)
    for pcode, j in zip(codes.tolist(), at.tolist(), strict=True):
        k = int(taken[j])
        first[person_names[pcode]] = (k, person_unit_of[k])
    lines_made = 2 * len(one)
    several = np.flatnonzero(~simple[epos])
    if len(several):
        lines_made += _add_shared(
            rs,
            several,
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
            shared_of,
            shares,
            units_out,
            persons_out,
            first,
        )
    return Plain(ok.tolist(), lines_made, units_out, persons_out, first)


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
    order = several[np.lexsort((dates[several], epos[several]))]
    in_order: list[int] = order.tolist()
    # several events of an item on one day: by id, then by input order, as the item
    # stage sorts them
    ep = epos[order]
    day = dates[order]
    tie = np.flatnonzero((ep[1:] == ep[:-1]) & (day[1:] == day[:-1])).tolist()
    at = 0
    while at < len(tie):
        start = end = tie[at]
        while at < len(tie) and tie[at] == end:
            end += 1
            at += 1
        in_order[start : end + 1] = sorted(in_order[start : end + 1], key=tie_key)
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
) -> list[tuple[int, int, int, int, int, int]]:
    """Per distinct key: (key, a pair in it, sum of points, sum of tallies, rows,
    smallest exponent)."""
    if not len(key):
        return []
    order = np.argsort(key, kind="stable")
    ks = key[order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    sums = np.add.reduceat(points[order], starts)
    tallies = np.add.reduceat(tally[order], starts)
    rows = np.diff(np.r_[starts, len(order)])
    low = np.minimum.reduceat(exps[order], starts)
    return list(
        zip(
            ks[starts].tolist(),
            pair_of[order[starts]].tolist(),
            sums.tolist(),
            tallies.tolist(),
            rows.tolist(),
            low.tolist(),
            strict=True,
        )
    )
