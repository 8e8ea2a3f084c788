"""The lexicon filter finds listed words through the usual disguises (no database)."""

import json

import pytest

from xinxuan.comments import lexicon as lx
from xinxuan.comments.lexicon import Action, Entry, Lexicon, LexiconError, Options, Via


@pytest.fixture(scope="module")
def lexicon():
    return Lexicon(
        [
            # Two characters: looked for by sound only when marked (docs/comments.md).
            Entry("赌博", "广告", Action.HOLD, homophones=True),
            Entry("代开发票", "广告", Action.HOLD),
            Entry("笨蛋", "辱骂", Action.MASK),
            Entry("颠覆政权", "反动", Action.REJECT),
            Entry("枪", "暴力", Action.REJECT),
        ],
        ["打击赌博", "读博"],
    )


@pytest.mark.parametrize(
    ("text", "decision", "found", "via"),
    [
        pytest.param("今天的会议开得很好", Action.PASS, None, None, id="clean-text"),
        pytest.param("这里有人赌博", Action.HOLD, "赌博", Via.EXACT, id="exact"),
        pytest.param("这里有人賭博", Action.HOLD, "賭博", Via.NORMALISED, id="traditional"),
        pytest.param("代开發票", Action.HOLD, "代开發票", Via.NORMALISED, id="mixed-traditional"),
        pytest.param("赌.博", Action.HOLD, "赌.博", Via.NORMALISED, id="inserted-dot"),
        pytest.param("赌 ★ 博", Action.HOLD, "赌 ★ 博", Via.NORMALISED, id="inserted-symbols"),
        pytest.param("赌😀博", Action.HOLD, "赌😀博", Via.NORMALISED, id="inserted-emoji"),
        pytest.param("赌赌赌博", Action.HOLD, "赌赌赌博", Via.NORMALISED, id="repeated"),
        pytest.param("堵搏", Action.HOLD, "堵搏", Via.HOMOPHONE, id="homophone"),
        pytest.param("来dubo吧", Action.HOLD, "dubo", Via.PINYIN, id="pinyin"),
        pytest.param("来ＤＵ ＢＯ吧", Action.HOLD, "ＤＵ ＢＯ", Via.PINYIN, id="full-width-pinyin"),
        pytest.param("du博", Action.HOLD, "du博", Via.PINYIN, id="half-pinyin"),
        pytest.param("你是笨蛋", Action.MASK, "笨蛋", Via.EXACT, id="mask-category"),
        pytest.param("颠-覆-政-权", Action.REJECT, "颠-覆-政-权", Via.NORMALISED, id="reject"),
        pytest.param("枪", Action.REJECT, "枪", Via.EXACT, id="one-character"),
    ],
)
def test_finds_words_through_disguises(lexicon, text, decision, found, via):
    verdict = lexicon.check(text)
    assert verdict.decision == decision
    if found is None:
        assert verdict.matches == ()
        return
    match = verdict.matches[0]
    assert text[match.start : match.end] == found
    assert match.found == found
    assert match.via == via


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("dubois 先生", id="pinyin-inside-an-english-word"),
        pytest.param("强大", id="one-character-homophone-is-ignored"),  # qiang, like 枪
        pytest.param("我们要打击赌博", id="whitelisted-longer-word"),
        pytest.param("他在读博", id="whitelisted-homophone"),
    ],
)
def test_does_not_find_what_is_not_there(lexicon, text):
    assert lexicon.check(text).decision == Action.PASS


def test_whitelist_allows_only_inside_its_own_span(lexicon):
    verdict = lexicon.check("打击赌博，但赌博的人还在")
    assert [(m.start, m.end) for m in verdict.matches] == [(6, 8)]
    assert [a.word for a in verdict.allowed] == ["打击赌博"]


def test_a_homophone_of_a_whitelisted_word_does_not_whitelist(lexicon):
    # 打击堵搏 sounds like the whitelisted 打击赌博 but 赌博 itself is not disguised.
    verdict = lexicon.check("打鸡赌博")
    assert verdict.decision == Action.HOLD


def test_mask_keeps_everything_but_the_word(lexicon):
    assert lexicon.check("你是笨！蛋吗").masked == "你是*！*吗"


def test_strictest_action_decides(lexicon):
    verdict = lexicon.check("笨蛋在颠覆政权")
    assert verdict.decision == Action.REJECT
    assert verdict.categories == ["辱骂", "反动"]


@pytest.mark.parametrize(
    ("options", "text"),
    [
        pytest.param(Options(traditional=False, homophones=False), "賭博", id="traditional-off"),
        pytest.param(Options(noise=False), "赌.博", id="noise-off"),
        pytest.param(Options(repeats=False), "代开开发票", id="repeats-off"),
        pytest.param(Options(homophones=False), "堵搏", id="homophones-off"),
        pytest.param(Options(pinyin=False, homophones=False), "dubo", id="pinyin-off"),
    ],
)
def test_each_normalisation_can_be_turned_off(options, text):
    entries = [
        Entry("赌博", "广告", Action.HOLD, homophones=True),
        Entry("代开发票", "广告", Action.HOLD),
    ]
    assert Lexicon(entries, options=options).check(text).matches == ()
    assert Lexicon(entries).check(text).decision == Action.HOLD


