"""Search across traditional and simplified characters, with the matching passage."""

import pytest
from django.urls import reverse

from tests.portal.conftest import make_article
from xinxuan.portal import search

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "query"),
    [
        pytest.param("检验检疫局召开推进会", "檢驗檢疫", id="traditional-query-simplified-text"),
        pytest.param("檢驗檢疫局召開推進會", "检验检疫", id="simplified-query-traditional-text"),
    ],
)
def test_search_finds_the_other_script(client, portal, written, query):
    make_article(portal.news, written)
    make_article(portal.news, "与此无关的新闻")
    html = client.get(reverse("portal:search"), {"q": query}).content.decode()
    assert "共找到 1 篇文章" in html
    assert written[:2] in html
    assert "与此无关" not in html


def test_highlight_marks_the_original_characters():
    assert search.highlight("檢驗檢疫局", ["检验"]) == "<mark>檢驗</mark>檢疫局"


def test_excerpt_shows_the_matching_passage_once(client, portal):
    summary = "常州检验检疫局召开信息宣传工作推进会。"
    body = summary + "会议表彰了先进集体。" * 20 + "朱建明局长为流动示范点授牌。"
    make_article(portal.news, "推进会", summary=summary, body=body)
    html = client.get(reverse("portal:search"), {"q": "授牌"}).content.decode()
    hit = html[html.index('class="hits"') :]
    assert "<mark>授牌</mark>" in hit
    assert hit.count("召开信息宣传工作推进会") == 0  # the summary is not repeated before it


def test_longer_term_wins_over_its_part():
    assert search.highlight("检验检疫", ["检验", "检验检疫"]) == "<mark>检验检疫</mark>"
