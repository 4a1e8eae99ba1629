"""Reads of the funding app for the dashboards and the admin: a fixed number of queries each.

Every amount is a `Decimal` re-quantized with `round_money` (SQLite sums decimals as REAL). Years
are filtered with date ranges (`year_bounds`) so the date indexes are used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet, Sum

# Every receipt, repayment and expense of a period (the demo's bank statements).
from funding.cash_records import funding_movements_between as funding_movements_between
from funding.choices import EXTERNAL_SUPPORT_KINDS, RepaymentKind, SourceKind

# The calendar's reads (issue 21): the obligations' choices, tranches, instalments, budget approvals.
from funding.choices import ObligationKind as ObligationKind
from funding.choices import ObligationStatus as ObligationStatus

# The service lines' direct costs (issue 22): the board's contribution margin reads them here.
from funding.direct_costs import direct_costs_by_line as direct_costs_by_line
from funding.due_dates import InstalmentDue as InstalmentDue
from funding.due_dates import TrancheDue as TrancheDue
from funding.due_dates import budget_approvals as budget_approvals
from funding.due_dates import instalments_between as instalments_between
from funding.due_dates import tranches_between as tranches_between

# The bank reconciliation's reads (issue 20) live in their own module; the board reads them here.
from funding.matching import ExpenseRecord as ExpenseRecord
from funding.matching import FundingRecords as FundingRecords
from funding.matching import ReceiptRecord as ReceiptRecord
from funding.matching import RepaymentRecord as RepaymentRecord
from funding.matching import funding_candidates as funding_candidates
from funding.matching import funding_records as funding_records
from funding.matching import source_by_id as source_by_id
from funding.models import (
    CostBudget,
    CostBudgetLine,
    ExpectedTranche,
    Expense,
    ExpenseCategory,
    ExpenseMonth,
    FundingReceipt,
    FundingSource,
    Loan,
    LoanRepayment,
    LoanScheduleEntry,
    Obligation,
    ReceiptMonth,
    SharedServiceCost,
    SupportAgreement,
)

# The monthly reads of the year-end projection live in their own module; the board reads them here.
from funding.monthly import ExpectedReceipt as ExpectedReceipt
from funding.monthly import FundingMonths as FundingMonths
from funding.monthly import ScheduledInstalment as ScheduledInstalment
from funding.monthly import funding_months as funding_months

# The obligations owed to funders (issue 21): the calendar and the alerts read them here.
from funding.obligations import ObligationDue as ObligationDue
from funding.obligations import obligations_between as obligations_between
from funding.obligations import obligations_due as obligations_due
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.dates import today, year_bounds
from smartiberica.kernel.money import ZERO, ratio, round_money
from smartiberica.kernel.periods import YearOf, YearProbe, years_present_many
from smartiberica.kernel.shared_reads import shared_read

# Where the grouped sums of receipts and expenses come from: the monthly rollups the actions keep
# in step (`funding.models.rollups`), or the records themselves (the oracle `check_rollups` compares).
Totals = Literal["rollups", "raw"]


def _sum(field: str, **kwargs: object) -> Sum:
    return Sum(field, default=ZERO, **kwargs)  # type: ignore[arg-type]


def _money(value: Decimal | int | None) -> Decimal:
    return round_money(value if value is not None else ZERO)


@dataclass(frozen=True)
class FundingYear:
    year: int
    # source code -> Σ receipts dated in the year from parent_support, grant and other sources (non-zero)
    external_receipts_by_source: dict[str, Decimal]
    # shared_services source code -> Σ (standalone cost − share paid) of its costs of the year (non-zero)
    in_kind_by_source: dict[str, Decimal]
    in_kind_shared_services: Decimal  # Σ of in_kind_by_source
    loan_drawdowns: Decimal  # Σ receipts dated in the year from loan sources: financing, not income
    # v2: the accrual basis counts the interest of the schedule rows due in the year (paid or not),
    # the cash basis the interest of the repayments dated in the year.
    loan_interest_due: Decimal
    loan_interest_paid: Decimal
    loan_principal_repaid: Decimal  # Σ principal of the loan repayments dated in the year: not a cost
    # Σ loan-source receipts up to 31 December − Σ repayment principal up to 31 December
    loan_outstanding_year_end: Decimal
    costs_by_category: dict[str, Decimal]  # every category code (zeros included) -> Σ expenses of the year
    expenses_total: Decimal  # Σ of costs_by_category
    budgeted_costs: Decimal | None  # total of the latest approved budget of the year; None without one
    budgeted_by_category: dict[str, Decimal]  # that budget's lines by category code ({} without one)
    source_names: dict[str, str]  # code -> name of every source in the two dicts above
    category_names: dict[str, str]  # code -> name (in the active language) of every category


def funding_years(*, years: Iterable[int], source: Totals = "rollups") -> dict[int, FundingYear]:
    """The funding figures of each year asked for, in seven queries whatever the number of years
    and the volume: receipts, shared-service costs, repayments, schedule interest, categories,
    expenses, approved budgets with their lines (one LEFT JOIN).

    Receipts by source and expenses by category are read from the monthly rollups
    (`source="rollups"`, a few rows a month) or aggregated from the records (`source="raw"`):
    the same figures either way, the raw path being the reference the rollups are checked against.

    The one computation of these figures: one year is asked for as `funding_years(years=[y])`.
    The loan's outstanding principal at each year end adds up the yearly drawdowns and
    repayments of all the years before it.
    """
    wanted = sorted(set(years))
    if not wanted:
        return {}
    first, last = year_bounds(wanted[0])[0], year_bounds(wanted[-1])[1]
    source_names: dict[int, dict[str, str]] = {y: {} for y in wanted}
    receipts = _receipts(wanted, last, source_names, source)
    in_kind = _in_kind(wanted, source_names)
    repaid = _repaid_by_year(last)
    interest_due = _interest_due_by_year(first, last)
    categories = list(expense_categories())
    costs = _costs(wanted, first, last, categories, source)
    budgets = _approved_budgets(wanted)

    result = {}
    for year in wanted:
        drawn_to_date = sum((v for y, v in receipts.drawn_by_year.items() if y <= year), ZERO)
        principal_to_date = sum((p for y, (_i, p) in repaid.items() if y <= year), ZERO)
        interest, principal = repaid.get(year, (ZERO, ZERO))
        budgeted, budgeted_by_category = budgets[year]
        result[year] = FundingYear(
            year=year,
            external_receipts_by_source=receipts.external[year],
            in_kind_by_source=in_kind[year],
            in_kind_shared_services=round_money(sum(in_kind[year].values(), ZERO)),
            loan_drawdowns=round_money(receipts.drawdowns[year]),
            loan_interest_due=interest_due.get(year, ZERO),
            loan_interest_paid=interest,
            loan_principal_repaid=principal,
            loan_outstanding_year_end=round_money(drawn_to_date) - round_money(principal_to_date),
            costs_by_category=costs[year],
            expenses_total=round_money(sum(costs[year].values(), ZERO)),
            budgeted_costs=budgeted,
            budgeted_by_category=budgeted_by_category,
            source_names=source_names[year],
            category_names={category.code: category.name for category in categories},
        )
    return result


@dataclass(frozen=True)
class _Receipts:
    external: dict[int, dict[str, Decimal]]  # year -> source code -> external support received
    drawdowns: dict[int, Decimal]  # year asked for -> loan drawdowns
    drawn_by_year: dict[int, Decimal]  # every year up to the last one -> loan drawdowns


def _receipts(
    wanted: list[int], last: date, source_names: dict[int, dict[str, str]], source: Totals
) -> _Receipts:
    """One query: every receipt (or monthly total) up to the last year, since drawdowns before the
    first year count in the outstanding loan."""
    wanted_set = set(wanted)
    receipts = _Receipts(
        external={y: {} for y in wanted}, drawdowns={y: ZERO for y in wanted}, drawn_by_year={}
    )
    for row in _receipt_sums(last, source):
        year, total = row["y"], _money(row["total"])
        if row["source__kind"] == SourceKind.LOAN:
            receipts.drawn_by_year[year] = receipts.drawn_by_year.get(year, ZERO) + total
            if year in wanted_set:
                receipts.drawdowns[year] += total
        elif year in wanted_set and row["source__kind"] in EXTERNAL_SUPPORT_KINDS and total != 0:
            receipts.external[year][row["source__code"]] = total
            source_names[year][row["source__code"]] = row["source__name"]
    return receipts


@compiled_read
def _receipt_sums(last: date, source: Totals) -> QuerySet[Any, Any]:
    keys = ("y", "source__code", "source__name", "source__kind")
    if source == "raw":
        grouped = FundingReceipt.objects.up_to(last).annotate(y=YearOf("date")).values(*keys)
    else:
        grouped = ReceiptMonth.objects.filter(month__lte=last).annotate(y=YearOf("month")).values(*keys)
    return grouped.annotate(total=_sum("amount")).order_by("y", "source__code")


def _in_kind(wanted: list[int], source_names: dict[int, dict[str, str]]) -> dict[int, dict[str, Decimal]]:
    """One query: the avoided cost of the shared services, by year and source."""
    in_kind: dict[int, dict[str, Decimal]] = {y: {} for y in wanted}
    for year, code, name, avoided in _in_kind_rows():
        if year in in_kind and avoided != 0:
            in_kind[year][code] = avoided
            source_names[year][code] = name
    return in_kind


@shared_read
def _in_kind_rows() -> tuple[tuple[int, str, str, Decimal], ...]:
    """One query: (year, source code, source name, avoided cost) of every year, by year and code.
    A yearly table of a few rows: the figures and the projection of a page read it once."""
    return tuple(
        (r["year"], r["source__code"], r["source__name"], _money(r["standalone"]) - _money(r["paid"]))
        for r in _shared_service_sums()
    )


@compiled_read
def _shared_service_sums() -> QuerySet[Any, Any]:
    return (
        SharedServiceCost.objects.values("year", "source__code", "source__name")
        .annotate(standalone=_sum("standalone_cost"), paid=_sum("share_paid"))
        .order_by("year", "source__code")
    )


@compiled_read
def _repayment_sums(last: date) -> QuerySet[Any, Any]:
    return (
        LoanRepayment.objects.up_to(last)
        .annotate(y=YearOf("date"))
        .values_list("y")
        .annotate(interest=_sum("interest"), principal=_sum("principal"))
        .order_by("y")
    )


def _repaid_by_year(last: date) -> dict[int, tuple[Decimal, Decimal]]:
    """One query: (interest, principal) repaid in each year up to the last one."""
    sums = _repayment_sums(last)
    return {year: (_money(interest), _money(principal)) for year, interest, principal in sums}


@compiled_read
def _interest_due_sums(first: date, last: date) -> QuerySet[Any, Any]:
    return (
        LoanScheduleEntry.objects.filter(due_date__range=(first, last))
        .annotate(y=YearOf("due_date"))
        .values_list("y")
        .annotate(interest=_sum("interest"))
        .order_by()
    )


def _interest_due_by_year(first: date, last: date) -> dict[int, Decimal]:
    """One query. A prepayment re-generates the schedule, so the rows say what interest falls due
    each year."""
    return {year: _money(interest) for year, interest in _interest_due_sums(first, last)}


def _costs(
    wanted: list[int], first: date, last: date, categories: list[ExpenseCategory], source: Totals
) -> dict[int, dict[str, Decimal]]:
    """One query: the expenses of each year by category code, every category present (zeros too)."""
    costs = {y: {category.code: ZERO for category in categories} for y in wanted}
    for year, code, total in _cost_sums(first, last, source):
        if year in costs:
            costs[year][code] = _money(total)
    return costs


@compiled_read
def _cost_sums(first: date, last: date, source: Totals) -> QuerySet[Any, Any]:
    if source == "raw":
        grouped = Expense.objects.filter(date__range=(first, last)).annotate(y=YearOf("date"))
    else:
        grouped = ExpenseMonth.objects.filter(month__range=(first, last)).annotate(y=YearOf("month"))
    return grouped.values_list("y", "category__code").annotate(total=_sum("amount")).order_by()


@shared_read
def _approved_budget_rows() -> tuple[dict[str, Any], ...]:
    """One query: the lines of every approved budget version (a few per year; read once a page)."""
    return tuple(_approved_budget_lines())


@compiled_read
def _approved_budget_lines() -> QuerySet[Any, Any]:
    return CostBudget.objects.approved().values(
        "pk", "year", "version", "approved_on", "lines__category__code", "lines__amount"
    )


def _approved_budgets(wanted: list[int]) -> dict[int, tuple[Decimal | None, dict[str, Decimal]]]:
    """One query: the total and the lines by category of each year's latest approved budget."""
    approved_rows = _approved_budget_rows()
    budgets: dict[int, tuple[Decimal | None, dict[str, Decimal]]] = {y: (None, {}) for y in wanted}
    for year in wanted:
        of_year = [r for r in approved_rows if r["year"] == year]
        if not of_year:
            continue
        latest = max(of_year, key=lambda r: (r["version"], r["approved_on"], r["pk"]))["pk"]
        by_category = {
            r["lines__category__code"]: _money(r["lines__amount"])
            for r in of_year
            if r["pk"] == latest and r["lines__category__code"] is not None
        }
        budgets[year] = (round_money(sum(by_category.values(), ZERO)), by_category)
    return budgets


