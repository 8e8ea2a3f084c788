"""Shares that add up exactly: largest-remainder allocation at a fixed quantum."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from math import lcm


def integer_weights(weights: Sequence[Decimal | int]) -> list[int]:
    """Scale decimal weights to integers with the same ratios."""
    fractions = [Fraction(w) for w in weights]
    scale = lcm(*(f.denominator for f in fractions)) if fractions else 1
    return [int(f * scale) for f in fractions]


def allocate(total: Decimal, weights: Sequence[int], quantum: Decimal) -> list[Decimal]:
    """Split ``total`` by integer ``weights`` into multiples of ``quantum``.

    Each part is floored to the quantum; the pieces left over go, one quantum each,
    to the largest remainders (ties: earlier position first). Any residue below one
    quantum goes to the first of those. The parts always sum exactly to ``total``.
    """
    n = len(weights)
    if n == 1:
        return [total]
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights = (1,) * n
        weight_sum = n
    negative = total < 0
    amount = -total if negative else total
    pieces = int((amount / quantum).to_integral_value(rounding=ROUND_FLOOR))
    residue = amount - pieces * quantum
    floors = [pieces * w // weight_sum for w in weights]
    remainders = [pieces * w % weight_sum for w in weights]
    left = pieces - sum(floors)
    order = sorted(range(n), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    parts = [quantum * f for f in floors]
    parts[order[0]] += residue
    if negative:
        parts = [-p for p in parts]
    return parts
