"""Multi-year tables split into groups of years, for print.

On screen a table with a column per year scrolls inside its card; on paper nothing scrolls, so the
print copy of such a table is several tables of a few years each, as even as possible (ten years
in groups of at most six make two tables of five, not six and four).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import template

register = template.Library()


@dataclass(frozen=True)
class YearGroup:
    """Consecutive columns `start` to `stop` (excluded) of a table, one per year."""

    years: tuple[int, ...]
    start: int
    stop: int

    @property
    def first(self) -> int:
        return self.years[0]

    @property
    def last(self) -> int:
        return self.years[-1]


def year_groups_of(years: Sequence[int], most: int) -> list[YearGroup]:
    if not years or most < 1:
        return [YearGroup(tuple(years), 0, len(years))] if years else []
    size = math.ceil(len(years) / math.ceil(len(years) / most))
    return [
        YearGroup(tuple(years[start : start + size]), start, min(start + size, len(years)))
        for start in range(0, len(years), size)
    ]


@register.filter
def year_groups(series: Sequence[Any], most: int) -> list[YearGroup]:
    """`series` (yearly figures, each with a `year`) in even groups of at most `most` years."""
    return year_groups_of([f.year for f in series], int(most))


@register.filter
def columns(values: Sequence[Any], group: YearGroup) -> Sequence[Any]:
    """The values of a row that fall in `group`'s years."""
    return values[group.start : group.stop]
