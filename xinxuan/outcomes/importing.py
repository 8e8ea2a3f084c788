"""Spreadsheet import of the ledger, in the format of the engine's events file.

The file (.xlsx or .csv, Chinese headers) is read by the engine's ``read_events`` —
one parser for the command line and the workbench — then matched against the
database: units and persons by name, carriers and kinds by the rule set's labels.
Every row problem is reported in Chinese with its row number; nothing is saved
while any row fails unless the office chooses to skip the failing rows.  Rows whose
事件编号 (or whose very outcome) is already in the ledger are skipped, so importing
the same file twice creates nothing the second time.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinxuan.lib.exceptions import ActionRefused
from xinxuan.organisation.models import Person, Unit
from xinxuan.outcomes.models import Carrier, Level, Outcome, Route, Source
from xinxuan.scoring import engine
from xinxuan.scoring.engine.events_io import (
    COLUMNS,
    ITEM_COLUMNS,
    decode_text,
    read_events,
    workbook_csv,
)
from xinxuan.submissions.models import Item, ItemAuthor, ItemKind, ItemStatus, ItemUnit

MAX_BYTES = 50 * 1024 * 1024
STASH_LIFETIME = datetime.timedelta(days=1)


class ImportRefused(ActionRefused):
    """The file as a whole cannot be read."""


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class Plan:
    """What an import would do: new outcomes, rows already in the ledger, problems."""

    new: list[tuple[int, engine.Event]] = field(default_factory=list)
    known: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # Rows that import but deserve the office's eye (a route the rule set does not name).
    warnings: list[RowProblem] = field(default_factory=list)
    items: dict[str, engine.Item] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)
    # the sheet's items that are already in the ledger, and each item's first date
    existing: dict[str, Item] = field(default_factory=dict)
    first_day: dict[str, datetime.date] = field(default_factory=dict)
    # after the import: rows now in the ledger, and rows the ledger refused (and why)
    imported: list[int] = field(default_factory=list)
    refused: list[RowProblem] = field(default_factory=list)

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems}


def read_upload(name: str, data: bytes) -> str:
    """The file as CSV text; refuses what is too big, macro-laden or not a spreadsheet."""
    lower = name.lower()
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            _("The file is %(size)s MB; at most 50 MB can be imported.")
            % {"size": len(data) // (1024 * 1024)}
        )
    if lower.endswith((".xlsm", ".xltm", ".xlsb", ".xls")):
        raise ImportRefused(
            _(
                "Workbooks with macros or in the old Excel format are not accepted. "
                "Save the sheet as .xlsx (Excel workbook) or .csv and import that."
            )
        )
    if lower.endswith(".csv"):
        try:
            return _readable_csv(decode_text(data, name))
        except engine.EventsFileError:
            raise ImportRefused(_("The CSV file is neither UTF-8 nor GB18030 text.")) from None
    if lower.endswith(".xlsx"):
        return _readable_csv(_xlsx_to_csv(data))
    raise ImportRefused(_("Only .xlsx and .csv files can be imported."))


def _readable_csv(text: str) -> str:
    """The text, if every row can be read and no cell is absurdly long; the later passes
    over the sheet (routes, kinds, row numbers) then read it without surprises."""
    from xinxuan.scoring.engine.events_io import MAX_CELL_CHARS

    number = 0
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text)), 1):  # noqa: B007
            if any(len(v) > MAX_CELL_CHARS for v in values):
                raise ImportRefused(
                    _("Row %(row)s has a cell longer than %(max)s characters; nothing was read.")
                    % {"row": number, "max": MAX_CELL_CHARS}
                )
    except csv.Error:
        raise ImportRefused(
            _(
                "Row %(row)s cannot be read: a cell is too long or its quotes do not match; "
                "nothing was read."
            )
            % {"row": number + 1}
        ) from None
    return text


def _xlsx_to_csv(data: bytes) -> str:
    try:
        return workbook_csv(data, "upload")
    except engine.EventsFileError as error:
        reason = error.problems[0].key
    if reason == "macros":
        raise ImportRefused(
            _(
                "The workbook contains macros, which are not accepted. "
                "Save it as .xlsx without macros."
            )
        )
    if reason == "unreadable":
        raise ImportRefused(_("The workbook cannot be read; save it again as .xlsx."))
    if reason == "too_big":
        raise ImportRefused(
            _(
                "The workbook would unpack to far more than a ledger holds, so it was not "
                "opened. Save the sheet again as .xlsx or .csv and import that."
            )
        )
    raise ImportRefused(_("This is not an Excel workbook (.xlsx), whatever its name says."))


# ------------------------------------------------------------------ waiting files
# Between the preview and the office's decision the sheet waits in
# MEDIA_ROOT/imports/<user>-<token>.csv: only the user who uploaded it can confirm or
# cancel it. It goes when the import is confirmed or cancelled; whatever was abandoned
# is swept when the next import starts.


def _stash_folder():
    return settings.MEDIA_ROOT / "imports"


def _stash_path(token: str, user):
    if not token or not token.isalnum():
        raise ActionRefused(_("The uploaded file has expired; upload it again."))
    return _stash_folder() / f"{user.pk}-{token}.csv"


def stash_upload(text: str, user) -> str:
    """Keep the read sheet until its uploader confirms; returns its token."""
    token = secrets.token_hex(16)
    folder = _stash_folder()
    folder.mkdir(parents=True, exist_ok=True)
    _stash_path(token, user).write_text(text, encoding="utf-8")
    return token


def read_stash(token: str, user) -> str:
    path = _stash_path(token, user)
    if not path.exists():
        raise ActionRefused(_("The uploaded file has expired; upload it again."))
    return path.read_text(encoding="utf-8")


def discard_stash(token: str, user) -> None:
    """Delete a waiting sheet (the import was confirmed or cancelled)."""
    _stash_path(token, user).unlink(missing_ok=True)


def sweep_stashes(*, now: datetime.datetime | None = None) -> int:
    """Delete waiting sheets older than a day; returns how many went."""
    folder = _stash_folder()
    if not folder.is_dir():
        return 0
    cutoff = (now or timezone.now()).timestamp() - STASH_LIFETIME.total_seconds()
    swept = 0
    for path in folder.glob("*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                swept += 1
        except FileNotFoundError:
            continue  # another request swept it first
    return swept


class _Names:
    """Units, persons, carriers and kinds of one bureau, by the names a sheet uses."""

    def __init__(self, bureau: Unit) -> None:
        self.bureau = bureau
        ids = bureau.descendant_ids()
        self.units: dict[str, Unit] = {}
        for unit in Unit.objects.filter(pk__in=ids):
            for name in (unit.name, unit.short_name, unit.code):
                if name:
                    self.units.setdefault(name, unit)
        self.persons: dict[tuple[str, int | None], Person] = {}
        for person in Person.objects.filter(unit_id__in=ids):
            self.persons[(person.name, person.unit_id)] = person
            self.persons.setdefault((person.name, None), person)
        self.carriers = {c.code: c for c in Carrier.objects.all()}
        self.levels = {lv.code: lv for lv in Level.objects.all()}
        self.kinds = {k.code: k for k in ItemKind.objects.all()}
        self.routes: dict[str, Route] = {}
        for route in Route.objects.all():
            self.routes.setdefault(route.code, route)
            self.routes.setdefault(route.name, route)


ROUTE_HEADERS = ("route", *COLUMNS["route"])
EVENT_ID_HEADERS = ("event_id", *COLUMNS["event_id"])


def _take_routes(text: str) -> tuple[str, dict[str, str]]:
    """The sheet without its route column, and the route written on each event id.

    Routes are facts of the ledger, matched against the routes registered in the
    system; the engine's reader would refuse a route the rule set does not name, which
    is a matter for a warning, not a reason to drop the row.
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return text, {}
    headers = [h.strip().lstrip("\ufeff") for h in rows[0]]
    route_cols = [i for i, h in enumerate(headers) if h in ROUTE_HEADERS]
    id_col = next((i for i, h in enumerate(headers) if h in EVENT_ID_HEADERS), None)
    if not route_cols or id_col is None:
        return text, {}
    routes: dict[str, str] = {}
    for values in rows[1:]:
        for col in route_cols:
            if col < len(values) and values[col].strip():
                key = values[id_col].strip() if id_col < len(values) else ""
                routes[key] = values[col].strip()
                values[col] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue(), routes


