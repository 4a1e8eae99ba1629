"""Invoices and credit notes, their lines, and the numbering counter of each series and year."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartiberica.kernel.dates import (
    LATEST_PLANNED_DATE,
    not_before_earliest,
    today,
    validate_planned_date,
    validate_record_date,
    year_bounds,
)
from smartiberica.kernel.models_base import RulesFirst
from smartiberica.kernel.money import MONEY, RATE, ZERO, round_money

from .. import client_rules as terms
from .. import validation as v
from ..calculations import InvoiceBalance, line_net
from ..choices import DEFAULT_PAYMENT_TERM_DAYS, DEFAULT_SERIES, InvoiceStatus, PaymentState
from .catalog import ServiceLine
from .clients import Client
from .contracts import Contract
from .rate_constraint import rate_between_0_and_100

# Sums of cents compared in SQL: SQLite adds decimals as floats, so "nothing left
# to pay" is "less than half a cent left" rather than "exactly zero".
HALF_CENT = Decimal("0.005")


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def issued(self) -> InvoiceQuerySet:
        return self.filter(status=InvoiceStatus.ISSUED)

    def cancelled(self) -> InvoiceQuerySet:
        return self.filter(status=InvoiceStatus.CANCELLED)

    def in_year(self, year: int) -> InvoiceQuerySet:
        """Issued on a day of `year` (a date range, so the issue-date indexes serve it)."""
        return self.filter(issue_date__range=year_bounds(year))

    def credit_notes(self) -> InvoiceQuerySet:
        return self.filter(corrects__isnull=False)

    def ordinary(self) -> InvoiceQuerySet:
        return self.filter(corrects__isnull=True)

    def with_balance(self) -> InvoiceQuerySet:
        """Annotate what each invoice was paid and credited, and its amount due (domain v2).

        `paid_total`, `credited_total` (≤ 0: the gross of its issued credit notes),
        `refunded_total`, and `balance_due` = max(gross + credited − paid + refunded, 0), the
        amount due. Three correlated subqueries, so a page of invoices costs one query.
        """
        if "balance_due" in self.query.annotations:
            return self
        money: models.DecimalField[Decimal, Decimal] = models.DecimalField(**MONEY)
        return self._with_totals().annotate(
            balance_due=Greatest(
                F("gross_amount") + F("credited_total") - F("paid_total") + F("refunded_total"),
                Value(ZERO),
                output_field=money,
            )
        )

    def _with_totals(
        self, *, excluding_payment: int | None = None, excluding_refund: int | None = None
    ) -> InvoiceQuerySet:
        """`paid_total`, `credited_total` and `refunded_total`, leaving one payment or refund out."""
        money: models.DecimalField[Decimal, Decimal] = models.DecimalField(**MONEY)

        def total(rows: models.QuerySet[Any], group: str, field: str) -> Coalesce:
            summed = rows.order_by().values(group).annotate(total=Sum(field)).values("total")
            return Coalesce(Subquery(summed, output_field=money), Value(ZERO), output_field=money)

        # From the registry: payments.py is imported after this module, so that the models
        # register (and a backup dumps them) in the order invoices, then their payments.
        payment, refund = apps.get_model("services", "Payment"), apps.get_model("services", "Refund")
        payments = payment._default_manager.filter(invoice=OuterRef("pk"))
        if excluding_payment is not None:
            payments = payments.exclude(pk=excluding_payment)
        refunds = refund._default_manager.filter(invoice=OuterRef("pk"))
        if excluding_refund is not None:
            refunds = refunds.exclude(pk=excluding_refund)
        credit_notes = Invoice.objects.filter(corrects=OuterRef("pk"), status=InvoiceStatus.ISSUED)
        return self.annotate(
            paid_total=total(payments, "invoice", "amount"),
            credited_total=total(credit_notes, "corrects", "gross_amount"),
            refunded_total=total(refunds, "invoice", "amount"),
        )

    # The `type: ignore[misc]` below: django-stubs cannot see the fields that `with_balance()` and
    # `_with_totals()` annotate, and refuses a lookup on them.
    def _payable(self) -> InvoiceQuerySet:
        return self.with_balance().issued().ordinary()

    def unpaid(self) -> InvoiceQuerySet:
        """Issued ordinary invoices with something left to pay (partially paid ones included)."""
        return self._payable().filter(balance_due__gt=HALF_CENT)  # type: ignore[misc]

    def paid(self) -> InvoiceQuerySet:
        """Issued ordinary invoices with nothing left to pay (paid, or credited, in full)."""
        return self._payable().filter(balance_due__lte=HALF_CENT)  # type: ignore[misc]

    def partially_paid(self) -> InvoiceQuerySet:
        """Unpaid invoices that keep some money received (payments beyond their refunds)."""
        return self.unpaid().filter(paid_total__gt=F("refunded_total") + Value(HALF_CENT))  # type: ignore[misc]

    def overdue(self, *, on: date | None = None) -> InvoiceQuerySet:
        """Unpaid invoices whose due date is before `on` (today by default)."""
        return self.unpaid().filter(due_date__lt=on or today())


class Invoice(RulesFirst):
    # Refused in a closed year (kernel.closed_years).
    closed_year_field: ClassVar[str] = "issue_date"

    history = HistoricalRecords()

    series = models.CharField(_("series"), max_length=5, default=DEFAULT_SERIES)
    number = models.CharField(
        _("number"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": v.ERR_NUMBER_TAKEN},
        help_text=_("Leave empty: the next number of the series is assigned when the invoice is issued."),
    )
    issue_date = models.DateField(_("issue date"), validators=[validate_record_date])
    due_date = models.DateField(
        _("due date"),
        blank=True,
        help_text=_("Empty means the client's payment terms after the issue date (30 days unless set)."),
        validators=[validate_record_date],
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("client")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("contract"),
    )
    service_line = models.ForeignKey(
        ServiceLine, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("service line")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("corrects invoice"),
        help_text=_("For a credit note (factura rectificativa): the issued invoice it corrects."),
    )
    period_start = models.DateField(
        _("contract period"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Start of the contract period this invoice bills, when drafted from a recurring contract."
        ),
        validators=[validate_planned_date],
    )
    net_amount = models.DecimalField(_("net amount"), **MONEY, default=ZERO, editable=False)
    vat_amount = models.DecimalField(_("VAT"), **MONEY, default=ZERO, editable=False)
    gross_amount = models.DecimalField(_("gross amount"), **MONEY, default=ZERO, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="services_invoice_number_not_blank"),
            models.CheckConstraint(
                condition=Q(status__in=InvoiceStatus.values), name="services_invoice_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("issue_date")), name="services_invoice_due_after_issue"
            ),
            # gross = net + VAT, within half a cent: SQLite adds the stored decimals as REALs.
            models.CheckConstraint(
                condition=Q(gross_amount__gt=F("net_amount") + F("vat_amount") - Value(HALF_CENT))
                & Q(gross_amount__lt=F("net_amount") + F("vat_amount") + Value(HALF_CENT)),
                name="services_invoice_gross_is_net_plus_vat",
            ),
            models.CheckConstraint(
                condition=(
                    Q(corrects__isnull=True, net_amount__gte=0, vat_amount__gte=0, gross_amount__gte=0)
                    | Q(corrects__isnull=False, net_amount__lte=0, vat_amount__lte=0, gross_amount__lte=0)
                ),
                name="services_invoice_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(status=InvoiceStatus.ISSUED) | Q(net_amount__lt=0),
                name="services_invoice_issued_credit_note_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status=InvoiceStatus.ISSUED) | Q(number__isnull=False),
                name="services_invoice_issued_has_number",
            ),
            # The due date follows the issue date (constraint above), so it is bounded too.
            not_before_earliest("issue_date", name="services_invoice_issue_date_from_1990"),
            not_before_earliest("period_start", name="services_invoice_period_from_1990", nullable=True),
            models.UniqueConstraint(
                fields=["contract", "period_start"],
                name="services_invoice_one_per_contract_period",
                violation_error_message=v.ERR_PERIOD_ALREADY_DRAFTED,
            ),
        ]
        indexes = [
            models.Index(fields=["status", "issue_date"], name="services_invoice_status_date"),
            models.Index(fields=["issue_date", "id"], name="services_invoice_date_idx"),
            models.Index(fields=["client", "issue_date"], name="services_invoice_client_date"),
            # The projection: what running contracts billed in the months a year before, read
            # from the index alone (status and amount in it: no visit to the rows, 2× faster).
            models.Index(
                fields=["contract", "issue_date", "status", "net_amount"],
                name="services_invoice_contract_sums",
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return self.number
        return str(_("draft #%(id)s") % {"id": self.pk or "—"})

    @property
    def is_credit_note(self) -> bool:
        return self.corrects_id is not None

    @property
    def payment_state(self) -> str:
        """paid / partial / overdue / not yet due; "none" for drafts, cancelled and credit notes.

        Uses the `with_balance()` annotations when present (lists), else queries.
        """
        if self.status != InvoiceStatus.ISSUED or self.is_credit_note:
            return PaymentState.NONE
        names = ("balance_due", "paid_total", "refunded_total")
        balance, paid, refunded = (getattr(self, name, None) for name in names)
        if balance is None or paid is None or refunded is None:
            row = Invoice.objects.with_balance().filter(pk=self.pk).values(*names).get()
            balance, paid, refunded = (row[name] for name in names)
        if balance <= HALF_CENT:
            return PaymentState.PAID
        if self.due_date < today():
            return PaymentState.OVERDUE
        if paid - refunded > HALF_CENT:
            return PaymentState.PARTIAL
        return PaymentState.NOT_DUE

    def balance(
        self, *, excluding_payment: int | None = None, excluding_refund: int | None = None
    ) -> InvoiceBalance:
        """Its gross, credit notes, payments and refunds as stored (one query).

        A payment or refund being edited is left out, so that its new amount is checked
        against the others only.
        """
        row = (
            Invoice.objects.filter(pk=self.pk)
            ._with_totals(excluding_payment=excluding_payment, excluding_refund=excluding_refund)
            # (django-stubs cannot see the fields `_with_totals()` annotates.)
            .values("gross_amount", "credited_total", "paid_total", "refunded_total")  # type: ignore[misc]
            .get()
        )
        return InvoiceBalance(
            gross=round_money(row["gross_amount"]),
            credited=round_money(row["credited_total"]),
            paid=round_money(row["paid_total"]),
            refunded=round_money(row["refunded_total"]),
        )

    def validate_credit_total(self, target: Invoice | None = None) -> None:
        """Refuse if this credit note, with the other live ones, credits more than the original."""
        if self.corrects_id is None or self.status == InvoiceStatus.CANCELLED:
            return
        target = target or Invoice.objects.get(pk=self.corrects_id)
        others = (
            target.credit_notes.exclude(status=InvoiceStatus.CANCELLED)
            .exclude(pk=self.pk)
            .aggregate(net=Sum("net_amount", default=ZERO), gross=Sum("gross_amount", default=ZERO))
        )
        v.validate_credit_within_original(
            number=target.number or str(target),
            original_net=target.net_amount,
            original_gross=target.gross_amount,
            credited_net=round_money(others["net"]) + self.net_amount,
            credited_gross=round_money(others["gross"]) + self.gross_amount,
        )

    def clean(self) -> None:
        v.validate_series(self.series)
        v.validate_number(self.number)
        # (Not after a typo such as 31/12/9999, which would overflow: its own error is enough.)
        if self.due_date is None and self.issue_date is not None and self.issue_date <= LATEST_PLANNED_DATE:
            # The client's payment terms (30 days unless its record says otherwise).
            days = self.client.payment_terms_days if self.client_id is not None else DEFAULT_PAYMENT_TERM_DAYS
            self.due_date = self.issue_date + timedelta(days=days)
        v.validate_due_date(self.issue_date, self.due_date)
        v.validate_issued_has_number(status=self.status, number=self.number)
        if self.contract_id is not None:
            contract_client_id = (
                Contract.objects.filter(pk=self.contract_id).values_list("client_id", flat=True).first()
            )
            v.validate_invoice_contract(client_id=self.client_id, contract_client_id=contract_client_id)
        v.validate_totals_sign(
            is_credit_note=self.is_credit_note,
            status=self.status,
            net=self.net_amount,
            gross=self.gross_amount,
        )
        if self.corrects_id is not None:
            target = Invoice.objects.get(pk=self.corrects_id)
            if target.pk == self.pk:
                raise ValidationError(
                    {"corrects": ValidationError(v.ERR_CREDIT_OF_CREDIT_NOTE, code="credit_of_credit")}
                )
            if self.status != InvoiceStatus.CANCELLED:
                # A cancelled credit note no longer counts: only live ones are checked.
                v.validate_corrected_invoice(
                    client_id=self.client_id,
                    target_status=target.status,
                    target_client_id=target.client_id,
                    target_is_credit_note=target.is_credit_note,
                )
                self.validate_credit_total(target)


class InvoiceLine(RulesFirst):
    history = HistoricalRecords()

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=Decimal("1"))
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    # Left empty, the default of the client's VAT regime (`client_rules.default_vat_rate`).
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), **RATE, blank=True, help_text=_("Empty: the rate of the client's VAT regime.")
    )

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "id"]
        constraints = [
            rate_between_0_and_100("vat_rate", "services_invoiceline_vat_rate_range"),
            models.CheckConstraint(condition=~Q(quantity=0), name="services_invoiceline_quantity_not_zero"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def net_amount(self) -> Decimal:
        if self.quantity is None or self.unit_price is None:
            return ZERO
        return line_net(self.quantity, self.unit_price)

    def _client_regime(self) -> str | None:
        """The VAT regime of the client invoiced (None while the line has no invoice or client)."""
        if self.invoice_id is None and not InvoiceLine.invoice.is_cached(self):
            return None
        return self.invoice.client.vat_regime if self.invoice.client_id is not None else None

    def clean(self) -> None:
        regime = self._client_regime()
        if self.vat_rate is None and regime is not None:
            self.vat_rate = terms.default_vat_rate(regime)
        v.validate_rate(self.vat_rate, field="vat_rate")
        v.validate_line_quantity(self.quantity)
        # A credit note reproduces the VAT of the invoice it corrects, whatever the regime now.
        if regime is not None and not self.invoice.is_credit_note:
            terms.validate_vat_rate_for_regime(regime=regime, vat_rate=self.vat_rate)


class InvoiceNumberCounter(models.Model):
    """The last number given in a series and year; locked while an invoice is numbered."""

    series = models.CharField(_("series"), max_length=5)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number counter")
        verbose_name_plural = _("invoice number counters")
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="services_counter_unique_series_year"),
        ]

    def __str__(self) -> str:
        return f"{self.series}{self.year}: {self.last}"
