"""The lexicon filter for Chinese comments: pure Python, no Django.

A :class:`Lexicon` holds blacklisted words, each in a category with an action
(reject, hold for review, mask), and whitelisted words.  :meth:`Lexicon.check`
returns a :class:`Verdict`: the decision, and every matched word with its span in
the *original* text and how it was found.

Matching runs Aho-Corasick automata (ahocorasick-rs) over the text after
normalisation, each step of which can be turned off in :class:`Options`:

1. width and case: NFKC per character (full-width Ａ → a, ① → 1) and lower case;
2. traditional → simplified (OpenCC, character by character);
3. noise: punctuation, symbols, spaces and controls are dropped, so 赌.博 and
   赌 ★ 博 read as 赌博;
4. repeats: a run of one character reads as one (赌赌赌博 → 赌博);
5. homophones: every character reads as one representative of its toneless pinyin
   syllable (pypinyin), so 堵搏 finds 赌博;
6. pinyin: a word is also looked for spelled in Latin letters, whole or in part
   (dubo, du博, 赌bo), as a separate word of letters.

Homophones are the loosest step: two syllables are shared by so many everyday
words that reading every two-character word by its sound would hold most ordinary
comments against a list of thousands.  So a word is looked for by its sound when it
has at least ``Options.homophone_min_length`` (4) characters, or when it or its
category is marked for it (``Entry.homophones``; ``@category NAME ACTION homophones``
or a fourth column ``homophones`` in a list file).  The shipped list marks all its
categories.  A single character is never looked for by its sound.

There are three passes: over the text after steps 1–4 (words not looked for by
sound, their pinyin, and the whitelist), after steps 1–5 (words looked for by sound
and their pinyin), and after steps 1–3 for words whose own characters repeat (了了,
心心相印), which step 4 would shrink to a single common character; that pass runs only
over a text with a repeat, and its keys without letters only over a text in which one
of their own doubled characters is doubled.  Keys with Latin letters are searched only
in a text with letters.  Steps 1–3 (and 5) read each character through a table built
once (a numpy array, the same mapping as the ``str.translate`` table of
:func:`char_table`), and step 4 keeps the first of each run of equal codes; the same
arrays tell where each read character came from, so a hit is mapped back to the
original text without reading it again.  A text with no hit costs those few array
operations and the automaton walks.  The passes read characters in a code of their
own: the characters used most in the keys are swapped with U+0080–U+07FF, two bytes
of UTF-8 instead of three, which makes the automata smaller and their walks shorter.
tests/comments/test_lexicon_fast_path.py holds all this to a plain search of every key.

A whitelisted word beats every blacklisted word found inside its span (打击赌博
allows 赌博 there), but only when it is in the text itself, up to steps 1–4: a
homophone never whitelists.  See docs/comments.md for the file formats and the
command line (``python -m xinxuan.comments.lexicon --help``).
"""

from __future__ import annotations

import argparse
import codecs
import enum
import json
import operator
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import NamedTuple

import ahocorasick_rs
import numpy

from xinxuan.lib.hanzi import han_chars, simplified_table


class Action(enum.StrEnum):
    PASS = "pass"  # noqa: S105
    MASK = "mask"
    HOLD = "hold"
    REJECT = "reject"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Action.PASS: 0, Action.MASK: 1, Action.HOLD: 2, Action.REJECT: 3}

# The shipped categories and what a word of each does unless the word says otherwise.
DEFAULT_CATEGORIES: dict[str, Action] = {
    "色情": Action.REJECT,
    "暴力": Action.REJECT,
    "反动": Action.REJECT,
    "广告": Action.HOLD,
    "辱骂": Action.MASK,
}


class Via(enum.StrEnum):
    """How a word was found, from the plainest to the loosest."""

    EXACT = "exact"  # the original characters are the word
    NORMALISED = "normalised"  # equal after width, case, traditional, noise, repeats
    HOMOPHONE = "homophone"  # other characters read the same
    PINYIN = "pinyin"  # spelled in Latin letters, whole or in part


