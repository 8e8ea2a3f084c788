"""Reading ledgers: Chinese or English headers, BOM, JSON Lines, every bad row listed."""

import datetime
from decimal import Decimal

import pytest
from engine_builders import make_rules

from xinxuan.scoring.engine import EventsFileError, Share
from xinxuan.scoring.engine.events_io import read_events

ZH = (
    "\ufeff事件编号,稿件编号,标题,类别,字数,单位,作者,事件,日期,载体,采用方式\n"
    "E1,I1,标题一,政务信息,1200,动植检处:1;办公室:1,张一:3;李二:2,采用,2011年3月5日,总局《专报信息》,独家\n"
    "E2,I1,,,,,,上报,2011/3/1,,\n"
)
EN = (
    "event_id,item_id,kind,units,event,date,carrier,use\nE1,I1,info,A,adoption,2011-03-05,zb,sole\n"
)


def test_chinese_headers_with_bom_and_labels():
    parsed = read_events(ZH, ruleset=make_rules())
    assert [e.type for e in parsed.events] == ["adoption", "report"]
    item = parsed.items[0]
    assert item.kind == "info" and item.char_count == 1200
    assert item.units == (Share("动植检处", Decimal(1)), Share("办公室", Decimal(1)))
    assert [p.id for p in item.persons] == ["张一", "李二"]
    assert parsed.events[0].carrier == "zb" and parsed.events[0].use == "sole"


def test_english_headers_and_jsonl_agree():
    jsonl = (
        '{"event_id": "E1", "item_id": "I1", "kind": "info", "units": "A", '
        '"event": "adoption", "date": "2011-03-05", "carrier": "zb", "use": "sole"}\n'
    )
    assert read_events(EN) == read_events(jsonl, format="jsonl")


BAD_ROWS = [
    ("unknown kind", "E1,I1,novel,A,adoption,2011-03-05,zb,sole", "kind"),
    ("bad date", "E1,I1,info,A,adoption,2011-02-30,zb,sole", "date"),
    ("bad share", "E1,I1,info,A:x,adoption,2011-03-05,zb,sole", "units"),
    ("unknown event", "E1,I1,info,A,adopted,2011-03-05,zb,sole", "event"),
    ("unknown carrier", "E1,I1,info,A,adoption,2011-03-05,nowhere,sole", "carrier"),
]


@pytest.mark.parametrize(("row", "column"), [c[1:] for c in BAD_ROWS], ids=[c[0] for c in BAD_ROWS])
def test_bad_row_names_row_and_column(row, column):
    text = EN.splitlines()[0] + "\n" + row + "\n"
    with pytest.raises(EventsFileError) as info:
        read_events(text, ruleset=make_rules())
    problem = info.value.problems[0]
    assert (problem.line, problem.key) == (2, column)
    assert problem.message_zh and problem.message_en


def test_file_rejected_as_a_whole_with_all_errors_unless_skipping():
    text = EN + "E2,I2,info,A,adoption,bad,zb,sole\nE3,I3,info,A,adoption,2011-13-01,zb,sole\n"
    with pytest.raises(EventsFileError) as info:
        read_events(text)
    assert [p.line for p in info.value.problems] == [3, 4]
    parsed = read_events(text, skip_bad_rows=True)
    assert [e.id for e in parsed.events] == ["E1"] and len(parsed.errors) == 2


def test_conflicting_item_attributes_are_an_error():
    text = EN + "E2,I1,photo,A,report,2011-03-01,,\n"
    with pytest.raises(EventsFileError) as info:
        read_events(text)
    assert info.value.problems[0].key == "item_id"


def _damaged_workbooks():
    import io
    import struct
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types>" + "x" * 2000 + "</Types>")
    good = buf.getvalue()
    # the compressed stream garbled
    garbled = bytearray(good)
    start = garbled.find(b"[Content_Types].xml") + len("[Content_Types].xml")
    garbled[start + 4 : start + 40] = b"\xff" * 36
    # marked as encrypted (general purpose flag bit 0, in the central directory)
    encrypted = bytearray(good)
    central = encrypted.find(b"PK\x01\x02")
    flags = struct.unpack_from("<H", encrypted, central + 8)[0]
    struct.pack_into("<H", encrypted, central + 8, flags | 1)
    return {"garbled": bytes(garbled), "encrypted": bytes(encrypted), "random": b"PK\x03\x04x"}


@pytest.mark.parametrize("name", ["garbled", "encrypted", "random"])
def test_a_damaged_workbook_is_refused_with_a_reason_not_a_traceback(name):
    from xinxuan.scoring.engine.events_io import workbook_csv

    with pytest.raises(EventsFileError) as refused:
        workbook_csv(_damaged_workbooks()[name], "台账.xlsx")
    assert refused.value.problems[0].key == "format"


def test_submission_and_report_are_distinct_and_a_due_date_is_read():
    """报送 (to the own office) and 上报 (upward) are two events; 应报日期 is read as the
    day the report was due, and a bad one is refused with its column."""
    text = (
        "事件编号,稿件编号,类别,单位,事件,日期,应报日期,级别\n"
        "E1,I1,政务信息,A,报送,2011-03-02,2011-03-01,\n"
        "E2,I1,,,上报,2011-03-05,,省级\n"
    )
    parsed = read_events(text, ruleset=make_rules())
    assert [(e.type, e.due) for e in parsed.events] == [
        ("submission", datetime.date(2011, 3, 1)),
        ("report", None),
    ]
    assert parsed.events[1].level == "provincial"
    with pytest.raises(EventsFileError) as refused:
        read_events(text.replace("2011-03-01", "三月一日"), ruleset=make_rules())
    due = [p for p in refused.value.problems if p.key == "due"]
    assert [p.line for p in due] == [2] and "应报日期" in due[0].message_zh
