"""docs/rules.md must document every rule type, key and setting of the schema."""

import ast
from pathlib import Path

import pytest

from xinxuan.scoring.engine.schema import ALL_KEYS, RULE_TYPES, SETTINGS

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(set(RULE_TYPES) | set(SETTINGS) | set(ALL_KEYS)))
def test_documented(name):
    assert f"`{name}" in DOC or f"{name} =" in DOC or f"{name}`" in DOC, f"{name} is undocumented"


@pytest.mark.parametrize(
    "choice",
    sorted(
        {
            c
            for spec, _ in SETTINGS.values()
            if spec.startswith("enum:")
            for c in spec[5:].split("|")
        }
    ),
)
def test_setting_values_documented(choice):
    assert f"`{choice}`" in DOC


def test_engine_imports_no_django():
    engine = ROOT / "xinxuan" / "scoring" / "engine"
    for path in engine.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {
                    "django",
                    "wagtail",
                    "xinxuan",
                } or name.startswith("xinxuan.scoring.engine"), f"{path.name} imports {name}"


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_setting_has_a_chinese_name_for_the_explanations(name):
    from xinxuan.scoring.engine.schema import SETTING_NAMES_ZH

    assert SETTING_NAMES_ZH.get(name, "").strip(), f"{name} has no Chinese name"