@shared_read
def expense_categories() -> tuple[ExpenseCategory, ...]:
    """Every expense category (one query; once per page within `shared_reads`)."""
    return tuple(ExpenseCategory.objects.all())


def categories_by_code() -> dict[str, ExpenseCategory]:
    """Every expense category, keyed by its stable code (for importers and the demo)."""
    return {category.code: category for category in expense_categories()}


@dataclass(frozen=True)
class SourceChoice:
    """A funding source as a form's picker offers it."""

    id: int
    code: str
    name: str


def sources_for_choice() -> list[SourceChoice]:
    """Every funding source, by name (one query): the board's scenario form offers them."""
    rows = FundingSource.objects.order_by("name", "code").values_list("id", "code", "name")
    return [SourceChoice(id=pk, code=code, name=name) for pk, code, name in rows]


def funding_year_probes() -> list[YearProbe]:
    """The dated tables whose years have data (`years_present_many`): receipts, expenses, repayments."""
    return [(model.objects.all, "date") for model in (FundingReceipt, Expense, LoanRepayment)]


def funding_yearly_record_years() -> set[int]:
    """One query: the years of the yearly records (shared-service costs, cost budgets); small tables."""
    return set(_yearly_record_years())


@compiled_read
def _yearly_record_years() -> QuerySet[Any, Any]:
    shared = SharedServiceCost.objects.order_by().values_list("year", flat=True)
    return shared.union(CostBudget.objects.order_by().values_list("year", flat=True))


