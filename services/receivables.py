"""Receivables (issue 22): what clients owe at a date, aged by days past due, and how long they take
to pay. Re-exported by `services.selectors`, where the board reads them.

Definitions (docs/figures.md, "Receivables"):

- amount due of an invoice at date D = gross + Σ gross of its issued credit notes dated ≤ D
  − Σ its payments dated ≤ D + Σ its refunds dated ≤ D, for the issued ordinary invoices issued
  on or before D (credit notes are not receivables); an invoice that owes the client money back
  (a credit note after payment) owes nothing, and one left with less than half a cent is settled.
- days past due = D − due date (the invoice's due date: its own, or the issue date plus the
  client's payment terms, set when the invoice is written).
- buckets: "not due" when D ≤ due date (0 days past due or fewer, the due date itself
  included); "0–30" from 1 to 30 days past due; "31–60" from 31 to 60; "61–90" from 61 to 90;
  "over 90" from 91 days.
- average days to payment of a client in a year: over the payments dated in the year, the mean of
  (payment date − invoice issue date) in days weighted by the payment amounts, to one decimal
  (ROUND_HALF_UP). Refunds and credit notes do not count.

Each read runs one query, whatever the number of clients or invoices.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.fields import DecimalField
from django.db.models.functions import Coalesce

from smartiberica.kernel.dates import year_bounds
from smartiberica.kernel.money import MONEY, ZERO, round_money

from .choices import InvoiceStatus
from .models import Invoice, Payment, Refund
from .models.invoices import HALF_CENT

# The ageing buckets, in order: their keys name the fields of `ClientReceivables`.
BUCKETS = ("not_due", "days_0_30", "days_31_60", "days_61_90", "days_over_90")
DAYS_QUANTUM = Decimal("0.1")


def bucket_of(days_past_due: int) -> str:
    """The ageing bucket of a receivable so many days past its due date (≤ 0: not yet due)."""
    if days_past_due <= 0:
        return "not_due"
    if days_past_due <= 30:
        return "days_0_30"
    if days_past_due <= 60:
        return "days_31_60"
    if days_past_due <= 90:
        return "days_61_90"
    return "days_over_90"


@dataclass(frozen=True)
class AgeingBuckets:
    """Amounts due by age; `total` is their sum."""

    not_due: Decimal = ZERO
    days_0_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    days_over_90: Decimal = ZERO
    total: Decimal = ZERO

    @property
    def overdue(self) -> Decimal:
        return self.total - self.not_due


@dataclass(frozen=True)
class ClientReceivables:
    """What one client owes at a date, by age."""

    client_id: int
    client_name: str
    client_tax_id: str
    not_due: Decimal
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    total: Decimal

    @property
    def buckets(self) -> AgeingBuckets:
        return AgeingBuckets(**{name: getattr(self, name) for name in (*BUCKETS, "total")})


def add_buckets(rows: Iterable[ClientReceivables | AgeingBuckets]) -> AgeingBuckets:
    """The sums of some rows' buckets (the totals, or the clients beyond a top list)."""
    sums = dict.fromkeys((*BUCKETS, "total"), ZERO)
    for row in rows:
        for name in sums:
            sums[name] += getattr(row, name)
    return AgeingBuckets(**sums)


@dataclass(frozen=True)
class Receivables:
    """Every client owing something at `on`, largest totals first (then by name), and the totals."""

    on: date
    clients: tuple[ClientReceivables, ...]
    totals: AgeingBuckets


@dataclass(frozen=True)
class ClientOverdue:
    """What a client owes on the invoices more than some days past due (helper A's alerts)."""

    client_id: int
    client_name: str
    amount: Decimal
    invoices: int
    oldest_due_date: date


@dataclass(frozen=True)
class _Due:
    client_id: int
    client_name: str
    client_tax_id: str
    due_date: date
    amount: Decimal


def _sum_dated(rows: QuerySet[Any], group: str, field: str) -> Coalesce:
    money: DecimalField[Decimal, Decimal] = DecimalField(**MONEY)
    summed = rows.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed, output_field=money), Value(ZERO), output_field=money)


def open_on(invoices: QuerySet[Invoice], on: date) -> QuerySet[Invoice]:
    """The issued ordinary invoices of `invoices` with something due at `on`, annotated `due_at`.

    Three correlated subqueries: the credit notes, payments and refunds dated on or before `on`.
    The admin's "open on" filter lands on exactly the invoices an ageing at `on` counts.
    """
    credit_notes = Invoice.objects.filter(
        corrects=OuterRef("pk"), status=InvoiceStatus.ISSUED, issue_date__lte=on
    )
    payments = Payment.objects.filter(invoice=OuterRef("pk"), date__lte=on)
    refunds = Refund.objects.filter(invoice=OuterRef("pk"), date__lte=on)
    return (
        invoices.filter(status=InvoiceStatus.ISSUED, corrects__isnull=True, issue_date__lte=on)
        .annotate(
            due_at=F("gross_amount")
            + _sum_dated(credit_notes, "corrects", "gross_amount")
            - _sum_dated(payments, "invoice", "amount")
            + _sum_dated(refunds, "invoice", "amount")
        )
        .filter(due_at__gt=HALF_CENT)
    )


