"""The net revenue the counted contracts (active or ended) are expected to invoice in each year:
the yearly figure `expected_contract_revenue`.

`source="raw"` reads it from the contracts, through `calculations.expected_revenue` (the
definition, the oracle `check_rollups` compares with); `"rollups"` (the pages) adds up the
contracts' kept expectations (`ContractExpectation`) in one grouped query over one row per
contract instead of a Python loop over every contract's periods.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from smartiberica.kernel.basis import Source
from smartiberica.kernel.compiled_reads import aggregated, compiled_read
from smartiberica.kernel.dates import year_bounds
from smartiberica.kernel.money import ZERO, round_money

from .calculations import CONTRACT_TERM_FIELDS, ContractTerms, expected_revenue
from .choices import COUNTED_CONTRACT_STATUSES
from .models import Contract, ContractExpectation


def _from_contracts(years: list[int]) -> dict[int, Decimal]:
    """One query: every counted contract overlapping the years, each year's revenue in Python."""
    expected: dict[int, Decimal] = dict.fromkeys(years, ZERO)
    contracts = (
        Contract.objects.filter(status__in=COUNTED_CONTRACT_STATUSES)
        .overlapping(year_bounds(years[0])[0], year_bounds(years[-1])[1])
        .values_list(*CONTRACT_TERM_FIELDS)
    )
    for values in contracts:
        terms = ContractTerms(*values)
        for year in expected:
            start, end = year_bounds(year)
            if terms.start_date <= end and (terms.end_date is None or terms.end_date >= start):
                expected[year] += expected_revenue(terms, year)
    return expected


@compiled_read
def _expectation_sums(years: tuple[int, ...]) -> QuerySet[Any, Any]:
    """One row: each year's three sums over the expectations' rows (first, middle, last year)."""
    sums = {}
    for year in years:
        between = Q(first_year__lt=year) & (Q(last_year__isnull=True) | Q(last_year__gt=year))
        sums[f"first_{year}"] = Sum("first_amount", filter=Q(first_year=year))
        sums[f"middle_{year}"] = Sum("middle_amount", filter=between)
        sums[f"last_{year}"] = Sum("last_amount", filter=Q(first_year__lt=year, last_year=year))
    expecting = ContractExpectation.objects.filter(first_year__lte=years[-1]).exclude(last_year__lt=years[0])
    return aggregated(expecting, **sums)


def _from_expectations(years: list[int]) -> dict[int, Decimal]:
    """One query: each year's expected revenue, the three parts summed."""
    [row] = _expectation_sums(tuple(years))
    parts = iter(row)  # first, middle and last of each year, in the order of `years`
    return {year: sum((next(parts) or ZERO for _part in range(3)), ZERO) for year in years}


def expected_by_year(years: Iterable[int], *, source: Source = "rollups") -> dict[int, Decimal]:
    """Net revenue expected in each of `years` from the counted contracts: one query."""
    wanted = sorted(set(years))
    if not wanted:
        return {}
    if source == "rollups":
        found = _from_expectations(wanted)
    elif source == "raw":
        found = _from_contracts(wanted)
    else:
        raise ValueError(f"source must be rollups or raw, not {source!r}")
    return {year: round_money(amount) for year, amount in found.items()}
