"""Staff data entry: funding sources, agreements, receipts, the loan, shared services, budgets, expenses.

Board members (view permissions only) get the same pages read-only; staff add and change.

Drill-down query parameters (stable: the dashboards link to these changelists):

=======================================  ===========================================================
changelist                               parameters
=======================================  ===========================================================
``/admin/funding/fundingreceipt/``       ``date_year=2024`` (receipts dated in 2024),
                                         ``source__code__exact=smart-belgium``,
                                         ``source__kind__exact=grant`` (loan, parent_support, grant,
                                         shared_services, other), ``agreement__id__exact=3``
``/admin/funding/expense/``              ``date_year=2024``, ``category__code__exact=it``,
                                         ``service_line__code__exact=it-licensing``
``/admin/funding/loanrepayment/``        ``date_year=2024``, ``kind__exact=prepayment`` (or instalment),
                                         ``loan__id__exact=1``
``/admin/funding/sharedservicecost/``    ``year=2018``, ``source__code__exact=andalusian-coops``
``/admin/funding/costbudget/``           ``year=2024``, ``status__exact=approved`` (or draft)
``/admin/funding/obligation/``           ``deadline=attention`` (overdue or due within 60 days),
                                         ``deadline=overdue``, ``deadline=soon``,
                                         ``status__exact=pending``, ``source__code__exact=fiare``,
                                         ``kind__exact=report`` (audit, covenant, other)
``/admin/funding/fundingsource/``        ``kind__exact=loan``
=======================================  ===========================================================

Example: ``/admin/funding/expense/?date_year=2024&category__code__exact=it`` lists the IT expenses of
2024 with their total. Every changelist makes the same number of queries whatever the number of rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from funding import (
    actions,
    admin_schedule,  # noqa: F401 - registers the schedule's read-only list
    loan_checks,
    record_actions,
    selectors,
)
from funding import resources as exports
from funding import validation as v
from funding.admin_filters import CategoryCodeFilter, ServiceLineCodeFilter, SourceCodeFilter
from funding.admin_obligations import ObligationInline, SourceObligationInline
from funding.choices import BudgetStatus
from funding.models import (
    CostBudget,
    CostBudgetLine,
    ExpectedTranche,
    Expense,
    ExpenseCategory,
    FundingReceipt,
    FundingSource,
    Loan,
    LoanRepayment,
    LoanScheduleEntry,
    Obligation,
    SharedServiceCost,
    SupportAgreement,
)
from smartiberica.kernel.admin_base import ActionAdmin, BigListAdmin, LabelledTabularInline, inline_rows
from smartiberica.kernel.admin_columns import short_column
from smartiberica.kernel.admin_filters import IntegerYearFilter, year_filter
from smartiberica.kernel.admin_totals import TotalChangeListMixin
from smartiberica.kernel.import_admin import RecordsImportExportMixin
from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.record_links import EXPENSE, RECEIPT, REPAYMENT, bank_line_field

# --- Funding sources -----------------------------------------------------------------------------------


@admin.register(FundingSource)
class FundingSourceAdmin(RecordsImportExportMixin, ActionAdmin):
    importer_class = exports.FundingSourceResource.importer_class
    resource_classes = [exports.FundingSourceResource]
    list_display = ("code", "name", "kind", "counterparty", "active_from", "active_to")
    list_filter = ("kind",)
    search_fields = ("code", "name", "counterparty")
    ordering = ("name",)
    inlines = (SourceObligationInline,)

    def save_record(
        self, request: HttpRequest, obj: FundingSource, form: Any, formsets: Any, change: bool
    ) -> None:
        obligations = inline_rows(formsets, Obligation)
        record_actions.source_save(source=obj, obligations=obligations.changed, removed=obligations.removed)

    def delete_record(self, request: HttpRequest, obj: FundingSource) -> None:
        actions.source_delete(source=obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            messages.error(request, v.ERR_SOURCE_IN_USE)
        return deleted, model_count, perms_needed, protected

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        if object_id and str(object_id).isdigit():
            totals = FundingReceipt.objects.filter(source_id=int(object_id)).aggregate(
                total=Sum("amount", default=ZERO), count=Count("pk")
            )
            extra_context["receipts_total"] = round_money(totals["total"])
            extra_context["receipts_count"] = totals["count"]
        return super().change_view(request, object_id, form_url, extra_context=extra_context)


# --- Support agreements --------------------------------------------------------------------------------


class ExpectedTrancheInline(LabelledTabularInline):
    model = ExpectedTranche
    fields = ("date", "amount")
    extra = 0


class AgreementReceiptForm(forms.ModelForm):
    """A receipt entered in its agreement: it comes from the agreement's source."""

    class Meta:
        model = FundingReceipt
        fields = ("date", "amount", "reference", "description")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        agreement = cleaned.get("agreement")
        if agreement is not None:
            self.instance.source_id = agreement.source_id
        return cleaned

    def _get_validation_exclusions(self) -> set[str]:
        # The source is set from the agreement: check (source, reference) uniqueness all the same.
        # A private hook of ModelForm that django-stubs does not declare.
        return super()._get_validation_exclusions() - {"source"}  # type: ignore[misc]