def funding_years_with_data() -> list[int]:
    """Sorted years with any receipt, expense, loan repayment, shared-service cost or cost budget.

    Three queries: two for the dated tables (their first and last dates over the date indexes,
    then a probe per year in between), never a DISTINCT scan of a big table, and one for the
    yearly records.
    """
    return sorted(years_present_many(funding_year_probes()) | funding_yearly_record_years())


# --- Loans -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoanPosition:
    """A loan on a date: what the schedule says and what was actually repaid."""

    on: date
    scheduled_interest_total: Decimal
    scheduled_instalments_total: Decimal
    principal_repaid: Decimal
    interest_paid: Decimal
    prepaid: Decimal
    outstanding: Decimal  # principal − principal repaid up to `on`
    scheduled_balance: Decimal  # what the schedule says is still owed after `on`
    next_due: date | None
    next_instalment: Decimal | None
    instalments_paid: int
    instalments_due: int  # scheduled instalments due on or before `on`


def loan_position(*, loan: Loan, on: date | None = None) -> LoanPosition:
    """Three queries: schedule totals and next instalment, repayments up to `on`."""
    day = on or today()
    schedule = loan.schedule.aggregate(
        interest_total=_sum("interest"),
        instalments_total=_sum("instalment"),
        due=Count("pk", filter=Q(due_date__lte=day)),
    )
    next_row = loan.schedule.filter(due_date__gt=day).order_by("number").first()
    repaid = loan.repayments.filter(date__lte=day).aggregate(
        principal_total=_sum("principal"),
        interest_total=_sum("interest"),
        prepaid_total=_sum("principal", filter=Q(kind=RepaymentKind.PREPAYMENT)),
        paid=Count("pk", filter=Q(instalment_number__isnull=False)),
    )
    principal_repaid = _money(repaid["principal_total"])
    scheduled_balance = next_row.balance + next_row.principal if next_row is not None else ZERO
    outstanding = ZERO if day < loan.start_date else round_money(loan.principal) - principal_repaid
    return LoanPosition(
        on=day,
        scheduled_interest_total=_money(schedule["interest_total"]),
        scheduled_instalments_total=_money(schedule["instalments_total"]),
        principal_repaid=principal_repaid,
        interest_paid=_money(repaid["interest_total"]),
        prepaid=_money(repaid["prepaid_total"]),
        outstanding=outstanding,
        scheduled_balance=round_money(scheduled_balance),
        next_due=next_row.due_date if next_row else None,
        next_instalment=round_money(next_row.instalment) if next_row else None,
        instalments_paid=int(repaid["paid"]),
        instalments_due=int(schedule["due"]),
    )


