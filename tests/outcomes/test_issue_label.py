"""An outcome's issue reads 第128期 however it was typed (never 第第128期期)."""

import pytest

from xinxuan.outcomes.models import issue_label


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        pytest.param("128", "第128期", id="a number"),
        pytest.param("第128期", "第128期", id="already written out"),
        pytest.param("第128", "第128期", id="without 期"),
        pytest.param("128期", "第128期", id="without 第"),
        pytest.param(" 12 ", "第12期", id="spaces"),
        pytest.param("2011年第3期", "2011年第3期", id="year and number"),
    ],
)
def test_an_issue_is_written_out_once(typed, shown):
    assert issue_label(typed) == shown
