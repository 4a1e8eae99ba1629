"""What running the cooperative costs: shared (mutualised) services, expense categories, cost
budgets and expenses."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from funding import validation as v
from funding.choices import BudgetStatus, SourceKind
from funding.models.base import InYearQuerySet, money_field
from funding.models.sources import FundingSource
from smartiberica.kernel.dates import not_before_earliest, validate_record_date, year_not_before_earliest
from smartiberica.kernel.models_base import RulesFirst
from smartiberica.kernel.money import ratio
from smartiberica.kernel.translated import TranslatedName


class SharedServiceCost(RulesFirst):
    """A year of a service shared with other cooperatives.

    The share paid is booked as an expense (category shared-services); this record only adds the
    avoided cost (standalone − share paid) as in-kind support, so nothing is counted twice.
    """

    # Refused in a closed year (kernel.closed_years).
    closed_year_field: ClassVar[str] = "year"

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


class ExpenseCategory(RulesFirst, TranslatedName):
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


class CostBudgetQuerySet(models.QuerySet):
    def approved(self) -> CostBudgetQuerySet:
        return self.filter(status=BudgetStatus.APPROVED)


class CostBudget(RulesFirst):
    # Refused in a closed year (kernel.closed_years).
    closed_year_field: ClassVar[str] = "year"

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


class CostBudgetLine(RulesFirst):
    # Refused in a closed year, the year of the record it belongs to (kernel.closed_years).
    closed_year_field: ClassVar[str] = "budget__year"

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
        return f"{self.budget} · {self.category.name}"  # the name in the reader's language


class Expense(RulesFirst):
    # Refused in a closed year (kernel.closed_years).
    closed_year_field: ClassVar[str] = "date"

    history = HistoricalRecords()

    date = models.DateField(_("date"), db_index=True, validators=[validate_record_date])
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("category")
    )
    # The services app's line, named by its label: funding never imports services, the two meet
    # at the database (a real foreign key) only (docs/architecture.md).
    service_line = models.ForeignKey(
        "services.ServiceLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service line"),
        help_text=_(
            "The service line this expense serves directly (e.g. licences bought for resale), if any: "
            "it counts as a direct cost in the line's contribution."
        ),
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


def service_line_model() -> type[models.Model]:
    """The services app's `ServiceLine`, found through the expense's foreign key: funding names
    the model by its label and never imports the app (docs/architecture.md)."""
    model = Expense._meta.get_field("service_line").related_model
    assert isinstance(model, type) and issubclass(model, models.Model)
    return model
