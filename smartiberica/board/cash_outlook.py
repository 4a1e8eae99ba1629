"""The projected cash and the runway of a year-end projection (docs/forecast.md, "Cash and runway").

Pure arithmetic on a projection's months and the cash in the bank at its `as_of`, except
`cash_on`, the one read (the banking app's cash position). The projected cash at the end of each
projected month is the cash at `as_of` plus the running total of the projected months' cash in
less cash out. The runway counts the months after `as_of` until the first month end whose cash is
below zero: through December with the projected months, then month by month with the year's
average net cash flow (its run-rate); past `HORIZON` months it is "more than 24 months".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from banking.selectors import cash_position
from smartiberica.board.projection import Forecast, ForecastMonth
from smartiberica.board.projection_months import month_end
from smartiberica.kernel.dates import add_months
from smartiberica.kernel.money import ZERO, round_money

# Two years ahead: further than that, a run-rate says nothing a board can act on.
HORIZON = 24

# Why a projection has no projected cash: no bank account was open on its `as_of` (the cash it
# would start from is unknown), or it is seen from before the year before, so the months between
# `as_of` and January are not projected (their cash flows are unknown).
Unavailable = Literal["", "no_account", "seen_too_early"]


@dataclass(frozen=True)
class CashMonth:
    """A projected month: its net cash flow and the cash projected at its end."""

    month: date  # the month's first day
    net: Decimal  # cash in − cash out
    cash: Decimal  # at the month's end

    @property
    def end(self) -> date:
        return month_end(self.month)


@dataclass(frozen=True)
class Runway:
    """How many months after `as_of` the cash lasts: `months` is the count of the first month end
    whose cash is below zero (1: the month after `as_of`; 0: below zero at `as_of` already), or
    None when the cash stays at zero or above for `HORIZON` months."""

    months: int | None
    below_zero_by: date | None  # the month end the cash is first below zero

    @property
    def beyond_horizon(self) -> bool:
        return self.months is None

    @property
    def horizon(self) -> int:
        return HORIZON

    def shorter_than(self, other: Runway) -> bool:
        """Whether the cash falls below zero sooner than under `other` (beyond the horizon is the
        longest)."""
        mine = HORIZON + 1 if self.months is None else self.months
        theirs = HORIZON + 1 if other.months is None else other.months
        return mine < theirs


@dataclass(frozen=True)
class CashOutlook:
    as_of: date
    cash_at_as_of: Decimal | None  # None: no bank account was open on `as_of`
    months: tuple[CashMonth, ...]  # the projected months of the year (none when unavailable)
    # The year's average monthly net cash flow: Σ of its twelve months (cash in − cash out) / 12.
    run_rate: Decimal
    runway: Runway | None  # None when unavailable
    unavailable: Unavailable = ""

    @property
    def year_end(self) -> Decimal | None:
        """The cash projected on 31 December (the cash at `as_of` for a year with nothing projected)."""
        if self.unavailable:
            return None
        return self.months[-1].cash if self.months else self.cash_at_as_of


def months_after(as_of: date, month: date) -> int:
    """The count of `month` after the month of `as_of` (the month after it is 1)."""
    return (month.year - as_of.year) * 12 + month.month - as_of.month


def run_rate(months: Sequence[ForecastMonth]) -> Decimal:
    """The year's average monthly net cash flow, to the cent (ROUND_HALF_UP)."""
    net = sum((m.cash_in - m.cash_out for m in months), ZERO)
    return round_money(net / 12)


def runway(*, as_of: date, cash: Decimal, month_ends: Sequence[Decimal], rate: Decimal) -> Runway:
    """The runway from `cash` at `as_of`: `month_ends` is the cash projected at the end of each
    month after `as_of` (the first is month 1), then each later month adds `rate`."""

    def by(count: int) -> Runway:
        return Runway(months=count, below_zero_by=month_end(add_months(as_of.replace(day=1), count)))

    if cash < 0:
        return by(0)
    balance = cash
    for count in range(1, HORIZON + 1):
        balance = month_ends[count - 1] if count <= len(month_ends) else balance + rate
        if balance < 0:
            return by(count)
    return Runway(months=None, below_zero_by=None)


def cash_outlook(*, as_of: date, months: Sequence[ForecastMonth], cash: Decimal | None) -> CashOutlook:
    """The projected cash of a projection seen from `as_of` whose twelve months are `months`,
    starting from `cash` (the cash in the bank at `as_of`, None without an account open then)."""
    rate = run_rate(months)
    projected = [m for m in months if not m.actual]
    first = projected[0].month if projected else None
    unavailable: Unavailable = ""
    if cash is None:
        unavailable = "no_account"
    elif first is not None and months_after(as_of, first) != 1:
        unavailable = "seen_too_early"
    if cash is None or unavailable:
        return CashOutlook(as_of, cash, (), rate, None, unavailable)
    cash_months = []
    balance = cash
    for month in projected:
        net = month.cash_in - month.cash_out
        balance += net
        cash_months.append(CashMonth(month=month.month, net=net, cash=balance))
    ends = [m.cash for m in cash_months]
    return CashOutlook(
        as_of, cash, tuple(cash_months), rate, runway(as_of=as_of, cash=cash, month_ends=ends, rate=rate)
    )


def forecast_outlook(projected: Forecast, cash: Decimal | None) -> CashOutlook:
    return cash_outlook(as_of=projected.as_of, months=projected.months, cash=cash)


def cash_on(day: date) -> Decimal | None:
    """The cash in every bank account at the end of `day`, or None when no account was open then.
    One query."""
    position = cash_position(on=day)
    return round_money(position.total) if position.accounts else None