class LexiconError(ValueError):
    """A list that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Entry:
    word: str
    category: str
    action: Action
    # Look for this word by its sound even when it is shorter than
    # Options.homophone_min_length (set for every word of a category so marked).
    homophones: bool = False


@dataclass(frozen=True)
class Options:
    width_and_case: bool = True
    traditional: bool = True
    noise: bool = True
    repeats: bool = True
    homophones: bool = True
    pinyin: bool = True
    # Words longer than this are looked for in whole pinyin only, not in every mix.
    max_mixed_length: int = 4
    # Shorter words are looked for by their sound only when marked (Entry.homophones).
    homophone_min_length: int = 4

    @classmethod
    def none(cls) -> Options:
        return cls(
            width_and_case=False,
            traditional=False,
            noise=False,
            repeats=False,
            homophones=False,
            pinyin=False,
        )


@dataclass(frozen=True)
class Match:
    word: str
    category: str
    action: Action
    start: int
    end: int
    found: str
    via: Via

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    decision: Action
    matches: tuple[Match, ...] = ()
    # Whitelisted words that allowed a blacklisted one inside them.
    allowed: tuple[Match, ...] = ()
    masked: str = ""

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(m.category for m in self.matches))

    def as_dict(self) -> dict:
        return {
            "decision": str(self.decision),
            "categories": self.categories,
            "matches": [m.as_dict() for m in self.matches],
            "allowed": [m.as_dict() for m in self.allowed],
            "masked": self.masked,
        }


# ---------------------------------------------------------------------------
# Normalisation tables

TABLE_SIZE = 0x20000  # the Basic and Supplementary Multilingual Planes, emoji included
_REPEATS = re.compile(r"(.)\1+", re.DOTALL)
_FIRST = operator.itemgetter(1)  # faster than the template r"\1"
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_HAS_LETTER = re.compile("[a-z]")


def _is_noise(char: str) -> bool:
    return unicodedata.category(char)[0] in "PSZC"


@lru_cache(maxsize=1)
def pinyin_table() -> dict[str, str]:
    """Each Han character's toneless pinyin (its most common reading)."""
    from pypinyin import Style, lazy_pinyin

    table = {}
    for char in han_chars():
        syllable = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
        if syllable and syllable[0].isascii() and syllable[0].isalpha():
            table[char] = syllable[0]
    return table


@lru_cache(maxsize=1)
def homophone_representatives() -> dict[str, str]:
    """Each syllable's representative: its first character in code order."""
    representatives: dict[str, str] = {}
    for char, syllable in pinyin_table().items():
        representatives.setdefault(syllable, char)
    return representatives


@lru_cache(maxsize=16)
def char_table(options: Options, *, homophones: bool) -> list:
    """The ``str.translate`` table of steps 1, 2, 3 and (if asked) 5.

    Every character maps to exactly one character, except noise, which maps to
    nothing.  A list indexed by code point is faster to look up than a dict.
    """
    simplified = simplified_table() if options.traditional else {}
    if homophones:
        pinyin = pinyin_table()
        representative = homophone_representatives()
    table: list = list(range(TABLE_SIZE))
    for code in range(TABLE_SIZE):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        if options.width_and_case:
            folded = unicodedata.normalize("NFKC", char).lower()
            if len(folded) == 1:
                char = folded
            elif len(char.lower()) == 1:
                char = char.lower()
        if options.noise and _is_noise(char):
            table[code] = None
            continue
        char = simplified.get(ord(char), char)
        if homophones and char in pinyin:
            char = representative[pinyin[char]]
        table[code] = ord(char)
    return table


