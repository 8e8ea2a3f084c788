"""Throughput of the comment lexicon filter against a naive ``word in text`` loop.

    .venv/bin/python bench/bench_lexicon.py                 # 20,000 words, 2 MB of text
    .venv/bin/python bench/bench_lexicon.py --words 5000 --megabytes 1

The lexicon and the text are generated (fixed seed): comments from common characters
with punctuation, about one in five holding a listed word, most of them disguised
(traditional characters, inserted symbols, repeats, homophones, pinyin).  Every
normalisation is on, with the lexicon's rule for homophones (docs/comments.md): words
of four or more characters, and shorter words marked for it (here the shipped list's,
all marked, added to the 20,000 generated words of "the bureau's own list").  The
same texts are also filtered with *every* word of two or more characters looked for
by its sound, to show why that is not the rule.

Figures are medians of ``--runs`` interleaved runs with the garbage collector on,
with their spread.  The naive loop is measured on a slice of the texts (it is far
slower) and scaled by bytes.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ahocorasick_rs  # noqa: E402

from xinxuan.comments.lexicon import (  # noqa: E402
    DEFAULT_CATEGORIES,
    Entry,
    Lexicon,
    Options,
    pinyin_table,
)
from xinxuan.lib.hanzi import simplified_table  # noqa: E402

PUNCTUATION = "，，，。。！？、"
TEXT_VOCABULARY = 30_000  # the most frequent words of jieba's dictionary
LISTED_FROM = 100_000  # listed words are rarer than the hundred thousand most frequent


def dictionary() -> list[tuple[str, int]]:
    """jieba's dictionary of Chinese words with their frequencies, most frequent first:
    real words, so that comments read like Chinese and listed words sound like words."""
    import jieba

    path = Path(jieba.__file__).with_name("dict.txt")
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, frequency, _tag = line.split(" ")
        if all("\u4e00" <= char <= "\u9fff" for char in word):
            words.append((word, int(frequency)))
    return sorted(words, key=lambda pair: -pair[1])


def make_lexicon(rng: random.Random, words: list[tuple[str, int]], size: int) -> list[Entry]:
    """``size`` words of two to five characters that ordinary comments do not contain,
    as a listed word would not be: none of the hundred thousand most frequent words,
    none found in 1 MB of other generated comments.  None is marked for homophones;
    the shipped list's words, all marked, are added to them."""
    categories = list(DEFAULT_CATEGORIES.items())
    pool = [word for word, _f in words[LISTED_FROM:] if 2 <= len(word) <= 5]
    automaton = ahocorasick_rs.AhoCorasick(pool, matchkind=ahocorasick_rs.MatchKind.Standard)
    ordinary = "".join(text for text, _p in make_texts(random.Random(0), words, [], 1.0))
    common = {
        pool[i] for i, _start, _end in automaton.find_matches_as_indexes(ordinary, overlapping=True)
    }
    pool = [word for word in pool if word not in common]
    result = []
    for word in sorted(rng.sample(pool, size)):
        category, action = rng.choice(categories)
        result.append(Entry(word, category, action))
    return result + Lexicon.default().entries


def disguise(rng: random.Random, word: str) -> str:
    traditional = {v: chr(k) for k, v in simplified_table().items()}
    how = rng.randrange(6)
    if how == 0:
        return "".join(traditional.get(c, c) for c in word)
    if how == 1:
        return "*".join(word)
    if how == 2:
        return word[0] * 3 + word[1:]
    if how == 3:
        return "".join(rng.choice(same_sound(c)) for c in word)
    if how == 4:
        return " " + pinyin_table().get(word[0], word[0]) + word[1:] + " "
    return word


def same_sound(char: str) -> list[str]:
    syllable = pinyin_table().get(char)
    return _by_syllable().get(syllable, [char])


@lru_cache(maxsize=1)
def _by_syllable() -> dict[str, list[str]]:
    chars: dict[str, list[str]] = {}
    for char, syllable in pinyin_table().items():
        chars.setdefault(syllable, []).append(char)
    return chars


def make_texts(
    rng: random.Random, words: list[tuple[str, int]], entries: list[Entry], megabytes: float
) -> list[tuple[str, bool]]:
    """Comments of 20 to 400 characters: common words drawn by their frequency, a
    punctuation mark every few words; one in five with a (mostly disguised) listed word."""
    vocabulary = [word for word, _f in words[:TEXT_VOCABULARY]]
    weights = list(accumulate(frequency for _w, frequency in words[:TEXT_VOCABULARY]))
    texts, size = [], 0
    while size < megabytes * 1_000_000:
        length = rng.randint(20, 400)
        parts: list[str] = []
        used = 0
        while used < length:
            phrase = rng.choices(vocabulary, cum_weights=weights, k=rng.randint(3, 10))
            parts += [*phrase, rng.choice(PUNCTUATION)]
            used += sum(map(len, phrase)) + 1
        planted = bool(entries) and rng.random() < 0.2
        if planted:
            parts.insert(rng.randrange(len(parts)), disguise(rng, rng.choice(entries).word))
        text = "".join(parts)
        texts.append((text, planted))
        size += len(text.encode("utf-8"))
    return texts