KIND_HEADERS = ("kind", *COLUMNS["kind"])


def _kind_codes(text: str) -> str:
    """The sheet with item kinds written by their workbench names (调研/政策研究, as the
    ledger export writes them) turned into their codes, which the rule set knows."""
    by_name = {k.name: k.code for k in ItemKind.objects.all() if k.name != k.code}
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not by_name:
        return text
    headers = [h.strip().lstrip("\ufeff") for h in rows[0]]
    cols = [i for i, h in enumerate(headers) if h in KIND_HEADERS]
    if not cols:
        return text
    for values in rows[1:]:
        for col in cols:
            if col < len(values) and values[col].strip() in by_name:
                values[col] = by_name[values[col].strip()]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


ITEM_ID_HEADERS = ("item_id", *COLUMNS["item_id"])


def _complete_existing_items(text: str, bureau: Unit) -> tuple[str, dict[str, Item]]:
    """The sheet with the particulars of items already in the ledger filled in where a
    row names one by its number only, and those items.

    The events reader wants an item's kind and units on the first row that names it;
    a sheet that only adds an adoption to an item of the workbench gives the number
    alone.  The particulars are taken from another row of the sheet for that item, or
    else from the ledger — the row is then attached to that item, never to a copy.
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return text, {}
    headers = [h.strip().lstrip("\ufeff") for h in rows[0]]
    id_col = next((i for i, h in enumerate(headers) if h in ITEM_ID_HEADERS), None)
    if id_col is None:
        return text, {}
    ids = {r[id_col].strip() for r in rows[1:] if id_col < len(r) and r[id_col].strip()}
    existing = _existing_items(ids, bureau)
    if not existing:
        return text, {}
    cols = {}
    for key in ITEM_COLUMNS:
        names = (key, *COLUMNS[key])
        col = next((i for i, h in enumerate(headers) if h in names), None)
        if col is None:
            col = len(rows[0])
            rows[0].append(COLUMNS[key][0])
            headers.append(COLUMNS[key][0])
        cols[key] = col
    width = len(rows[0])
    for values in rows[1:]:
        values.extend([""] * (width - len(values)))
    given: dict[str, list[str]] = {}
    for values in rows[1:]:
        key = values[id_col].strip()
        if key in existing and key not in given and any(values[c].strip() for c in cols.values()):
            given[key] = [values[c] for c in cols.values()]
    done: set[str] = set()
    for values in rows[1:]:
        key = values[id_col].strip()
        if key not in existing or key in done:
            continue
        done.add(key)
        if any(values[c].strip() for c in cols.values()):
            continue
        filled = given.get(key) or _particulars(existing[key])
        for col, value in zip(cols.values(), filled, strict=True):
            values[col] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue(), existing


def _particulars(item: Item) -> list[str]:
    """An item's columns (ITEM_COLUMNS order) as the events reader reads them."""
    shares = item.unit_shares.select_related("unit") if item.pk else []
    units = ";".join(f"{s.unit.name}:{s.share.normalize()}" for s in shares) or item.unit.name
    persons = ";".join(
        f"{a.person.name}@{a.person.unit.name}:{a.share.normalize()}"
        for a in item.author_shares.select_related("person__unit")
    )
    return [item.title, item.kind.code, str(item.char_count), units, persons, ""]