def code_table(options: Options, *, homophones: bool) -> numpy.ndarray:
    """:func:`char_table` as an array of code points, 0 for noise (no character that
    is not noise maps to 0: NUL is noise, and without the noise step nothing is).

    It runs to the last code point, the characters past :func:`char_table` reading as
    themselves, as ``str.translate`` leaves them: 4 MB that spare every text a check.
    Not cached: each lexicon keeps only its own recoding of it."""
    table = char_table(options, homophones=homophones)
    codes = numpy.arange(sys.maxunicode + 1, dtype=numpy.uint32)
    codes[: len(table)] = [0 if code is None else code for code in table]
    return codes


def _first_of_runs(codes: numpy.ndarray) -> numpy.ndarray:
    """Which codes start a run of equal codes (step 4 keeps only those)."""
    first = numpy.empty(len(codes), dtype=bool)
    first[:1] = True
    numpy.not_equal(codes[1:], codes[:-1], out=first[1:])
    return first


def _recoding(keys: Iterable[str]) -> dict[int, int]:
    """A permutation of code points that moves the characters used most in ``keys`` to
    U+0080–U+07FF, two bytes in UTF-8 instead of three: the automata get smaller and
    walk two steps a character instead of three."""
    counts = Counter(char for key in keys for char in key if 0x800 <= ord(char) < TABLE_SIZE)
    slots = range(0x80, 0x800)
    recoding = {}
    for (char, _count), slot in zip(counts.most_common(len(slots)), slots, strict=False):
        recoding[ord(char)] = slot
        recoding[slot] = ord(char)
    return recoding


def _recoded(
    table: list, codes: numpy.ndarray, recoding: dict[int, int]
) -> tuple[list, numpy.ndarray]:
    """A :func:`char_table` and its :func:`code_table` with every code recoded."""
    permutation = numpy.arange(len(codes), dtype=numpy.uint32)
    permutation[list(recoding)] = list(recoding.values())
    recoded = [code if code is None else recoding.get(code, code) for code in table]
    return recoded, permutation.take(codes)


def _code_points(text: str) -> tuple[str, numpy.ndarray]:
    """``text`` and its code points; lone surrogates (which no encoding takes, and a
    command line's input may carry) replaced by "?"."""
    try:
        encoded = codecs.utf_32_le_encode(text)[0]
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
        encoded = codecs.utf_32_le_encode(text)[0]
    return text, numpy.frombuffer(encoded, dtype=numpy.uint32)


def _decoded(codes: numpy.ndarray) -> str:
    return codecs.utf_32_le_decode(codes)[0]


# ---------------------------------------------------------------------------
# The lexicon


@dataclass(frozen=True)
class _Payload:
    entry: Entry | None  # None for a whitelisted word
    word: str
    plain: str  # the word after steps 1–4, to tell exact from homophone hits
    pinyin: bool  # this key spells the word (partly) in Latin letters


