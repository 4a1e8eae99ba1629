"""Reads of the services app for the bank reconciliation (issue 20): what a bank line may be.

A bank line of money in may be a payment already recorded, or the payment of an invoice still
open; money out may be a refund. The board asks, for a whole batch of lines, which records have
the amount of one of its lines and a date in the batch's window: three queries at most, whatever
the number of lines. Which of these records the bank already knows is the banking app's business:
the board leaves those out.

Amounts are compared in whole cents (an integer) when the database computes them (an invoice's
amount due is a sum, which SQLite adds as floating point); stored amounts are compared as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, IntegerField, QuerySet
from django.db.models.functions import Cast, Round

from smartiberica.kernel.money import MONEY, round_money

from .models import Invoice, Payment, Refund


@dataclass(frozen=True)
class MoneyMovement:
    """A payment received or a refund paid back (gross, VAT included), with its invoice's client."""

    id: int
    date: date
    amount: Decimal
    reference: str
    invoice_id: int
    invoice_number: str
    client_name: str
    client_tax_id: str


@dataclass(frozen=True)
class OpenInvoice:
    """An issued invoice (credit notes aside) and what is left to pay on it."""

    id: int
    number: str
    issue_date: date
    due_date: date
    amount_due: Decimal
    client_name: str
    client_tax_id: str


@dataclass(frozen=True)
class ServicesRecords:
    payments: tuple[MoneyMovement, ...] = ()
    refunds: tuple[MoneyMovement, ...] = ()
    open_invoices: tuple[OpenInvoice, ...] = ()


_MOVEMENT_FIELDS = (
    "pk",
    "date",
    "amount",
    "reference",
    "invoice_id",
    "invoice__number",
    "invoice__client__name",
    "invoice__client__tax_id",
)
_INVOICE_FIELDS = ("pk", "number", "issue_date", "due_date", "balance_due", "client__name", "client__tax_id")


def _movements(rows: QuerySet[Payment] | QuerySet[Refund]) -> tuple[MoneyMovement, ...]:
    return tuple(
        MoneyMovement(
            id=pk,
            date=on,
            amount=round_money(amount),
            reference=reference,
            invoice_id=invoice_id,
            invoice_number=number or "",
            client_name=name,
            client_tax_id=tax_id,
        )
        for pk, on, amount, reference, invoice_id, number, name, tax_id in rows.order_by(
            "date", "pk"
        ).values_list(*_MOVEMENT_FIELDS)
    )


def _invoices(rows: QuerySet[Invoice]) -> tuple[OpenInvoice, ...]:
    return tuple(
        OpenInvoice(
            id=pk,
            number=number or "",
            issue_date=issued,
            due_date=due,
            amount_due=round_money(due_amount),
            client_name=name,
            client_tax_id=tax_id,
        )
        for pk, number, issued, due, due_amount, name, tax_id in rows.order_by("due_date", "pk").values_list(
            *_INVOICE_FIELDS
        )
    )


def _cents(amounts: Iterable[Decimal]) -> set[int]:
    return {int(round_money(abs(amount)) * 100) for amount in amounts}


def _payable() -> QuerySet[Invoice]:
    """Issued ordinary invoices with their amount due, and that amount in whole cents."""
    money: DecimalField[Decimal, Decimal] = DecimalField(**MONEY)
    return (
        Invoice.objects.issued()
        .ordinary()
        .with_balance()
        .annotate(
            due_cents=Cast(
                Round(ExpressionWrapper(F("balance_due") * 100, output_field=money)),
                output_field=IntegerField(),
            )
        )
    )


def services_candidates(
    *, money_in: Iterable[Decimal], money_out: Iterable[Decimal], first: date, last: date
) -> ServicesRecords:
    """The records a batch of bank lines may be, by amount (three queries at most).

    - payments dated from `first` to `last` whose amount is one of `money_in`;
    - refunds dated likewise whose amount is one of `money_out` (given as positive amounts);
    - open invoices (something left to pay) issued by `last` and due from `first`, whose amount
      due is one of `money_in`: the payments not recorded yet.
    """
    amounts_in = sorted({round_money(abs(a)) for a in money_in})
    amounts_out = sorted({round_money(abs(a)) for a in money_out})
    payments: tuple[MoneyMovement, ...] = ()
    refunds: tuple[MoneyMovement, ...] = ()
    invoices: tuple[OpenInvoice, ...] = ()
    if amounts_in:
        payments = _movements(Payment.objects.filter(date__range=(first, last), amount__in=amounts_in))
        invoices = _invoices(
            # (django-stubs cannot see the fields `_payable()` annotates.)
            _payable().filter(issue_date__lte=last, due_date__gte=first, due_cents__in=_cents(amounts_in))  # type: ignore[misc]
        )
    if amounts_out:
        refunds = _movements(Refund.objects.filter(date__range=(first, last), amount__in=amounts_out))
    return ServicesRecords(payments=payments, refunds=refunds, open_invoices=invoices)


def services_records(
    *, payments: Iterable[int] = (), refunds: Iterable[int] = (), invoices: Iterable[int] = ()
) -> ServicesRecords:
    """Payments, refunds and issued invoices (with their amount due, 0 when paid) by id: one query
    for each kind asked for."""
    payment_ids, refund_ids, invoice_ids = set(payments), set(refunds), set(invoices)
    return ServicesRecords(
        payments=_movements(Payment.objects.filter(pk__in=payment_ids)) if payment_ids else (),
        refunds=_movements(Refund.objects.filter(pk__in=refund_ids)) if refund_ids else (),
        open_invoices=_invoices(_payable().filter(pk__in=invoice_ids)) if invoice_ids else (),
    )


def invoice_number_id(*, number: str) -> int | None:
    """The id of the issued ordinary invoice with this number (None if there is none)."""
    return (
        Invoice.objects.issued()
        .ordinary()
        .filter(number__iexact=number.strip())
        .values_list("pk", flat=True)
        .first()
    )


def invoice_for_payment(*, invoice_id: int) -> Invoice | None:
    """The invoice to record a payment for (`services.actions.payment_record` takes the record)."""
    return Invoice.objects.filter(pk=invoice_id).first()