# --- Support agreements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementProgress:
    committed: Decimal
    expected: Decimal  # Σ expected tranches
    received: Decimal  # Σ receipts linked to the agreement
    expected_by_today: Decimal  # Σ tranches due on or before today
    still_to_receive: Decimal  # committed − received
    obligations_open: int
    obligations_overdue: int


def agreement_progress(*, agreement_id: int, on: date | None = None) -> AgreementProgress:
    """Four queries: the agreement, its tranches, its receipts and its obligations, all aggregated."""
    day = on or today()
    committed = SupportAgreement.objects.values_list("committed_amount", flat=True).get(pk=agreement_id)
    tranches = ExpectedTranche.objects.filter(agreement_id=agreement_id).aggregate(
        total=_sum("amount"), due=_sum("amount", filter=Q(date__lte=day))
    )
    received = FundingReceipt.objects.filter(agreement_id=agreement_id).aggregate(total=_sum("amount"))
    obligations = Obligation.objects.filter(agreement_id=agreement_id).open()
    counts = obligations.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=day)))
    return AgreementProgress(
        committed=round_money(committed),
        expected=_money(tranches["total"]),
        received=_money(received["total"]),
        expected_by_today=_money(tranches["due"]),
        still_to_receive=round_money(committed) - _money(received["total"]),
        obligations_open=int(counts["open"]),
        obligations_overdue=int(counts["overdue"]),
    )