class AgreementReceiptInline(LabelledTabularInline):
    model = FundingReceipt
    form = AgreementReceiptForm
    fields = ("date", "amount", "reference", "description")
    extra = 0
    verbose_name = _("receipt")
    verbose_name_plural = _("receipts received under this agreement")


@admin.register(SupportAgreement)
class SupportAgreementAdmin(BigListAdmin):
    list_display = ("title", "source", "committed_amount", "period_start", "period_end")
    list_filter = (SourceCodeFilter, ("source__kind", admin.ChoicesFieldListFilter))
    list_select_related = ("source",)
    search_fields = ("title", "source__name", "source__code")
    autocomplete_fields = ("source",)
    inlines = (ExpectedTrancheInline, AgreementReceiptInline, ObligationInline)

    def save_record(
        self, request: HttpRequest, obj: SupportAgreement, form: Any, formsets: Any, change: bool
    ) -> None:
        tranches = inline_rows(formsets, ExpectedTranche)
        receipts = inline_rows(formsets, FundingReceipt)
        obligations = inline_rows(formsets, Obligation)
        record_actions.agreement_save(
            agreement=obj,
            tranches=tranches.changed,
            receipts=receipts.changed,
            obligations=obligations.changed,
            removed=[*tranches.removed, *receipts.removed, *obligations.removed],
        )

    def delete_record(self, request: HttpRequest, obj: SupportAgreement) -> None:
        record_actions.agreement_delete(agreement=obj)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        if object_id and str(object_id).isdigit() and SupportAgreement.objects.filter(pk=object_id).exists():
            extra_context["progress"] = selectors.agreement_progress(agreement_id=int(object_id))
        return super().change_view(request, object_id, form_url, extra_context=extra_context)


# --- Receipts ------------------------------------------------------------------------------------------


@admin.register(FundingReceipt)
class FundingReceiptAdmin(RecordsImportExportMixin, TotalChangeListMixin, BigListAdmin):
    importer_class = exports.FundingReceiptResource.importer_class
    resource_classes = [exports.FundingReceiptResource]
    # The amount first, the long texts cut: the amounts stay in sight at 1280 px.
    list_display = (
        "date",
        "amount",
        short_column(FundingReceipt, "source__name", name="source_short"),
        "reference",
        short_column(FundingReceipt, "agreement__title", name="agreement_short"),
        short_column(FundingReceipt, "description"),
    )
    list_filter = (year_filter("date"), ("source__kind", admin.ChoicesFieldListFilter), SourceCodeFilter)
    list_select_related = ("source", "agreement")
    search_fields = ("reference", "description", "source__name", "source__code")
    autocomplete_fields = ("source", "agreement")
    ordering = ("-date", "-pk")
    readonly_fields = ("bank_line",)
    bank_line = bank_line_field(RECEIPT)  # the bank line it was reconciled with (issue 20)

    def save_record(
        self, request: HttpRequest, obj: FundingReceipt, form: Any, formsets: Any, change: bool
    ) -> None:
        record_actions.receipt_save(receipt=obj)

    def delete_record(self, request: HttpRequest, obj: FundingReceipt) -> None:
        record_actions.receipt_delete(receipt=obj)


# --- The loan ------------------------------------------------------------------------------------------


class LoanScheduleInline(LabelledTabularInline):
    """The generated schedule, read-only; `paid` says whether a repayment was recorded against it."""

    model = LoanScheduleEntry
    fields = ("number", "due_date", "instalment", "interest", "principal", "balance", "paid")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("schedule")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LoanScheduleEntry]:
        paid = LoanRepayment.objects.filter(loan_id=OuterRef("loan_id"), instalment_number=OuterRef("number"))
        return super().get_queryset(request).annotate(is_paid=Exists(paid))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("paid"), boolean=True)
    def paid(self, entry: LoanScheduleEntry) -> bool:
        return bool(getattr(entry, "is_paid", False))


