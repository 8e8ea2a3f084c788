"""The shipped regulations score their worked examples exactly, through the CLI."""

import io
import json
import re
from pathlib import Path

import pytest

from xinxuan.scoring.engine import load_ruleset_file
from xinxuan.scoring.engine.appraisal import award_prizes, decide_plaque
from xinxuan.scoring.engine.cli import main

RULESETS = Path(__file__).resolve().parents[3] / "xinxuan" / "scoring" / "rulesets"
EXAMPLES = RULESETS / "examples"
NAMES = sorted(p.stem for p in RULESETS.glob("*.toml"))
SCORE_2011 = [
    "score",
    "--rules",
    str(RULESETS / "changzhou-2011.toml"),
    "--events",
    str(EXAMPLES / "changzhou-2011-events.csv"),
]


def run(*args):
    out = io.StringIO()
    code = main(list(args), out)
    return code, out.getvalue()


def test_at_least_five_rulesets_are_shipped():
    assert {"changzhou-2011", "changzhou-2012-draft"} <= set(NAMES)
    assert {"city-office", "county-publicity", "development-zone"} <= set(NAMES)
    assert len(NAMES) >= 8


@pytest.mark.parametrize("name", NAMES)
def test_comments_in_shipped_rulesets_are_chinese(name):
    """The office reads its rule set: every comment says its piece in Chinese."""
    text = (RULESETS / f"{name}.toml").read_text(encoding="utf-8")
    comments = [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]
    assert comments
    for comment in comments:
        assert re.search(r"[\u4e00-\u9fff]", comment), comment


APPRAISALS = [
    pytest.param(
        "city-office",
        {
            "collective_prizes": [("first", "发改委"), ("second", "财政局"), ("second", "统计局")],
            "plaque": "发改委",
        },
        id="city office: ≥ 10 points to compete, red flag at ≥ 30",
    ),
    pytest.param(
        "county-publicity",
        {
            "individual_prizes": [("excellent", "张明"), ("excellent", "赵丽")],
            "elimination": ["王强"],
        },
        id="county: best correspondents, the lowest below 5 listed",
    ),
    pytest.param(
        "development-zone",
        {
            "collective_prizes": [("advanced", "招商局"), ("advanced", "规划建设局")],
            "plaque": "招商局",
            "ineligible": {"经济发展局": "vetoed", "社会事业局": "completion below 100%"},
        },
        id="development zone: a unit without a target competes, a vetoed one does not",
    ),
    pytest.param(
        "qingxi-publicity-2026",
        {
            "args": ["--period", "2026-Q2", "--holder", "河口镇"],
            "collective_prizes": [("first", "城关镇"), ("second", "山前乡"), ("third", "县教育局")],
            "individual_prizes": [("excellent", "刘一"), ("excellent", "杨三")],
            "plaque": "城关镇",
            "elimination": ["陈二"],
            "ineligible": {"河口镇": "completion below 60%"},
        },
        id="county, a quarter: no target competes, red flag at ≥ 90 moves, lowest below 25",
    ),
]


@pytest.mark.parametrize(("name", "expected"), APPRAISALS)
def test_shipped_appraisals(name, expected):
    code, out = run(
        "appraise",
        "--rules",
        str(RULESETS / f"{name}.toml"),
        "--events",
        str(EXAMPLES / f"{name}-events.csv"),
        "--units",
        str(EXAMPLES / f"{name}-units.csv"),
        "--format",
        "json",
        "--lang",
        "en",
        *expected.get("args", ()),
    )
    assert code == 0
    data = json.loads(out)
    for who in ("collective_prizes", "individual_prizes"):
        if who in expected:
            assert [(p["tier"], p["winner"]) for p in data[who]] == expected[who]
    if "plaque" in expected:
        assert data["plaque"]["holder"] == expected["plaque"]
    if "elimination" in expected:
        assert [e["person"] for e in data["elimination"]] == expected["elimination"]
    for unit, reason in expected.get("ineligible", {}).items():
        (verdict,) = [v for v in data["collective_eligibility"] if v["id"] == unit]
        assert not verdict["eligible"] and verdict["reason"] == reason


@pytest.mark.parametrize("name", NAMES)
def test_example_scores_exactly(name):
    expected = json.loads((EXAMPLES / f"{name}-expected.json").read_text(encoding="utf-8"))
    args = [
        "score",
        "--rules",
        str(RULESETS / f"{name}.toml"),
        "--events",
        str(EXAMPLES / expected["events"]),
    ]
    if expected["units_file"]:
        args += ["--units", str(EXAMPLES / expected["units_file"])]
    if expected.get("period"):  # a worked example of one quarter of an annual regulation
        args += ["--period", expected["period"]]
    code, out = run(*args, "--format", "json", "--explain")
    assert code == 0
    data = json.loads(out)
    units = {
        u["id"]: {"points": u["points"], "rank": u["rank"], "completion": u["completion"]}
        for u in data["units"]
    }
    assert units == expected["units"]
    assert {p["id"]: p["points"] for p in data["persons"]} == expected["persons"]
    assert all(
        line["explanation"].endswith(f"= {line['points']}")
        or "（" in line["explanation"]
        or "[" in line["explanation"]
        for line in data["lines"]
    )


