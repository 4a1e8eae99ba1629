"""French-annuity loan schedules, exact to the cent (pure computation: no database).

A French (annuity) loan repays its principal with constant instalments; each one pays the interest
of the period on the remaining balance and the rest of it repays principal.

How a schedule is built, row by row, all money in `Decimal` cents rounded ROUND_HALF_UP:

- the periodic rate is the nominal annual rate divided by the number of periods in a year
  (``5.50`` % a year paid monthly is ``0.4583…`` % a month);
- ``interest = round(balance × periodic rate)``;
- during an optional grace period the instalment is that interest only (no principal);
- then the instalment is the annuity ``P·r / (1 − (1 + r)^−n)`` rounded to the cent (``P / n`` at a
  zero rate), constant for every row but the last, and ``principal = instalment − interest``;
- the last row repays whatever balance is left, so it absorbs every rounding difference: the
  principal parts always sum exactly to the principal and the final balance is exactly zero.

Rounding the annuity up may repay the loan a little faster than the exact annuity; on a long loan
at a high rate those cents compound and could empty the balance before the last row. When that
happens the annuity is lowered by the fewest cents that keep every balance positive before the last
row, so that the balance is never negative and the last row always repays something.

A prepayment (extra principal paid on a date) keeps the rows due on or before its date and
re-generates the rest from the lowered balance over the same remaining number of instalments
(the instalment goes down, the term stays). A prepayment of the whole remaining balance ends the
schedule on the last row kept.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from smartiberica.kernel.dates import add_months

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONTHS_PER_PERIOD = {12: 1, 4: 3}

# Enough digits for (1 + r)^n over decades of monthly periods.
_CONTEXT = decimal.Context(prec=40, rounding=ROUND_HALF_UP)


class ScheduleError(ValueError):
    """Terms or a prepayment that cannot give a schedule; `code` says why."""

    TERM = "term"
    GRACE = "grace"
    PRINCIPAL = "principal"
    RATE = "rate"
    FREQUENCY = "frequency"
    PREPAYMENT_BEFORE_START = "prepayment_before_start"
    PREPAYMENT_AFTER_END = "prepayment_after_end"
    PREPAYMENT_AMOUNT = "prepayment_amount"
    PREPAYMENT_EXCEEDS_BALANCE = "prepayment_exceeds_balance"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ScheduleRow:
    number: int
    due_date: date
    instalment: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal  # remaining principal after this instalment


class ScheduleTerms(TypedDict):
    """The terms `french_schedule` takes, as a loan gives them (`Loan.schedule_terms()`)."""

    principal: Decimal
    annual_rate: Decimal
    instalments: int
    grace_instalments: int
    start: date
    periods_per_year: int


@dataclass(frozen=True)
class Prepayment:
    on: date
    amount: Decimal


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def due_date(start: date, number: int, periods_per_year: int) -> date:
    """Due date of instalment `number` (1-based): always counted from the start, so it never drifts."""
    return add_months(start, number * MONTHS_PER_PERIOD[periods_per_year])


def periodic_rate(annual_rate_percent: Decimal, periods_per_year: int) -> Decimal:
    return _CONTEXT.divide(Decimal(annual_rate_percent), Decimal(100 * periods_per_year))


def exact_annuity(principal: Decimal, rate: Decimal, instalments: int) -> Decimal:
    """The unrounded constant instalment repaying `principal` in `instalments` periods at `rate`."""
    if rate == 0:
        return _CONTEXT.divide(principal, Decimal(instalments))
    growth = _CONTEXT.power(_CONTEXT.add(Decimal(1), rate), -instalments)
    return _CONTEXT.divide(_CONTEXT.multiply(principal, rate), _CONTEXT.subtract(Decimal(1), growth))


def _amortize(principal: Decimal, rate: Decimal, instalments: int, payment: Decimal) -> list[tuple]:
    """(instalment, interest, principal part, balance) rows paying `payment` but the last."""
    rows = []
    balance = principal
    for index in range(instalments):
        interest = _cents(balance * rate)
        part = balance if index == instalments - 1 else payment - interest
        balance -= part
        rows.append((interest + part, interest, part, balance))
    return rows


def _balance_before_last(principal: Decimal, rate: Decimal, instalments: int, payment: Decimal) -> Decimal:
    balance = principal
    for _ in range(instalments - 1):
        balance -= payment - _cents(balance * rate)
    return balance


def level_payment(principal: Decimal, rate: Decimal, instalments: int) -> Decimal:
    """The annuity rounded to the cent, lowered if needed so the balance stays > 0 before the last row.

    The balance before the last row only grows when the payment shrinks, and paying only the first
    period's interest never lowers it, so a binary search over cents finds the largest safe payment.
    """
    payment = _cents(exact_annuity(principal, rate, instalments))
    if instalments == 1 or _balance_before_last(principal, rate, instalments, payment) > 0:
        return payment
    low = _cents(principal * rate)  # safe: principal never decreases
    high = payment  # unsafe
    while high - low > CENT:
        middle = _cents((low + high) / 2)
        if middle in (low, high):
            break
        if _balance_before_last(principal, rate, instalments, middle) > 0:
            low = middle
        else:
            high = middle
    return low


def _check_terms(principal: Decimal, annual_rate: Decimal, instalments: int, grace: int, ppy: int) -> None:
    if ppy not in MONTHS_PER_PERIOD:
        raise ScheduleError(ScheduleError.FREQUENCY, f"{ppy} periods a year is not supported")
    if instalments < 1:
        raise ScheduleError(ScheduleError.TERM, "a loan needs at least one instalment")
    if grace < 0 or grace >= instalments:
        raise ScheduleError(ScheduleError.GRACE, "the grace period must leave at least one instalment")
    if principal <= 0:
        raise ScheduleError(ScheduleError.PRINCIPAL, "the principal must be positive")
    if annual_rate < 0 or annual_rate > 100:
        raise ScheduleError(ScheduleError.RATE, "the rate must be between 0 and 100 %")


def _rows(
    *,
    principal: Decimal,
    rate: Decimal,
    instalments: int,
    grace: int,
    start: date,
    periods_per_year: int,
    first_number: int,
) -> list[ScheduleRow]:
    rows: list[ScheduleRow] = []
    number = first_number
    for _ in range(grace):
        interest = _cents(principal * rate)
        rows.append(
            ScheduleRow(
                number, due_date(start, number, periods_per_year), interest, interest, ZERO, principal
            )
        )
        number += 1
    amortizing = instalments - grace
    payment = level_payment(principal, rate, amortizing)
    for instalment, interest, part, balance in _amortize(principal, rate, amortizing, payment):
        rows.append(
            ScheduleRow(
                number, due_date(start, number, periods_per_year), instalment, interest, part, balance
            )
        )
        number += 1
    return rows


def french_schedule(
    *,
    principal: Decimal,
    annual_rate: Decimal,
    instalments: int,
    start: date,
    periods_per_year: int = 12,
    grace_instalments: int = 0,
    prepayments: Iterable[Prepayment] = (),
) -> list[ScheduleRow]:
    """The whole schedule of a loan, with its prepayments applied in date order.

    `instalments` counts every instalment, grace-period ones included. Instalment k is due k periods
    after `start`. Raises `ScheduleError` for impossible terms or prepayments.
    """
    principal = _cents(Decimal(principal))
    annual_rate = Decimal(annual_rate)
    _check_terms(principal, annual_rate, instalments, grace_instalments, periods_per_year)
    rate = periodic_rate(annual_rate, periods_per_year)
    rows = _rows(
        principal=principal,
        rate=rate,
        instalments=instalments,
        grace=grace_instalments,
        start=start,
        periods_per_year=periods_per_year,
        first_number=1,
    )
    applied: list[Prepayment] = []
    for prepayment in sorted(prepayments, key=lambda p: p.on):
        rows = _apply_prepayment(
            rows,
            prepayment,
            applied,
            principal=principal,
            rate=rate,
            grace=grace_instalments,
            start=start,
            periods_per_year=periods_per_year,
            instalments=instalments,
        )
        applied.append(prepayment)
    return rows


def _apply_prepayment(
    rows: list[ScheduleRow],
    prepayment: Prepayment,
    applied: Sequence[Prepayment],
    *,
    principal: Decimal,
    rate: Decimal,
    grace: int,
    start: date,
    periods_per_year: int,
    instalments: int,
) -> list[ScheduleRow]:
    amount = Decimal(prepayment.amount)
    if amount <= 0:
        raise ScheduleError(ScheduleError.PREPAYMENT_AMOUNT, "a prepayment must be positive")
    if prepayment.on < start:
        raise ScheduleError(ScheduleError.PREPAYMENT_BEFORE_START, "the prepayment is before the loan starts")
    kept = [row for row in rows if row.due_date <= prepayment.on]
    if len(kept) == len(rows):
        raise ScheduleError(ScheduleError.PREPAYMENT_AFTER_END, "no instalment is left after the prepayment")
    balance = remaining_balance_on(rows, prepayment.on, principal=principal, prepayments=applied)
    if amount > balance:
        raise ScheduleError(
            ScheduleError.PREPAYMENT_EXCEEDS_BALANCE,
            f"the prepayment {amount} exceeds the remaining balance {balance}",
        )
    remaining_balance = _cents(balance - amount)
    if remaining_balance == 0:
        return kept
    remaining = instalments - len(kept)
    return kept + _rows(
        principal=remaining_balance,
        rate=rate,
        instalments=remaining,
        grace=max(0, grace - len(kept)),
        start=start,
        periods_per_year=periods_per_year,
        first_number=len(kept) + 1,
    )


def remaining_balance_on(
    rows: Sequence[ScheduleRow], on: date, *, principal: Decimal, prepayments: Iterable[Prepayment] = ()
) -> Decimal:
    """Scheduled principal still owed just after `on`, prepayments made since the last row included."""
    kept = [row for row in rows if row.due_date <= on]
    anchor = kept[-1].due_date if kept else date.min
    base = kept[-1].balance if kept else Decimal(principal)
    return base - sum((Decimal(p.amount) for p in prepayments if anchor <= p.on <= on), ZERO)
