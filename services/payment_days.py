"""How long clients take to pay (issue 22), from the records or from their yearly rollup (issue 17).

average days to payment of a client in a year: over the payments dated in the year, the mean of
(payment date − invoice issue date) in days weighted by the payment amounts, to one decimal
(ROUND_HALF_UP). Refunds and credit notes do not count.

`payment_days_sums` adds the records up by year and client (the action that keeps
`PaymentDaysYear` and the oracle `check_rollups` both call it); `days_to_payment` reads the
rollup (one query) or, with `source="raw"`, the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet, Sum

from smartiberica.kernel.compiled_reads import aggregated, compiled_read
from smartiberica.kernel.dates import year_bounds
from smartiberica.kernel.money import ZERO, round_money

from .models import Client, Payment, PaymentDaysYear

DAYS_QUANTUM = Decimal("0.1")


@dataclass(frozen=True)
class ClientPaymentDays:
    """How long a client took to pay in a year: `days`, weighted by the amounts paid."""

    client_id: int
    client_name: str
    client_tax_id: str
    days: Decimal  # one decimal
    amount: Decimal  # Σ payments dated in the year
    payments: int
    amount_days: Decimal  # Σ payment × days, exact: averages over several clients start from it


@dataclass
class PaymentDaysSums:
    """The sums of one client's payments in one year."""

    amount: Decimal = ZERO
    amount_days: Decimal = ZERO
    payments: int = 0


def average_days(rows: Sequence[ClientPaymentDays]) -> Decimal | None:
    """The mean days to payment over several clients, weighted by the amounts (None without any)."""
    amount = sum((row.amount for row in rows), ZERO)
    if amount <= 0:
        return None
    return (sum((row.amount_days for row in rows), ZERO) / amount).quantize(DAYS_QUANTUM, ROUND_HALF_UP)


def years_window(years: Iterable[int]) -> Q:
    """A payment dated in one of `years` (one date range each, so the date index serves it)."""
    window = Q()
    for year in sorted(set(years)):
        window |= Q(date__range=year_bounds(year))
    return window


def payment_days_sums(payments: QuerySet[Payment]) -> dict[tuple[int, int], PaymentDaysSums]:
    """(year, client) → the sums of `payments`: one query, grouped by client, issue date and
    payment date, so Python multiplies each distinct pair of days once."""
    groups = (
        payments.order_by()
        .values_list("invoice__client_id", "invoice__issue_date", "date")
        .annotate(total=Sum("amount"), count=Count("pk"))
    )
    sums: dict[tuple[int, int], PaymentDaysSums] = {}
    for client_id, issued, paid_on, total, count in groups:
        amount = round_money(total)
        entry = sums.setdefault((paid_on.year, client_id), PaymentDaysSums())
        entry.amount += amount
        entry.amount_days += amount * (paid_on - issued).days
        entry.payments += count
    return sums


Row = tuple[int, int, str, str, Decimal, Decimal, int]  # year, client, name, tax id, sums


def _raw(wanted: list[int]) -> list[Row]:
    sums = payment_days_sums(Payment.objects.filter(years_window(wanted)))
    names = Client.objects.filter(pk__in={client for _year, client in sums}).values_list(
        "pk", "name", "tax_id"
    )
    by_pk = {pk: (name, tax_id) for pk, name, tax_id in names}
    return [
        (year, client, *by_pk[client], s.amount, s.amount_days, s.payments)
        for (year, client), s in sums.items()
    ]


def days_to_payment(
    *, years: Iterable[int], source: Literal["rollups", "raw"] = "rollups"
) -> dict[int, list[ClientPaymentDays]]:
    """Per year, the clients who paid something in it, largest amounts first (then by name).

    One query over the year rows of the rollup (`source="raw"`: two, the payments themselves
    summed, then their clients' names).
    """
    wanted = sorted(set(years))
    result: dict[int, list[ClientPaymentDays]] = {year: [] for year in wanted}
    if not wanted:
        return result
    rows: list[Row] = (
        _raw(wanted)
        if source == "raw"
        else list(
            PaymentDaysYear.objects.filter(year__in=wanted).values_list(
                "year", "client_id", "client__name", "client__tax_id", "amount", "amount_days", "payments"
            )
        )
    )
    for year, client_id, name, tax_id, amount, amount_days, payments in rows:
        if amount <= 0:
            continue
        amount, amount_days = round_money(amount), round_money(amount_days)
        result[year].append(
            ClientPaymentDays(
                client_id=client_id,
                client_name=name,
                client_tax_id=tax_id,
                days=(amount_days / amount).quantize(DAYS_QUANTUM, ROUND_HALF_UP),
                amount=amount,
                payments=int(payments),
                amount_days=amount_days,
            )
        )
    for found in result.values():
        found.sort(key=lambda row: (-row.amount, row.client_name, row.client_id))
    return result


@dataclass(frozen=True)
class PaymentDaysOfYear:
    """The clients who paid the most in a year, and the average over every client's payments."""

    clients: tuple[ClientPaymentDays, ...]
    average: Decimal | None


def payment_days_top(*, year: int, top: int) -> PaymentDaysOfYear:
    """The `top` clients who paid the most in `year` (then by name), and the average days to
    payment over all of them. Two queries over the year's rollup rows."""
    shown = tuple(
        ClientPaymentDays(
            client_id=pk,
            client_name=name,
            client_tax_id=tax_id,
            days=(round_money(days) / round_money(amount)).quantize(DAYS_QUANTUM, ROUND_HALF_UP),
            amount=round_money(amount),
            payments=int(count),
            amount_days=round_money(days),
        )
        for pk, name, tax_id, amount, days, count in _top_rows(year, top)
    )
    [(amount, days)] = _sums(year)
    average = None
    if amount:
        average = (round_money(days) / round_money(amount)).quantize(DAYS_QUANTUM, ROUND_HALF_UP)
    return PaymentDaysOfYear(clients=shown, average=average)


def _paid(year: int) -> QuerySet[PaymentDaysYear]:
    return PaymentDaysYear.objects.filter(year=year, amount__gt=0)


@compiled_read
def _top_rows(year: int, top: int) -> QuerySet[Any, Any]:
    columns = ("client_id", "client__name", "client__tax_id", "amount", "amount_days", "payments")
    return _paid(year).order_by("-amount", "client__name", "client_id")[:top].values_list(*columns)


@compiled_read
def _sums(year: int) -> QuerySet[Any, Any]:
    """One row (NULLs without a payment): the year's amounts and amount × days."""
    return aggregated(_paid(year), amount=Sum("amount"), days=Sum("amount_days"))