def interleaved(contenders: dict, runs: int) -> tuple[dict, dict]:
    """Wall-clock and CPU seconds of each contender per run, the contenders taking turns."""
    wall: dict[str, list[float]] = {name: [] for name in contenders}
    cpu: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, function in contenders.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            function()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    return wall, cpu


def spread(values: list[float]) -> str:
    return f"{min(values):.1f}–{max(values):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--megabytes", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    words_of_chinese = dictionary()
    entries = make_lexicon(rng, words_of_chinese, args.words)
    generated = make_texts(rng, words_of_chinese, entries, args.megabytes)
    texts = [text for text, _planted in generated]
    total_bytes = sum(len(t.encode("utf-8")) for t in texts)
    words = [e.word for e in entries]
    whitelist = ["打击" + words[0]]

    started = time.perf_counter()
    lexicon = Lexicon(entries, whitelist, Options())
    build = time.perf_counter() - started
    started = time.perf_counter()
    Lexicon(entries, whitelist, Options())
    rebuild = time.perf_counter() - started
    # The first reading: every word of two or more characters by its sound.
    every_sound = Lexicon(entries, whitelist, Options(homophone_min_length=2))

    planted = [flag for _text, flag in generated]
    held = [lexicon.check(t).decision != "pass" for t in texts]
    found = sum(h and p for h, p in zip(held, planted, strict=True))
    false_hits = sum(h and not p for h, p in zip(held, planted, strict=True))
    every_held = sum(every_sound.check(t).decision != "pass" for t in texts)
    from_three = Lexicon(entries, whitelist, Options(homophone_min_length=3))
    three_held = [from_three.check(t).decision != "pass" for t in texts]
    three_false = sum(h and not p for h, p in zip(three_held, planted, strict=True))

    sample = texts[: max(1, len(texts) // 50)]
    sample_bytes = sum(len(t.encode("utf-8")) for t in sample)
    times, cpu = interleaved(
        {
            "filter": lambda: [lexicon.check(t) for t in texts],
            "naive": lambda: [[w for w in words if w in t] for t in sample],
            "every": lambda: [every_sound.check(t) for t in texts],
        },
        args.runs,
    )
    for measured in (times, cpu):
        measured["naive"] = [t * total_bytes / sample_bytes for t in measured["naive"]]
    rates = {name: [total_bytes / t / 1_000_000 for t in values] for name, values in times.items()}
    cpu_rates = {
        name: [total_bytes / t / 1_000_000 for t in values] for name, values in cpu.items()
    }
    ratios = [n / f for n, f in zip(times["naive"], times["filter"], strict=True)]
    every_ratios = [n / f for n, f in zip(times["naive"], times["every"], strict=True)]
    median = statistics.median

    print(
        f"lexicon: {len(entries):,} words ({sum(e.homophones for e in entries)} short ones "
        f"marked for homophones); text: {len(texts):,} comments, {total_bytes:,} bytes, "
        f"{sum(planted)} with a planted word"
    )
    print(f"first build (tables and automata): {build:.2f} s; rebuild: {rebuild:.2f} s")
    print(
        f"held or rejected: {sum(held)} — planted words found {found} of {sum(planted)}, "
        f"comments without one caught {false_hits} of {len(texts) - sum(planted)}"
    )
    print(
        f"filter, all normalisations: {median(rates['filter']):.1f} MB/s "
        f"(spread {spread(rates['filter'])}, {args.runs} runs); CPU time of the process: "
        f"{median(cpu_rates['filter']):.1f} MB/s (spread {spread(cpu_rates['filter'])})"
    )
    print(
        f"naive loop (`word in text` per word, scaled from {len(sample)} comments): "
        f"{median(rates['naive']):.3f} MB/s"
    )
    print(f"ratio filter / naive: {median(ratios):.0f}x (spread {spread(ratios)})")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"every two-character word by its sound: {median(rates['every']):.1f} MB/s "
        f"({median(every_ratios):.0f}x the naive loop), held or rejected {every_held} of "
        f"{len(texts)} comments"
    )
    print(
        f"words of three or more characters by their sound: comments without a planted "
        f"word caught {three_false} of {len(texts) - sum(planted)}"
    )


if __name__ == "__main__":
    main()
