"""Read events ledgers (CSV with Chinese or English headers, JSON Lines) and unit lists.

One row per outcome, with the item's attributes repeated, as offices keep them.
A file with any bad row is rejected as a whole, listing every bad row, unless the
caller asks to skip bad rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .model import EVENT_TYPES, Event, Item, PeriodData, PersonInfo, Share, UnitInfo
from .problems import EventsFileError, Problem
from .ruleset import RuleSet

# canonical column -> accepted header spellings (first Chinese one is the documented one)
COLUMNS: dict[str, tuple[str, ...]] = {
    "event_id": ("事件编号", "编号"),
    "item_id": ("稿件编号",),
    "title": ("标题", "题目"),
    "kind": ("类别", "稿件类别"),
    "chars": ("字数",),
    "units": ("单位", "部门"),
    "persons": ("作者", "人员"),
    "topics": ("主题", "重点主题"),
    "event": ("事件", "事件类型"),
    "date": ("日期",),
    "carrier": ("载体", "刊物", "媒体"),
    "level": ("级别",),
    "grade": ("等次",),
    "placement": ("版面",),
    "use": ("采用方式",),
    "issue": ("期号",),
    "leader": ("领导",),
    "leader_level": ("领导级别",),
    "leader_rank": ("领导职务",),
    "route": ("途径", "报送途径"),
    "rule": ("条款",),
    "points": ("分值",),
    "assessor": ("评定人",),
    "reason": ("理由", "原因"),
    "revoked": ("撤销",),
    "due": ("应报日期", "截止日期"),
}
ITEM_COLUMNS = ("title", "kind", "chars", "units", "persons", "topics")

# Bounds of what an events file may hold: a ledger is rows of short text and small
# numbers. A workbook is a zip archive: its members' sizes are read from the archive's
# directory before anything is unpacked, so a small file that would unpack to gigabytes
# (a "zip bomb") is refused instead of exhausting the memory.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_PACKING_RATIO = 200  # a sheet's XML packs 10-30 times; a bomb, thousands of times
MAX_CELL_CHARS = 10_000
MAX_CHARS = 9_999_999
MAX_POINTS = Decimal(10_000)
MAX_WEIGHT = Decimal(10_000)

EVENT_ALIASES: dict[str, str] = {
    "上报": "report",
    "报送": "submission",
    "转报": "report",
    "采用": "adoption",
    "录用": "adoption",
    "批示": "endorsement",
    "领导批示": "endorsement",
    "媒体发表": "publication",
    "发表": "publication",
    "刊发": "publication",
    "获奖": "prize",
    "扣分": "deduction",
    "稿件作废": "item_nullification",
    "时段作废": "period_nullification",
    "约稿": "commission_due",
    "约稿完成": "commission_delivered",
    "约稿未完成": "commission_missed",
    "手工加减分": "manual_adjustment",
    "加减分": "manual_adjustment",
}
USE_ALIASES = {
    "独家": "sole",
    "单独": "sole",
    "单独采用": "sole",
    "独家采用": "sole",
    "合用": "combined",
    "综合": "combined",
    "综合采用": "combined",
}
RANK_ALIASES = {"主要": "main", "主要领导": "main", "其他": "other", "其他领导": "other"}
TRUE = {"1", "true", "yes", "y", "是", "已撤销", "撤销"}
FALSE = {"", "0", "false", "no", "n", "否"}


@dataclass(frozen=True, slots=True)
class ParsedEvents:
    items: tuple[Item, ...]
    events: tuple[Event, ...]
    errors: tuple[Problem, ...]


class _RowError(Exception):
    def __init__(self, column: str, zh: str, en: str) -> None:
        self.column, self.zh, self.en = column, zh, en


def parse_date(text: str) -> datetime.date:
    """2011-03-05, 2011/3/5, 2011.3.5 or 2011年3月5日."""
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text.strip())
    if not m:
        raise ValueError(text)
    return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def parse_shares(text: str, column: str, allow_zero: bool) -> tuple[Share, ...]:
    """``动植检处:1;办公室:1`` or ``张三@动植检处:3;李四:2``; weight defaults to 1."""
    shares: list[Share] = []
    for raw in re.split(r"[;；,，、]", text):
        part = raw.strip()
        if not part:
            continue
        name, _sep, weight_text = _split_weight(part)
        try:
            weight = Decimal(weight_text) if weight_text else Decimal(1)
        except InvalidOperation:
            raise _RowError(
                column, f"份额 {weight_text!r} 不是数", f"share {weight_text!r} is not a number"
            ) from None
        if (
            not weight.is_finite()
            or weight < 0
            or weight > MAX_WEIGHT
            or (weight == 0 and not allow_zero)
        ):
            raise _RowError(column, f"份额 {weight_text!r} 无效", f"invalid share {weight_text!r}")
        person, _at, unit = name.partition("@")
        person = person.strip()
        if not person:
            raise _RowError(column, "名称为空", "empty name")
        if any(s.id == person for s in shares):
            raise _RowError(column, f"{person} 重复", f"{person} listed twice")
        shares.append(Share(person, weight, unit.strip() or None))
    return tuple(shares)


def _split_weight(part: str) -> tuple[str, str, str]:
    m = re.fullmatch(r"(.*?)\s*[:：]\s*([^:：]*)", part)
    if m:
        return (m.group(1), ":", m.group(2).strip())
    return (part, "", "")


def _header_map(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    lookup: dict[str, str] = {}
    for canonical, aliases in COLUMNS.items():
        lookup[canonical] = canonical
        for alias in aliases:
            lookup[alias] = canonical
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        clean = header.strip().lstrip("\ufeff")
        found = lookup.get(clean) or lookup.get(clean.lower())
        if found is None:
            unknown.append(clean)
        else:
            mapping[header] = found
    return mapping, unknown


class _Reader:
    def __init__(self, source: str, ruleset: RuleSet | None) -> None:
        self.source = source
        self.maps = ruleset.label_maps() if ruleset is not None else None
        self.items: dict[str, Item] = {}
        self.item_row: dict[str, int] = {}
        self.events: list[Event] = []
        self.event_ids: dict[str, int] = {}
        self.errors: list[Problem] = []

    def vocab(self, vocabulary: str, value: str, column: str) -> str:
        if self.maps is None:
            return value
        found = self.maps[vocabulary].get(value)
        if found is None:
            raise _RowError(
                column, f"规则中没有 {value!r}", f"{value!r} is not defined in the rule set"
            )
        return found

    def row(self, number: int, row: dict[str, str]) -> None:
        problems: list[_RowError] = []

        def get(column: str) -> str:
            return (row.get(column) or "").strip()

        def check(fn: Any, *args: Any) -> Any:
            try:
                return fn(*args)
            except _RowError as exc:
                problems.append(exc)
                return None

        event_id = get("event_id")
        if not event_id:
            problems.append(_RowError("event_id", "缺少事件编号", "missing event id"))
        elif event_id in self.event_ids:
            problems.append(
                _RowError(
                    "event_id",
                    f"事件编号与第 {self.event_ids[event_id]} 行重复",
                    f"event id repeats row {self.event_ids[event_id]}",
                )
            )
        raw_type = get("event")
        etype = EVENT_ALIASES.get(raw_type, raw_type.lower())
        if etype not in EVENT_TYPES:
            problems.append(
                _RowError("event", f"未知事件 {raw_type!r}", f"unknown event {raw_type!r}")
            )
        date = None
        try:
            date = parse_date(get("date"))
        except ValueError:
            problems.append(
                _RowError(
                    "date",
                    f"日期 {get('date')!r} 无效（应写作 2011-03-02、2011/3/2 或 2011年3月2日）",
                    f"bad date {get('date')!r} (write 2011-03-02, 2011/3/2 or 2011年3月2日)",
                )
            )
        due = None
        if get("due"):
            try:
                due = parse_date(get("due"))
            except ValueError:
                problems.append(
                    _RowError(
                        "due",
                        f"应报日期 {get('due')!r} 无效",
                        f"bad due date {get('due')!r}",
                    )
                )
        item_id = get("item_id") or None
        item = None
        unit = person = None
        if item_id is not None:
            item = check(self.item, item_id, get)
        else:
            units: tuple[Share, ...] = check(parse_shares, get("units"), "units", False) or ()
            persons: tuple[Share, ...] = check(parse_shares, get("persons"), "persons", True) or ()
            if len(units) != 1:
                problems.append(
                    _RowError(
                        "units",
                        "不对应稿件的事件须填写一个单位",
                        "an event without an item needs one unit",
                    )
                )
            else:
                unit = units[0].id
            if len(persons) > 1:
                problems.append(_RowError("persons", "只能填写一人", "only one person allowed"))
            elif persons:
                person = persons[0].id
        fields: dict[str, str | None] = {}
        for column, vocabulary in (
            ("carrier", "carrier"),
            ("level", "level"),
            ("leader_level", "level"),
            ("placement", "placement"),
            ("route", "route"),
            ("rule", "rule"),
        ):
            value = get(column)
            fields[column] = check(self.vocab, vocabulary, value, column) if value else None
        use = get("use")
        if use:
            use = USE_ALIASES.get(use, use)
            fields["use"] = check(self.vocab, "use", use, "use")
        rank = get("leader_rank")
        if rank:
            rank = RANK_ALIASES.get(rank, rank)
            if rank not in ("main", "other"):
                problems.append(
                    _RowError(
                        "leader_rank",
                        f"领导职务 {rank!r} 无效（主要/其他）",
                        f"bad leader rank {rank!r} (main/other)",
                    )
                )
        points = None
        if get("points"):
            try:
                points = Decimal(get("points"))
                if not points.is_finite() or abs(points) > MAX_POINTS:
                    raise InvalidOperation
                exponent = points.as_tuple().exponent
                if isinstance(exponent, int) and exponent < -2:
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(
                    _RowError(
                        "points",
                        f"分值 {get('points')[:40]!r} 无效：应为 -{MAX_POINTS} 到 {MAX_POINTS} "
                        "之间的数，至多两位小数",
                        f"points {get('points')[:40]!r} must be a number between "
                        f"-{MAX_POINTS} and {MAX_POINTS} with at most two decimal places",
                    )
                )
        revoked_text = get("revoked").lower()
        if revoked_text not in TRUE | FALSE:
            problems.append(
                _RowError(
                    "revoked",
                    f"撤销 {revoked_text!r} 应为 是/否",
                    f"revoked {revoked_text!r} must be yes/no",
                )
            )
        if problems:
            for p in problems:
                self.errors.append(Problem(self.source, number, p.column, p.zh, p.en))
            return
        assert date is not None
        self.event_ids[event_id] = number
        if item is not None:
            self.items[item.id] = item
            self.item_row.setdefault(item.id, number)
        self.events.append(
            Event(
                id=event_id,
                type=etype,
                date=date,
                item_id=item_id,
                unit=unit,
                person=person,
                carrier=fields["carrier"],
                level=fields["level"],
                grade=get("grade") or None,
                placement=fields["placement"],
                use=fields.get("use"),
                issue=get("issue") or None,
                leader=get("leader") or None,
                leader_level=fields["leader_level"],
                leader_rank=rank or None,
                route=fields["route"],
                rule=fields["rule"],
                points=points,
                assessor=get("assessor") or None,
                reason=get("reason") or None,
                revoked=revoked_text in TRUE and revoked_text != "",
                due=due,
            )
        )

    def item(self, item_id: str, get: Any) -> Item:
        known = self.items.get(item_id)
        kind_text = get("kind")
        if known is not None and not any(get(c) for c in ITEM_COLUMNS):
            return known
        if not kind_text:
            raise _RowError("kind", "缺少稿件类别", "missing the item's kind")
        kind = self.vocab("kind", kind_text, "kind")
        chars_text = get("chars") or "0"
        # str.isdigit() takes "²" and "١٢٣" too, which int() does not all read
        if not re.fullmatch(r"[0-9]{1,7}", chars_text):
            raise _RowError(
                "chars",
                f"字数 {chars_text[:40]!r} 无效（0 到 {MAX_CHARS} 的整数）",
                f"bad character count {chars_text[:40]!r} (a whole number up to {MAX_CHARS})",
            )
        units = parse_shares(get("units"), "units", False)
        if not units:
            raise _RowError("units", "缺少单位", "missing units")
        item = Item(
            id=item_id,
            kind=kind,
            units=units,
            persons=parse_shares(get("persons"), "persons", True),
            title=get("title"),
            char_count=int(chars_text),
            topics=tuple(t.strip() for t in re.split(r"[;；,，、]", get("topics")) if t.strip()),
        )
        if known is not None and known != item:
            raise _RowError(
                "item_id",
                f"稿件属性与第 {self.item_row[item_id]} 行不一致",
                f"item attributes differ from row {self.item_row[item_id]}",
            )
        return item


def _text_of(path_or_text: str | Path) -> tuple[str, str]:
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and Path(path_or_text).is_file()
    ):
        path = Path(path_or_text)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise EventsFileError(
                [Problem(str(path), 0, "", f"无法读取文件：{exc}", f"cannot read file: {exc}")]
            ) from None
        if path.suffix.lower() == ".xlsx":
            return workbook_csv(data, str(path)), str(path)
        return decode_text(data, str(path)), str(path)
    return path_or_text.lstrip("\ufeff"), "<text>"


def decode_text(data: bytes, source: str) -> str:
    """A text file as UTF-8 (with or without BOM) or, failing that, GB18030 — what Excel
    writes when a sheet is saved as CSV on a Chinese Windows."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise EventsFileError(
        [
            Problem(
                source,
                0,
                "encoding",
                "文件既不是 UTF-8 也不是 GB18030 文本",
                "the file is neither UTF-8 nor GB18030 text",
            )
        ]
    )


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def workbook_csv(data: bytes, source: str) -> str:
    """The first sheet of an Excel workbook (.xlsx) as CSV text: dates as 2011-03-02,
    whole numbers without a decimal point. Workbooks with macros are refused; the
    ``key`` of the problem says why (``format``, ``macros``, ``too_big``, ``unreadable``)."""
    import zipfile

    def refuse(key: str, zh: str, en: str) -> EventsFileError:
        return EventsFileError([Problem(source, 0, key, zh, en)])

    not_xlsx = ("format", "这不是 Excel 工作簿（.xlsx）", "this is not an Excel workbook (.xlsx)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception:  # noqa: BLE001 — a damaged archive fails in many ways (zlib, encryption …)
        raise refuse(*not_xlsx) from None
    # the sizes are the archive directory's word: zipfile stops reading a member at its
    # stated size (and fails its checksum), so a member cannot unpack to more than this
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES or any(
        m.file_size > 1024 * 1024 and m.file_size > MAX_PACKING_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise refuse(
            "too_big",
            f"工作簿解压后过大（{unpacked // (1024 * 1024)} MB），不予读取",
            f"the workbook unpacks to too much ({unpacked // (1024 * 1024)} MB)",
        )
    try:
        names = set(archive.namelist())
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 — a damaged archive fails in many ways (zlib, encryption …)
        raise refuse(*not_xlsx) from None
    if any(n.lower().endswith("vbaproject.bin") for n in names) or "macroEnabled" in types:
        raise refuse("macros", "工作簿含有宏，不予读取", "the workbook contains macros")
    if XLSX_TYPE not in types:
        raise refuse(*not_xlsx)
    import openpyxl  # type: ignore[import-untyped]

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        out = io.StringIO()
        writer = csv.writer(out)
        for row in book.worksheets[0].iter_rows(values_only=True):
            writer.writerow(["" if v is None else _cell(v) for v in row])
        book.close()
    except Exception:  # noqa: BLE001 — any failure of the reader means an unreadable file
        raise refuse(
            "unreadable", "工作簿无法读取，请重新另存为 .xlsx", "the workbook cannot be read"
        ) from None
    return out.getvalue()


def _cell(value: object) -> str:
    if isinstance(value, datetime.date):  # datetimes too
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(
    text: str, source: str, errors: list[Problem]
) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        headers = next(reader, None)
    except csv.Error as exc:
        errors.append(Problem(source, 1, "", f"表头无法读取：{exc}", f"unreadable header: {exc}"))
        return
    if headers is None:
        errors.append(Problem(source, 1, "", "文件为空", "empty file"))
        return
    mapping, unknown = _header_map(headers)
    for name in unknown:
        errors.append(Problem(source, 1, name, f"未知列 {name!r}", f"unknown column {name!r}"))
    for required in ("event_id", "event", "date"):
        if required not in mapping.values():
            errors.append(
                Problem(source, 1, required, f"缺少列 {required}", f"missing column {required}")
            )
    if errors:
        return
    for number, values in _guarded(reader, source, errors):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(headers):
            errors.append(Problem(source, number, "", "列数多于表头", "more fields than headers"))
            continue
        yield number, {mapping[h]: _cell_text(v) for h, v in zip(headers, values, strict=False)}


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value: str) -> str:
    """A cell as written before an export escaped it: exports write text that a
    spreadsheet would run as a formula (``=…``) with a leading apostrophe."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def _guarded(
    reader: Iterator[list[str]], source: str, errors: list[Problem]
) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header, numbered; a row with a cell longer than
    ``MAX_CELL_CHARS`` is a problem, and a file the CSV reader cannot go on reading
    ends with a problem at the row where it stopped."""
    number = 1
    while True:
        number += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(
                Problem(
                    source,
                    number,
                    "",
                    f"无法继续读取 CSV：{exc}（字段过长或引号不配对）",
                    f"cannot read on: {exc} (a field too long, or unmatched quotes)",
                )
            )
            return
        if any(len(v) > MAX_CELL_CHARS for v in values):
            errors.append(
                Problem(
                    source,
                    number,
                    "",
                    f"单元格过长：至多 {MAX_CELL_CHARS} 个字符",
                    f"a cell is too long: at most {MAX_CELL_CHARS} characters",
                )
            )
            continue
        yield number, values


def _jsonl_rows(
    text: str, source: str, errors: list[Problem]
) -> Iterator[tuple[int, dict[str, str]]]:
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(
                Problem(source, number, "", f"JSON 错误：{exc.msg}", f"JSON error: {exc.msg}")
            )
            continue
        if not isinstance(data, dict):
            errors.append(
                Problem(source, number, "", "每行须为 JSON 对象", "each line must be a JSON object")
            )
            continue
        row: dict[str, str] = {}
        for key, value in data.items():
            if key not in COLUMNS:
                errors.append(
                    Problem(source, number, key, f"未知键 {key!r}", f"unknown key {key!r}")
                )
                continue
            if isinstance(value, list):
                value = ";".join(
                    f"{v['id']}:{v.get('weight', 1)}" if isinstance(v, dict) else str(v)
                    for v in value
                )
            row[key] = (
                ""
                if value is None
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
        yield number, row


def read_events(
    path_or_text: str | Path,
    format: str = "csv",
    skip_bad_rows: bool = False,
    ruleset: RuleSet | None = None,
) -> ParsedEvents:
    """Parse an events ledger into items and events.

    ``format`` is "csv" or "jsonl". With a ``ruleset``, labels such as 政务信息 or
    总局《专报信息》 are mapped to the rule set's ids and unknown ones are errors.
    Raises ``EventsFileError`` listing every bad row unless ``skip_bad_rows``.
    """
    text, source = _text_of(path_or_text)
    reader = _Reader(source, ruleset)
    structural: list[Problem] = []
    if format == "csv":
        rows = _csv_rows(text, source, structural)
    elif format == "jsonl":
        rows = _jsonl_rows(text, source, structural)
    else:
        raise ValueError(f"unknown format {format!r}")
    for number, row in rows:
        reader.row(number, row)
    errors = structural + reader.errors
    if structural and not reader.events and format == "csv":
        raise EventsFileError(errors)
    if errors and not skip_bad_rows:
        raise EventsFileError(errors)
    used = {e.item_id for e in reader.events}
    items = tuple(i for i in reader.items.values() if i.id in used)
    return ParsedEvents(items, tuple(reader.events), tuple(errors))


UNIT_COLUMNS = {
    "unit": ("单位", "部门", "id"),
    "name": ("名称",),
    "parent": ("上级", "上级单位"),
    "class": ("类别", "单位类别"),
    "target": ("目标分", "目标"),
    "target_count": ("目标条数",),
    "order": ("顺序",),
    "person": ("人员", "作者"),
}


def read_units(path_or_text: str | Path) -> PeriodData:
    """Units (and optionally persons) with tree, class and targets from CSV.

    A row with a ``person`` column filled describes a person of ``unit``.
    """
    text, source = _text_of(path_or_text)
    reader = csv.reader(io.StringIO(text))
    errors: list[Problem] = []
    try:
        headers = next(reader, None) or []
    except csv.Error as exc:
        raise EventsFileError(
            [Problem(source, 1, "", f"表头无法读取：{exc}", f"unreadable header: {exc}")]
        ) from None
    lookup = {alias: key for key, aliases in UNIT_COLUMNS.items() for alias in (key, *aliases)}
    columns = []
    for header in headers:
        key = lookup.get(header.strip().lstrip("\ufeff"))
        if key is None:
            errors.append(
                Problem(source, 1, header, f"未知列 {header!r}", f"unknown column {header!r}")
            )
        columns.append(key or "")
    units: list[UnitInfo] = []
    persons: list[PersonInfo] = []
    for number, values in _guarded(reader, source, errors):
        row = {c: _cell_text(v.strip()) for c, v in zip(columns, values, strict=False)}
        if not any(row.values()):
            continue
        try:
            target = Decimal(row["target"]) if row.get("target") else None
            count = int(row["target_count"]) if row.get("target_count") else None
            order = int(row["order"]) if row.get("order") else number
        except (InvalidOperation, ValueError):
            errors.append(
                Problem(
                    source, number, "target", "目标或顺序不是数", "target or order is not a number"
                )
            )
            continue
        if not row.get("unit"):
            errors.append(Problem(source, number, "unit", "缺少单位", "missing unit"))
            continue
        if row.get("person"):
            persons.append(
                PersonInfo(row["person"], row["unit"], row.get("name", ""), target, count)
            )
        else:
            units.append(
                UnitInfo(
                    id=row["unit"],
                    name=row.get("name", ""),
                    parent=row.get("parent") or None,
                    unit_class=row.get("class") or None,
                    target=target,
                    target_count=count,
                    order=order,
                )
            )
    if errors:
        raise EventsFileError(errors)
    return PeriodData(units=tuple(units), persons=tuple(persons))