def _known_events(event_ids: list[str], bureau: Unit) -> set[str]:
    """The event ids already in this bureau's ledger: imported before under the same id,
    or written by the ledger export for an outcome recorded in the workbench (o<number>).
    Two queries for the whole sheet."""
    prefix = f"{bureau.code}:"
    known: set[str] = set()
    for keys in _batches([prefix + e for e in event_ids]):
        imported = Outcome.objects.filter(import_key__in=keys).values_list("import_key", flat=True)
        known |= {key.removeprefix(prefix) for key in imported}
    exported = {int(m.group(1)): e for e in event_ids if (m := re.fullmatch(r"o(\d+)", e))}
    units = bureau.descendant_ids()
    for pks in _batches(list(exported)):
        recorded = Outcome.objects.filter(pk__in=pks, unit_id__in=units).values_list(
            "pk", flat=True
        )
        known |= {exported[pk] for pk in recorded}
    return known


def _batches(values: list, size: int = 5000):
    """A long list in slices, so that no query has more parameters than SQLite takes."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _route_for(value: str, ruleset: engine.RuleSet, names: _Names) -> Route | None:
    by_ruleset = ruleset.label_maps()["route"].get(value)
    return names.routes.get(value) or (names.routes.get(by_ruleset) if by_ruleset else None)


def plan_import(text: str, *, bureau: Unit, ruleset: engine.RuleSet) -> Plan:
    """Read the sheet and check every row against the database; saves nothing."""
    from xinxuan.scoring.ledger import route_message

    plan = Plan()
    text, written_routes = _take_routes(_kind_codes(text))
    text, plan.existing = _complete_existing_items(text, bureau)
    try:
        parsed = read_events(text, format="csv", skip_bad_rows=True, ruleset=ruleset)
    except engine.EventsFileError as error:  # wrong headers, empty file
        plan.problems = [RowProblem(p.line, p.key, p.message_zh) for p in error.problems]
        return plan
    for p in parsed.errors:
        plan.problems.append(RowProblem(p.line, _column(p.key), p.message_zh))
    names = _Names(bureau)
    row_of = _row_numbers(text)
    items = {i.id: i for i in parsed.items}
    plan.items = items
    known = _known_events([e.id for e in parsed.events], bureau)
    for event in parsed.events:
        row = row_of.get(event.id, 0)
        plan.rows[event.id] = row
        if event.item_id:
            plan.first_day.setdefault(event.item_id, event.date)
        existing = plan.existing.get(event.item_id or "")
        if existing is not None:
            # the item is in the ledger: the row attaches to it, whatever the sheet
            # says of its title or units (the export writes them beside every row)
            problems = _check_event(event, None, names, unit_needed=False)
            problems += _check_item_state(event, existing)
        else:
            problems = _check_event(event, items.get(event.item_id or ""), names)
        written = written_routes.get(event.id)
        if written:
            route = _route_for(written, ruleset, names)
            if route is None:
                problems.append(("途径", f"途径“{written}”尚未在系统中登记"))
            else:
                plan.routes[event.id] = route
                if route.code not in ruleset.routes:
                    labels = [r.label[0] or k for k, r in ruleset.routes.items()]
                    message = route_message(str(route), ruleset.name, labels)
                    plan.warnings.append(RowProblem(row, "途径", message))
        plan.problems += [RowProblem(row, col, msg) for col, msg in problems]
        if problems:
            continue
        if event.id in known:
            plan.known.append(row)
        else:
            plan.new.append((row, event))
    plan.problems.sort(key=lambda p: p.row)
    plan.warnings.sort(key=lambda p: p.row)
    return plan


def _column(key: str) -> str:
    from xinxuan.scoring.engine.events_io import COLUMNS

    return COLUMNS.get(key, (key,))[0]


def _row_numbers(text: str) -> dict[str, int]:
    reader = csv.reader(io.StringIO(text))
    headers = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    try:
        col = next(i for i, h in enumerate(headers) if h in ("事件编号", "编号", "event_id"))
    except StopIteration:
        return {}
    return {
        (values[col].strip() if col < len(values) else ""): number
        for number, values in enumerate(reader, 2)
    }


def _check_item_state(event: engine.Event, item: Item) -> list[tuple[str, str]]:
    from xinxuan.outcomes.models import OutcomeKind
    from xinxuan.submissions.models import APPROVED_STATES

    if event.type in (OutcomeKind.SUBMISSION, OutcomeKind.REPORT) or item.status in APPROVED_STATES:
        return []
    return [
        ("稿件编号", f"稿件“{item.title}”尚未审核通过（{item.get_status_display()}），不能登记成果")
    ]


def _too_long(event: engine.Event, item: engine.Item | None) -> list[tuple[str, str]]:
    """Values longer than the ledger's fields hold (PostgreSQL would refuse the row)."""
    values = [(Item, "title", "标题", item.title if item else "")]
    values += [
        (Outcome, name, COLUMNS[name][0], getattr(event, name) or "")
        for name in ("grade", "issue", "leader", "rule", "reason")
    ]
    problems = []
    for model, name, column, value in values:
        limit = model._meta.get_field(name).max_length
        if limit and len(value) > limit:
            problems.append((column, f"{column}过长：至多 {limit} 个字符"))
    # stored as "<bureau code>:<id>" in a field of 120 characters
    if len(event.id) > 60:
        problems.append(("事件编号", "事件编号过长：至多 60 个字符"))
    if item is not None and (len(item.id) > 60 or re.fullmatch(r"I\d{10,}", item.id)):
        problems.append(("稿件编号", f"稿件编号“{item.id[:20]}…”无效：过长"))
    return problems


