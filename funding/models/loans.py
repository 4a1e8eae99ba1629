"""The loan, its generated schedule and its repayments."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from funding import validation as v
from funding.choices import PERIODS_PER_YEAR, Frequency, RepaymentKind, SourceKind
from funding.loan_schedule import Prepayment, ScheduleTerms
from funding.models.base import InYearQuerySet, money_field
from funding.models.sources import FundingSource
from smartiberica.kernel.dates import (
    EARLIEST_RECORD_DATE,
    latest_record_date,
    not_before_earliest,
    validate_record_date,
)
from smartiberica.kernel.models_base import RulesFirst
from smartiberica.kernel.money import MONEY, RATE
from smartiberica.kernel.rates import ERR_RATE_OUT_OF_RANGE, validate_percentage


class Loan(RulesFirst):
    history = HistoricalRecords()

    source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="loans",
        verbose_name=_("lender"),
        limit_choices_to={"kind": SourceKind.LOAN},
    )
    reference = models.CharField(
        _("reference"),
        max_length=80,
        unique=True,
        error_messages={"unique": v.ERR_LOAN_REFERENCE_TAKEN},
        help_text=_("The loan contract number."),
    )
    principal = money_field(_("principal"))
    annual_rate = models.DecimalField(
        _("nominal annual rate (%)"),
        **RATE,
        validators=[validate_percentage],
        help_text=_("A percentage: 2.75 means 2.75 % a year."),
    )
    term_instalments = models.PositiveSmallIntegerField(
        _("term (instalments)"),
        validators=[v.validate_term],
        help_text=_("Number of instalments, grace instalments included: 60 for five years paid monthly."),
    )
    grace_instalments = models.PositiveSmallIntegerField(
        _("grace period (instalments)"),
        default=0,
        help_text=_("Interest-only instalments at the start of the loan."),
    )
    start_date = models.DateField(
        _("start date"),
        help_text=_("Date the principal is drawn; the first instalment falls one period later."),
        validators=[validate_record_date],
    )
    frequency = models.CharField(
        _("payment frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-start_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gt=0),
                name="loan_principal_positive",
                violation_error_message=v.ERR_AMOUNT_NOT_POSITIVE,
            ),
            models.CheckConstraint(
                condition=Q(annual_rate__gte=0, annual_rate__lte=100),
                name="loan_rate_percentage",
                violation_error_message=ERR_RATE_OUT_OF_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(term_instalments__gte=1),
                name="loan_term_at_least_one",
                violation_error_message=v.ERR_TERM_TOO_SHORT,
            ),
            models.CheckConstraint(
                condition=Q(grace_instalments__gte=0, grace_instalments__lt=F("term_instalments")),
                name="loan_grace_shorter_than_term",
                violation_error_message=v.ERR_GRACE_TOO_LONG,
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values),
                name="loan_frequency_valid",
            ),
            not_before_earliest("start_date", name="loan_start_date_from_1990"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def periods_per_year(self) -> int:
        return PERIODS_PER_YEAR[Frequency(self.frequency)]

    def recorded_prepayments(self, *, excluding_pk: int | None = None) -> list[Prepayment]:
        if self.pk is None:
            return []
        rows = self.repayments.filter(kind=RepaymentKind.PREPAYMENT)
        if excluding_pk is not None:
            rows = rows.exclude(pk=excluding_pk)
        return [Prepayment(on=r.date, amount=r.principal) for r in rows.order_by("date", "pk")]

    def schedule_terms(self) -> ScheduleTerms:
        return {
            "principal": self.principal,
            "annual_rate": self.annual_rate,
            "instalments": self.term_instalments,
            "grace_instalments": self.grace_instalments,
            "start": self.start_date,
            "periods_per_year": self.periods_per_year,
        }

    def _terms_are_valid(self) -> bool:
        return (
            self.principal is not None
            and self.principal > 0
            and self.annual_rate is not None
            and 0 <= self.annual_rate <= 100
            and self.term_instalments is not None
            and self.term_instalments >= 1
            and self.grace_instalments is not None
            and 0 <= self.grace_instalments < self.term_instalments
            and self.start_date is not None
            and EARLIEST_RECORD_DATE <= self.start_date <= latest_record_date()
            and self.frequency in Frequency.values
        )

    def clean(self) -> None:
        if self.source_id is not None:
            v.validate_loan_source(self.source.kind)
        v.validate_grace(term=self.term_instalments, grace=self.grace_instalments)
        if self.pk is not None and self._terms_are_valid():
            # Changed terms must still fit the prepayments already recorded.
            v.validate_loan_terms_with_prepayments(
                **self.schedule_terms(), prepayments=self.recorded_prepayments()
            )


class LoanScheduleEntry(RulesFirst):
    """One generated row of the loan's schedule: never entered by hand (see actions)."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="schedule", verbose_name=_("loan"))
    number = models.PositiveSmallIntegerField(_("number"))
    due_date = models.DateField(_("due date"))
    instalment = models.DecimalField(_("instalment"), **MONEY)
    interest = models.DecimalField(_("interest"), **MONEY)
    principal = models.DecimalField(_("principal"), **MONEY)
    balance = models.DecimalField(_("remaining balance"), **MONEY)

    class Meta:
        verbose_name = _("schedule entry")
        verbose_name_plural = _("schedule entries")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="loan_schedule_number_unique"),
            models.CheckConstraint(
                condition=Q(interest__gte=0, principal__gte=0, balance__gte=0),
                name="loan_schedule_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan} #{self.number}"


class LoanRepayment(RulesFirst):
    # Refused in a closed year (kernel.closed_years).
    closed_year_field: ClassVar[str] = "date"

    history = HistoricalRecords()

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="repayments", verbose_name=_("loan")
    )
    date = models.DateField(_("date"), db_index=True, validators=[validate_record_date])
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=RepaymentKind.choices,
        default=RepaymentKind.INSTALMENT,
        help_text=_("A prepayment repays extra principal and re-generates the rest of the schedule."),
    )
    instalment_number = models.PositiveSmallIntegerField(
        _("instalment number"), null=True, blank=True, help_text=_("The schedule row this repayment pays.")
    )
    interest = money_field(_("interest"), positive=False)
    principal = money_field(_("principal"), positive=False)

    objects = InYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan repayment")
        verbose_name_plural = _("loan repayments")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interest__gte=0, principal__gte=0),
                name="loan_repayment_non_negative",
                violation_error_message=v.ERR_AMOUNT_NEGATIVE,
            ),
            models.CheckConstraint(
                condition=Q(interest__gt=0) | Q(principal__gt=0),
                name="loan_repayment_not_empty",
                violation_error_message=v.ERR_REPAYMENT_EMPTY,
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RepaymentKind.values),
                name="loan_repayment_kind_valid",
            ),
            not_before_earliest("date", name="loan_repayment_date_from_1990"),
            models.CheckConstraint(
                condition=Q(kind=RepaymentKind.INSTALMENT)
                | Q(kind=RepaymentKind.PREPAYMENT, interest=0, instalment_number__isnull=True),
                name="loan_prepayment_principal_only",
                violation_error_message=v.ERR_PREPAYMENT_INTEREST,
            ),
            models.UniqueConstraint(
                fields=["loan", "instalment_number"],
                condition=Q(instalment_number__isnull=False),
                name="loan_repayment_one_per_instalment",
                violation_error_message=v.ERR_INSTALMENT_ALREADY_PAID,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan} · {self.date.isoformat()}"

    @property
    def amount(self) -> Decimal:
        return (self.interest or Decimal(0)) + (self.principal or Decimal(0))

    def clean(self) -> None:
        loan = self.loan if self.loan_id is not None else None
        numbers = None
        if loan is not None and self.instalment_number is not None:
            numbers = set(loan.schedule.values_list("number", flat=True))
        v.validate_repayment(
            kind=self.kind,
            interest=self.interest,
            principal=self.principal,
            instalment_number=self.instalment_number,
            on=self.date,
            loan_start=loan.start_date if loan is not None else None,
            schedule_numbers=numbers,
        )
        if (
            loan is not None
            and self.kind == RepaymentKind.PREPAYMENT
            and self.date is not None
            and self.principal is not None
            and self.principal > 0
        ):
            v.validate_loan_terms_with_prepayments(
                **loan.schedule_terms(),
                prepayments=loan.recorded_prepayments(excluding_pk=self.pk),
                new_prepayment=Prepayment(on=self.date, amount=self.principal),
            )
