"""The guarantee fund's ledger (issue 22): what came in, what was advanced to members and came back.

`guarantee_ledger(years=...)`, re-exported by `services.selectors`, answers for each year asked
for, in four queries whatever the number of years and of records (three without a margin rule):

- inflows: the year's `guarantee_fund` figure, Σ round(turnover × fund rate / 100) over its
  member-turnover months, computed by the selectors' `month_margin` as the yearly figures do;
- advances paid: Σ advances dated in the year; recoveries: Σ advances recovered in the year;
- closing balance = opening balance + inflows − advances paid + recoveries, the opening balance
  being the closing balance of the year before (0 before the first turnover month or advance);
- outstanding advances at 31 December: Σ advances dated by then and not recovered by then.

Every year from the first record a date may have (1990) carries into the next: the balance at the
end of a year is every inflow so far less the advances still out. See docs/figures.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.dates import EARLIEST_RECORD_YEAR, year_bounds
from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.periods import YearOf

from .models import GuaranteeAdvance


@dataclass(frozen=True)
class GuaranteeYear:
    year: int
    opening_balance: Decimal
    inflows: Decimal
    advances_paid: Decimal
    recoveries: Decimal
    closing_balance: Decimal
    outstanding_advances: Decimal  # at 31 December

    @property
    def advances_exceed_balance(self) -> bool:
        """The warning of the year page: more money is out with members than left in the fund."""
        return self.outstanding_advances > self.closing_balance

    @property
    def is_empty(self) -> bool:
        """Nothing in the fund and nothing moved: no ledger to show."""
        amounts = (self.opening_balance, self.inflows, self.advances_paid, self.recoveries)
        return not any(amounts) and not self.outstanding_advances


def _inflows(first: int, last: int) -> dict[int, Decimal]:
    """Each year's guarantee-fund figure (three queries: the rules, their bands, the months)."""
    # Imported here: the selectors re-export this module (as `monthly` does for its margins).
    from services.selectors import margin_history

    history = margin_history(years=range(first, last + 1))
    return {
        year: round_money(sum((month.guarantee_fund for month in months), ZERO))
        for year, months in history.months.items()
    }


@compiled_read
def _advances(last: int) -> QuerySet[Any, Any]:
    return (
        GuaranteeAdvance.objects.filter(date__lte=year_bounds(last)[1])
        .order_by()
        .values(paid_in=YearOf("date"), recovered_in=YearOf("recovered_on"))
        .annotate(total=Sum("amount"))
    )


def _advance_sums(last: int) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """The advances paid by year and recovered by year, up to `last` (one query, one row per pair
    of years: few)."""
    paid: dict[int, Decimal] = {}
    recovered: dict[int, Decimal] = {}
    for row in _advances(last):
        amount = round_money(row["total"])
        paid[row["paid_in"]] = paid.get(row["paid_in"], ZERO) + amount
        if row["recovered_in"] is not None and row["recovered_in"] <= last:
            recovered[row["recovered_in"]] = recovered.get(row["recovered_in"], ZERO) + amount
    return paid, recovered


def guarantee_ledger(*, years: Iterable[int]) -> dict[int, GuaranteeYear]:
    """The ledger of each year asked for (see the module's docstring): four queries at most."""
    wanted = sorted(set(years))
    if not wanted:
        return {}
    first, last = min(wanted[0], EARLIEST_RECORD_YEAR), wanted[-1]
    inflows = _inflows(first, last)
    paid, recovered = _advance_sums(last)
    ledger: dict[int, GuaranteeYear] = {}
    balance = outstanding = ZERO
    for year in range(first, last + 1):
        year_in, year_paid, year_back = (
            inflows.get(year, ZERO),
            paid.get(year, ZERO),
            recovered.get(year, ZERO),
        )
        closing = balance + year_in - year_paid + year_back
        outstanding += year_paid - year_back
        ledger[year] = GuaranteeYear(
            year=year,
            opening_balance=balance,
            inflows=year_in,
            advances_paid=year_paid,
            recoveries=year_back,
            closing_balance=closing,
            outstanding_advances=outstanding,
        )
        balance = closing
    return {year: ledger[year] for year in wanted}
