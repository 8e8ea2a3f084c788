"""Throughput of the comment lexicon filter against a naive ``word in text`` loop.

    .venv/bin/python bench/bench_lexicon.py                 # 20,000 words, 2 MB of text
    .venv/bin/python bench/bench_lexicon.py --words 5000 --megabytes 1

The lexicon and the text are generated (fixed seed) from common characters; about
one comment in five holds a listed word, some of them disguised (traditional
characters, inserted symbols, repeats, homophones, pinyin).  Every normalisation is on.
Figures are medians of ``--runs`` runs with the garbage collector on.  The naive loop
is measured on a slice of the texts (it is far slower) and scaled by bytes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinxuan.comments.lexicon import DEFAULT_CATEGORIES, Entry, Lexicon, Options  # noqa: E402
from xinxuan.lib.hanzi import simplified_table  # noqa: E402

COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点"
    "从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原"
    "又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革"
    "位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强"
)
PUNCTUATION = "，。、！？：；“”（）"


def make_lexicon(rng: random.Random, size: int) -> list[Entry]:
    categories = list(DEFAULT_CATEGORIES.items())
    words: set[str] = set()
    # Rarer characters than the text's, so that hits are the planted ones mostly.
    pool = [chr(c) for c in range(0x4E00, 0x9FA5)]
    while len(words) < size:
        words.add("".join(rng.choice(pool) for _ in range(rng.choice((2, 3, 3, 4, 4, 5)))))
    result = []
    for word in sorted(words):
        category, action = rng.choice(categories)
        result.append(Entry(word, category, action))
    return result


def disguise(rng: random.Random, word: str) -> str:
    traditional = {v: chr(k) for k, v in simplified_table().items()}
    how = rng.randrange(4)
    if how == 0:
        return "".join(traditional.get(c, c) for c in word)
    if how == 1:
        return "*".join(word)
    if how == 2:
        return word[0] * 3 + word[1:]
    return word


def make_texts(rng: random.Random, entries: list[Entry], megabytes: float) -> list[str]:
    texts, size = [], 0
    while size < megabytes * 1_000_000:
        length = rng.randint(20, 400)
        chars = [rng.choice(COMMON) for _ in range(length)]
        for position in range(12, length, rng.randint(10, 30)):
            chars[position] = rng.choice(PUNCTUATION)
        text = "".join(chars)
        if rng.random() < 0.2:
            at = rng.randrange(len(text))
            text = text[:at] + disguise(rng, rng.choice(entries).word) + text[at:]
        texts.append(text)
        size += len(text.encode("utf-8"))
    return texts


def timed(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--megabytes", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    entries = make_lexicon(rng, args.words)
    texts = make_texts(rng, entries, args.megabytes)
    total_bytes = sum(len(t.encode("utf-8")) for t in texts)
    words = [e.word for e in entries]

    started = time.perf_counter()
    lexicon = Lexicon(entries, ["打击" + words[0]], Options())
    build = time.perf_counter() - started
    started = time.perf_counter()
    Lexicon(entries, ["打击" + words[0]], Options())
    rebuild = time.perf_counter() - started

    decisions: dict[str, int] = {}
    for text in texts:
        verdict = lexicon.check(text)
        decisions[verdict.decision] = decisions.get(verdict.decision, 0) + 1

    def filter_all() -> None:
        for text in texts:
            lexicon.check(text)

    sample = texts[: max(1, len(texts) // 50)]
    sample_bytes = sum(len(t.encode("utf-8")) for t in sample)

    def naive() -> None:
        for text in sample:
            [w for w in words if w in text]

    lexicon_seconds = timed(filter_all, args.runs)
    naive_seconds = timed(naive, max(1, args.runs // 2)) * total_bytes / sample_bytes
    throughput = total_bytes / lexicon_seconds / 1_000_000
    print(f"lexicon: {len(entries):,} words; text: {len(texts):,} comments, {total_bytes:,} bytes")
    print(f"first build (tables and automaton): {build:.2f} s; rebuild: {rebuild:.2f} s")
    print(f"decisions: {decisions}")
    print(f"filter, all normalisations: {lexicon_seconds:.3f} s = {throughput:.1f} MB/s")
    print(
        f"naive loop (`word in text` per word, scaled from {len(sample)} comments): "
        f"{naive_seconds:.1f} s = {total_bytes / naive_seconds / 1_000_000:.3f} MB/s"
    )
    print(f"ratio naive / filter: {naive_seconds / lexicon_seconds:.0f}x")

    # The same without the sound-based steps: with 20,000 random words, homophones make
    # almost every text a hit (see bench/README.md), and hits take the slow path.
    plain = Lexicon(entries, ["打击" + words[0]], Options(homophones=False, pinyin=False))
    hits = sum(plain.check(t).decision != "pass" for t in texts)
    plain_seconds = timed(lambda: [plain.check(t) for t in texts], args.runs)
    print(
        f"filter without homophones and pinyin: {plain_seconds:.3f} s = "
        f"{total_bytes / plain_seconds / 1_000_000:.1f} MB/s ({hits} texts with a hit); "
        f"ratio naive / filter: {naive_seconds / plain_seconds:.0f}x"
    )


if __name__ == "__main__":
    main()
