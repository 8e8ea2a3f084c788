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
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinxuan.organisation.models import Person, Unit
from xinxuan.outcomes.models import Carrier, Level, Outcome, Route, Source
from xinxuan.scoring import engine
from xinxuan.scoring.engine.events_io import COLUMNS, decode_text, read_events, workbook_csv
from xinxuan.submissions.actions import ActionRefused
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


def _known_events(event_ids: list[str], bureau: Unit) -> set[str]:
    """The event ids already in this bureau's ledger: imported before under the same id,
    or written by the ledger export for an outcome recorded in the workbench (o<number>).
    Two queries for the whole sheet."""
    prefix = f"{bureau.code}:"
    imported = Outcome.objects.filter(import_key__in=[prefix + e for e in event_ids]).values_list(
        "import_key", flat=True
    )
    known = {key.removeprefix(prefix) for key in imported}
    exported = {int(m.group(1)): e for e in event_ids if (m := re.fullmatch(r"o(\d+)", e))}
    if exported:
        recorded = Outcome.objects.filter(
            pk__in=exported, unit_id__in=bureau.descendant_ids()
        ).values_list("pk", flat=True)
        known |= {exported[pk] for pk in recorded}
    return known


def _route_for(value: str, ruleset: engine.RuleSet, names: _Names) -> Route | None:
    by_ruleset = ruleset.label_maps()["route"].get(value)
    return names.routes.get(value) or (names.routes.get(by_ruleset) if by_ruleset else None)


def plan_import(text: str, *, bureau: Unit, ruleset: engine.RuleSet) -> Plan:
    """Read the sheet and check every row against the database; saves nothing."""
    from xinxuan.scoring.ledger import route_message

    plan = Plan()
    text, written_routes = _take_routes(_kind_codes(text))
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
        problems = _check_event(event, items.get(event.item_id or ""), names)
        written = written_routes.get(event.id)
        if written:
            route = _route_for(written, ruleset, names)
            if route is None:
                problems.append(("途径", f"途径“{written}”尚未在系统中登记"))
            else:
                plan.routes[event.id] = route
                if route.code not in ruleset.routes:
                    known = [r.label[0] or k for k, r in ruleset.routes.items()]
                    message = route_message(str(route), ruleset.name, known)
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


def _check_event(event: engine.Event, item: engine.Item | None, names: _Names):
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
    elif event.unit is not None and event.unit not in names.units:
        problems.append(("单位", f"本局没有单位“{event.unit}”"))
    if event.carrier and event.carrier not in names.carriers:
        problems.append(("载体", f"载体“{event.carrier}”尚未在系统中登记"))
    level = event.leader_level or event.level
    if level and level not in names.levels:
        problems.append(("级别", f"级别“{level}”尚未在系统中登记"))
    return problems


@transaction.atomic
def run_import(
    text: str, *, bureau: Unit, ruleset: engine.RuleSet, user, skip_bad_rows: bool
) -> Plan:
    """Import the sheet: all rows, or — if the office chose so — all good rows."""
    from xinxuan.scoring import ledger

    plan = plan_import(text, bureau=bureau, ruleset=ruleset)
    if plan.problems and not skip_bad_rows:
        raise ImportRefused(
            _("Nothing was imported: %(n)s rows have problems.") % {"n": len(plan.bad_rows)}
        )
    names = _Names(bureau)
    made: dict[str, Item] = {}
    with ledger.deferred() as touched:
        for row, event in plan.new:
            _import_row(row, event, plan, made, names, bureau, user)
    ledger.rescore_outcomes(touched)
    return plan


def _import_row(row, event, plan: Plan, made: dict, names: _Names, bureau: Unit, user) -> None:
    from xinxuan.outcomes.actions import DuplicateOutcome, record_outcome

    item = None
    if event.item_id:
        item = made.get(event.item_id) or _item_for(
            plan.items[event.item_id], bureau, names, user, event.date
        )
        made[event.item_id] = item
    unit = item.unit if item else names.units[event.unit]
    person = None
    if event.person:
        person = names.persons.get((event.person, unit.pk)) or names.persons.get(
            (event.person, None)
        )
    fields = {
        "carrier": names.carriers.get(event.carrier or ""),
        "level": names.levels.get(event.leader_level or event.level or ""),
        "grade": event.grade or "",
        "use": event.use or "",
        "placement": event.placement or "",
        "issue": event.issue or "",
        "leader": event.leader or "",
        "leader_rank": event.leader_rank or "",
        "route": plan.routes.get(event.id),
        "rule": event.rule or "",
        "points": event.points,
        "reason": event.reason or "",
    }
    try:
        outcome = record_outcome(
            kind=event.type,
            item=item,
            unit=None if item else unit,
            person=person,
            user=user,
            date=event.date,
            source=Source.IMPORT,
            import_key=f"{bureau.code}:{event.id}",
            **fields,
        )
    except DuplicateOutcome:
        # The same outcome is already in the ledger (entered by hand): skip it.
        plan.known.append(row)
        return
    except ActionRefused as refused:
        raise ImportRefused(
            _("Row %(row)s: %(message)s") % {"row": row, "message": refused.message}
        ) from None
    if event.revoked:
        Outcome.objects.filter(pk=outcome.pk).update(
            revoked_at=timezone.now(), revoked_by=user, revoke_reason=_("Revoked in the sheet")
        )


def _item_for(eitem: engine.Item, bureau: Unit, names: _Names, user, day) -> Item:
    key = f"{bureau.code}:{eitem.id}"
    found = Item.objects.filter(source_key=key).first()
    if found is None and (match := re.fullmatch(r"I(\d+)", eitem.id)):
        # an item written in the workbench, as the ledger export names it
        found = Item.objects.filter(
            pk=int(match.group(1)), unit_id__in=bureau.descendant_ids()
        ).first()
    if found is not None:
        return found
    units = [(names.units[s.id], s.share if hasattr(s, "share") else s.weight) for s in eitem.units]
    moment = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9))
    item = Item.objects.create(
        title=eitem.title or eitem.id,
        kind=names.kinds[eitem.kind],
        unit=units[0][0],
        char_count=eitem.char_count,
        status=ItemStatus.REPORTED,
        status_since=moment,
        created_at=moment,
        created_by=user,
        source_key=key,
    )
    for order, (unit, weight) in enumerate(units):
        ItemUnit.objects.create(item=item, unit=unit, share=Decimal(weight), sort_order=order)
    for order, share in enumerate(eitem.persons):
        unit = names.units.get(share.unit or "") if share.unit else None
        person = (
            names.persons.get((share.id, unit.pk if unit else None))
            or names.persons[(share.id, None)]
        )
        ItemAuthor.objects.create(item=item, person=person, share=share.weight, sort_order=order)
    return item
