import pytest

from tests.portal.conftest import make_article
from xinxuan.portal import search

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("检验检疫", ["检验", "检疫"], id="compound-to-smallest-words"),
        pytest.param("信息宣传", ["信息", "宣传"], id="two-words"),
        pytest.param("  食品  安全 ", ["食品", "安全"], id="spaces"),
        pytest.param("!!!", [], id="punctuation-only"),
    ],
)
def test_query_terms(query, expected):
    assert search.query_terms(query) == expected


def test_segmented_text_holds_the_parts_of_long_words():
    words = search.segment("常州出入境检验检疫局召开会议").split()
    assert "检验" in words and "检疫" in words


def test_search_finds_a_chinese_word_inside_a_longer_one(client, portal):
    make_article(portal.news, "口岸工作", body="出入境检验检疫局加强口岸查验。")
    make_article(portal.news, "无关稿件", body="今天天气很好。")
    response = client.get("/search/", {"q": "检验检疫"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "口岸工作" in html and "无关稿件" not in html
    assert "<mark>检验</mark><mark>检疫</mark>" in html


def test_search_does_not_find_unpublished_articles(client, portal):
    make_article(portal.news, "草稿", body="检验检疫草稿内容", publish=False)
    assert "草稿" not in client.get("/search/", {"q": "检验检疫"}).content.decode()


def test_highlight_escapes_html():
    assert search.highlight("<b>检验</b>", ["检验"]) == "&lt;b&gt;<mark>检验</mark>&lt;/b&gt;"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        pytest.param({"q": "检" * 10_000}, 400, id="ten-thousand-characters"),
        pytest.param({"q": "检验", "page": "abc"}, 400, id="page-not-a-number"),
        pytest.param({"q": "检验", "page": "99999"}, 200, id="page-out-of-range"),
        pytest.param({"q": ""}, 200, id="empty"),
        pytest.param({"q": "<script>alert(1)</script>"}, 200, id="markup"),
    ],
)
def test_bad_searches_answer_without_error(client, portal, params, status):
    make_article(portal.news, "检验稿件", body="检验工作")
    response = client.get("/search/", params)
    assert response.status_code == status
    assert b"<script>alert(1)" not in response.content