@pytest.mark.parametrize("name", NAMES)
def test_check_accepts_shipped_rulesets(name):
    code, out = run("check", "--rules", str(RULESETS / f"{name}.toml"))
    assert code == 0 and out.startswith("OK")


def test_table_output_shows_completion_and_explanations():
    code, out = run(
        *SCORE_2011,
        "--units",
        str(EXAMPLES / "changzhou-2011-units.csv"),
        "--period",
        "2011-Q1",
        "--explain",
    )
    assert code == 0
    assert "86.0%" not in out  # only the first quarter: 40.5 of 50
    assert "81.0%" in out
    assert "总局《专报信息》采用 国家级 基础分 20 × 独家采用 1 = 20" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "--rules", "missing.toml", "--events", "x.csv"], "cannot read file"),
        (
            ["score", "--rules", str(RULESETS / "changzhou-2011.toml"), "--events", "missing.csv"],
            "not found",
        ),
        (
            [
                "score",
                "--rules",
                str(RULESETS / "changzhou-2011.toml"),
                "--events",
                str(EXAMPLES / "changzhou-2011-events.csv"),
                "--period",
                "2011-Q9",
            ],
            "bad date or period",
        ),
    ],
    ids=["missing rules", "missing events", "bad period"],
)
def test_bad_input_exits_2_without_traceback(args, message, capsys):
    code, _out = run(*args)
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_2011_appraisal_first_prize_and_plaque():
    rs = load_ruleset_file(RULESETS / "changzhou-2011.toml")
    from xinxuan.scoring.engine import score
    from xinxuan.scoring.engine.events_io import read_events, read_units

    parsed = read_events(EXAMPLES / "changzhou-2011-events.csv", ruleset=rs)
    units = read_units(EXAMPLES / "changzhou-2011-units.csv")
    result = score(rs, parsed.items, parsed.events, units)
    awards = award_prizes(rs, result)
    assert [(a.tier, a.winner) for a in awards] == [("first", "动植检处")]  # others below 60 %
    decision = decide_plaque(rs, result, previous_holder="办公室")
    assert decision.holder == "办公室" and not decision.changed  # nobody reached 100 %


def _as_workbook(csv_path, target):
    """The ledger as an office keeps it in Excel: dates as date cells, numbers as numbers."""
    import csv
    import datetime
    import re

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            cells = []
            for value in row:
                if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                    cells.append(datetime.date.fromisoformat(value))
                elif re.fullmatch(r"\d+", value):
                    cells.append(float(value))  # Excel keeps every number as a float
                else:
                    cells.append(value or None)
            sheet.append(cells)
    book.save(target)
    return target


def _units_of(*args):
    code, out = run(*args, "--format", "json")
    assert code == 0
    return {u["id"]: u["points"] for u in json.loads(out)["units"]}


def test_the_command_line_reads_gb18030_csv_and_excel_workbooks(tmp_path):
    """Offices keep their ledgers in Excel: a workbook, or a sheet saved as CSV on a
    Chinese Windows (GB18030), scores exactly as the UTF-8 file does."""
    source = EXAMPLES / "changzhou-2011-events.csv"
    rules = ["score", "--rules", str(RULESETS / "changzhou-2011.toml")]
    expected = _units_of(*rules, "--events", str(source))
    gb = tmp_path / "台账.csv"
    gb.write_bytes(source.read_text(encoding="utf-8-sig").encode("gb18030"))
    assert _units_of(*rules, "--events", str(gb)) == expected
    workbook = _as_workbook(source, tmp_path / "台账.xlsx")
    assert _units_of(*rules, "--events", str(workbook)) == expected


def test_a_workbook_with_macros_or_a_fake_one_is_refused(tmp_path, capsys):
    import zipfile

    fake = tmp_path / "台账.xlsx"
    fake.write_text("事件编号,日期\n", encoding="utf-8")
    macros = _as_workbook(EXAMPLES / "changzhou-2011-events.csv", tmp_path / "宏.xlsx")
    with zipfile.ZipFile(macros, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\0")
    rules = ["score", "--rules", str(RULESETS / "changzhou-2011.toml")]
    for path, message in ((fake, "not an Excel workbook"), (macros, "contains macros")):
        code, _out = run(*rules, "--events", str(path))
        err = capsys.readouterr().err
        assert code == 2 and message in err and "Traceback" not in err


def test_a_period_outside_the_rule_sets_is_refused(capsys):
    code, out = run(*SCORE_2011, "--period", "2099")
    err = capsys.readouterr().err
    assert code == 2 and out == "" and "不在规则的有效期" in err and "Traceback" not in err