class _Pass:
    """One normalisation of the text and the automata of the keys written in it."""

    def __init__(self, options: Options, *, homophones: bool, repeats: bool) -> None:
        self.table = char_table(options, homophones=homophones)
        self.codes = code_table(options, homophones=homophones)
        self.repeats = repeats
        # Each key with its payloads; the automata find them by their index here.
        self.keys: list[tuple[str, tuple[_Payload, ...]]] = []
        self.automaton: ahocorasick_rs.AhoCorasick | None = None
        self.automaton_keys: list[int] = []
        # Keys with Latin letters (pinyin spellings) are most of the keys and need a
        # text with letters: a text without any, most Chinese comments, skips them.
        self.letters: ahocorasick_rs.AhoCorasick | None = None
        self.letters_keys: list[int] = []
        self.empty = True
        # The characters doubled in some key without letters ("了" of 了了): the pass
        # for such words walks its automaton only over a text with one of them doubled.
        self.doubled: frozenset[str] = frozenset()

    def compile(self, keys: dict[str, list[_Payload]], recoding: dict[int, int]) -> None:
        """Build the automata of ``keys``, recoded as the tables already are."""
        self.keys = [(key.translate(recoding), tuple(payloads)) for key, payloads in keys.items()]
        self.empty = not keys
        spelled = [bool(_HAS_LETTER.search(key)) for key, _payloads in self.keys]
        self.automaton_keys = [i for i, letters in enumerate(spelled) if not letters]
        self.letters_keys = [i for i, letters in enumerate(spelled) if letters]
        self.automaton = _automaton([self.keys[i][0] for i in self.automaton_keys])
        self.letters = _automaton([self.keys[i][0] for i in self.letters_keys])
        self.doubled = frozenset(
            match[1] for i in self.automaton_keys for match in _REPEATS.finditer(self.keys[i][0])
        )

    def normalise(self, text: str) -> str:
        """The text as this pass reads it (once compiled, in the recoded characters)."""
        text = text.translate(self.table)
        return _REPEATS.sub(_FIRST, text) if self.repeats else text

    def hits(self, reading: _Reading) -> list:
        """(last character, (key, payloads)) of every key in the reading; of the keys
        with Latin letters only when it has letters, and only those with
        ``reading.letters_only``."""
        hits = []
        if self.automaton is not None and not reading.letters_only:
            hits = self._found(self.automaton, self.automaton_keys, reading.text)
        if self.letters is not None and reading.has_letters:
            hits += self._found(self.letters, self.letters_keys, reading.text)
        return hits

    def _found(self, automaton: ahocorasick_rs.AhoCorasick, indexes: list[int], text: str):
        keys = self.keys
        return [
            (end - 1, keys[indexes[i]])
            for i, _start, end in automaton.find_matches_as_indexes(text, overlapping=True)
        ]


class _Reading(NamedTuple):
    """A text as one pass reads it, and where each character it reads came from."""

    where: _Pass
    text: str
    letters_only: bool  # only the pass's keys with Latin letters can be in it
    has_letters: bool
    # The original position of each character that is not noise, and of those the
    # ones that start a run of equal characters (None: all, nothing was collapsed).
    kept: numpy.ndarray
    firsts: numpy.ndarray | None

    def spans(self, hits: list) -> Iterator[tuple]:
        """Per hit: its first and last character in ``text``, its span in the original
        text (from its first character to the last of its last run, so noise around
        it is left out), and its key and payloads."""
        kept = self.kept.tolist()
        if self.firsts is None:
            for end, (key, payloads) in hits:
                first = end - len(key) + 1
                yield first, end, kept[first], kept[end] + 1, key, payloads
            return
        runs = numpy.flatnonzero(self.firsts).tolist()
        runs.append(len(kept))
        for end, (key, payloads) in hits:
            first = end - len(key) + 1
            yield first, end, kept[runs[first]], kept[runs[end + 1] - 1] + 1, key, payloads


