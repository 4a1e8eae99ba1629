"""Payments received and refunds paid back: each locks its invoice before reading its balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from smartiberica.kernel.money import ZERO
from smartiberica.kernel.records import delete_unless_protected

from .. import validation as v
from ..calculations import payment_net
from ..choices import InvoiceStatus, PaymentMethod
from ..models import Invoice, Payment, Refund
from .invoices import lock_invoice
from .rollups import rollups_touch

# --- Payments -------------------------------------------------------------------------------


def _lock_payment_invoices(
    record: Payment | Refund, model: type[Payment] | type[Refund]
) -> tuple[Invoice, date | None, int | None]:
    """Lock the record's invoice (and, if an edit moves it, its former one); return the new one,
    the record's stored date (None for a new record), whose month the edit changes too, and its
    stored invoice (whose amount due it changes too).

    Locks are taken in primary-key order, so that two edits cannot deadlock.
    """
    if record.invoice_id is None:
        record.full_clean()  # refuses it: the invoice is required
    former, former_date = (
        model.objects.filter(pk=record.pk).values_list("invoice_id", "date").first() if record.pk else None
    ) or (None, None)
    ids = sorted({pk for pk in (record.invoice_id, former) if pk is not None})
    locked = {
        invoice.pk: invoice
        for invoice in Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    if former is not None and former != record.invoice_id and model is Payment:
        # The invoice the payment leaves must still have received what it paid back.
        left = locked[former].balance(excluding_payment=record.pk)
        v.validate_payments_cover_refunds(paid=left.paid, refunded=left.refunded, number=str(locked[former]))
    return locked[record.invoice_id], former_date, former


def _stored_date(record: Payment | Refund, model: type[Payment] | type[Refund]) -> date | None:
    """The date the record has in the database (the caller's instance may have been edited)."""
    return model.objects.filter(pk=record.pk).values_list("date", flat=True).first()


@transaction.atomic
def payment_save(*, payment: Payment) -> Payment:
    """Validate and save a new or edited payment, storing its net part.

    The invoice row is locked before the amount due is read, so that two payments cannot
    both pass the "never above the amount due" check (the second waits for the first).
    """
    invoice, former_date, former_invoice = _lock_payment_invoices(payment, Payment)
    payment.invoice = invoice
    payment.net_amount = (
        payment_net(payment.amount, invoice.net_amount, invoice.gross_amount) if payment.amount else ZERO
    )
    payment.full_clean()
    payment.save()
    rollups_touch([payment.date, former_date], invoices=[invoice.pk, former_invoice])
    return payment


def payment_record(
    *,
    invoice: Invoice,
    date: date,
    amount: Decimal,
    method: str = PaymentMethod.TRANSFER,
    reference: str = "",
) -> Payment:
    """Record money received (gross) for an issued invoice; partial payments are fine."""
    return payment_save(
        payment=Payment(invoice=invoice, date=date, amount=amount, method=method, reference=reference)
    )


@transaction.atomic
def payment_delete(*, payment: Payment) -> None:
    """Delete a payment, unless its invoice has paid back more than it would have received."""
    invoice = lock_invoice(payment.invoice)
    left = invoice.balance(excluding_payment=payment.pk)
    v.validate_payments_cover_refunds(paid=left.paid, refunded=left.refunded, number=str(invoice))
    stored = _stored_date(payment, Payment)
    delete_unless_protected(payment)
    rollups_touch([stored], invoices=[invoice.pk])


@transaction.atomic
def invoice_record_full_payment(
    *, invoice: Invoice, date: date, method: str = PaymentMethod.TRANSFER, reference: str = ""
) -> Payment:
    """Record a payment of exactly the amount due: gross + credit notes − payments + refunds."""
    locked = lock_invoice(invoice)
    amount_due = locked.balance().amount_due
    if locked.status != InvoiceStatus.ISSUED or locked.is_credit_note:
        v.validate_payment(
            amount=None,
            invoice_status=locked.status,
            is_credit_note=locked.is_credit_note,
            amount_due=amount_due,
            number=str(locked),
        )
    if amount_due <= 0:
        raise ValidationError(v.ERR_NOTHING_TO_PAY, code="nothing_to_pay", params={"number": str(locked)})
    return payment_record(invoice=locked, date=date, amount=amount_due, method=method, reference=reference)


# --- Refunds -------------------------------------------------------------------------------


@transaction.atomic
def refund_save(*, refund: Refund) -> Refund:
    """Validate and save a new or edited refund, storing its net part (as for a payment).

    The invoice row is locked before its payments and refunds are read: two refunds cannot
    both pay back the same money.
    """
    invoice, former_date, former_invoice = _lock_payment_invoices(refund, Refund)
    refund.invoice = invoice
    refund.net_amount = (
        payment_net(refund.amount, invoice.net_amount, invoice.gross_amount) if refund.amount else ZERO
    )
    refund.full_clean()
    refund.save()
    rollups_touch([refund.date, former_date], invoices=[invoice.pk, former_invoice])
    return refund


def refund_record(*, invoice: Invoice, date: date, amount: Decimal, reference: str = "") -> Refund:
    """Record money paid back (gross) to the client of an issued invoice."""
    return refund_save(refund=Refund(invoice=invoice, date=date, amount=amount, reference=reference))


@transaction.atomic
def refund_delete(*, refund: Refund) -> None:
    """Delete a refund: the invoice's amount due goes down by as much."""
    invoice = lock_invoice(refund.invoice)
    stored = _stored_date(refund, Refund)
    delete_unless_protected(refund)
    rollups_touch([stored], invoices=[invoice.pk])