@admin.register(Loan)
class LoanAdmin(ActionAdmin):
    list_display = (
        "reference",
        "source",
        "principal",
        "annual_rate",
        "term_instalments",
        "grace_instalments",
        "frequency",
        "start_date",
    )
    list_filter = ("frequency",)
    list_select_related = ("source",)
    search_fields = ("reference", "source__name", "source__code")
    autocomplete_fields = ("source",)
    inlines = (LoanScheduleInline,)
    actions = ("pay_due_instalments",)

    def save_record(self, request: HttpRequest, obj: Loan, form: Any, formsets: Any, change: bool) -> None:
        record_actions.loan_save(loan=obj)

    def delete_record(self, request: HttpRequest, obj: Loan) -> None:
        record_actions.loan_delete(loan=obj)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        loan = Loan.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if loan is not None:
            extra_context["position"] = selectors.loan_position(loan=loan)
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    @admin.action(description=_("Record the instalments due up to today as paid"), permissions=("change",))
    def pay_due_instalments(self, request: HttpRequest, queryset: QuerySet[Loan]) -> None:
        count = 0
        for loan in queryset:
            count += len(actions.loan_pay_due_instalments(loan=loan))
        self.message_user(
            request,
            ngettext(
                "%(count)d instalment recorded as paid.", "%(count)d instalments recorded as paid.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(LoanRepayment)
class LoanRepaymentAdmin(TotalChangeListMixin, BigListAdmin):
    """Repayments made. A prepayment (kind) re-generates the rest of the loan's schedule when saved."""

    list_display = ("date", "principal", "interest", "loan", "kind", "instalment_number")
    list_filter = (year_filter("date"), "kind")
    list_select_related = ("loan",)
    search_fields = ("loan__reference",)
    autocomplete_fields = ("loan",)
    # Principal first (financing repaid); the interest is the cash basis's loan interest figure.
    total_fields = (("principal", _("principal")), ("interest", _("interest")))
    ordering = ("-date", "-pk")
    readonly_fields = ("bank_line",)
    bank_line = bank_line_field(REPAYMENT)

    def save_record(
        self, request: HttpRequest, obj: LoanRepayment, form: Any, formsets: Any, change: bool
    ) -> None:
        record_actions.repayment_save(repayment=obj)

    def delete_record(self, request: HttpRequest, obj: LoanRepayment) -> None:
        actions.loan_delete_repayment(repayment=obj)


# --- Shared services -----------------------------------------------------------------------------------


@admin.register(SharedServiceCost)
class SharedServiceCostAdmin(TotalChangeListMixin, BigListAdmin):
    list_display = (
        "year",
        "avoided",
        "standalone_cost",
        "share_paid",
        "total_cost",
        "share_percent",
        short_column(SharedServiceCost, "service"),
        short_column(SharedServiceCost, "source__name", name="source_short"),
    )
    list_filter = (IntegerYearFilter, SourceCodeFilter)
    list_select_related = ("source",)
    search_fields = ("service", "source__name", "source__code")
    autocomplete_fields = ("source",)
    # The avoided cost first: the in-kind support the board's figure counts.
    total_fields = (
        ("avoided", _("avoided cost (in-kind support)")),
        ("standalone_cost", _("standalone cost")),
        ("share_paid", _("share paid")),
        ("total_cost", _("total cost")),
    )

    def filtered_totals(self, queryset: QuerySet[Any]) -> dict[str, Decimal]:
        sums = queryset.aggregate(
            total_avoided=Sum(F("standalone_cost") - F("share_paid"), default=ZERO),
            **{f"total_{name}": Sum(name, default=ZERO) for name, _label in self.total_fields[1:]},
        )
        return {name: round_money(sums[f"total_{name}"]) for name, _label in self.total_fields}

    def save_record(
        self, request: HttpRequest, obj: SharedServiceCost, form: Any, formsets: Any, change: bool
    ) -> None:
        record_actions.shared_service_cost_save(cost=obj)

    def delete_record(self, request: HttpRequest, obj: SharedServiceCost) -> None:
        record_actions.shared_service_cost_delete(cost=obj)

    @admin.display(description=_("share paid (%)"))
    def share_percent(self, cost: SharedServiceCost) -> Decimal | None:
        return cost.share_percent

    @admin.display(description=_("avoided cost (in-kind support)"))
    def avoided(self, cost: SharedServiceCost) -> Decimal:
        return cost.avoided_cost

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        year = None
        if str(object_id).isdigit():
            year = SharedServiceCost.objects.filter(pk=object_id).values_list("year", flat=True).first()
        if year is not None:
            extra_context["shared_year"] = selectors.shared_services_year(year=year)
        return super().change_view(request, object_id, form_url, extra_context=extra_context)


# --- Categories, budgets and expenses ------------------------------------------------------------------


@admin.register(ExpenseCategory)
class ExpenseCategoryAdmin(ActionAdmin):
    list_display = ("code", "name_es", "name_fr", "name_en", "position")
    search_fields = ("code", "name_es", "name_fr", "name_en")
    ordering = ("position", "code")

    def save_record(
        self, request: HttpRequest, obj: ExpenseCategory, form: Any, formsets: Any, change: bool
    ) -> None:
        record_actions.category_save(category=obj)

    def delete_record(self, request: HttpRequest, obj: ExpenseCategory) -> None:
        record_actions.category_delete(category=obj)


class CostBudgetLineInline(LabelledTabularInline):
    model = CostBudgetLine
    fields = ("category", "amount")
    autocomplete_fields = ("category",)
    extra = 0


def _budget_rank(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["version"], row["approved_on"], row["pk"])


@admin.register(CostBudget)
class CostBudgetAdmin(TotalChangeListMixin, ActionAdmin):
    list_display = ("year", "version", "total", "status", "approved_on", short_column(CostBudget, "label"))
    # Not the sum of every version listed: the budget the board's figure reads, each year's latest
    # approved one.
    total_fields = (("total", _("latest approved budget of each year")),)
    list_filter = (IntegerYearFilter, "status")
    search_fields = ("label",)
    inlines = (CostBudgetLineInline,)
    actions = ("copy_to_next_year", "copy_as_new_version")
    ordering = ("-year", "-version")

    def save_record(
        self, request: HttpRequest, obj: CostBudget, form: Any, formsets: Any, change: bool
    ) -> None:
        lines = inline_rows(formsets, CostBudgetLine)
        record_actions.budget_save(budget=obj, lines=lines.changed, removed=lines.removed)

    def delete_record(self, request: HttpRequest, obj: CostBudget) -> None:
        record_actions.budget_delete(budget=obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CostBudget]:
        return super().get_queryset(request).annotate(lines_total=Sum("lines__amount"))

    @admin.display(description=_("total"), ordering="lines_total")
    def total(self, budget: CostBudget) -> Decimal:
        return round_money(getattr(budget, "lines_total", None) or ZERO)

    def filtered_totals(self, queryset: QuerySet[Any]) -> dict[str, Decimal]:
        # One query over the listed approved budgets (a few a year), the latest of each year kept
        # as `funding.selectors` picks it: highest version, then latest approval.
        approved = queryset.filter(status=BudgetStatus.APPROVED).values(
            "pk", "year", "version", "approved_on", "lines_total"
        )
        latest: dict[int, dict[str, Any]] = {}
        for row in approved.order_by():
            kept = latest.get(row["year"])
            if kept is None or _budget_rank(row) > _budget_rank(kept):
                latest[row["year"]] = row
        total = sum((round_money(row["lines_total"] or ZERO) for row in latest.values()), ZERO)
        return {"total": round_money(total)}

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        budget = CostBudget.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if budget is not None:
            extra_context["comparison"] = selectors.budget_vs_actual(budget=budget)
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def _copy(self, request: HttpRequest, queryset: QuerySet[CostBudget], copy: Any) -> None:
        for budget in queryset.order_by("year", "version"):
            try:
                created = copy(budget=budget)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
                continue
            self.message_user(
                request, _("Created the draft %(budget)s.") % {"budget": created}, messages.SUCCESS
            )

    @admin.action(description=_("Copy as next year's draft"), permissions=("add",))
    def copy_to_next_year(self, request: HttpRequest, queryset: QuerySet[CostBudget]) -> None:
        self._copy(request, queryset, actions.budget_copy_to_next_year)

    @admin.action(description=_("Copy as a new draft version of the same year"), permissions=("add",))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[CostBudget]) -> None:
        self._copy(request, queryset, actions.budget_copy_as_new_version)


@admin.register(Expense)
class ExpenseAdmin(RecordsImportExportMixin, TotalChangeListMixin, BigListAdmin):
    importer_class = exports.ExpenseResource.importer_class
    resource_classes = [exports.ExpenseResource]
    # The amount first, the long texts cut: the amounts stay in sight at 1280 px.
    list_display = (
        "date",
        "amount",
        "category",
        short_column(Expense, "supplier"),
        "reference",
        short_column(Expense, "description"),
    )
    list_filter = (year_filter("date"), CategoryCodeFilter, ServiceLineCodeFilter)
    list_select_related = ("category",)
    search_fields = ("reference", "supplier", "description")
    autocomplete_fields = ("category",)
    ordering = ("-date", "-pk")
    readonly_fields = ("bank_line",)
    bank_line = bank_line_field(EXPENSE)

    def save_record(self, request: HttpRequest, obj: Expense, form: Any, formsets: Any, change: bool) -> None:
        record_actions.expense_save(expense=obj)
        # Saved all the same: a warning, since a bank fee may share the instalment's date.
        warning = loan_checks.expense_loan_warning(on=obj.date, amount=obj.amount, supplier=obj.supplier)
        if warning:
            messages.warning(request, warning)

    def delete_record(self, request: HttpRequest, obj: Expense) -> None:
        record_actions.expense_delete(expense=obj)
