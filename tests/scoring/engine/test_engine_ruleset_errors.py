"""A bad rule set is refused with the key, the line and the reason in zh and en."""

import pytest
from engine_builders import BASE

from xinxuan.scoring.engine import RuleSetError, load_ruleset


def build(settings="", extra=""):
    return BASE.replace("{settings}", settings).replace("{extra}", extra)


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


CASES = [
    (
        "unknown setting",
        build(settings='multi_adoptions = "sum"'),
        "settings.multi_adoptions",
        "multi_adoptions",
    ),
    (
        "bad setting value",
        build(settings='multi_adoption = "all"'),
        "settings.multi_adoption",
        'multi_adoption = "all"',
    ),
    ("unknown rule type", build(extra="[bonuses]\nx = 1"), "bonuses", "[bonuses]"),
    (
        "unknown key in a carrier",
        build(extra='[carriers.x]\nlevel = "city"\npoints_ = 3'),
        "carriers.x.points_",
        "points_",
    ),
    (
        "undefined level",
        build(extra='[carriers.x]\nlevel = "county"'),
        "carriers.x.level",
        'level = "county"',
    ),
    (
        "circular kinds",
        build(extra='[kinds.a]\ninherits = "b"\n[kinds.b]\ninherits = "a"'),
        "kinds.a.inherits",
        'inherits = "b"',
    ),
    (
        "carrier class referring to itself",
        build(extra='[carrier_classes.loop]\nparent = "loop"'),
        "carrier_classes.loop.parent",
        'parent = "loop"',
    ),
    (
        "range min above max",
        build(extra="[adjustments.x]\nmin = 5\nmax = 2"),
        "adjustments.x.min",
        "min = 5",
    ),
    (
        "unsafe formula",
        build(extra='[conversion]\nformula = "__import__(1)"'),
        "conversion.formula",
        "formula =",
    ),
    (
        "quota without its parameter",
        build(
            extra='[quotas.q]\nperiod = "month"\ncounts = "report"\nrequired = 1\nbasis = "flat"'
        ),
        "quotas.q.basis",
        'basis = "flat"',
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "needle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_problem_names_key_and_line(text, key, needle):
    with pytest.raises(RuleSetError) as info:
        load_ruleset(text, "r.toml")
    problem = next(p for p in info.value.problems if p.key == key)
    assert problem.line == line_of(text, needle)
    assert problem.message_zh and problem.message_en and problem.source == "r.toml"


def test_syntax_error_reports_tomllib_line():
    text = build() + "\n[broken\n"
    with pytest.raises(RuleSetError) as info:
        load_ruleset(text)
    assert info.value.problems[0].line == line_of(text, "[broken")


def test_all_problems_are_listed():
    text = build(settings='multi_adoption = "all"\nfoo = 1')
    with pytest.raises(RuleSetError) as info:
        load_ruleset(text)
    assert {p.key for p in info.value.problems} == {"settings.multi_adoption", "settings.foo"}


@pytest.mark.parametrize(
    ("text", "line", "zh"),
    [
        ("[ruleset]\nid = x\n", 2, "值无效"),
        ('[ruleset]\nid = "x"\n[settings\n', 3, "表名后缺少"),
        ('[ruleset]\nid = "x"\nname = ["a", "b"\n', 4, "数组缺少"),
    ],
    ids=["unquoted string", "unclosed table header", "truncated file"],
)
def test_a_toml_syntax_error_is_told_in_chinese_at_its_line(text, line, zh):
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(text, "办法.toml")
    (problem,) = refused.value.problems
    assert problem.line == line and zh in problem.message_zh
    assert f"第 {line} 行" in problem.message_zh or "文件末尾" in problem.message_zh
    assert "TOML syntax error" in problem.message_en
