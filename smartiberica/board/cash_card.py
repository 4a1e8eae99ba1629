"""The year page's "Cash" card: the cash in the bank at the start of the year and at its end (or
today in the year in progress), its month-end balances, and, for the year in progress, the cash
projected at year end under the chosen scenario with the runway (smartiberica/board/cash_outlook.py).

No card without a bank account open by the end of the year (or today), nor for a year still to
come. Queries, whatever the number of lines: the month-end balances (one when no account was open,
three otherwise), the cash at the start of the year (one); the year in progress adds today's cash
and the cash on the projection's `as_of` (one each).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from banking.selectors import month_end_balances
from smartiberica.board import charts
from smartiberica.board.cash_outlook import CashOutlook, cash_on, forecast_outlook
from smartiberica.board.projection import Forecast
from smartiberica.board.projection_months import month_end
from smartiberica.kernel.dates import current_year, today


@dataclass(frozen=True)
class BalanceRow:
    """A month end of the table under the chart: the balance recorded and the one projected."""

    day: date
    recorded: Decimal | None
    projected: Decimal | None


@dataclass(frozen=True)
class CashCard:
    year: int
    start: date  # 31 December of the year before
    at_start: Decimal | None  # None: no bank account was open then
    end: date  # 31 December, or today in the year in progress
    at_end: Decimal
    in_progress: bool
    rows: tuple[BalanceRow, ...]
    chart: str
    # The year in progress: the cash projected under the page's scenario, from the projection's day.
    outlook: CashOutlook | None = None
    scenario: str = ""  # the scenario's name ("" for the baseline)


def _rows(
    start: date, at_start: Decimal | None, balances: dict[date, Decimal], outlook: CashOutlook | None
) -> tuple[BalanceRow, ...]:
    # The month-end balances count 0.00 before any account opened: the start of the year says
    # whether one was open then.
    recorded = {**balances, start: at_start}
    projected: dict[date, Decimal] = {}
    if outlook is not None and outlook.months:
        # The dashes start where the projection starts from, so they continue the recorded line.
        projected = {outlook.as_of: outlook.cash_at_as_of or Decimal("0.00")}
        projected.update({m.end: m.cash for m in outlook.months})
    days = [start, *(month_end(date(start.year + 1, m, 1)) for m in range(1, 13))]
    rows = [BalanceRow(day, recorded.get(day), projected.get(day)) for day in days]
    return tuple(row for row in rows if row.recorded is not None or row.projected is not None)


def _chart(rows: tuple[BalanceRow, ...]) -> str:
    return charts.cash_balances(
        title=_("Cash at each month end"),
        labels=[date_format(row.day, "SHORT_DATE_FORMAT") for row in rows],
        recorded=[row.recorded for row in rows],
        projected=[row.projected for row in rows],
        series=(_("Recorded"), _("Projected")),
    )


def cash_card(*, year: int, projection: Forecast | None = None) -> CashCard | None:
    """The card of `year`, with the cash projected from `projection` (the year in progress)."""
    if year > current_year():
        return None
    balances = month_end_balances(year=year)
    if balances is None:
        return None
    start = date(year, 1, 1) - timedelta(days=1)
    in_progress = year == current_year()
    end = today() if in_progress else date(year, 12, 31)
    at_start = cash_on(start)
    # An account open by the end of the year (or today): `balances` would be None otherwise.
    at_end = (cash_on(end) or Decimal("0.00")) if in_progress else balances[end]
    outlook = None
    if projection is not None and projection.projected_months > 0:
        outlook = forecast_outlook(projection, cash_on(projection.as_of))
    rows = _rows(start, at_start, balances, outlook)
    return CashCard(
        year=year,
        start=start,
        at_start=at_start,
        end=end,
        at_end=at_end,
        in_progress=in_progress,
        rows=rows,
        chart=_chart(rows),
        outlook=outlook,
        scenario="" if projection is None or projection.scenario.is_baseline else projection.scenario.name,
    )