def _check_event(
    event: engine.Event, item: engine.Item | None, names: _Names, *, unit_needed: bool = True
):
    problems = _too_long(event, item)
    if item is not None:
        for share in item.units:
            if share.id not in names.units:
                problems.append(("单位", f"本局没有单位“{share.id}”"))
        for share in item.persons:
            unit = names.units.get(share.unit or "") if share.unit else None
            if (share.id, unit.pk if unit else None) not in names.persons:
                problems.append(("作者", f"本局没有人员“{share.id}”"))
        if item.kind not in names.kinds:
            problems.append(("类别", f"系统中没有稿件类别“{item.kind}”"))
    elif unit_needed and event.unit is not None and event.unit not in names.units:
        problems.append(("单位", f"本局没有单位“{event.unit}”"))
    if event.carrier and event.carrier not in names.carriers:
        problems.append(("载体", f"载体“{event.carrier}”尚未在系统中登记"))
    level = event.leader_level or event.level
    if level and level not in names.levels:
        problems.append(("级别", f"级别“{level}”尚未在系统中登记"))
    return problems


# ------------------------------------------------------------------ writing
# The confirmed import runs as a background task (xinxuan/outcomes/tasks.py).  It does
# for every row what ``record_outcome`` does — the office's right to the unit, the item
# approved, the carrier's grade, the fingerprint that keeps one live copy of an outcome,
# an audit entry, the rescoring — and for every new item what ``create_item`` does
# (item, unit and author shares, an audit entry), but for a thousand rows at a time:
# a few queries per chunk instead of a dozen per row, each touched item rescored once.
# Each chunk is one transaction, and the progress is written between chunks; an import
# that stopped half-way is finished by importing the same file again (rows already in
# the ledger are skipped).

