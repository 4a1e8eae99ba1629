"""The demo story's calendar: when it starts, its months, and a deterministic monthly wobble."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from smartiberica.kernel.dates import add_months

FIRST_YEAR = 2017
# A deterministic wobble (percent) so that months differ without randomness.
WOBBLE = (0, 3, -2, 5, -4, 1, 4, -3, 2, -1, 6, -5)


def wobble(amount: Decimal, index: int) -> Decimal:
    return (amount * (100 + WOBBLE[index % len(WOBBLE)]) / 100).quantize(Decimal("0.01"))


def months_between(start: date, end: date) -> list[date]:
    """First days of the months from `start`'s to `end`'s, both included."""
    first, months = start.replace(day=1), []
    while first <= end:
        months.append(first)
        first = add_months(first, 1)
    return months