@dataclass
class Lexicon:
    """Blacklisted entries and whitelisted words, compiled into two automata."""

    entries: list[Entry]
    whitelist: list[str] = field(default_factory=list)
    options: Options = field(default_factory=Options)

    def __post_init__(self) -> None:
        self._plain_table = char_table(self.options, homophones=False)
        options = self.options
        self._plain_pass = _Pass(options, homophones=False, repeats=options.repeats)
        self._sound_pass = _Pass(options, homophones=options.homophones, repeats=options.repeats)
        self._doubled_pass = _Pass(options, homophones=False, repeats=False)
        self._passes = (self._plain_pass, self._sound_pass, self._doubled_pass)
        keys: dict[_Pass, dict[str, list[_Payload]]] = {where: {} for where in self._passes}
        for entry in self.entries:
            where = self._pass_for(entry.word, entry)
            self._add(keys[where], where, entry.word, entry)
        for word in self.whitelist:
            where = self._pass_for(word, None)
            self._add(keys[where], where, word, None)
        recoding = _recoding(key for where in self._passes for key in keys[where])
        recoded: dict[int, tuple[list, numpy.ndarray]] = {}  # the plain and doubled share
        for where in self._passes:
            if id(where.table) not in recoded:
                recoded[id(where.table)] = _recoded(where.table, where.codes, recoding)
            where.table, where.codes = recoded[id(where.table)]
            where.compile(keys[where], recoding)

    # -- building ---------------------------------------------------------------

    def _pass_for(self, word: str, entry: Entry | None) -> _Pass:
        """Which pass looks for ``word`` (module docstring)."""
        plain = self.plain(word)
        if len(plain) < len(self._doubled_pass.normalise(word)):
            return self._doubled_pass  # its own characters repeat: 了了, 心心相印
        if entry is None or not self.options.homophones or len(plain) < 2:
            return self._plain_pass
        if not (entry.homophones or len(plain) >= self.options.homophone_min_length):
            return self._plain_pass
        # As many syllables as characters once read: 结义一 (jie yi yi) would otherwise
        # be read as two syllables and found in every 解一.
        if len(self._sound_pass.normalise(word)) < len(plain):
            return self._plain_pass
        return self._sound_pass

    def by_sound(self, entry: Entry) -> bool:
        """Whether ``entry`` is looked for by its sound."""
        return self._pass_for(entry.word, entry) is self._sound_pass

    def plain(self, text: str) -> str:
        """Steps 1–4: what two spellings must share to count as the same word."""
        text = text.translate(self._plain_table)
        return _REPEATS.sub(_FIRST, text) if self.options.repeats else text

    def _add(self, keys: dict, where: _Pass, word: str, entry: Entry | None) -> None:
        plain = self.plain(word)
        key = where.normalise(word)
        if not key:
            return
        keys.setdefault(key, []).append(_Payload(entry, word, plain, pinyin=False))
        if entry is None or not self.options.pinyin:
            return
        for spelled in self._pinyin_spellings(plain, where):
            keys.setdefault(spelled, []).append(_Payload(entry, word, plain, pinyin=True))

    def _pinyin_spellings(self, plain: str, where: _Pass) -> set[str]:
        table = pinyin_table()
        if len(plain) < 2 or any(char not in table for char in plain):
            return set()
        syllables = [table[char] for char in plain]
        if len(plain) > self.options.max_mixed_length:
            spellings = {"".join(syllables)}
        else:
            choices = [(char, syllable) for char, syllable in zip(plain, syllables, strict=True)]
            spellings = {"".join(parts) for parts in product(*choices)}
            spellings.discard(plain)
        # Read the spellings as the text will be read (repeats, homophones).
        return {where.normalise(s) for s in spellings if len(s) >= 2} - {where.normalise(plain)}

    # -- checking ---------------------------------------------------------------

    def has_hit(self, text: str) -> bool:
        """True when an automaton finds anything (the fast path of :meth:`check`)."""
        return any(reading.where.hits(reading) for reading in self._readings(_code_points(text)[1]))

    def _readings(self, codes: numpy.ndarray) -> Iterator[_Reading]:
        """Each pass with keys and the text of code points ``codes`` as it reads it."""
        translated = self._plain_pass.codes.take(codes)
        if self.options.noise:
            kept = translated.nonzero()[0]
            translated = translated.take(kept)
            codes = codes.take(kept)
        else:
            kept = numpy.arange(len(codes))
        firsts = _first_of_runs(translated) if self.options.repeats else None
        plain = _decoded(translated if firsts is None else translated[firsts])
        # Step 5 maps only Han characters: each reading has letters if this one has.
        letters = _HAS_LETTER.search(plain) is not None
        yield _Reading(self._plain_pass, plain, False, letters, kept, firsts)
        sound = self._sound_pass
        if not sound.empty:
            by_sound = sound.codes.take(codes)
            sound_firsts = _first_of_runs(by_sound) if sound.repeats else None
            if sound_firsts is not None:
                by_sound = by_sound[sound_firsts]
            yield _Reading(sound, _decoded(by_sound), False, letters, kept, sound_firsts)
        # Words whose own characters repeat need a text with a repeat (steps 1-3 only),
        # and those without letters one of their own characters doubled.
        doubled = self._doubled_pass
        if not doubled.empty and firsts is not None and len(plain) < len(translated):
            repeated = _decoded(translated[~firsts])
            letters_only = doubled.doubled.isdisjoint(repeated)
            yield _Reading(doubled, _decoded(translated), letters_only, letters, kept, None)

    def check(self, text: str) -> Verdict:
        """The decision for ``text`` with every matched word and its original span."""
        text, codes = _code_points(text)
        found: list[Match] = []
        allowing: list[Match] = []
        for reading in self._readings(codes):
            hits = reading.where.hits(reading)
            if not hits:
                continue
            normalised = reading.text
            for first, end, start, stop, _key, payloads in reading.spans(hits):
                if any(p.pinyin for p in payloads) and not _separate_word(normalised, first, end):
                    payloads = tuple(p for p in payloads if not p.pinyin)
                original = text[start:stop]
                plain_original = self.plain(original)
                for payload in payloads:
                    via = _via(original, payload, plain_original)
                    if payload.entry is None:
                        allowing.append(
                            Match(payload.word, "", Action.PASS, start, stop, original, via)
                        )
                        continue
                    entry = payload.entry
                    found.append(
                        Match(entry.word, entry.category, entry.action, start, stop, original, via)
                    )
        if not found:
            return Verdict(Action.PASS, masked=text)
        matches, allowed = _apply_whitelist(found, allowing)
        matches = _dedupe(matches)
        if not matches:
            return Verdict(Action.PASS, allowed=tuple(allowed), masked=text)
        decision = max((m.action for m in matches), key=lambda a: a.severity)
        return Verdict(decision, tuple(matches), tuple(allowed), _mask(text, matches))

    # -- reading and writing lists ----------------------------------------------

    @classmethod
    def from_files(
        cls,
        lexicon_paths: Iterable[str | Path],
        whitelist_paths: Iterable[str | Path] = (),
        *,
        options: Options | None = None,
    ) -> Lexicon:
        entries: list[Entry] = []
        for path in lexicon_paths:
            entries += parse_lexicon(Path(path).read_text(encoding="utf-8"), source=str(path))
        whitelist: list[str] = []
        for path in whitelist_paths:
            whitelist += parse_whitelist(Path(path).read_text(encoding="utf-8"))
        return cls(entries, whitelist, options or Options())

    @classmethod
    def default(cls, *, options: Options | None = None) -> Lexicon:
        """The small, tame list that ships with xinxuan; bureaus load their own."""
        return cls.from_files([DEFAULT_LEXICON], [DEFAULT_WHITELIST], options=options)