def _amounts_due(on: date, *, due_before: date | None = None) -> list[_Due]:
    """The invoices with something due at `on` (one query); `due_before`: only those due before it."""
    invoices = Invoice.objects.all()
    if due_before is not None:
        invoices = invoices.filter(due_date__lt=due_before)
    # (django-stubs cannot see the field `open_on()` annotates.)
    rows = (
        open_on(invoices, on)
        .order_by()
        .values_list("client_id", "client__name", "client__tax_id", "due_date", "due_at")  # type: ignore[misc]
    )
    return [_Due(pk, name, tax_id, due, round_money(amount)) for pk, name, tax_id, due, amount in rows]


def receivables(*, on: date) -> Receivables:
    """The ageing of what every client owes at `on` (one query)."""
    by_client: dict[int, dict[str, Decimal]] = {}
    names: dict[int, tuple[str, str]] = {}
    for due in _amounts_due(on):
        sums = by_client.setdefault(due.client_id, dict.fromkeys(BUCKETS, ZERO))
        sums[bucket_of((on - due.due_date).days)] += due.amount
        names[due.client_id] = (due.client_name, due.client_tax_id)
    clients = sorted(
        (
            ClientReceivables(
                client_id=pk,
                client_name=names[pk][0],
                client_tax_id=names[pk][1],
                total=sum(sums.values(), ZERO),
                **sums,
            )
            for pk, sums in by_client.items()
        ),
        key=lambda row: (-row.total, row.client_name, row.client_id),
    )
    return Receivables(on=on, clients=tuple(clients), totals=add_buckets(clients))


def overdue_by_client(*, on: date, more_than_days: int) -> list[ClientOverdue]:
    """Per client, what is due at `on` on invoices more than `more_than_days` days past due.

    61 days past due counts for `more_than_days=60`, 60 does not. Largest amounts first, then by
    name. One query.
    """
    by_client: dict[int, list[_Due]] = {}
    for due in _amounts_due(on, due_before=on - timedelta(days=more_than_days)):
        by_client.setdefault(due.client_id, []).append(due)
    rows = [
        ClientOverdue(
            client_id=pk,
            client_name=dues[0].client_name,
            amount=sum((d.amount for d in dues), ZERO),
            invoices=len(dues),
            oldest_due_date=min(d.due_date for d in dues),
        )
        for pk, dues in by_client.items()
    ]
    return sorted(rows, key=lambda row: (-row.amount, row.client_name, row.client_id))


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


def average_days(rows: Sequence[ClientPaymentDays]) -> Decimal | None:
    """The mean days to payment over several clients, weighted by the amounts (None without any)."""
    amount = sum((row.amount for row in rows), ZERO)
    if amount <= 0:
        return None
    return (sum((row.amount_days for row in rows), ZERO) / amount).quantize(DAYS_QUANTUM, ROUND_HALF_UP)


def days_to_payment(*, years: Iterable[int]) -> dict[int, list[ClientPaymentDays]]:
    """Per year, the clients who paid something in it, largest amounts first (then by name).

    One query: the payments of the years, summed by client, issue date and payment date.
    """
    wanted = sorted(set(years))
    result: dict[int, list[ClientPaymentDays]] = {year: [] for year in wanted}
    if not wanted:
        return result
    window = Q()
    for year in wanted:
        window |= Q(date__range=year_bounds(year))
    groups = (
        Payment.objects.filter(window)
        .order_by()
        .values_list(
            "invoice__client_id",
            "invoice__client__name",
            "invoice__client__tax_id",
            "invoice__issue_date",
            "date",
        )
        .annotate(total=Sum("amount"), count=Count("pk"))
    )
    sums: dict[tuple[int, int], list[Decimal]] = {}  # (year, client): [amount, amount × days, count]
    names: dict[int, tuple[str, str]] = {}
    for client_id, name, tax_id, issued, paid_on, total, count in groups:
        amount = round_money(total)
        entry = sums.setdefault((paid_on.year, client_id), [ZERO, ZERO, Decimal(0)])
        entry[0] += amount
        entry[1] += amount * (paid_on - issued).days
        entry[2] += count
        names[client_id] = (name, tax_id)
    for (year, client_id), (amount, amount_days, count) in sums.items():
        if amount <= 0:
            continue
        result[year].append(
            ClientPaymentDays(
                client_id=client_id,
                client_name=names[client_id][0],
                client_tax_id=names[client_id][1],
                days=(amount_days / amount).quantize(DAYS_QUANTUM, ROUND_HALF_UP),
                amount=amount,
                payments=int(count),
                amount_days=amount_days,
            )
        )
    for rows in result.values():
        rows.sort(key=lambda row: (-row.amount, row.client_name, row.client_id))
    return result
