"""Engine tests need no database and no Django: they run under plain pytest too."""

import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
for path in (HERE.parents[2], HERE):  # the repository root and the builders
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from engine_builders import make_event, make_item, make_rules  # noqa: E402

from xinxuan.scoring.engine import Event, Item, RuleSet  # noqa: E402


@pytest.fixture
def settings() -> Any:
    # The project's root conftest uses pytest-django's ``settings`` fixture; engine
    # tests need no Django, so a stand-in keeps them runnable with -p no:django.
    return types.SimpleNamespace(STORAGES={})


@pytest.fixture
def rules() -> Callable[..., RuleSet]:
    return make_rules


@pytest.fixture
def ev() -> Callable[..., Event]:
    return make_event


@pytest.fixture
def item() -> Callable[..., Item]:
    return make_item
