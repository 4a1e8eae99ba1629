"""Splitting an amount of money into parts that add up to it exactly, to the cent.

The year-end projection spreads a yearly amount (a budget line, the in-kind support of a year)
over months. Rounding each month's share on its own would leave the months a cent or two away
from the year, and the public projection promises that its months add up to the year's figures.
The largest-remainder method gives each part its floor in cents, then hands the cents left over
to the parts with the largest remainders (the earlier part on a tie), so the result is exact,
deterministic and never more than a cent from the ideal share.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from smartiberica.kernel.money import round_money


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` split in proportion to `weights` (none negative, not all zero); Σ parts == amount."""
    if not weights:
        raise ValueError("allocate needs at least one weight")
    if any(w < 0 for w in weights):
        raise ValueError("weights cannot be negative")
    total_weight = sum(weights, Decimal(0))
    if total_weight == 0:
        raise ValueError("weights cannot all be zero")
    cents = int(round_money(amount) * 100)
    sign, cents = (-1 if cents < 0 else 1), abs(cents)
    ideal = [Decimal(cents) * w / total_weight for w in weights]
    floors = [int(part.to_integral_value(rounding=ROUND_FLOOR)) for part in ideal]
    left = cents - sum(floors)
    # The parts with the largest remainders get a cent each; on a tie, the earlier part.
    order = sorted(range(len(weights)), key=lambda i: (-(ideal[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(sign * part).scaleb(-2) for part in floors]


def split_evenly(amount: Decimal, parts: int) -> list[Decimal]:
    """`amount` in `parts` equal shares to the cent, the first ones a cent larger if need be."""
    return allocate(amount, [Decimal(1)] * parts)
