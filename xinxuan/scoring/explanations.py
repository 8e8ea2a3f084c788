"""Explanations of score lines: stored once per distinct calculation, rendered on demand.

A line's explanation is ``engine.explain`` of the line: the clause's labels, the base,
the factors, the settings and note of its ``Calc``, the line's share and its points.
The calc is shared by every line it produced, so it is stored once as a ``ScoreCalc``
row (keyed by a digest of its content) and each line keeps a reference to it and its
share; the text is rendered in the reader's language when a line is shown.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from xinxuan.scoring import engine
from xinxuan.scoring.models import ScoreCalc, ScoreLine


def calc_data(calc: engine.Calc) -> dict:
    """The compact structured form of a calc: everything its explanation reads.

    The rule set's version is left out: the line records it, and calcs that only
    differ by version explain the same.
    """
    data: dict = {
        "clause": calc.clause,
        "label": list(calc.label),
        "base": str(calc.base),
        "base_label": list(calc.base_label),
    }
    if calc.factors:
        data["factors"] = [[zh, en, str(value)] for zh, en, value in calc.factors]
    if calc.settings:
        data["settings"] = list(calc.settings)
    if calc.note is not None:
        data["note"] = list(calc.note)
    return data


def digest(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def engine_calc(data: dict) -> engine.Calc:
    """The engine's calc back from its stored form."""
    return engine.Calc(
        clause=data["clause"],
        label=tuple(data["label"]),
        base=Decimal(data["base"]),
        base_label=tuple(data["base_label"]),
        factors=tuple((zh, en, Decimal(v)) for zh, en, v in data.get("factors", ())),
        settings=tuple(data.get("settings", ())),
        note=tuple(data["note"]) if data.get("note") else None,
    )


def share_text(share: tuple[int, int] | None) -> str:
    return "" if share is None else f"{share[0]}/{share[1]}"


def _share(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    num, _slash, den = text.partition("/")
    return int(num), int(den)


# keyed by digest, never by primary key: a key is reused after a rolled-back transaction
_rendered: dict[tuple[str, str, str, Decimal], str] = {}
_calcs: dict[str, engine.Calc] = {}


def explain_line(line, lang: str) -> str:
    """The explanation of a stored ``ScoreLine`` in Chinese (``"zh"``) or English."""
    data = line.calc.data
    if "text" in data:  # stored before calcs were (see ScoreCalc)
        return data["text"] if lang == "zh" else data.get("text_en") or data["text"]
    key = (line.calc.digest, lang, line.share, line.points)
    found = _rendered.get(key)
    if found is None:
        calc = _calcs.get(line.calc.digest)
        if calc is None:
            if len(_calcs) > 20_000:
                _calcs.clear()
            calc = _calcs[line.calc.digest] = engine_calc(data)
        shown = engine.ScoreLine(
            unit="",
            person=None,
            item=None,
            event=None,
            calc=calc,
            share=_share(line.share),
            points=line.points,
            date=line.date,
        )
        found = engine.explain(shown, lang)
        if len(_rendered) > 50_000:
            _rendered.clear()
        _rendered[key] = found
    return found


class CalcStore:
    """Primary keys of the calcs of a rescoring, stored as they are first met.

    The engine shares one ``Calc`` object among the lines it produced, so each object is
    turned into its stored form once; objects are held for the store's lifetime so
    that their ``id()`` cannot be reused by another.

    A store lives inside the transaction that writes its lines, and the primary keys it
    hands out hold until that transaction ends, however ``prune_calcs`` runs beside it:
    on PostgreSQL every calc looked up is locked ``FOR KEY SHARE`` (which the pruning's
    ``FOR UPDATE SKIP LOCKED`` passes by); on SQLite every writing transaction begins
    ``IMMEDIATE`` and so runs alone.
    """

    def __init__(self) -> None:
        self._by_object: dict[int, tuple[engine.Calc, int]] = {}
        self._by_digest: dict[str, int] = {}
        self._digests: dict[int, tuple[engine.Calc, str]] = {}

    def digest(self, calc: engine.Calc) -> str:
        """The digest a calc is stored under, worked out without a query."""
        found = self._digests.get(id(calc))
        if found is None:
            found = self._digests[id(calc)] = (calc, digest(calc_data(calc)))
        return found[1]

    def pk(self, calc: engine.Calc) -> int:
        found = self._by_object.get(id(calc))
        if found is not None:
            return found[1]
        pk = self.pks([calc])[0]
        return pk

    def pks(self, calcs: Iterable[engine.Calc]) -> list[int]:
        """The primary keys of many calcs, storing the missing ones in one statement."""
        calcs = list(calcs)
        wanted: dict[str, dict] = {}
        keyed = []
        for calc in calcs:
            found = self._by_object.get(id(calc))
            if found is not None:
                keyed.append(None)
                continue
            key = self.digest(calc)
            keyed.append(key)
            if key not in self._by_digest:
                wanted[key] = calc_data(calc)
        if wanted:
            known = _stored(list(wanted))
            missing = [ScoreCalc(digest=k, data=d) for k, d in wanted.items() if k not in known]
            if missing:
                # another writer may store the same calc at the same moment
                ScoreCalc.objects.bulk_create(missing, ignore_conflicts=True, batch_size=500)
                known.update(_stored([m.digest for m in missing]))
            self._by_digest.update(known)
        out = []
        for calc, key in zip(calcs, keyed, strict=True):
            if key is None:
                out.append(self._by_object[id(calc)][1])
            else:
                pk = self._by_digest[key]
                self._by_object[id(calc)] = (calc, pk)
                out.append(pk)
        return out


def _stored(digests: list[str]) -> dict[str, int]:
    connection = transaction.get_connection()
    locking = connection.vendor == "postgresql" and connection.in_atomic_block
    table = ScoreCalc._meta.db_table  # our own name, no input
    found: dict[str, int] = {}
    for start in range(0, len(digests), 500):
        chunk = digests[start : start + 500]
        if not locking:
            found.update(ScoreCalc.objects.filter(digest__in=chunk).values_list("digest", "pk"))
            continue
        # Django offers no FOR KEY SHARE: the lock a line's own key check takes, taken
        # before the line is written so that no pruning deletes the calc meanwhile
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT digest, id FROM {table} WHERE digest = ANY(%s) FOR KEY SHARE",  # noqa: S608
                [chunk],
            )
            found.update(cursor.fetchall())
    return found


def prune_calcs() -> int:
    """Delete the calcs no score line refers to any longer (lines replaced by a
    rescoring or a change leave theirs behind); returns how many were deleted.

    Safe beside writers: on PostgreSQL the unreferenced calcs are locked first,
    skipping those a writer holds (``CalcStore``), and checked again after the lock —
    a fresh statement sees every line committed before it, and a writer that looks the
    calc up after the lock waits, finds it gone and stores it again.  On SQLite the
    pruning's transaction runs alone.
    """
    lines = ScoreLine.objects.values("calc_id")
    with transaction.atomic():
        unused = ScoreCalc.objects.exclude(pk__in=lines)
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            locked = list(unused.select_for_update(skip_locked=True).values_list("pk", flat=True))
            unused = ScoreCalc.objects.filter(pk__in=locked).exclude(pk__in=lines)
        # _raw_delete: ``ScoreLine.calc`` is PROTECT, and Django's delete() would ask
        # for the lines of each batch of calcs — a scan of the lines per batch, as the
        # calcs have no index on the lines' side; the NOT IN above is the one check
        return unused._raw_delete(connection.alias) or 0  # None: nothing to delete
