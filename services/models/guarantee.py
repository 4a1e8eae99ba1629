"""The guarantee fund's advances: money the fund pays a member whose client has not paid an invoice.

The fund is fed by the guarantee-fund part of the member margin (`MemberTurnover`); an advance takes
money out of it on its date and puts it back on the day it is recovered (the client paid). The
ledger of the fund is read by `services.guarantee`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartiberica.kernel.closed_years import validate_date_open
from smartiberica.kernel.dates import not_before_earliest, validate_record_date, year_bounds
from smartiberica.kernel.models_base import RulesFirst
from smartiberica.kernel.money import MONEY, ZERO, format_money, round_money

from .. import guarantee_rules as rules
from ..choices import InvoiceStatus
from .invoices import Invoice
from .payments import Payment, Refund

# The one field a recovery changes: see `GuaranteeAdvance.validate_constraints`.
RECOVERY_FIELD = "recovered_on"


class GuaranteeAdvanceQuerySet(models.QuerySet["GuaranteeAdvance"]):
    def in_year(self, year: int) -> GuaranteeAdvanceQuerySet:
        """Paid on a day of `year`."""
        return self.filter(date__range=year_bounds(year))

    def outstanding(self, *, on: date | None = None) -> GuaranteeAdvanceQuerySet:
        """Not recovered; with `on`, paid by that day and not recovered by then."""
        if on is None:
            return self.filter(recovered_on__isnull=True)
        return self.filter(Q(recovered_on__isnull=True) | Q(recovered_on__gt=on), date__lte=on)


def _sum_of(rows: models.QuerySet[Any], group: str, field: str) -> Coalesce:
    money: models.DecimalField[Decimal, Decimal] = models.DecimalField(**MONEY)
    summed = rows.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed, output_field=money), Value(ZERO), output_field=money)


def amount_available(*, invoice_id: int, on: date, excluding_advance: int | None = None) -> Decimal:
    """What the fund may still advance on an invoice on a day (one query): the invoice's amount due
    that day — gross + its credit notes issued by then − its payments + its refunds dated by then,
    never below zero — less its other advances outstanding that day (paid by then, not recovered)."""
    credit_notes = Invoice.objects.filter(
        corrects=OuterRef("pk"), status=InvoiceStatus.ISSUED, issue_date__lte=on
    )
    payments = Payment.objects.filter(invoice=OuterRef("pk"), date__lte=on)
    refunds = Refund.objects.filter(invoice=OuterRef("pk"), date__lte=on)
    advances = GuaranteeAdvance.objects.filter(invoice=OuterRef("pk")).outstanding(on=on)
    if excluding_advance is not None:
        advances = advances.exclude(pk=excluding_advance)
    row = (
        Invoice.objects.filter(pk=invoice_id)
        .annotate(
            credited=_sum_of(credit_notes, "corrects", "gross_amount"),
            paid=_sum_of(payments, "invoice", "amount"),
            refunded=_sum_of(refunds, "invoice", "amount"),
            advanced=_sum_of(advances, "invoice", "amount"),
        )
        .values("gross_amount", "credited", "paid", "refunded", "advanced")
        .get()
    )
    due = max(round_money(row["gross_amount"] + row["credited"] - row["paid"] + row["refunded"]), ZERO)
    return due - round_money(row["advanced"])


class GuaranteeAdvance(RulesFirst):
    """Money the guarantee fund paid a member on an invoice their client had not paid yet.

    Recovered as a whole (`recovered_on`) when the client pays; partial recoveries are not
    recorded. An advance paid in a closed year may still be recovered in an open one (see
    `validate_constraints`).
    """

    # Refused in a closed year (kernel.closed_years); the recovery date too (see below).
    closed_year_field: ClassVar[str] = "date"

    history = HistoricalRecords()

    member_reference = models.CharField(
        _("member"),
        max_length=60,
        help_text=_("The member's number or name, as the cooperative knows them."),
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        related_name="guarantee_advances",
        verbose_name=_("invoice"),
        help_text=_("The member's invoice to their client, issued and not paid yet."),
    )
    amount = models.DecimalField(_("amount advanced"), **MONEY)
    date = models.DateField(_("date paid"), validators=[validate_record_date])
    recovered_on = models.DateField(
        _("recovered on"),
        null=True,
        blank=True,
        validators=[validate_record_date],
        help_text=_("The day the client paid and the fund got the advance back; empty while outstanding."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = GuaranteeAdvanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("guarantee fund advance")
        verbose_name_plural = _("guarantee fund advances")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="services_advance_amount_positive",
                violation_error_message=rules.ERR_ADVANCE_NOT_POSITIVE,
            ),
            models.CheckConstraint(
                condition=Q(recovered_on__isnull=True) | Q(recovered_on__gte=F("date")),
                name="services_advance_recovered_after_paid",
                violation_error_message=rules.ERR_RECOVERED_BEFORE_ADVANCE,
            ),
            not_before_earliest("date", name="services_advance_date_from_1990"),
            not_before_earliest("recovered_on", name="services_advance_recovered_from_1990", nullable=True),
        ]
        indexes = [
            models.Index(fields=["date"], name="services_advance_date_idx"),
            models.Index(fields=["recovered_on"], name="services_advance_recovered_idx"),
        ]

    def __str__(self) -> str:
        amount = "—" if self.amount is None else format_money(self.amount)
        return f"{self.member_reference} · {self.invoice if self.invoice_id else '—'} · {amount}"

    def clean(self) -> None:
        rules.validate_advance_positive(self.amount)
        rules.validate_recovery_date(paid_on=self.date, recovered_on=self.recovered_on)
        if self.invoice_id is None:
            return
        invoice = self.invoice
        rules.validate_advance_invoice(
            invoice_status=invoice.status,
            is_credit_note=invoice.is_credit_note,
            issue_date=invoice.issue_date,
            paid_on=self.date,
        )
        if self.date is not None and self.amount is not None:
            available = amount_available(invoice_id=invoice.pk, on=self.date, excluding_advance=self.pk)
            rules.validate_advance_within_amount_due(
                amount=self.amount, available=available, number=str(invoice), paid_on=self.date
            )

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """The period lock, with the recovery as an event of its own date.

        An advance is refused like any record when it is paid in a closed year (`date`, the
        kernel's lock) or recovered in one. Recording, moving or undoing only its recovery, in open
        years, is allowed even when it was paid in a closed year: the closed year's figures do not
        change (the advance stays outstanding at its end). The PostgreSQL trigger of the table
        (migration 0012) applies the same rule to raw SQL.
        """
        stored = None
        if self.pk is not None and not self._state.adding:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
        if stored is not None and self._changes_only_recovery(stored):
            models.Model.validate_constraints(self, exclude=exclude)  # RulesFirst's, without the date's lock
        else:
            super().validate_constraints(exclude=exclude)
        for recovered_on in (stored.recovered_on if stored else None, self.recovered_on):
            validate_date_open(recovered_on, field=RECOVERY_FIELD)

    def _changes_only_recovery(self, stored: GuaranteeAdvance) -> bool:
        changed = {
            field.attname
            for field in self._meta.concrete_fields
            if getattr(stored, field.attname) != getattr(self, field.attname)
        }
        return changed == {RECOVERY_FIELD}
