"""Where the money comes from and what running the cooperative costs.

Money is `DecimalField(14, 2)`, rates `DecimalField(5, 2)` percentages. Every rule is checked twice:
by the validators and `clean()` (translated messages from `funding.validation`) and by a database
constraint, so nothing invalid lands through the shell, a bulk insert or an import either.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from funding import validation as v
from funding.loan_schedule import Prepayment
from smartiberica.kernel.dates import (
    EARLIEST_RECORD_DATE,
    latest_record_date,
    not_before_earliest,
    today,
    validate_planned_date,
    validate_record_date,
    year_bounds,
    year_not_before_earliest,
)
from smartiberica.kernel.money import ratio
from smartiberica.kernel.translated import TranslatedName

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 5, "decimal_places": 2}
DUE_SOON_DAYS = 60


def money_field(verbose_name: str, *, positive: bool = True, **kwargs: object) -> models.DecimalField:
    validator = v.validate_positive_amount if positive else v.validate_non_negative_amount
    return models.DecimalField(verbose_name, **MONEY, validators=[validator], **kwargs)  # type: ignore[arg-type]


class InYearQuerySet(models.QuerySet):
    date_field = "date"

    def in_year(self, year: int) -> InYearQuerySet:
        return self.filter(**{f"{self.date_field}__range": year_bounds(year)})

    def up_to(self, day: date) -> InYearQuerySet:
        return self.filter(**{f"{self.date_field}__lte": day})


# --- Funding sources -------------------------------------------------------------------------------


class SourceKind(models.TextChoices):
    LOAN = "loan", _("loan")
    PARENT_SUPPORT = "parent_support", _("parent support")
    GRANT = "grant", _("grant")
    SHARED_SERVICES = "shared_services", _("shared services")
    OTHER = "other", _("other")


# Receipts from these kinds are external support; loan receipts are drawdowns (financing).
EXTERNAL_SUPPORT_KINDS = (SourceKind.PARENT_SUPPORT, SourceKind.GRANT, SourceKind.OTHER)
AGREEMENT_KINDS = (SourceKind.PARENT_SUPPORT, SourceKind.GRANT)


class FundingSource(models.Model):
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


class SupportAgreement(models.Model):
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


class ExpectedTranche(models.Model):
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


class ObligationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    WAIVED = "waived", _("waived")


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


class Obligation(models.Model):
    history = HistoricalRecords()

    agreement = models.ForeignKey(
        SupportAgreement, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("agreement")
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
            not_before_earliest("due_date", name="obligation_due_date_from_1990"),
            not_before_earliest("completed_on", name="obligation_completed_on_from_1990", nullable=True),
        ]

    def __str__(self) -> str:
        return self.description


class FundingReceiptQuerySet(InYearQuerySet):
    def external_support(self) -> FundingReceiptQuerySet:
        return self.filter(source__kind__in=EXTERNAL_SUPPORT_KINDS)

    def drawdowns(self) -> FundingReceiptQuerySet:
        return self.filter(source__kind=SourceKind.LOAN)


class FundingReceipt(models.Model):
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
        agreement_source_id = self.agreement.source_id if self.agreement_id is not None else None
        v.validate_receipt_source(
            kind=self.source.kind if self.source_id is not None else None,
            source_id=self.source_id,
            agreement_source_id=agreement_source_id,
        )


# --- The loan --------------------------------------------------------------------------------------


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")


PERIODS_PER_YEAR = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4}


class Loan(models.Model):
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
        validators=[v.validate_percentage],
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
                violation_error_message=v.ERR_RATE_OUT_OF_RANGE,
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

    def schedule_terms(self) -> dict[str, object]:
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


class LoanScheduleEntry(models.Model):
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


class RepaymentKind(models.TextChoices):
    INSTALMENT = "instalment", _("instalment")
    PREPAYMENT = "prepayment", _("prepayment")


class LoanRepayment(models.Model):
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


# --- Shared (mutualised) services ------------------------------------------------------------------


class SharedServiceCost(models.Model):
    """A year of a service shared with other cooperatives.

    The share paid is booked as an expense (category shared-services); this record only adds the
    avoided cost (standalone − share paid) as in-kind support, so nothing is counted twice.
    """

    history = HistoricalRecords()

    source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="shared_service_costs",
        verbose_name=_("funding source"),
        limit_choices_to={"kind": SourceKind.SHARED_SERVICES},
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[v.validate_year])
    service = models.CharField(
        _("service"), max_length=120, help_text=_("e.g. accounting office, premises, software.")
    )
    total_cost = money_field(_("total cost"), help_text=_("What the service cost all the cooperatives."))
    share_paid = money_field(
        _("share paid"),
        positive=False,
        help_text=_("What this cooperative paid: book it as an expense in the shared-services category."),
    )
    standalone_cost = money_field(
        _("standalone cost"), positive=False, help_text=_("What the cooperative would pay on its own.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("shared-service cost")
        verbose_name_plural = _("shared-service costs")
        ordering = ["-year", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "service"],
                name="shared_service_cost_unique_year_service",
                violation_error_message=v.ERR_SHARED_COST_TAKEN,
            ),
            # The upper bound follows today: the validator checks it.
            year_not_before_earliest("year", name="shared_service_cost_year_range"),
            models.CheckConstraint(
                condition=Q(total_cost__gt=0),
                name="shared_service_cost_total_positive",
                violation_error_message=v.ERR_AMOUNT_NOT_POSITIVE,
            ),
            models.CheckConstraint(
                condition=Q(share_paid__gte=0, share_paid__lte=F("total_cost")),
                name="shared_service_cost_share_within_total",
                violation_error_message=v.ERR_SHARE_EXCEEDS_TOTAL,
            ),
            models.CheckConstraint(
                condition=Q(standalone_cost__gte=F("share_paid")),
                name="shared_service_cost_standalone_covers_share",
                violation_error_message=v.ERR_STANDALONE_BELOW_SHARE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.year}"

    @property
    def avoided_cost(self) -> Decimal:
        """The in-kind support: what the cooperative did not have to pay thanks to the pooling."""
        return self.standalone_cost - self.share_paid

    @property
    def share_percent(self) -> Decimal | None:
        """The share paid as a percentage of the total cost (0–100)."""
        fraction = ratio(self.share_paid, self.total_cost)
        return None if fraction is None else (fraction * 100).quantize(Decimal("0.01"))

    def clean(self) -> None:
        v.validate_shared_cost(
            total_cost=self.total_cost, share_paid=self.share_paid, standalone_cost=self.standalone_cost
        )
        if self.source_id is not None:
            v.validate_shared_cost_source(self.source.kind)


# --- Cost budgets and expenses ---------------------------------------------------------------------


class ExpenseCategory(TranslatedName):
    history = HistoricalRecords()

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        error_messages={"unique": v.ERR_CATEGORY_CODE_TAKEN},
        help_text=_("Stable identifier used in reports and imports, e.g. premises."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=100, help_text=_("Order in lists and reports (smallest first).")
    )

    class Meta:
        verbose_name = _("expense category")
        verbose_name_plural = _("expense categories")
        ordering = ["position", "code"]


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")


class CostBudgetQuerySet(models.QuerySet):
    def approved(self) -> CostBudgetQuerySet:
        return self.filter(status=BudgetStatus.APPROVED)


class CostBudget(models.Model):
    history = HistoricalRecords()

    year = models.PositiveSmallIntegerField(_("year"), validators=[v.validate_year])
    version = models.PositiveSmallIntegerField(_("version"), default=1, validators=[v.validate_version])
    label = models.CharField(_("label"), max_length=120, help_text=_("e.g. initial, revised in June."))
    status = models.CharField(
        _("status"), max_length=10, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True, validators=[validate_record_date])
    notes = models.TextField(_("notes"), blank=True)

    objects = CostBudgetQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost budget")
        verbose_name_plural = _("cost budgets")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "version"],
                name="cost_budget_unique_year_version",
                violation_error_message=v.ERR_BUDGET_VERSION_TAKEN,
            ),
            year_not_before_earliest("year", name="cost_budget_year_range"),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="cost_budget_version_from_one",
                violation_error_message=v.ERR_BUDGET_VERSION_TOO_LOW,
            ),
            models.CheckConstraint(
                condition=Q(status__in=BudgetStatus.values),
                name="cost_budget_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=BudgetStatus.APPROVED) | Q(approved_on__isnull=False),
                name="cost_budget_approved_has_date",
                violation_error_message=v.ERR_APPROVED_WITHOUT_DATE,
            ),
            models.CheckConstraint(
                condition=~Q(status=BudgetStatus.DRAFT) | Q(approved_on__isnull=True),
                name="cost_budget_draft_has_no_date",
                violation_error_message=v.ERR_DRAFT_WITH_APPROVAL_DATE,
            ),
            not_before_earliest("approved_on", name="cost_budget_approved_on_from_1990", nullable=True),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version} · {self.label}"

    def clean(self) -> None:
        v.validate_budget_approval(status=self.status, approved_on=self.approved_on)


class CostBudgetLine(models.Model):
    history = HistoricalRecords()

    budget = models.ForeignKey(
        CostBudget, on_delete=models.CASCADE, related_name="lines", verbose_name=_("budget")
    )
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("category")
    )
    amount = money_field(_("amount"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["category__position", "category__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "category"],
                name="cost_budget_line_unique_category",
                violation_error_message=v.ERR_BUDGET_LINE_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="cost_budget_line_amount_positive",
                violation_error_message=v.ERR_AMOUNT_NOT_POSITIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget} · {self.category.code}"


class Expense(models.Model):
    history = HistoricalRecords()

    date = models.DateField(_("date"), db_index=True, validators=[validate_record_date])
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("category")
    )
    supplier = models.CharField(_("supplier"), max_length=200)
    amount = money_field(_("net amount"), help_text=_("VAT excluded."))
    reference = models.CharField(
        _("reference"),
        max_length=80,
        unique=True,
        error_messages={"unique": v.ERR_EXPENSE_REFERENCE_TAKEN},
        help_text=_("The supplier's invoice number or another unique reference."),
    )
    description = models.CharField(_("description"), max_length=250, blank=True)

    objects = InYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="expense_amount_positive",
                violation_error_message=v.ERR_AMOUNT_NOT_POSITIVE,
            ),
            not_before_earliest("date", name="expense_date_from_1990"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.supplier}"
