"""Score lines name the settings they used in words, never by their key."""

import pytest

from tests.scoring.engine.engine_builders import make_event, make_item, make_rules
from xinxuan.scoring.engine import explain, score_item
from xinxuan.scoring.engine.explain import SETTING_NAMES
from xinxuan.scoring.engine.schema import SETTINGS


def test_every_setting_has_a_name_in_words():
    assert set(SETTING_NAMES) == set(SETTINGS)


@pytest.mark.parametrize(
    "lang, words",
    [
        pytest.param("zh", "一稿多用的计分方式", id="chinese"),
        pytest.param("en", "how several adoptions of one item count", id="english"),
    ],
)
def test_a_line_dropped_by_a_setting_names_it_in_words(lang, words):
    rules = make_rules('multi_adoption = "highest"')
    events = [
        make_event("e1", "adoption", level="national"),
        make_event("e2", "adoption", level="provincial"),
    ]
    lines = score_item(rules, make_item(), events)
    texts = [explain(line, lang) for line in lines if line.calc.settings]
    assert texts
    assert all("multi_adoption" not in text and words in text for text in texts)
