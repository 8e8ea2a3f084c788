"""The lexicon's fast path (automata, skipped passes, positions mapped back only on a
hit) finds what a plain search for every key finds, on generated texts (no database)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinxuan.comments import lexicon as lx
from xinxuan.comments.lexicon import Action, Entry, Lexicon, Match, Options, Verdict
from xinxuan.lib.hanzi import simplified_table

ENTRIES = [
    Entry("赌博", "广告", Action.HOLD, homophones=True),
    Entry("代开发票", "广告", Action.HOLD),
    Entry("笨蛋", "辱骂", Action.MASK),
    Entry("颠覆政权", "反动", Action.REJECT),
    Entry("枪", "暴力", Action.REJECT),
    Entry("了了", "辱骂", Action.MASK),
    Entry("心心相印", "广告", Action.HOLD),
    Entry("发票", "广告", Action.HOLD),
]
WHITELIST = ["打击赌博", "读博", "了了分明"]
LEXICON = Lexicon(ENTRIES, WHITELIST)

TRADITIONAL = {simplified: chr(code) for code, simplified in simplified_table().items()}
HOMOPHONES = "堵搏读笨本蛋但颠典复覆正证全权代带开凯法发飘票了料心新相想印因"


def disguises(word: str) -> list[str]:
    """The word as an evader would write it: traditional, spaced, repeated, by sound
    (a few characters of the same reading are in HOMOPHONES), in pinyin."""
    pinyin = lx.pinyin_table()
    return [
        word,
        "".join(TRADITIONAL.get(c, c) for c in word),
        ".".join(word),
        " ★ ".join(word),
        word[0] * 3 + word[1:],
        "".join(pinyin.get(c, c) for c in word),
        pinyin.get(word[0], word[0]).upper() + word[1:],
    ]


PIECES = sorted({d for w in [e.word for e in ENTRIES] + WHITELIST for d in disguises(w)})
# 𠀀 and 𪚥 lie past the normalisation table (read as they are), \0 is noise, é and ω
# have the codes that the passes give the characters of the keys (and get theirs).
CHARACTERS = HOMOPHONES + "的是在有人我们今天会议，。！？、 .*-★😀ＡＢａｂdubo了了了12𠀀𪚥\0éΩ"


def plain_search(lexicon: Lexicon, text: str) -> Verdict:
    """What :meth:`Lexicon.check` decides, found the straightforward way: every pass
    over every text, every key looked for with ``str.find``, every position mapped."""
    found: list[Match] = []
    allowing: list[Match] = []
    for where in (lexicon._plain_pass, lexicon._sound_pass, lexicon._doubled_pass):
        if where is lexicon._doubled_pass and lexicon.plain(text) == text.translate(where.table):
            continue  # words whose characters repeat are looked for in a text with a repeat
        chars: list[str] = []
        origins: list[int] = []
        for index, char in enumerate(text):
            normalised = char.translate(where.table)
            if not normalised or (where.repeats and chars and chars[-1] == normalised):
                continue
            chars.append(normalised)
            origins.append(index)
        normalised = "".join(chars)
        assert normalised == where.normalise(text)
        for key, payloads in where.keys:
            first = normalised.find(key)
            while first >= 0:
                end = first + len(key) - 1
                stop = origins[end + 1] if end + 1 < len(origins) else len(text)
                while stop > 0 and text[stop - 1].translate(where.table) == "":
                    stop -= 1
                start = origins[first]
                original = text[start:stop]
                for payload in payloads:
                    if payload.pinyin and not lx._separate_word(normalised, first, end):
                        continue
                    via = lx._via(original, payload, lexicon.plain(original))
                    if payload.entry is None:
                        allowing.append(
                            Match(payload.word, "", Action.PASS, start, stop, original, via)
                        )
                    else:
                        entry = payload.entry
                        found.append(
                            Match(
                                entry.word, entry.category, entry.action, start, stop, original, via
                            )
                        )
                first = normalised.find(key, first + 1)
    matches, allowed = lx._apply_whitelist(found, allowing)
    matches = lx._dedupe(matches)
    if not matches:
        return Verdict(Action.PASS, allowed=tuple(allowed), masked=text)
    decision = max((m.action for m in matches), key=lambda a: a.severity)
    return Verdict(decision, tuple(matches), tuple(allowed), lx._mask(text, matches))


def as_compared(verdict: Verdict) -> tuple:
    # The order in which whitelisted words are listed follows the order of the hits.
    return (verdict.decision, verdict.matches, sorted(verdict.allowed, key=repr), verdict.masked)


texts = st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(CHARACTERS)), max_size=30).map(
    "".join
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_the_fast_path_finds_what_a_plain_search_finds(text):
    assert as_compared(LEXICON.check(text)) == as_compared(plain_search(LEXICON, text))
    assert LEXICON.has_hit(text) or LEXICON.check(text).decision == Action.PASS


# The steps that change how positions map back, each turned off.
OTHER_OPTIONS = {
    "no-noise-step": Options(noise=False),
    "no-repeats-step": Options(repeats=False),
    "no-homophones": Options(homophones=False),
    "no-step-at-all": Options.none(),
}
OTHER_LEXICONS = {
    name: Lexicon(ENTRIES, WHITELIST, options) for name, options in OTHER_OPTIONS.items()
}


@pytest.mark.parametrize("name", OTHER_LEXICONS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_the_fast_path_finds_what_a_plain_search_finds_with_a_step_off(name, text):
    lexicon = OTHER_LEXICONS[name]
    assert as_compared(lexicon.check(text)) == as_compared(plain_search(lexicon, text))


def test_without_the_noise_step_no_character_is_dropped():
    # NUL is the code the fast path uses for noise: without the step, it is a character.
    lexicon = OTHER_LEXICONS["no-noise-step"]
    for text in ("赌\0博", "赌.博", "赌 博"):
        assert lexicon.check(text).decision == Action.PASS, repr(text)
    assert lexicon.check("赌博").decision == Action.HOLD


def test_the_plain_search_finds_the_disguises():
    # The reference itself must find something, or the comparison above proves little.
    # A word whose own characters repeat is not looked for in pinyin (了了 would be "le").
    for word, ways in (("赌博", 7), ("颠覆政权", 7), ("了了", 5)):
        for disguised in disguises(word)[:ways]:
            verdict = plain_search(LEXICON, f"今天{disguised}会议")
            assert verdict.decision != Action.PASS, disguised


def test_a_doubled_word_is_found_when_the_text_doubles_another_character_too():
    text = "好好学习，了了"
    assert [m.word for m in LEXICON.check(text).matches] == ["了了"]
    assert as_compared(LEXICON.check(text)) == as_compared(plain_search(LEXICON, text))


def test_a_lone_surrogate_is_read_as_a_question_mark_not_a_crash():
    """A command line's input may carry a lone surrogate, which no encoding takes."""
    lexicon = Lexicon([Entry("代开发票", "广告", Action.HOLD)])
    verdict = lexicon.check("a\ud800b 代·開·發★票")
    assert verdict.decision == Action.HOLD
    assert verdict.matches[0].found == "代·開·發★票"
    assert lexicon.has_hit("\udfff代开发票")


def test_the_passes_read_characters_through_one_permutation_of_codes():
    """The keys' characters get codes of their own (module docstring): every pass must
    read the text through its table followed by one permutation, or a character could
    read as a key's character it is not."""
    han = [chr(code) for code in range(0x4E00, 0x4E00 + 4400)]
    words = [han[i] + han[i + 1] for i in range(0, len(han), 2)]  # past the two-byte slots
    lexicon = Lexicon([Entry(word, "广告", Action.HOLD) for word in words])
    for where in (lexicon._plain_pass, lexicon._sound_pass, lexicon._doubled_pass):
        by_sound = where is lexicon._sound_pass
        before = lx.code_table(lexicon.options, homophones=by_sound).tolist()
        after = where.codes.tolist()
        assert after[: len(where.table)] == [0 if code is None else code for code in where.table]
        recoded = dict(zip(before, after, strict=True))
        assert len(recoded) == len(set(before))  # each code always becomes the same one
        assert len(set(recoded.values())) == len(recoded)  # and no two become one
        assert any(0x80 <= after[ord(char)] < 0x800 for char in han)
