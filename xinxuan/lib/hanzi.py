"""Character-level conversions of Chinese text that keep every character in its place.

Traditional → simplified is done one character at a time (OpenCC's ``t2s`` table,
asked once per character at first use), so the converted text has the same length
as the original and a position found in one is the same position in the other.
The portal's search and the comment lexicon both rely on that.  No Django import.
"""

from __future__ import annotations

from functools import lru_cache

# The Unified Ideographs and the compatibility ideographs: where OpenCC's
# single-character conversions live.
HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


def han_chars():
    for start, stop in HAN_RANGES:
        for code in range(start, stop):
            yield chr(code)


@lru_cache(maxsize=1)
def simplified_table() -> dict[int, str]:
    """``str.translate`` table: each traditional character to its simplified form."""
    import opencc

    converter = opencc.OpenCC("t2s")
    table: dict[int, str] = {}
    for char in han_chars():
        converted = converter.convert(char)
        if converted != char and len(converted) == 1:
            table[ord(char)] = converted
    return table


def to_simplified(text: str) -> str:
    """The text with traditional characters simplified, character for character."""
    return text.translate(simplified_table())