CHUNK = 1000


def run_import(
    text: str,
    *,
    bureau: Unit,
    ruleset: engine.RuleSet,
    user,
    skip_bad_rows: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Import the sheet: all rows, or — if the office chose so — all good rows.

    ``progress(done, total)`` is called after every chunk.  The plan comes back with
    ``imported`` (rows now in the ledger), ``known`` (already there) and ``refused``
    (rows the ledger would not take, with the reason).
    """
    plan = plan_import(text, bureau=bureau, ruleset=ruleset)
    if plan.problems and not skip_bad_rows:
        raise ImportRefused(
            _("Nothing was imported: %(n)s rows have problems.") % {"n": len(plan.bad_rows)}
        )
    writer = _Writer(plan, bureau, user)
    total = len(plan.new)
    if progress:
        progress(0, total)
    for start in range(0, total, CHUNK):
        writer.write(plan.new[start : start + CHUNK])
        if progress:
            progress(min(start + CHUNK, total), total)
    writer.index_new_items()
    plan.known.sort()
    plan.refused.sort(key=lambda p: p.row)
    return plan


def _existing_items(item_ids: Iterable[str], bureau: Unit) -> dict[str, Item]:
    """Items of this bureau a sheet names: imported before under the same 稿件编号, or
    written in the workbench (I<number>, as the ledger export names them).  A row that
    names one attaches to it; no copy is made."""
    ids = set(item_ids)
    prefix = f"{bureau.code}:"
    found: dict[str, Item] = {}
    for keys in _batches(sorted(prefix + i for i in ids)):
        for item in Item.objects.filter(source_key__in=keys):
            found[item.source_key.removeprefix(prefix)] = item
    by_pk = {
        int(m.group(1)): i for i in ids - found.keys() if (m := re.fullmatch(r"I(\d{1,18})", i))
    }
    units = bureau.descendant_ids()
    for pks in _batches(sorted(by_pk)):
        for item in Item.objects.filter(pk__in=pks, unit_id__in=units):
            found[by_pk[item.pk]] = item
    return found


class _Writer:
    """Writes the new rows of a plan chunk by chunk (see the section comment)."""

    def __init__(self, plan: Plan, bureau: Unit, user) -> None:
        self.plan = plan
        self.bureau = bureau
        self.user = user
        self.names = _Names(bureau)
        self.items: dict[str, Item] = dict(plan.existing)
        self.new_items: list[int] = []
        self.refusals: dict[int, str | None] = {}
        self.log_uuid = uuid.uuid4()  # the import's audit entries share one action id

    # -- permission, as ``record_outcome`` checks it, once per unit
    def refusal(self, unit_id: int) -> str | None:
        if unit_id not in self.refusals:
            self.refusals[unit_id] = _office_refusal(self.user, unit_id)
        return self.refusals[unit_id]

    @transaction.atomic
    def write(self, chunk: list[tuple[int, engine.Event]]) -> None:
        from xinxuan.scoring import ledger

        wanted = {e.item_id for _r, e in chunk if e.item_id} - self.items.keys()
        if wanted:
            self.items.update(self.create_items(wanted))
        # Lock the chunk's items in primary-key order, as record_outcome locks its item:
        # a clerk recording an outcome on one of them waits instead of racing.
        pks = sorted({self.items[e.item_id].pk for _r, e in chunk if e.item_id})
        locked = {
            i.pk: i
            for i in Item.objects.select_for_update(no_key=True, of=("self",))
            .select_related("unit")
            .filter(pk__in=pks)
            .order_by("pk")
        }
        candidates = [self.outcome(row, event, locked) for row, event in chunk]
        candidates = [c for c in candidates if c is not None]
        taken = self.taken(candidates)
        fresh: list[Outcome] = []
        for row, outcome in candidates:
            live_print = outcome.fingerprint if not outcome.revoked_at else ""
            if outcome.import_key in taken or (live_print and live_print in taken):
                self.plan.known.append(row)  # entered by hand, imported meanwhile, or twice
                continue
            if live_print:
                taken.add(live_print)  # the same outcome twice in one sheet: the first counts
            fresh.append(outcome)
            self.plan.imported.append(row)
        Outcome.objects.bulk_create(fresh, batch_size=500)
        self.audit(fresh)
        try:
            ledger.rescore_outcomes([o.pk for o in fresh])
        except ledger.LedgerError as error:
            raise ImportRefused(error.message) from None

    def outcome(self, row: int, event: engine.Event, locked: dict[int, Item]):
        from xinxuan.outcomes.actions import fingerprint
        from xinxuan.outcomes.models import ITEM_KINDS, OutcomeKind
        from xinxuan.submissions.models import APPROVED_STATES

        item = locked[self.items[event.item_id].pk] if event.item_id else None
        unit = item.unit if item else self.names.units[event.unit]
        refused = self.refusal(unit.pk)
        if refused is None and event.type in ITEM_KINDS and item is None:
            refused = _("This kind of outcome belongs to an item.")
        if (
            refused is None
            and item is not None
            and event.type not in (OutcomeKind.SUBMISSION, OutcomeKind.REPORT)
            and item.status not in APPROVED_STATES
        ):
            refused = _("Outcomes are recorded for approved items; this one is “%(s)s”.") % {
                "s": item.get_status_display()
            }
        carrier = self.names.carriers.get(event.carrier or "")
        grades = carrier.grade_list() if carrier is not None else []
        if refused is None and grades and event.grade and event.grade not in grades:
            refused = _("%(carrier)s has no grade “%(grade)s”; its grades are: %(grades)s.") % {
                "carrier": carrier,
                "grade": event.grade,
                "grades": "、".join(grades),
            }
        if (
            refused is None
            and event.type in (OutcomeKind.DEDUCTION, OutcomeKind.MANUAL_ADJUSTMENT)
            and not event.reason
        ):
            refused = _("A deduction or adjustment needs a reason.")
        if refused is not None:
            self.plan.refused.append(RowProblem(row, "", refused))
            return None
        person = None
        if event.person:
            person = self.names.persons.get((event.person, unit.pk)) or self.names.persons.get(
                (event.person, None)
            )
        fields = {
            "carrier": carrier,
            "level": self.names.levels.get(event.leader_level or event.level or ""),
            "grade": event.grade or "",
            "use": event.use or "",
            "placement": event.placement or "",
            "issue": event.issue or "",
            "leader": event.leader or "",
            "leader_rank": event.leader_rank or "",
            "route": self.plan.routes.get(event.id),
            "rule": event.rule or "",
            "points": event.points,
            "reason": event.reason or "",
            "due": event.due,
        }
        outcome = Outcome(
            kind=event.type,
            item=item,
            unit=unit,
            person=person,
            date=event.date,
            source=Source.IMPORT,
            import_key=f"{self.bureau.code}:{event.id}",
            fingerprint=fingerprint(event.type, item=item, date=event.date, **fields),
            recorded_by=self.user,
            **fields,
        )
        if event.revoked:
            outcome.revoked_at = timezone.now()
            outcome.revoked_by = self.user
            outcome.revoke_reason = _("Revoked in the sheet")
        return row, outcome

    def taken(self, candidates: list[tuple[int, Outcome]]) -> set[str]:
        """Import keys and live fingerprints of the chunk already in the ledger (the
        partial unique indexes would refuse them), or earlier in this sheet."""
        keys = [o.import_key for _r, o in candidates]
        prints = [o.fingerprint for _r, o in candidates if o.fingerprint and not o.revoked_at]
        taken = set(
            Outcome.objects.filter(import_key__in=keys).values_list("import_key", flat=True)
        )
        taken |= set(
            Outcome.objects.active()
            .filter(fingerprint__in=prints)
            .values_list("fingerprint", flat=True)
        )
        return taken

    def create_items(self, wanted: set[str]) -> dict[str, Item]:
        """New items for the sheet's 稿件编号 that name none in the ledger, as
        ``create_item`` makes them, already reported (the sheet records their fate)."""
        if not wanted:
            return {}
        names, plan = self.names, self.plan
        made: dict[str, Item] = {}
        shares: list[ItemUnit] = []
        authors: list[ItemAuthor] = []
        for key in sorted(wanted):
            eitem = plan.items[key]
            units = [(names.units[s.id], Decimal(s.weight)) for s in eitem.units]
            day = plan.first_day.get(key) or timezone.localdate()
            moment = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 9))
            made[key] = Item(
                title=eitem.title or eitem.id,
                kind=names.kinds[eitem.kind],
                unit=units[0][0],
                char_count=eitem.char_count,
                status=ItemStatus.REPORTED,
                status_since=moment,
                created_at=moment,
                created_by=self.user,
                source_key=f"{self.bureau.code}:{eitem.id}",
            )
        Item.objects.bulk_create(made.values(), batch_size=500)
        for key, item in made.items():
            eitem = plan.items[key]
            for order, s in enumerate(eitem.units):
                shares.append(
                    ItemUnit(
                        item=item, unit=names.units[s.id], share=Decimal(s.weight), sort_order=order
                    )
                )
            for order, share in enumerate(eitem.persons):
                unit = names.units.get(share.unit or "") if share.unit else None
                person = (
                    names.persons.get((share.id, unit.pk if unit else None))
                    or names.persons[(share.id, None)]
                )
                authors.append(
                    ItemAuthor(item=item, person=person, share=share.weight, sort_order=order)
                )
        ItemUnit.objects.bulk_create(shares, batch_size=500)
        ItemAuthor.objects.bulk_create(authors, batch_size=500)
        self.log(made.values(), "wagtail.create", lambda _i: {})
        self.new_items.extend(i.pk for i in made.values())
        return made

    def audit(self, outcomes: list[Outcome]) -> None:
        self.log(
            outcomes,
            "xinxuan.outcome.record",
            lambda o: {"kind": o.kind, "date": str(o.date), "source": "import"},
        )
        revoked = [o for o in outcomes if o.revoked_at]
        self.log(revoked, "xinxuan.outcome.revoke", lambda o: {"reason": o.revoke_reason})

    def log(self, objects: Iterable, action: str, data: Callable) -> None:
        """The audit entries ``log()`` writes, for many objects in one insert."""
        from django.contrib.contenttypes.models import ContentType
        from wagtail.models import ModelLogEntry

        now = timezone.now()
        entries = [
            ModelLogEntry(
                content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
                label=str(obj),
                action=action,
                timestamp=now,
                data=data(obj),
                user=self.user,
                uuid=self.log_uuid,
                object_id=str(obj.pk),
            )
            for obj in objects
        ]
        ModelLogEntry.objects.bulk_create(entries, batch_size=500)

    def index_new_items(self) -> None:
        """Put the new items into the workbench search, in one bulk call per backend."""
        from wagtail.search.backends import get_search_backends

        if not self.new_items:
            return
        items = list(Item.objects.filter(pk__in=self.new_items))
        for backend in get_search_backends():
            backend.add_bulk(Item, items)


def _office_refusal(user, unit_id: int) -> str | None:
    """Why the user may not record outcomes of the unit: the very check
    ``record_outcome`` makes (the office records for the units it assesses, never for
    its own bureau), asked once per unit of the sheet."""
    from django.core.exceptions import PermissionDenied

    from xinxuan.outcomes.actions import check_office

    try:
        check_office(user, unit_id)
    except PermissionDenied as denied:
        return str(denied)
    return None
