"""Revenue services: service lines, clients, contracts, invoices, payments, member margin.

Fields, database constraints (the last line of defence behind `validation.py`) and
QuerySet vocabulary only; writes go through `actions.py`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

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
    validate_record_year,
    year_bounds,
    year_not_before_earliest,
)
from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.translated import TranslatedName

from . import validation as v
from .calculations import InvoiceBalance, line_net
from .choices import (
    DEFAULT_PAYMENT_TERM_DAYS,
    DEFAULT_SERIES,
    BillingPeriod,
    ContractKind,
    ContractStatus,
    InvoiceStatus,
    MarginRuleKind,
    PaymentMethod,
    PaymentState,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 5, "decimal_places": 2}
# Sums of cents compared in SQL: SQLite adds decimals as floats, so "nothing left
# to pay" is "less than half a cent left" rather than "exactly zero".
HALF_CENT = Decimal("0.005")


def _rate_between_0_and_100(field: str, name: str, *, nullable: bool = False) -> models.CheckConstraint:
    condition = Q(**{f"{field}__gte": 0, f"{field}__lte": 100})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


class RulesFirst(models.Model):
    """A model whose check constraints back up the rules of `validation.py`.

    `clean()` applies those rules with their precise, translated messages, so the
    generic re-check of each CheckConstraint by `full_clean()` is skipped (it would
    repeat the error, vaguely, and SQLite compares sums of REALs). Unique
    constraints are still validated, with their own messages. The database
    enforces every constraint whatever the path.
    """

    class Meta:
        abstract = True

    def get_constraints(self) -> list[tuple[type[models.Model], list[Any]]]:
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]


class ServiceLine(RulesFirst, TranslatedName):
    """A line of self-financing business (seeded codes are stable; staff may add more)."""

    history = HistoricalRecords()

    code = models.SlugField(_("code"), max_length=40, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service line")
        verbose_name_plural = _("service lines")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="services_serviceline_code_not_blank")
        ]

    def __str__(self) -> str:
        return self.name


class RevenueTarget(RulesFirst):
    """The income budget of a service line for a year, compared with the actual revenue."""

    history = HistoricalRecords()

    service_line = models.ForeignKey(
        ServiceLine, on_delete=models.CASCADE, related_name="targets", verbose_name=_("service line")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_record_year])
    amount = models.DecimalField(_("target (net)"), **MONEY)

    class Meta:
        verbose_name = _("revenue target")
        verbose_name_plural = _("revenue targets")
        ordering = ["-year", "service_line__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "year"],
                name="services_target_unique_service_year",
                violation_error_message=v.ERR_TARGET_TAKEN,
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="services_target_amount_not_negative"),
            # The upper bound follows today: the validator checks it.
            year_not_before_earliest("year", name="services_target_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.service_line} {self.year}"

    def clean(self) -> None:
        v.validate_not_negative(self.amount, field="amount")


class Client(RulesFirst):
    history = HistoricalRecords()

    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(
        _("tax id"),
        max_length=32,
        unique=True,
        error_messages={"unique": v.ERR_TAX_ID_TAKEN},
        help_text=_("Spanish NIF, CIF or NIE, or EU VAT number with its country prefix."),
    )
    is_foreign = models.BooleanField(
        _("foreign client"), default=False, help_text=_("Accept a tax id that is neither Spanish nor EU VAT.")
    )
    contact = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(tax_id=""), name="services_client_tax_id_not_blank")
        ]
        indexes = [models.Index(fields=["name"], name="services_client_name_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.tax_id = v.validate_tax_id(self.tax_id, is_foreign=self.is_foreign)
        except ValidationError as error:
            raise ValidationError({"tax_id": error}) from error


class Partner(models.Model):
    """A partner that shares the revenue of some contracts (e.g. Nanoma for crowdfunding advice)."""

    history = HistoricalRecords()

    name = models.CharField(_("name"), max_length=200, unique=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContractQuerySet(models.QuerySet["Contract"]):
    def active(self) -> ContractQuerySet:
        return self.filter(status=ContractStatus.ACTIVE)

    def overlapping(self, start: date, end: date) -> ContractQuerySet:
        return self.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))

    def recurring(self) -> ContractQuerySet:
        return self.filter(kind=ContractKind.RECURRING)


class Contract(RulesFirst):
    history = HistoricalRecords()

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("client")
    )
    service_line = models.ForeignKey(
        ServiceLine, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("service line")
    )
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("Text of the lines of the drafted invoices."),
    )
    start_date = models.DateField(_("start date"), validators=[validate_record_date])
    # A contract may run for years: its end is a planned date (up to 2099).
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Empty while open-ended."),
        validators=[validate_planned_date],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind.choices)
    billing_period = models.CharField(
        _("billing period"),
        max_length=10,
        choices=BillingPeriod.choices,
        blank=True,
        help_text=_("Recurring only."),
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, default=Decimal("1"), help_text=_("E.g. 40 licences.")
    )
    unit_price = models.DecimalField(
        _("unit price"), **MONEY, null=True, blank=True, help_text=_("Net price per unit and billing period.")
    )
    fixed_amount = models.DecimalField(_("fixed amount"), **MONEY, null=True, blank=True)
    estimated_amount = models.DecimalField(
        _("estimated amount"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("Time and materials: the expected net total, counted in the year the contract starts."),
    )
    vat_rate = models.DecimalField(_("VAT rate (%)"), **RATE, default=Decimal("21.00"))
    status = models.CharField(
        _("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("partner"),
    )
    partner_share = models.DecimalField(
        _("partner's share (%)"),
        **RATE,
        null=True,
        blank=True,
        help_text=_("Part of the revenue due to the partner."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_date", "reference"]
        constraints = [
            models.CheckConstraint(condition=~Q(reference=""), name="services_contract_reference_not_blank"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="services_contract_end_not_before_start",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="services_contract_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0),
                name="services_contract_unit_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(fixed_amount__isnull=True) | Q(fixed_amount__gte=0),
                name="services_contract_fixed_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(estimated_amount__isnull=True) | Q(estimated_amount__gte=0),
                name="services_contract_estimate_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ContractKind.values), name="services_contract_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="services_contract_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=ContractKind.RECURRING,
                        billing_period__in=BillingPeriod.values,
                        unit_price__isnull=False,
                    )
                    | (~Q(kind=ContractKind.RECURRING) & Q(billing_period=""))
                ),
                name="services_contract_recurring_has_period_and_price",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ContractKind.FIXED_FEE) | Q(fixed_amount__isnull=False),
                name="services_contract_fixed_fee_has_amount",
            ),
            _rate_between_0_and_100("vat_rate", "services_contract_vat_rate_range"),
            _rate_between_0_and_100("partner_share", "services_contract_partner_share_range", nullable=True),
            models.CheckConstraint(
                condition=Q(partner_share__isnull=True) | Q(partner__isnull=False),
                name="services_contract_share_needs_partner",
            ),
            not_before_earliest("start_date", name="services_contract_start_from_1990"),
        ]
        indexes = [models.Index(fields=["status", "start_date"], name="services_contract_status_idx")]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        v.collect(
            lambda: v.validate_end_not_before_start(self.start_date, self.end_date),
            lambda: v.validate_contract_terms(
                kind=self.kind,
                billing_period=self.billing_period,
                quantity=self.quantity,
                unit_price=self.unit_price,
                fixed_amount=self.fixed_amount,
                estimated_amount=self.estimated_amount,
                partner_id=self.partner_id,
                partner_share=self.partner_share,
                vat_rate=self.vat_rate,
            ),
        )


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def issued(self) -> InvoiceQuerySet:
        return self.filter(status=InvoiceStatus.ISSUED)

    def drafts(self) -> InvoiceQuerySet:
        return self.filter(status=InvoiceStatus.DRAFT)

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
        money = models.DecimalField(**MONEY)
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
        money = models.DecimalField(**MONEY)

        def total(rows: models.QuerySet[Any], group: str, field: str) -> Coalesce:
            summed = rows.order_by().values(group).annotate(total=Sum(field)).values("total")
            return Coalesce(Subquery(summed, output_field=money), Value(ZERO), output_field=money)

        payments = Payment.objects.filter(invoice=OuterRef("pk"))
        if excluding_payment is not None:
            payments = payments.exclude(pk=excluding_payment)
        refunds = Refund.objects.filter(invoice=OuterRef("pk"))
        if excluding_refund is not None:
            refunds = refunds.exclude(pk=excluding_refund)
        credit_notes = Invoice.objects.filter(corrects=OuterRef("pk"), status=InvoiceStatus.ISSUED)
        return self.annotate(
            paid_total=total(payments, "invoice", "amount"),
            credited_total=total(credit_notes, "corrects", "gross_amount"),
            refunded_total=total(refunds, "invoice", "amount"),
        )

    def _payable(self) -> InvoiceQuerySet:
        return self.with_balance().issued().ordinary()

    def unpaid(self) -> InvoiceQuerySet:
        """Issued ordinary invoices with something left to pay (partially paid ones included)."""
        return self._payable().filter(balance_due__gt=HALF_CENT)

    def paid(self) -> InvoiceQuerySet:
        """Issued ordinary invoices with nothing left to pay (paid, or credited, in full)."""
        return self._payable().filter(balance_due__lte=HALF_CENT)

    def partially_paid(self) -> InvoiceQuerySet:
        """Unpaid invoices that keep some money received (payments beyond their refunds)."""
        return self.unpaid().filter(paid_total__gt=F("refunded_total") + Value(HALF_CENT))

    def overdue(self, *, on: date | None = None) -> InvoiceQuerySet:
        """Unpaid invoices whose due date is before `on` (today by default)."""
        return self.unpaid().filter(due_date__lt=on or today())


class Invoice(RulesFirst):
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
        help_text=_("Empty means 30 days after the issue date."),
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
        values = [getattr(self, name, None) for name in names]
        if None in values:
            row = Invoice.objects.with_balance().filter(pk=self.pk).values(*names).get()
            values = [row[name] for name in names]
        balance, paid, refunded = values
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
            .values("gross_amount", "credited_total", "paid_total", "refunded_total")
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
            self.due_date = self.issue_date + timedelta(days=DEFAULT_PAYMENT_TERM_DAYS)
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
    vat_rate = models.DecimalField(_("VAT rate (%)"), **RATE, default=Decimal("21.00"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "id"]
        constraints = [
            _rate_between_0_and_100("vat_rate", "services_invoiceline_vat_rate_range"),
            models.CheckConstraint(condition=~Q(quantity=0), name="services_invoiceline_quantity_not_zero"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def net_amount(self) -> Decimal:
        if self.quantity is None or self.unit_price is None:
            return ZERO
        return line_net(self.quantity, self.unit_price)

    def clean(self) -> None:
        v.validate_rate(self.vat_rate, field="vat_rate")
        v.validate_line_quantity(self.quantity)


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


class PaymentQuerySet(models.QuerySet["Payment"]):
    def in_year(self, year: int) -> PaymentQuerySet:
        return self.filter(date__range=year_bounds(year))


class Payment(RulesFirst):
    """Money received for an issued invoice (gross, VAT included).

    `net_amount` = round(amount × invoice net / invoice gross), stored by the action
    when the payment is recorded, so that the cash-basis revenue of a year is a plain
    SQL sum (invoice totals never change after issue).
    """

    history = HistoricalRecords()

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("invoice")
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
        return f"{self.invoice} {self.date} {self.amount}"

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

    history = HistoricalRecords()

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("invoice")
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
        return f"{self.invoice} {self.date} −{self.amount}"

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


class MarginRuleQuerySet(models.QuerySet["MarginRule"]):
    def in_force(self, on: date) -> MarginRuleQuerySet:
        return self.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def overlapping(self, start: date, end: date | None) -> MarginRuleQuerySet:
        qs = self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        return qs if end is None else qs.filter(valid_from__lte=end)


class MarginRule(RulesFirst):
    """The cooperative's share of its members' turnover, for a period of validity.

    Flat: a structure rate and a guarantee-fund rate (historically 5.50 + 2.00 = 7.5 %).
    Banded: the band the month's turnover falls in gives both rates, applied to the
    whole turnover of the month.
    """

    history = HistoricalRecords()

    name = models.CharField(_("name"), max_length=120)
    valid_from = models.DateField(
        _("valid from"), help_text=_("First day of a month."), validators=[validate_record_date]
    )
    # A rule may be decided to end years ahead: its end is a planned date.
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("Last day of a month; empty: open."),
        validators=[validate_planned_date],
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=MarginRuleKind.choices, default=MarginRuleKind.FLAT
    )
    structure_rate = models.DecimalField(_("structure rate (%)"), **RATE, null=True, blank=True)
    fund_rate = models.DecimalField(_("guarantee fund rate (%)"), **RATE, null=True, blank=True)

    objects = MarginRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("margin rule")
        verbose_name_plural = _("margin rules")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="services_marginrule_to_not_before_from",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MarginRuleKind.values), name="services_marginrule_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=MarginRuleKind.FLAT, structure_rate__isnull=False, fund_rate__isnull=False)
                    | Q(kind=MarginRuleKind.BANDED, structure_rate__isnull=True, fund_rate__isnull=True)
                ),
                name="services_marginrule_rates_match_kind",
            ),
            _rate_between_0_and_100(
                "structure_rate", "services_marginrule_structure_rate_range", nullable=True
            ),
            _rate_between_0_and_100("fund_rate", "services_marginrule_fund_rate_range", nullable=True),
            not_before_earliest("valid_from", name="services_marginrule_from_from_1990"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        v.validate_margin_rule(
            kind=self.kind,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            structure_rate=self.structure_rate,
            fund_rate=self.fund_rate,
        )
        if self.valid_from is not None:
            other = MarginRule.objects.exclude(pk=self.pk).overlapping(self.valid_from, self.valid_to).first()
            v.validate_no_overlap(overlapping_rule_name=other.name if other else None)


class MarginBand(RulesFirst):
    history = HistoricalRecords()

    rule = models.ForeignKey(
        MarginRule, on_delete=models.CASCADE, related_name="bands", verbose_name=_("rule")
    )
    lower_bound = models.DecimalField(
        _("from monthly turnover"), **MONEY, help_text=_("The band applies from this monthly turnover up.")
    )
    structure_rate = models.DecimalField(_("structure rate (%)"), **RATE)
    fund_rate = models.DecimalField(_("guarantee fund rate (%)"), **RATE)

    class Meta:
        verbose_name = _("margin band")
        verbose_name_plural = _("margin bands")
        ordering = ["rule", "lower_bound"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "lower_bound"], name="services_marginband_unique_bound"),
            models.CheckConstraint(
                condition=Q(lower_bound__gte=0), name="services_marginband_bound_not_negative"
            ),
            _rate_between_0_and_100("structure_rate", "services_marginband_structure_rate_range"),
            _rate_between_0_and_100("fund_rate", "services_marginband_fund_rate_range"),
        ]

    def __str__(self) -> str:
        return f"≥ {self.lower_bound}"

    def clean(self) -> None:
        v.validate_not_negative(self.lower_bound, field="lower_bound")
        v.validate_rate(self.structure_rate, field="structure_rate")
        v.validate_rate(self.fund_rate, field="fund_rate")


class MemberTurnover(RulesFirst):
    """What the members invoiced through the cooperative in a month (VAT excluded)."""

    history = HistoricalRecords()

    month = models.DateField(
        _("month"), unique=True, help_text=_("The first day of the month."), validators=[validate_record_date]
    )
    turnover = models.DecimalField(_("members' turnover"), **MONEY)
    active_members = models.PositiveIntegerField(_("active members"), null=True, blank=True)
    structure_rate = models.DecimalField(
        _("structure rate (%)"),
        **RATE,
        null=True,
        blank=True,
        help_text=_("Empty: the margin rule in force applies."),
    )
    fund_rate = models.DecimalField(
        _("guarantee fund rate (%)"),
        **RATE,
        null=True,
        blank=True,
        help_text=_("Empty: the margin rule in force applies."),
    )

    class Meta:
        verbose_name = _("member turnover")
        verbose_name_plural = _("member turnover")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(turnover__gte=0), name="services_turnover_not_negative"),
            _rate_between_0_and_100(
                "structure_rate", "services_turnover_structure_rate_range", nullable=True
            ),
            _rate_between_0_and_100("fund_rate", "services_turnover_fund_rate_range", nullable=True),
            models.CheckConstraint(
                condition=Q(structure_rate__isnull=True, fund_rate__isnull=True)
                | Q(structure_rate__isnull=False, fund_rate__isnull=False),
                name="services_turnover_rates_both_or_neither",
            ),
            not_before_earliest("month", name="services_turnover_month_from_1990"),
        ]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m") if self.month else "—"

    def clean(self) -> None:
        v.validate_month(self.month)
        v.validate_turnover(self.turnover)
        v.validate_month_rates(self.structure_rate, self.fund_rate)
        if self.month is not None and self.structure_rate is None:
            v.validate_month_has_rates(
                month=self.month,
                has_own_rates=False,
                rule_in_force=MarginRule.objects.in_force(self.month).exists(),
            )
