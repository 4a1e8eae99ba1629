"""Where the money comes from: funding sources with their obligations, support agreements with
their expected tranches, and the receipts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from funding import validation as v
from funding.choices import (
    AGREEMENT_KINDS,
    EXTERNAL_SUPPORT_KINDS,
    ObligationKind,
    ObligationStatus,
    SourceKind,
)
from funding.models.base import InYearQuerySet, money_field
from smartiberica.kernel.dates import (
    not_before_earliest,
    today,
    validate_planned_date,
    validate_record_date,
)
from smartiberica.kernel.models_base import RulesFirst

DUE_SOON_DAYS = 60


class FundingSource(RulesFirst):
    history = HistoricalRecords()

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        error_messages={"unique": v.ERR_SOURCE_CODE_TAKEN},
        help_text=_("Short stable identifier used in reports and imports, e.g. smart-belgium."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    counterparty = models.CharField(
        _("counterparty"), max_length=200, blank=True, help_text=_("The bank, parent or public body.")
    )
    active_from = models.DateField(_("active from"), null=True, blank=True, validators=[validate_record_date])
    active_to = models.DateField(_("active to"), null=True, blank=True, validators=[validate_planned_date])
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_to__isnull=True)
                | Q(active_to__gte=F("active_from")),
                name="funding_source_active_to_after_from",
                violation_error_message=v.ERR_END_BEFORE_START,
            ),
            not_before_earliest("active_from", name="funding_source_active_from_from_1990", nullable=True),
            not_before_earliest("active_to", name="funding_source_active_to_from_1990", nullable=True),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values),
                name="funding_source_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        v.validate_period(self.active_from, self.active_to, end_field="active_to")
        if self.pk is not None:
            old_kind = FundingSource.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
            if old_kind is not None and old_kind != self.kind:
                v.validate_source_kind_change(
                    old_kind=old_kind,
                    new_kind=self.kind,
                    dependants={
                        "loan": self.loans.exists(),
                        "agreement": self.agreements.exists(),
                        "shared_cost": self.shared_service_costs.exists(),
                        "receipt": self.receipts.exists(),
                    },
                )


class SupportAgreement(RulesFirst):
    history = HistoricalRecords()

    source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("funding source"),
        limit_choices_to={"kind__in": AGREEMENT_KINDS},
    )
    title = models.CharField(_("title"), max_length=200)
    committed_amount = money_field(_("committed amount"))
    period_start = models.DateField(_("period start"), validators=[validate_record_date])
    # An agreement may run for several years: its end is a planned date (up to 2099).
    period_end = models.DateField(_("period end"), validators=[validate_planned_date])
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("support agreement")
        verbose_name_plural = _("support agreements")
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_amount__gt=0),
                name="support_agreement_committed_positive",
                violation_error_message=v.ERR_AMOUNT_NOT_POSITIVE,
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="support_agreement_end_after_start",
                violation_error_message=v.ERR_END_BEFORE_START,
            ),
            not_before_earliest("period_start", name="support_agreement_start_from_1990"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        v.validate_period(self.period_start, self.period_end, end_field="period_end")
        if self.source_id is not None:
            v.validate_agreement_source(self.source.kind)


class ExpectedTranche(RulesFirst):
    history = HistoricalRecords()

    agreement = models.ForeignKey(
        SupportAgreement, on_delete=models.CASCADE, related_name="tranches", verbose_name=_("agreement")
    )
    # Expected, possibly years ahead under a multi-year agreement: a planned date (up to 2099).
    date = models.DateField(_("expected on"), validators=[validate_planned_date])
    amount = money_field(_("amount"))

    class Meta:
        verbose_name = _("expected tranche")
        verbose_name_plural = _("expected tranches")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="expected_tranche_amount_positive",
                violation_error_message=v.ERR_AMOUNT_NOT_POSITIVE,
            ),
            not_before_earliest("date", name="expected_tranche_date_from_1990"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.date.isoformat()}"


class ObligationQuerySet(models.QuerySet):
    def open(self) -> ObligationQuerySet:
        return self.filter(status=ObligationStatus.PENDING)

    def overdue(self, *, on: date | None = None) -> ObligationQuerySet:
        return self.open().filter(due_date__lt=on or today())

    def due_soon(self, *, on: date | None = None, days: int = DUE_SOON_DAYS) -> ObligationQuerySet:
        day = on or today()
        return self.open().filter(due_date__range=(day, day + timedelta(days=days)))

    def needing_attention(self, *, on: date | None = None, days: int = DUE_SOON_DAYS) -> ObligationQuerySet:
        """Pending obligations overdue or due within `days` days."""
        day = on or today()
        return self.open().filter(due_date__lte=day + timedelta(days=days))


class Obligation(RulesFirst):
    """A report, audit or covenant owed to a funding source (a bank's yearly report, a grant's
    justification), under one of its support agreements or not."""

    history = HistoricalRecords()

    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="obligations", verbose_name=_("funding source")
    )
    agreement = models.ForeignKey(
        SupportAgreement,
        on_delete=models.CASCADE,
        related_name="obligations",
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        help_text=_("The support agreement it is owed under, if any: an agreement with the same source."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ObligationKind.choices, default=ObligationKind.REPORT
    )
    description = models.CharField(
        _("description"), max_length=250, help_text=_("The report or justification due, e.g. yearly report.")
    )
    # A deadline may be years ahead (the final report of a multi-year grant): a planned date.
    due_date = models.DateField(_("due date"), validators=[validate_planned_date])
    status = models.CharField(
        _("status"), max_length=20, choices=ObligationStatus.choices, default=ObligationStatus.PENDING
    )
    completed_on = models.DateField(
        _("completed on"), null=True, blank=True, validators=[validate_record_date]
    )
    document_reference = models.CharField(
        _("document reference"),
        max_length=120,
        blank=True,
        help_text=_("Where the document is: a file name or a register number."),
    )

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="obligation_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ObligationStatus.values),
                name="obligation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ObligationKind.values),
                name="obligation_kind_valid",
            ),
            not_before_earliest("due_date", name="obligation_due_date_from_1990"),
            not_before_earliest("completed_on", name="obligation_completed_on_from_1990", nullable=True),
        ]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        agreement = self.agreement if self.agreement_id is not None else None
        v.validate_obligation_agreement(
            source_id=self.source_id,
            agreement_source_id=agreement.source_id if agreement is not None else None,
        )


class FundingReceiptQuerySet(InYearQuerySet):
    def external_support(self) -> FundingReceiptQuerySet:
        return self.filter(source__kind__in=EXTERNAL_SUPPORT_KINDS)

    def drawdowns(self) -> FundingReceiptQuerySet:
        return self.filter(source__kind=SourceKind.LOAN)


class FundingReceipt(RulesFirst):
    # Refused in a closed year (kernel.closed_years).
    closed_year_field: ClassVar[str] = "date"

    history = HistoricalRecords()

    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("funding source")
    )
    agreement = models.ForeignKey(
        SupportAgreement,
        on_delete=models.PROTECT,
        related_name="receipts",
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        help_text=_("The support agreement this money was received under, if any."),
    )
    date = models.DateField(_("date"), db_index=True, validators=[validate_record_date])
    amount = money_field(_("amount"))
    reference = models.CharField(_("reference"), max_length=80)
    description = models.CharField(_("description"), max_length=250, blank=True)

    objects = FundingReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding receipt")
        verbose_name_plural = _("funding receipts")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference"],
                name="funding_receipt_reference_unique_per_source",
                violation_error_message=v.ERR_RECEIPT_REFERENCE_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funding_receipt_amount_positive",
                violation_error_message=v.ERR_AMOUNT_NOT_POSITIVE,
            ),
            not_before_earliest("date", name="funding_receipt_date_from_1990"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.date.isoformat()}"

    def clean(self) -> None:
        agreement_source_id = self.agreement.source_id if self.agreement is not None else None
        v.validate_receipt_source(
            kind=self.source.kind if self.source_id is not None else None,
            source_id=self.source_id,
            agreement_source_id=agreement_source_id,
        )
