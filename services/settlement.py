"""The SQL of what an invoice owes (issue 22's definition, docs/figures.md "Receivables"), shared by
the receivables (`services.receivables`) and the action that keeps `InvoiceSettlement`
(`services.actions.receivable_rollups`), so the definition lives in one place.

amount due of an issued ordinary invoice at D = gross + Σ gross of its issued credit notes dated
≤ D − Σ its payments dated ≤ D + Σ its refunds dated ≤ D; half a cent or less owes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DateField,
    DecimalField,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression, Func
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThan

from smartiberica.kernel.money import MONEY, ZERO

from .choices import InvoiceStatus
from .models import Invoice, Payment, Refund
from .models.invoices import HALF_CENT


def _sum_dated(rows: QuerySet[Any], group: str, field: str) -> Coalesce:
    money: DecimalField[Decimal, Decimal] = DecimalField(**MONEY)
    summed = rows.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed, output_field=money), Value(ZERO), output_field=money)


def _latest(rows: QuerySet[Any], group: str, field: str) -> Coalesce:
    latest = rows.order_by().values(group).annotate(last=Max(field)).values("last")
    return Coalesce(Subquery(latest, output_field=DateField()), F("issue_date"), output_field=DateField())


def _movements(on: date | None) -> tuple[QuerySet[Invoice], QuerySet[Payment], QuerySet[Refund]]:
    """An invoice's issued credit notes, payments and refunds (dated on or before `on`, if given)."""
    credit_notes = Invoice.objects.filter(corrects=OuterRef("pk"), status=InvoiceStatus.ISSUED)
    payments = Payment.objects.filter(invoice=OuterRef("pk"))
    refunds = Refund.objects.filter(invoice=OuterRef("pk"))
    if on is not None:
        credit_notes = credit_notes.filter(issue_date__lte=on)
        payments, refunds = payments.filter(date__lte=on), refunds.filter(date__lte=on)
    return credit_notes, payments, refunds


def amount_due_at(on: date | None) -> CombinedExpression:
    """The SQL of an invoice's amount due at `on` (None: given every record), before the
    half-cent rule: gross + its issued credit notes − its payments + its refunds. Three
    correlated subqueries."""
    credit_notes, payments, refunds = _movements(on)
    return (
        F("gross_amount")
        + _sum_dated(credit_notes, "corrects", "gross_amount")
        - _sum_dated(payments, "invoice", "amount")
        + _sum_dated(refunds, "invoice", "amount")
    )


def settled_amount_due() -> Case:
    """What an invoice owes given every record: its amount due, or 0 when it is half a cent or less
    (settled, or owing the client money back)."""
    due = amount_due_at(None)
    return Case(
        When(GreaterThan(due, Value(HALF_CENT)), then=due),
        default=Value(ZERO),
        output_field=DecimalField(**MONEY),
    )


def last_movement() -> Func:
    """The SQL of the latest day an invoice moved: its issue date, its issued credit notes',
    payments' and refunds' dates (each subquery falls back on the issue date)."""
    credit_notes, payments, refunds = _movements(None)
    return Greatest(
        F("issue_date"),
        _latest(credit_notes, "corrects", "issue_date"),
        _latest(payments, "invoice", "date"),
        _latest(refunds, "invoice", "date"),
        output_field=DateField(),
    )


def receivable_invoices() -> QuerySet[Invoice]:
    """The invoices receivables count: issued, not credit notes."""
    return Invoice.objects.filter(status=InvoiceStatus.ISSUED, corrects__isnull=True)


def open_on(invoices: QuerySet[Invoice], on: date) -> QuerySet[Invoice]:
    """The issued ordinary invoices of `invoices` with something due at `on`, annotated `due_at`.

    Only the invoices that owe something now or moved after `on` can owe something at `on`
    (`InvoiceSettlement`); of those, an invoice that did not move after `on` owes what it owes
    now, the others their sums of what is dated by then (three correlated subqueries each).
    The admin's "open on" filter lands on exactly the invoices an ageing at `on` counts.
    """
    money: DecimalField[Decimal, Decimal] = DecimalField(**MONEY)
    return (
        invoices.filter(
            Q(settlement__amount_due__gt=0) | Q(settlement__last_event_on__gt=on),
            status=InvoiceStatus.ISSUED,
            corrects__isnull=True,
            issue_date__lte=on,
        )
        .annotate(
            due_at=Case(
                When(settlement__last_event_on__lte=on, then=F("settlement__amount_due")),
                default=amount_due_at(on),
                output_field=money,
            )
        )
        .filter(due_at__gt=HALF_CENT)
    )