# --- Budget vs actual ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetComparisonLine:
    code: str
    name: str
    budget: Decimal
    actual: Decimal
    variance: Decimal  # actual − budget: positive means overspent
    variance_ratio: Decimal | None  # variance / budget (a fraction), None without a budget
    expected_by_today: Decimal | None  # budget × days elapsed / days in year (current year only)


@dataclass(frozen=True)
class BudgetComparison:
    year: int
    lines: list[BudgetComparisonLine]
    total: BudgetComparisonLine
    days_elapsed: int | None  # in the current year only
    days_in_year: int


def pro_rata(amount: Decimal, *, year: int, on: date) -> tuple[Decimal | None, int | None]:
    """(amount × days elapsed / days in year, days elapsed) when `on` falls in `year`, else (None, None).

    Today counts as elapsed: on 1 January one day of the year is gone, on 31 December all of it.
    """
    if on.year != year:
        return None, None
    start, end = year_bounds(year)
    elapsed = (on - start).days + 1
    days = (end - start).days + 1
    return round_money(Decimal(amount) * elapsed / days), elapsed


def budget_vs_actual(*, budget: CostBudget, on: date | None = None) -> BudgetComparison:
    """Every category with a budget line or an expense in the budget's year, and the total.

    Three queries: categories, lines, expenses by category.
    """
    day = on or today()
    year = budget.year
    start, end = year_bounds(year)
    categories = list(ExpenseCategory.objects.all())
    planned = {
        category_id: _money(amount)
        for category_id, amount in CostBudgetLine.objects.filter(budget=budget).values_list(
            "category_id", "amount"
        )
    }
    actuals = {
        row["category_id"]: _money(row["total"])
        for row in Expense.objects.in_year(year)
        .values("category_id")
        .annotate(total=_sum("amount"))
        .order_by()
    }

    def line(code: str, name: str, planned_amount: Decimal, actual: Decimal) -> BudgetComparisonLine:
        variance = actual - planned_amount
        expected, _elapsed = pro_rata(planned_amount, year=year, on=day)
        return BudgetComparisonLine(
            code=code,
            name=name,
            budget=planned_amount,
            actual=actual,
            variance=variance,
            variance_ratio=ratio(variance, planned_amount),
            expected_by_today=expected,
        )

    lines = [
        line(c.code, c.name, planned.get(c.pk, ZERO), actuals.get(c.pk, ZERO))
        for c in categories
        if c.pk in planned or c.pk in actuals
    ]
    total_budget = round_money(sum(planned.values(), ZERO))
    total_actual = round_money(sum(actuals.values(), ZERO))
    total = line("", "", total_budget, total_actual)
    _expected, elapsed = pro_rata(total_budget, year=year, on=day)
    return BudgetComparison(
        year=year,
        lines=lines,
        total=total,
        days_elapsed=elapsed,
        days_in_year=(end - start).days + 1,
    )


# --- Shared services -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedServicesYear:
    year: int
    total_cost: Decimal
    share_paid: Decimal
    standalone_cost: Decimal
    avoided_cost: Decimal  # the in-kind support
    booked_expenses: Decimal  # expenses of the year in category shared-services


SHARED_SERVICES_CATEGORY = "shared-services"


def shared_services_year(*, year: int) -> SharedServicesYear:
    """The pooled services of a year next to what was booked as shared-services expenses (two queries).

    The share paid should match the booked expenses: the expense is the cost, the record adds only
    the avoided cost as support.
    """
    totals = SharedServiceCost.objects.filter(year=year).aggregate(
        total=_sum("total_cost"), paid=_sum("share_paid"), standalone=_sum("standalone_cost")
    )
    booked = (
        Expense.objects.in_year(year)
        .filter(category__code=SHARED_SERVICES_CATEGORY)
        .aggregate(total=_sum("amount"))["total"]
    )
    paid = _money(totals["paid"])
    standalone = _money(totals["standalone"])
    return SharedServicesYear(
        year=year,
        total_cost=_money(totals["total"]),
        share_paid=paid,
        standalone_cost=standalone,
        avoided_cost=standalone - paid,
        booked_expenses=_money(booked),
    )
