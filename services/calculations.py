"""Pure computations of the services app: invoice totals, contract periods, margins.

No database access here: the actions, the selectors and the admin feed these
functions with values, so the arithmetic is written (and tested) once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from smartiberica.kernel.dates import add_months
from smartiberica.kernel.money import CENT, ZERO, round_money

from .choices import PERIOD_MONTHS, BillingPeriod, ContractKind

# --- Invoices ----------------------------------------------------------------


def line_net(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line's net amount: quantity × unit price, rounded to the cent."""
    return round_money(quantity * unit_price)


@dataclass(frozen=True)
class RateTotal:
    rate: Decimal
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class InvoiceTotals:
    net: Decimal
    vat: Decimal
    gross: Decimal
    by_rate: tuple[RateTotal, ...] = field(default=())


def compute_totals(lines: Iterable[tuple[Decimal, Decimal, Decimal]]) -> InvoiceTotals:
    """Totals of (quantity, unit_price, vat_rate) lines, as domain.md defines them.

    net = Σ round(quantity × unit_price); lines are grouped by VAT rate and
    VAT = Σ_rate round(Σ nets at that rate × rate / 100), which is exactly
    round(net × rate / 100) for a single-rate invoice; gross = net + VAT.
    """
    nets_by_rate: dict[Decimal, Decimal] = {}
    for quantity, unit_price, vat_rate in lines:
        rate = Decimal(vat_rate).quantize(CENT)
        nets_by_rate[rate] = nets_by_rate.get(rate, ZERO) + line_net(quantity, unit_price)
    by_rate = tuple(
        RateTotal(rate=rate, net=round_money(net), vat=round_money(net * rate / 100))
        for rate, net in sorted(nets_by_rate.items())
    )
    net = round_money(sum((r.net for r in by_rate), ZERO))
    vat = round_money(sum((r.vat for r in by_rate), ZERO))
    return InvoiceTotals(net=net, vat=vat, gross=net + vat, by_rate=by_rate)


@dataclass(frozen=True)
class InvoiceBalance:
    """What an invoice has been billed, credited, paid and paid back (domain v2, "amount due").

    `credited` is the sum of the gross amounts of its issued credit notes (≤ 0).
    """

    gross: Decimal
    credited: Decimal
    paid: Decimal
    refunded: Decimal

    @property
    def owed(self) -> Decimal:
        """gross + credited − paid + refunded; below 0 when a credit note came after payments."""
        return self.gross + self.credited - self.paid + self.refunded

    @property
    def amount_due(self) -> Decimal:
        """What the client still owes: never below 0."""
        return max(self.owed, ZERO)

    @property
    def to_refund(self) -> Decimal:
        """What was paid beyond what is owed (credited after payment): due back to the client."""
        return max(-self.owed, ZERO)

    @property
    def refundable(self) -> Decimal:
        """The money received and not paid back yet: the most that can still be refunded."""
        return self.paid - self.refunded


def payment_net(amount: Decimal, invoice_net: Decimal, invoice_gross: Decimal) -> Decimal:
    """The VAT-exclusive part of a payment: round(amount × net / gross) (cash basis)."""
    if invoice_gross == 0:
        return ZERO
    return round_money(amount * invoice_net / invoice_gross)


# --- Contract periods and expected revenue -------------------------------------