DEFAULT_LEXICON = Path(__file__).with_name("default_lexicon.txt")
DEFAULT_WHITELIST = Path(__file__).with_name("default_whitelist.txt")


def _automaton(keys: list[str]) -> ahocorasick_rs.AhoCorasick | None:
    """Every occurrence of every key, overlapping ones too (hence ``Standard``)."""
    if not keys:
        return None
    return ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard)


def _separate_word(text: str, first: int, end: int) -> bool:
    """A pinyin hit counts only when no Latin letter touches it (not inside "dubois")."""
    before = text[first - 1] if first > 0 else ""
    after = text[end + 1] if end + 1 < len(text) else ""
    has_letters = text[first] in _LETTERS or text[end] in _LETTERS
    if not has_letters:
        return True
    touches = (text[first] in _LETTERS and before in _LETTERS) or (
        text[end] in _LETTERS and after in _LETTERS
    )
    return not touches


def _via(original: str, payload: _Payload, plain_original: str) -> Via:
    if original == payload.word:
        return Via.EXACT
    if plain_original == payload.plain:
        return Via.NORMALISED
    return Via.PINYIN if payload.pinyin else Via.HOMOPHONE


def _apply_whitelist(found: list[Match], allowing: list[Match]) -> tuple[list[Match], list[Match]]:
    kept, used = [], []
    for match in found:
        cover = next((a for a in allowing if a.start <= match.start and match.end <= a.end), None)
        if cover is None:
            kept.append(match)
        elif cover not in used:
            used.append(cover)
    return kept, used


