"""The direct costs of the service lines (issue 22): the expenses that name the line they serve.

Read by the board's contribution margin through `funding.selectors`. The service line is the
services app's model, reached by the expense's foreign key (a join, never an import).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from funding.models import Expense
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.dates import year_bounds
from smartiberica.kernel.money import round_money
from smartiberica.kernel.periods import YearOf


@compiled_read
def _line_sums(first: date, last: date) -> QuerySet[Any, Any]:
    return (
        Expense.objects.filter(date__range=(first, last), service_line__isnull=False)
        .order_by()
        .annotate(y=YearOf("date"))
        .values_list("y", "service_line__code")
        .annotate(total=Sum("amount"))
    )


def direct_costs_by_line(*, years: Iterable[int]) -> dict[int, dict[str, Decimal]]:
    """Each year asked for → service line code → Σ net amount of the expenses dated in that year
    that name the line. Lines without such expenses are absent; every year asked for is present.

    One grouped query over the date range that covers the years, whatever their number.
    """
    wanted = sorted(set(years))
    costs: dict[int, dict[str, Decimal]] = {year: {} for year in wanted}
    if not wanted:
        return costs
    first, last = year_bounds(wanted[0])[0], year_bounds(wanted[-1])[1]
    for year, code, total in _line_sums(first, last):
        if year in costs:
            costs[year][code] = round_money(total)
    return costs