def period_starts(
    *, start: date, end: date | None, billing_period: str, window: tuple[date, date]
) -> list[date]:
    """Start dates of a recurring contract's periods that fall inside `window`.

    Periods are anchored on the contract's start date (a monthly contract started
    on 15 March bills 15 March, 15 April, …). A period belongs to the year (or
    window) in which it starts, and only periods starting on or before the
    contract's end date exist.
    """
    months = PERIOD_MONTHS[BillingPeriod(billing_period)]
    first, last = window
    if end is not None:
        last = min(last, end)
    if last < start:
        return []
    elapsed = (first.year - start.year) * 12 + first.month - start.month
    k = max(0, elapsed // months - 1)
    starts: list[date] = []
    while True:
        current = add_months(start, k * months)
        if current > last:
            return starts
        if current >= first:
            starts.append(current)
        k += 1


def _periods_before(start: date, months: int, day: date) -> int:
    """How many periods of a contract begin before `day` (start, start + months, …): arithmetic.

    With k = whole periods of months between start's month and day's month, periods 0 … k − 1
    begin in earlier months, period k in day's month or before it (its day decides), and
    period k + 1 in a later month.
    """
    if day <= start:
        return 0
    elapsed = (day.year - start.year) * 12 + day.month - start.month
    k = elapsed // months
    return k + 1 if add_months(start, k * months) < day else k


def period_count(*, start: date, end: date | None, billing_period: str, window: tuple[date, date]) -> int:
    """`len(period_starts(...))` without listing them: the year pages count the periods of every
    contract in every year shown (2,000 contracts: 90 % of a page's Python time when listed)."""
    months = PERIOD_MONTHS[BillingPeriod(billing_period)]
    first, last = window
    if end is not None:
        last = min(last, end)
    after = _periods_before(start, months, last + timedelta(days=1))
    return max(0, after - _periods_before(start, months, first))


def period_end(*, start: date, period_start: date, billing_period: str) -> date:
    """Last day of the period beginning at `period_start` (the day before the next one)."""
    months = PERIOD_MONTHS[BillingPeriod(billing_period)]
    elapsed = (period_start.year - start.year) * 12 + period_start.month - start.month
    return add_months(start, elapsed + months) - timedelta(days=1)


def period_containing(*, start: date, billing_period: str, on: date) -> date | None:
    """Start of the contract period that contains `on` (None before the contract starts)."""
    if on < start:
        return None
    months = PERIOD_MONTHS[BillingPeriod(billing_period)]
    elapsed = (on.year - start.year) * 12 + on.month - start.month
    k = max(0, elapsed // months)
    while add_months(start, k * months) > on:
        k -= 1
    return add_months(start, k * months)


# The contract's fields `ContractTerms` holds, in its order (for `values_list`).
CONTRACT_TERM_FIELDS = (
    "kind",
    "start_date",
    "end_date",
    "billing_period",
    "quantity",
    "unit_price",
    "fixed_amount",
    "estimated_amount",
)


@dataclass(frozen=True)
class ContractTerms:
    kind: str
    start_date: date
    end_date: date | None
    billing_period: str
    quantity: Decimal
    unit_price: Decimal | None
    fixed_amount: Decimal | None
    estimated_amount: Decimal | None


def expected_revenue(terms: ContractTerms, year: int) -> Decimal:
    """Net revenue a contract is expected to invoice in `year`.

    - recurring: the number of its periods starting in the year (and within the
      contract's dates) × round(quantity × unit price);
    - fixed fee: the whole fee, in the year the contract starts;
    - time and materials: the optional estimate, in the year the contract starts.
    """
    if terms.kind == ContractKind.RECURRING:
        if terms.unit_price is None or not terms.billing_period:
            return ZERO
        count = period_count(
            start=terms.start_date,
            end=terms.end_date,
            billing_period=terms.billing_period,
            window=(date(year, 1, 1), date(year, 12, 31)),
        )
        return round_money(count * line_net(terms.quantity, terms.unit_price))
    if terms.start_date.year != year:
        return ZERO
    if terms.kind == ContractKind.FIXED_FEE:
        return round_money(terms.fixed_amount or ZERO)
    return round_money(terms.estimated_amount or ZERO)


@dataclass(frozen=True)
class ExpectationShape:
    """A contract's `expected_revenue` in every year, in three amounts (`ContractExpectation`)."""

    first_year: int
    last_year: int | None  # None: no end, `middle` every year after the first
    first: Decimal
    middle: Decimal  # each year strictly between the first and the last
    last: Decimal  # the last year's, when later than the first (zero otherwise)

    def in_year(self, year: int) -> Decimal:
        if year == self.first_year:
            return self.first
        if year < self.first_year or (self.last_year is not None and year > self.last_year):
            return ZERO
        return self.last if year == self.last_year else self.middle


def expectation_shape(terms: ContractTerms) -> ExpectationShape:
    """`expected_revenue(terms, year)` for every year at once.

    A year strictly between the first and the last is whole for the contract, and a recurring
    contract's periods repeat every year (each period's months divide twelve), so it starts the
    same number of periods in each: the year after the first stands for all of them.
    """
    first_year = terms.start_date.year
    last_year = terms.end_date.year if terms.end_date is not None else None
    later = last_year is None or last_year > first_year + 1
    return ExpectationShape(
        first_year=first_year,
        last_year=last_year,
        first=expected_revenue(terms, first_year),
        middle=expected_revenue(terms, first_year + 1) if later else ZERO,
        last=expected_revenue(terms, last_year) if last_year is not None and last_year > first_year else ZERO,
    )


# --- Member margin ------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    lower_bound: Decimal
    structure_rate: Decimal
    fund_rate: Decimal


def band_rates(bands: Sequence[Band], turnover: Decimal) -> tuple[Decimal, Decimal] | None:
    """Rates of the band the month's turnover falls in (highest lower bound ≤ turnover).

    The band's rates apply to the whole turnover of the month (not marginally, as
    tax brackets would): the variable-margin pilot priced a member's month by its size.
    """
    chosen = None
    for band in sorted(bands, key=lambda b: b.lower_bound):
        if band.lower_bound <= turnover:
            chosen = band
    if chosen is None:
        return None
    return chosen.structure_rate, chosen.fund_rate