def _dedupe(matches: list[Match]) -> list[Match]:
    """One match per (word, category, span), the plainest way it was found."""
    order = list(Via)
    best: dict[tuple, Match] = {}
    for match in matches:
        key = (match.word, match.category, match.start, match.end)
        if key not in best or order.index(match.via) < order.index(best[key].via):
            best[key] = match
    return sorted(best.values(), key=lambda m: (m.start, m.end, m.word))


def _mask(text: str, matches: Iterable[Match]) -> str:
    chars = list(text)
    for match in matches:
        for index in range(match.start, match.end):
            if not _is_noise(chars[index]) or chars[index] == "*":
                chars[index] = "*"
    return "".join(chars)


# ---------------------------------------------------------------------------
# List formats (docs/comments.md, "Lexicon files")

_SEPARATOR = re.compile(r"\t|,|，")


def parse_lexicon(
    text: str,
    *,
    source: str = "",
    categories: dict[str, Action] | None = None,
    by_sound: Iterable[str] = (),
) -> list[Entry]:
    """Entries from ``word<TAB>category[<TAB>action[<TAB>homophones]]`` lines.

    ``@category NAME ACTION [homophones]`` declares a category (or changes a shipped
    one's action); ``homophones`` there marks every word of the category, in the
    fourth column one word, to be looked for by its sound even when short;
    ``by_sound`` names categories already so marked.  ``#`` starts a comment.
    Errors name the line.
    """
    known = dict(DEFAULT_CATEGORIES if categories is None else categories)
    sound = set(by_sound)
    entries: list[Entry] = []
    where = f"{source}: " if source else ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        at = f"{where}line {number}"
        if line.startswith("@category"):
            parts = line.split()
            if len(parts) not in (3, 4):
                raise LexiconError(f"{at}: write @category NAME ACTION [{HOMOPHONES}]")
            known[parts[1]] = _action(parts[2], at)
            sound.discard(parts[1])
            if len(parts) == 4:
                _homophones_flag(parts[3], at)
                sound.add(parts[1])
            continue
        parts = [p.strip() for p in _SEPARATOR.split(line)]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise LexiconError(f"{at}: write WORD<TAB>CATEGORY[<TAB>ACTION]")
        word, category = parts[0], parts[1]
        if category not in known:
            raise LexiconError(
                f"{at}: unknown category {category!r}; "
                f"declare it first with @category {category} hold"
            )
        action = known[category]
        if len(parts) > 2 and parts[2]:
            action = _action(parts[2], at)
        flagged = len(parts) > 3 and bool(parts[3]) and _homophones_flag(parts[3], at)
        entries.append(Entry(word, category, action, homophones=flagged or category in sound))
    return entries


HOMOPHONES = "homophones"


def _homophones_flag(value: str, where: str) -> bool:
    if value.strip().lower() != HOMOPHONES:
        raise LexiconError(f"{where}: the last column may only be {HOMOPHONES!r}, not {value!r}")
    return True


def _action(value: str, where: str) -> Action:
    try:
        action = Action(value.strip().lower())
    except ValueError:
        action = None
    if action is None or action is Action.PASS:
        raise LexiconError(f"{where}: the action must be reject, hold or mask, not {value!r}")
    return action


def parse_whitelist(text: str) -> list[str]:
    words = []
    for raw in text.splitlines():
        line = raw.strip().lstrip("\ufeff")
        if line and not line.startswith("#"):
            words.append(_SEPARATOR.split(line)[0].strip())
    return [w for w in words if w]