def test_the_shipped_list_works():
    verdict = Lexicon.default().check("代开發票，加我")
    assert verdict.decision == Action.HOLD
    assert verdict.categories == ["广告"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("赌博", "line 1", id="no-category"),
        pytest.param("# c\n赌博\t赌场", "line 2: unknown category '赌场'", id="unknown-category"),
        pytest.param("赌博\t广告\tdelete", "line 1: the action must be", id="bad-action"),
        pytest.param("@category 赌场", "line 1: write @category", id="bad-declaration"),
    ],
)
def test_bad_lists_name_the_line(text, message):
    with pytest.raises(LexiconError, match=message):
        lx.parse_lexicon(text)


def test_a_declared_category_can_be_used():
    entries = lx.parse_lexicon("@category 赌场 hold\n赌场老板\t赌场\n傻\t辱骂\treject\n")
    assert entries == [Entry("赌场老板", "赌场", Action.HOLD), Entry("傻", "辱骂", Action.REJECT)]


def test_dump_and_parse_round_trip():
    entries = [Entry("赌博", "广告", Action.HOLD), Entry("坏词", "新类", Action.MASK)]
    text = lx.dump_lexicon(entries, {"新类": Action.MASK})
    assert lx.parse_lexicon(text) == entries
    assert lx.parse_whitelist(lx.dump_whitelist(["打击赌博"])) == ["打击赌博"]


def test_command_line_prints_json_with_original_spans(tmp_path, capsys, monkeypatch):
    words = tmp_path / "words.txt"
    words.write_text("赌博\t广告\n", encoding="utf-8")
    texts = tmp_path / "in.jsonl"
    texts.write_text('{"id": "a", "text": "好"}\n{"id": "b", "text": "来賭-博"}\n')
    assert lx.main(["--lexicon", str(words), "--jsonl", "--json", str(texts)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["decision"] == "pass"
    assert rows[1]["decision"] == "hold"
    assert rows[1]["matches"][0] | {"via": None} == {
        "word": "赌博",
        "category": "广告",
        "action": "hold",
        "start": 1,
        "end": 4,
        "found": "賭-博",
        "via": None,
    }


def test_command_line_table_and_bad_file(tmp_path, capsys):
    words = tmp_path / "words.txt"
    words.write_text("赌博\n", encoding="utf-8")
    assert lx.main(["--lexicon", str(words)]) == 2
    assert "line 1" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("entry", "text", "decision"),
    [
        pytest.param(Entry("赌博", "广告", Action.HOLD), "堵搏", Action.PASS, id="short-unmarked"),
        pytest.param(
            Entry("赌博", "广告", Action.HOLD, homophones=True),
            "堵搏",
            Action.HOLD,
            id="short-marked",
        ),
        pytest.param(
            Entry("赌博", "广告", Action.HOLD), "賭.博", Action.HOLD, id="short-unmarked-plain"
        ),
        pytest.param(
            Entry("代开发票", "广告", Action.HOLD), "带开发漂", Action.HOLD, id="long-word"
        ),
    ],
)
def test_short_words_are_looked_for_by_sound_only_when_marked(entry, text, decision):
    assert Lexicon([entry]).check(text).decision == decision


def test_a_list_file_marks_a_category_or_a_word_for_homophones():
    entries = lx.parse_lexicon(
        "@category 赌场 hold homophones\n赌博\t赌场\n笨蛋\t辱骂\n傻瓜\t辱骂\tmask\thomophones\n"
    )
    assert [e.homophones for e in entries] == [True, False, True]
    assert lx.parse_lexicon(lx.dump_lexicon(entries, {"赌场": Action.HOLD}, ["赌场"])) == entries
    with pytest.raises(LexiconError, match="line 1: the last column"):
        lx.parse_lexicon("赌博\t广告\thold\tsound")


def test_the_shipped_list_finds_its_short_words_by_sound():
    assert Lexicon.default().check("你这个本蛋").decision == Action.MASK


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        pytest.param("赌博" * 3, [(0, 2), (2, 4), (4, 6)], id="many-hits"),
        pytest.param("..赌博..", [(2, 4)], id="noise-around"),
        pytest.param("赌博博博.博来", [(0, 6)], id="repeats-over-noise"),
        pytest.param("賭.博和堵 ★ 搏，du博", [(0, 3), (4, 9), (10, 13)], id="mixed"),
        pytest.param("打击赌博，打鸡赌博", [(7, 9)], id="whitelist-only-its-own"),
    ],
)
def test_spans_point_into_the_original_text(lexicon, text, spans):
    verdict = lexicon.check(text)
    assert [(m.start, m.end) for m in verdict.matches] == spans
    assert all(text[m.start : m.end] == m.found for m in verdict.matches)


def test_a_word_whose_characters_repeat_is_not_found_in_one_of_them():
    verdict = Lexicon([Entry("了了", "辱骂", Action.MASK)]).check("我知道了，很好了了")
    assert [(m.start, m.end) for m in verdict.matches] == [(7, 9)]
