"""A hostile rule set is refused at its line, never crashes the reader (no database)."""

import pytest
from engine_builders import BASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinxuan.scoring.engine import RuleSetError, load_ruleset
from xinxuan.scoring.engine.formula import Formula, FormulaError


def build(settings="", extra=""):
    return BASE.replace("{settings}", settings).replace("{extra}", extra)


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


CASES = [
    pytest.param("[kinds.x]\nfactor = nan", "factor = nan", id="nan"),
    pytest.param("[kinds.x]\nfactor = inf", "factor = inf", id="infinity"),
    pytest.param("[kinds.x]\nfactor = -inf", "factor = -inf", id="minus-infinity"),
    pytest.param("[kinds.x]\nfactor = 1e999999", "factor = 1e999999", id="huge-exponent"),
    pytest.param("[kinds.x]\nfactor = 1" + "0" * 60, "factor = 1000", id="huge-integer"),
    pytest.param("[kinds.x]\nfactor = 0.0000000001", "factor = 0.0000000001", id="tiny"),
    pytest.param(
        "[kinds.x]\nfactor = 1e" + "9" * 40, "factor = 1e999", id="exponent-beyond-decimal"
    ),
    pytest.param(
        "[kinds.x]\nreclassify_at_chars = 9" + "9" * 30, "reclassify_at_chars = 99", id="huge-count"
    ),
    pytest.param(
        '[carriers.x]\nlevel = "city"\npoints = "1e400"', 'points = "1e400"', id="huge-string"
    ),
]


@pytest.mark.parametrize(("extra", "needle"), CASES)
def test_a_number_out_of_range_is_refused_at_its_line(extra, needle):
    text = build(extra=extra)
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(text, "办法.toml")
    (problem,) = refused.value.problems
    assert problem.line == line_of(text, needle)
    assert "无效" in problem.message_zh and len(problem.message_zh) < 200


@pytest.mark.parametrize(
    "nested",
    [
        pytest.param("x = " + "[" * 50_000 + "]" * 50_000, id="arrays"),
        pytest.param("x = " + "{a = " * 5_000 + "1" + "}" * 5_000, id="inline-tables"),
    ],
)
def test_deep_nesting_is_refused_at_its_line_not_a_recursion_error(nested):
    text = build(extra="[kinds.x]\n" + nested)
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(text, "办法.toml")
    (problem,) = refused.value.problems
    assert problem.line == line_of(text, "x = [") if "[" in nested else line_of(text, "x = {")
    assert "嵌套过深" in problem.message_zh


def test_brackets_inside_strings_and_comments_are_not_nesting():
    deep = "[" * 40
    text = build(extra=f'[kinds.x]\nlabel_zh = "{deep}"  # {deep}')
    assert load_ruleset(text).kinds["x"].label[0] == deep


def test_a_text_too_long_is_refused():
    text = build() + ("# 注释\n" * 60_000)
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(text)
    assert "过长" in refused.value.problems[0].message_zh


@pytest.mark.parametrize(
    ("formula", "zh"),
    [
        pytest.param("score" + "+score" * 200, "过长", id="long"),
        pytest.param("-" * 600 + "1", "过长", id="deep-unary"),
        pytest.param("1e999 * score", "超出范围", id="infinite-constant"),
        pytest.param("score * 99999999999", "超出范围", id="huge-constant"),
        pytest.param("score\x00", "语法错误", id="nul"),
    ],
)
def test_a_hostile_formula_is_refused_at_its_line(formula, zh):
    text = build(extra=f'[conversion]\nformula = "{formula}"'.replace("\x00", "\\u0000"))
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(text, "办法.toml")
    (problem,) = refused.value.problems
    assert problem.key == "conversion.formula"
    assert problem.line == line_of(text, "formula =")
    assert zh in problem.message_zh


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.text(alphabet="()+-*/.,0123456789e score minax_\x00", max_size=600))
def test_any_formula_text_is_parsed_or_refused(source):
    try:
        Formula(source, frozenset({"score"}))
    except FormulaError as refused:
        assert refused.message_zh and refused.message_en


TOML_PIECES = st.sampled_from(
    [
        "[kinds.x]\n",
        "[carriers.x]\n",
        "[conversion]\n",
        "[appraisal]\n",
        "[settings]\n",
        "[[quotas.q]]\n",
        "factor = ",
        "points = ",
        "formula = ",
        "level = ",
        "appraisal = ",
        "settings = ",
        "1e999",
        "nan",
        "-inf",
        "9" * 50,
        '"x"',
        "[",
        "]",
        "{",
        "}",
        "{a = 1}",
        "[1, 2]",
        "true",
        "2011-01-01",
        "\n",
        ",",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(TOML_PIECES, max_size=30))
def test_any_rule_set_text_is_loaded_or_refused_with_problems(pieces):
    text = build(extra="".join(pieces))
    try:
        load_ruleset(text, "办法.toml")
    except RuleSetError as refused:
        assert refused.problems
        assert all(p.message_zh and p.message_en for p in refused.problems)