def dump_lexicon(
    entries: Iterable[Entry], categories: dict[str, Action], by_sound: Iterable[str] = ()
) -> str:
    """The lexicon file of ``entries``; ``by_sound`` names the categories so marked."""
    sound = set(by_sound)
    lines = ["# xinxuan lexicon: WORD<TAB>CATEGORY<TAB>ACTION[<TAB>homophones]"]
    lines += [
        f"@category {name} {action}" + (f" {HOMOPHONES}" if name in sound else "")
        for name, action in categories.items()
    ]
    lines += [
        f"{e.word}\t{e.category}\t{e.action}"
        + (f"\t{HOMOPHONES}" if e.homophones and e.category not in sound else "")
        for e in entries
    ]
    return "\n".join(lines) + "\n"


def dump_whitelist(words: Iterable[str]) -> str:
    return "\n".join(["# xinxuan whitelist: one word a line", *words]) + "\n"


# ---------------------------------------------------------------------------
# Command line: python -m xinxuan.comments.lexicon


def read_texts(lines: Iterable[str], *, json_lines: bool) -> Iterator[tuple[str, str]]:
    """(id, text) pairs: a line each, or JSON lines with "text" (and "id")."""
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\n")
        if json_lines:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise LexiconError(f"line {number}: not JSON ({error.msg})") from error
            if isinstance(record, str):
                yield str(number), record
            elif isinstance(record, dict) and isinstance(record.get("text"), str):
                yield str(record.get("id", number)), record["text"]
            else:
                raise LexiconError(f'line {number}: expected a string or {{"text": ...}}')
        else:
            yield str(number), line


def format_row(ident: str, verdict: Verdict) -> str:
    words = "; ".join(f"{m.word}[{m.start}:{m.end}]{m.via}" for m in verdict.matches)
    return "\t".join([ident, str(verdict.decision), ",".join(verdict.categories), words])


def run(lexicon: Lexicon, texts: Iterable[tuple[str, str]], *, as_json: bool, out) -> dict:
    """Check every text and print a row (or a JSON line) each; returns decision counts."""
    counts: dict[str, int] = {}
    if not as_json:
        out.write("id\tdecision\tcategories\tmatches\n")
    for ident, text in texts:
        verdict = lexicon.check(text)
        counts[verdict.decision] = counts.get(verdict.decision, 0) + 1
        if as_json:
            out.write(json.dumps({"id": ident, **verdict.as_dict()}, ensure_ascii=False) + "\n")
        else:
            out.write(format_row(ident, verdict) + "\n")
    return counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="*", help="text files (default: standard input)")
    parser.add_argument("--lexicon", action="append", default=[], help="lexicon file")
    parser.add_argument("--whitelist", action="append", default=[], help="whitelist file")
    parser.add_argument("--jsonl", action="store_true", help="inputs are JSON lines")
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    for step in ("traditional", "noise", "repeats", "homophones", "pinyin"):
        parser.add_argument(f"--no-{step}", action="store_true", help=f"turn off {step}")


def options_from(args: argparse.Namespace) -> Options:
    return Options(
        traditional=not args.no_traditional,
        noise=not args.no_noise,
        repeats=not args.no_repeats,
        homophones=not args.no_homophones,
        pinyin=not args.no_pinyin,
    )


def input_lines(paths: list[str]) -> Iterator[str]:
    if not paths:
        yield from sys.stdin
        return
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            yield from handle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m xinxuan.comments.lexicon",
        description="Filter texts against lexicon files; without --lexicon, the shipped list.",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        if args.lexicon:
            lexicon = Lexicon.from_files(args.lexicon, args.whitelist, options=options_from(args))
        else:
            lexicon = Lexicon.default(options=options_from(args))
        run(
            lexicon,
            read_texts(input_lines(args.inputs), json_lines=args.jsonl),
            as_json=args.json,
            out=sys.stdout,
        )
    except (LexiconError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
