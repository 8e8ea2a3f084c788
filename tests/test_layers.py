"""Imports follow the direction of the architecture (docs/architecture.md, "Layers").

Layers: views → actions → ledger → models → engine.  A module imports its own layer
or a lower one, never a higher one (a model never calls an action, the ledger never
calls a view).  A layer may read a lower layer of any app: the item's page shows its
outcomes and their points, an item's edit rescores it through the ledger.

Apps: organisation → submissions → outcomes → scoring → appraisal → bulletins, and
portal → comments (the portal reads organisation and submissions).  Within one layer an
app imports only the apps upstream of it: submissions' models know nothing of outcomes,
submissions' actions call no outcomes action.  ``accounts`` and ``lib`` sit beneath all.

Read with ``ast`` from the files, imports inside functions included: a lazy import is
still a dependency.  The few exceptions we live with are listed in ``EXCEPTIONS`` with
the reason; an exception that no longer occurs fails too, so the list stays true.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xinxuan"

LAYERS = ("views", "actions", "ledger", "models", "engine")

# Module name (the file's stem, or its folder) → layer.  Entry points — screens,
# forms, commands, demo loaders — are views: they call actions, nothing calls them.
# ``apps.py`` only wires an app together and has no layer.
LAYER_OF = {
    "views": "views",
    "admin_views": "views",
    "wagtail_hooks": "views",
    "forms": "views",
    "urls": "views",
    "panels": "views",
    "reports": "views",
    "feeds": "views",
    "lists": "models",  # the portal's cached list queries
    "search": "models",  # the portal's search queries
    "middleware": "views",
    "templatetags": "views",
    "management": "views",
    "demo": "views",
    "demo_articles": "views",
    "demo_text": "views",
    "signals": "actions",  # cache invalidation after a change
    "actions": "actions",
    "importing": "actions",
    "duplicates": "actions",
    "counting": "actions",
    "ledger": "ledger",
    "vocabulary": "ledger",  # what the rule set in force offers the forms
    "models": "models",
    "access": "models",
    "roles": "models",
    "explanations": "models",  # score lines rendered from their stored calculation
    "engine": "engine",
    "standings": "ledger",  # scoring: standings by period, read from the ledger
    "whatif": "ledger",  # scoring: a draft scored in memory beside the ledger
    "rollup": "ledger",  # scoring: the unit tree rolled up, read from the ledger
}

UPSTREAM: dict[str, set[str]] = {
    "organisation": set(),
    "files": {"organisation"},
    "submissions": {"organisation", "files"},
    "outcomes": {"organisation", "files", "submissions"},
    "scoring": {"organisation", "files", "submissions", "outcomes"},
    "appraisal": {"organisation", "files", "submissions", "outcomes", "scoring"},
    "bulletins": {"organisation", "files", "submissions", "outcomes", "scoring", "appraisal"},
    "portal": {"organisation", "files", "submissions"},
    "comments": {"organisation", "files", "portal"},
}
# Beneath every app: accounts and small helpers; the jobs app runs any app's background
# work and only records its progress.
BENEATH_ALL = {"accounts", "lib", "jobs"}

# (importing module, imported module): why it is so today.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("xinxuan.submissions.actions", "xinxuan.outcomes.actions"): (
        "submit_item: delivering a commissioned item withdraws its missed event in the "
        "same transaction, through the one audited revoke path of the outcomes; "
        "head_approve_item: where the bureau records 报送 automatically, the item's 报送 "
        "is recorded with the approval, through the office's own record path"
    ),
    ("xinxuan.submissions.views", "xinxuan.outcomes.forms"): (
        "the item page is where the office records an item's outcomes: it shows their forms"
    ),
    ("xinxuan.submissions.views", "xinxuan.portal.forms"): (
        "the item page offers to publish an approved press item on the portal"
    ),
    ("xinxuan.portal.lists", "xinxuan.portal.counting"): (
        "the “most read” list reads the view counters that counting.py keeps"
    ),
    ("xinxuan.portal.models", "xinxuan.portal.feeds"): (
        "a Wagtail page serves itself: the channel page's routes answer with its feeds"
    ),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def where(name: str) -> tuple[str, str] | None:
    """(app, layer) of a module of ours, or None for packages without a layer."""
    parts = name.split(".")
    if len(parts) < 3 or parts[0] != "xinxuan":
        return None
    app = parts[1]
    for part in parts[2:]:
        if part in LAYER_OF:
            return app, LAYER_OF[part]
    return None


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports(path: Path) -> set[str]:
    """The modules of ours a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.stem == "__init__" else module_name(path).rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            for alias in node.names:
                # ``from xinxuan.scoring import ledger`` imports the module ledger
                name = f"{base}.{alias.name}"
                found.add(name if is_module(name) else base)
    return {name for name in found if name.startswith("xinxuan.")}


def violations() -> dict[tuple[str, str], str]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = module_name(path)
        mine = where(source)
        if mine is None:
            continue
        app, layer = mine
        for target in imports(path):
            theirs = where(target)
            if theirs is None:
                continue
            other_app, other_layer = theirs
            if LAYERS.index(other_layer) < LAYERS.index(layer):
                found[(source, target)] = f"{layer} imports the higher layer {other_layer}"
            elif (
                other_layer == layer
                and other_app != app
                and other_app not in BENEATH_ALL
                and other_app not in UPSTREAM.get(app, set())
            ):
                found[(source, target)] = f"{app} imports {other_app}, which is downstream"
    return found


def test_the_checker_sees_the_imports_it_must():
    # a module-level and a lazy (in-function) import of another app's module
    found = imports(PACKAGE / "submissions" / "actions.py")
    assert {"xinxuan.scoring.ledger", "xinxuan.outcomes.actions"} <= found
    assert where("xinxuan.scoring.engine.scoring") == ("scoring", "engine")
    assert where("xinxuan.outcomes.management.commands.record_missed_commissions") == (
        "outcomes",
        "views",
    )


@pytest.mark.parametrize(
    "pair, why",
    sorted(violations().items()),
    ids=lambda v: "→".join(v) if isinstance(v, tuple) else "",
)
def test_no_module_imports_against_the_direction(pair, why):
    assert pair in EXCEPTIONS, f"{pair[0]} imports {pair[1]}: {why}"


@pytest.mark.parametrize("pair", sorted(EXCEPTIONS), ids="→".join)
def test_every_listed_exception_still_occurs(pair):
    assert pair in violations(), f"{pair} no longer occurs: remove it from EXCEPTIONS"
