"""A hostile events file is refused row by row, never crashes the reader or fills memory."""

import io
import zipfile

import pytest
from engine_builders import make_rules

from xinxuan.scoring.engine import EventsFileError, events_io
from xinxuan.scoring.engine.events_io import read_events, read_units, workbook_csv

HEADER = "event_id,item_id,kind,chars,units,event,date,carrier,use,points"


def bomb(size: int) -> bytes:
    """A small workbook-looking archive whose sheet unpacks to ``size`` bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", events_io.XLSX_TYPE)
        archive.writestr("xl/worksheets/sheet1.xml", b"<c>" + b" " * size + b"</c>")
    return buf.getvalue()


def test_a_zip_bomb_is_refused_from_the_archive_directory_before_unpacking():
    data = bomb(20 * 1024 * 1024)
    assert len(data) < 100_000  # 20 MB of sheet in a file of a few kilobytes
    with pytest.raises(EventsFileError) as refused:
        workbook_csv(data, "台账.xlsx")
    assert refused.value.problems[0].key == "too_big"
    assert "解压后过大" in refused.value.problems[0].message_zh


def test_a_workbook_unpacking_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(events_io, "MAX_PACKING_RATIO", 10**9)  # only the total counts
    monkeypatch.setattr(events_io, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    with pytest.raises(EventsFileError) as refused:
        workbook_csv(bomb(3 * 1024 * 1024), "台账.xlsx")
    assert refused.value.problems[0].key == "too_big"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        pytest.param(
            "E1,I1,info,²,A,adoption,2011-03-05,zb,sole,", "chars", id="superscript-chars"
        ),
        pytest.param("E1,I1,info,١٢٣,A,adoption,2011-03-05,zb,sole,", "chars", id="arabic-chars"),
        pytest.param(
            "E1,I1,info," + "9" * 30 + ",A,adoption,2011-03-05,zb,sole,", "chars", id="huge-chars"
        ),
        pytest.param(
            "E1,I1,info,1,A,adoption,2011-03-05,zb,sole,1e999", "points", id="huge-points"
        ),
        pytest.param(
            "E1,I1,info,1,A,adoption,2011-03-05,zb,sole,0.0001", "points", id="tiny-points"
        ),
        pytest.param("E1,I1,info,1,A:1e400,adoption,2011-03-05,zb,sole,", "units", id="huge-share"),
    ],
)
def test_a_number_out_of_range_is_a_row_problem(row, column):
    with pytest.raises(EventsFileError) as refused:
        read_events(HEADER + "\n" + row + "\n", ruleset=make_rules())
    (problem,) = refused.value.problems
    assert (problem.line, problem.key) == (2, column)


def test_a_cell_beyond_the_limit_is_a_row_problem_and_the_next_rows_are_read():
    text = (
        HEADER + "\n"
        "E1,I1,info,1,A,adoption,2011-03-05,zb,sole,\n"
        'E2,I1,info,1,A,report,2011-03-01,,,"' + "长" * 20_000 + '"\n'
        "E3,I1,info,1,A,report,2011-03-02,,,\n"
    )
    parsed = read_events(text, ruleset=make_rules(), skip_bad_rows=True)
    assert [e.id for e in parsed.events] == ["E1", "E3"]
    assert [(p.line, "过长" in p.message_zh) for p in parsed.errors] == [(3, True)]


def test_a_field_beyond_the_csv_readers_own_limit_is_a_problem_not_a_crash():
    text = HEADER + '\nE1,I1,info,1,A,adoption,2011-03-05,zb,sole,"' + "x" * 200_000
    with pytest.raises(EventsFileError) as refused:
        read_events(text, ruleset=make_rules())
    assert refused.value.problems[0].line == 2


def test_a_units_file_with_a_huge_cell_is_refused_with_its_row():
    with pytest.raises(EventsFileError) as refused:
        read_units("unit,name\nA," + "名" * 200_000 + "\n")
    assert refused.value.problems[0].line == 2
