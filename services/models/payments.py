"""Money received for invoices (payments) and paid back to clients (refunds)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartiberica.kernel.dates import not_before_earliest, validate_record_date, year_bounds
from smartiberica.kernel.models_base import RulesFirst
from smartiberica.kernel.money import MONEY, ZERO, format_money

from .. import validation as v
from ..choices import PaymentMethod


def _amount_text(amount: Decimal | None) -> str:
    """The amount the reader's way (the admin's messages and history name records by it)."""
    return "—" if amount is None else format_money(amount)


class PaymentQuerySet(models.QuerySet["Payment"]):
    def in_year(self, year: int) -> PaymentQuerySet:
        return self.filter(date__range=year_bounds(year))


class Payment(RulesFirst):
    """Money received for an issued invoice (gross, VAT included).

    `net_amount` = round(amount × invoice net / invoice gross), stored by the action
    when the payment is recorded, so that the cash-basis revenue of a year is a plain
    SQL sum (invoice totals never change after issue).
    """

    # Refused in a closed year (kernel.closed_years).
    closed_year_field: ClassVar[str] = "date"

    history = HistoricalRecords()

    invoice = models.ForeignKey(
        "Invoice", on_delete=models.PROTECT, related_name="payments", verbose_name=_("invoice")
    )
    date = models.DateField(_("date"), validators=[validate_record_date])
    amount = models.DecimalField(_("amount received"), **MONEY)
    method = models.CharField(
        _("method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    net_amount = models.DecimalField(_("net part"), **MONEY, default=ZERO, editable=False)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="services_payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(net_amount__gte=0, net_amount__lte=F("amount")),
                name="services_payment_net_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethod.values), name="services_payment_method_valid"
            ),
            not_before_earliest("date", name="services_payment_date_from_1990"),
        ]
        indexes = [models.Index(fields=["date"], name="services_payment_date_idx")]

    def __str__(self) -> str:
        return f"{self.invoice} {self.date} {_amount_text(self.amount)}"

    def clean(self) -> None:
        if self.invoice_id is None:
            if self.amount is not None and self.amount <= 0:
                raise ValidationError({"amount": ValidationError(v.ERR_PAYMENT_NOT_POSITIVE)})
            return
        invoice = self.invoice
        balance = invoice.balance(excluding_payment=self.pk)
        v.validate_payment(
            amount=self.amount,
            invoice_status=invoice.status,
            is_credit_note=invoice.is_credit_note,
            amount_due=balance.amount_due,
            number=str(invoice),
        )
        if self.amount is not None and balance.refunded:
            # Lowering a payment: what was paid back must still have been received.
            v.validate_payments_cover_refunds(
                paid=balance.paid + self.amount, refunded=balance.refunded, number=str(invoice)
            )


class RefundQuerySet(models.QuerySet["Refund"]):
    def in_year(self, year: int) -> RefundQuerySet:
        return self.filter(date__range=year_bounds(year))


class Refund(RulesFirst):
    """Money paid back to a client for an invoice (gross, VAT included).

    Typically what a credit note cancelled after the invoice was paid, or a payment sent
    back. It raises the invoice's amount due by its amount; on the cash basis its net
    part, round(amount × invoice net / invoice gross), stored by the action as for a
    payment, is taken off the revenue of the year it is paid.
    """

    # Refused in a closed year (kernel.closed_years).
    closed_year_field: ClassVar[str] = "date"

    history = HistoricalRecords()

    invoice = models.ForeignKey(
        "Invoice", on_delete=models.PROTECT, related_name="refunds", verbose_name=_("invoice")
    )
    date = models.DateField(_("date"), validators=[validate_record_date])
    amount = models.DecimalField(_("amount paid back"), **MONEY)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    net_amount = models.DecimalField(_("net part"), **MONEY, default=ZERO, editable=False)

    objects = RefundQuerySet.as_manager()

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="services_refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(net_amount__gte=0, net_amount__lte=F("amount")),
                name="services_refund_net_within_amount",
            ),
            not_before_earliest("date", name="services_refund_date_from_1990"),
        ]
        indexes = [models.Index(fields=["date"], name="services_refund_date_idx")]

    def __str__(self) -> str:
        return f"{self.invoice} {self.date} −{_amount_text(self.amount)}"

    def clean(self) -> None:
        if self.invoice_id is None:
            if self.amount is not None and self.amount <= 0:
                raise ValidationError({"amount": ValidationError(v.ERR_REFUND_NOT_POSITIVE)})
            return
        invoice = self.invoice
        v.validate_refund(
            amount=self.amount,
            invoice_status=invoice.status,
            is_credit_note=invoice.is_credit_note,
            refundable=invoice.balance(excluding_refund=self.pk).refundable,
            number=str(invoice),
        )
