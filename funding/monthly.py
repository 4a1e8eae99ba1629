"""Reads of the funding app month by month, for the year-end projection (issue 19).

`funding_months(year=Y, as_of=D)` answers with what the records say up to `as_of` (the months of Y
that have ended) and with what is planned after it (expected tranches, the loan schedule, the
approved budget, last year's monthly pattern of expenses): nine queries whatever the volume,
all on monthly rollups or small tables. Definitions follow `funding.selectors.funding_years`, so
the twelve months of a year that is over add up to its yearly figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Sum

from funding.choices import EXTERNAL_SUPPORT_KINDS, SourceKind
from funding.models import (
    ExpectedTranche,
    ExpenseMonth,
    FundingReceipt,
    FundingSource,
    LoanRepayment,
    LoanScheduleEntry,
    ReceiptMonth,
)
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.dates import year_bounds
from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.periods import YearMonthOf


@dataclass(frozen=True)
class ScheduledInstalment:
    """A row of a loan's schedule due in the year, and whether it was repaid by `as_of`."""

    due_date: date
    interest: Decimal
    principal: Decimal
    paid: bool


@dataclass(frozen=True)
class ExpectedReceipt:
    """A tranche expected after `as_of`, no more than its agreement still has to give."""

    date: date
    source: str  # the funding source's code
    amount: Decimal


@dataclass(frozen=True)
class FundingMonths:
    year: int
    as_of: date
    # Months of the year up to `as_of` (1–12) -> source code -> receipts of external support.
    external_by_month: dict[int, dict[str, Decimal]]
    drawdowns_by_month: dict[int, Decimal]  # receipts from loan sources, months up to `as_of`
    interest_paid_by_month: dict[int, Decimal]  # loan repayments dated in the month
    principal_repaid_by_month: dict[int, Decimal]
    outstanding_at_as_of: Decimal  # Σ loan drawdowns − Σ principal repaid, up to `as_of`
    expenses_by_month: dict[int, dict[str, Decimal]]  # months up to `as_of` -> category code -> Σ
    last_year_expenses: dict[int, dict[str, Decimal]]  # the twelve months of the year before
    in_kind_by_source: dict[str, Decimal]  # the year's shared services (a yearly record)
    instalments: tuple[ScheduledInstalment, ...]  # the schedule rows due in the year
    expected_receipts: tuple[ExpectedReceipt, ...]  # tranches due after `as_of` within the year
    budgeted_costs: Decimal | None
    budgeted_by_category: dict[str, Decimal]
    source_names: dict[str, str]  # every source: code -> name
    source_kinds: dict[str, str]  # every source: code -> kind
    category_names: dict[str, str]  # every category, in their order: code -> name


def _by_month(rows: list[tuple[int, str, Decimal]], year: int) -> dict[int, dict[str, Decimal]]:
    found: dict[int, dict[str, Decimal]] = {}
    for ym, code, amount in rows:
        y, month = divmod(ym, 100)
        if y == year:
            bucket = found.setdefault(month, {})
            bucket[code] = bucket.get(code, ZERO) + round_money(amount)
    return found


@compiled_read
def _tranches(after: date, end: date) -> QuerySet[Any, Any]:
    return (
        ExpectedTranche.objects.filter(date__range=(after, end))
        .order_by("date", "pk")
        .values_list("agreement_id", "agreement__source_id", "agreement__committed_amount", "date", "amount")
    )


@compiled_read
def _sources() -> QuerySet[Any, Any]:
    return FundingSource.objects.values_list("pk", "code", "name", "kind")


@compiled_read
def _receipt_months(as_of: date) -> QuerySet[Any, Any]:
    return (
        ReceiptMonth.objects.filter(month__lte=as_of)
        .annotate(ym=YearMonthOf("month"))
        .values_list("ym", "source_id", "amount")
    )


@compiled_read
def _repayment_months(as_of: date) -> QuerySet[Any, Any]:
    return (
        LoanRepayment.objects.up_to(as_of)
        .annotate(ym=YearMonthOf("date"))
        .values("ym")
        .annotate(interest=Sum("interest"), principal=Sum("principal"))
        .order_by()
        .values_list("ym", "interest", "principal")
    )


@compiled_read
def _schedule(first: date, last: date, as_of: date) -> QuerySet[Any, Any]:
    repaid_by = LoanRepayment.objects.filter(
        loan_id=OuterRef("loan_id"), instalment_number=OuterRef("number"), date__lte=as_of
    )
    # A loan that starts after `as_of` was not known then: its schedule is not projected.
    return (
        LoanScheduleEntry.objects.filter(due_date__range=(first, last), loan__start_date__lte=as_of)
        .annotate(paid=Exists(repaid_by))
        .order_by("due_date", "pk")
        .values_list("due_date", "interest", "principal", "paid")
    )


@compiled_read
def _expense_months(first: date, as_of: date) -> QuerySet[Any, Any]:
    return (
        ExpenseMonth.objects.filter(month__range=(first, as_of))
        .annotate(ym=YearMonthOf("month"))
        .values_list("ym", "category_id", "amount")
    )


def _expected_receipts(after: date, end: date, codes: dict[int, str]) -> tuple[ExpectedReceipt, ...]:
    """Two queries: the tranches due after a date within the year, and what their agreements have
    received so far. An agreement never gives more than it committed: its tranches are taken in
    date order until the commitment is spent."""
    tranches = _tranches(after, end)
    if not tranches:
        return ()
    received = dict(
        FundingReceipt.objects.filter(agreement_id__in={t[0] for t in tranches}, date__lt=after)
        .order_by()
        .values("agreement_id")
        .annotate(total=Sum("amount"))
        .values_list("agreement_id", "total")
    )
    left: dict[int, Decimal] = {}
    found = []
    for agreement_id, source_id, committed, day, amount in tranches:
        if agreement_id not in left:
            got = round_money(received.get(agreement_id) or ZERO)
            left[agreement_id] = max(round_money(committed) - got, ZERO)
        take = min(round_money(amount), left[agreement_id])
        left[agreement_id] -= take
        if take > 0:
            found.append(ExpectedReceipt(date=day, source=codes[source_id], amount=take))
    return tuple(found)


def funding_months(*, year: int, as_of: date) -> FundingMonths:
    """The funding records of `year` month by month up to `as_of`, and the plans after it.

    `as_of` is the last day of a month, from 31 December of the year before (nothing has happened
    yet) to 31 December of the year (the year is over). Nine queries (eight without tranches).
    """
    # Imported here: funding.selectors re-exports this module's reads.
    from funding.selectors import _approved_budgets, _in_kind, expense_categories

    first, last = year_bounds(year)
    sources = _sources()
    codes = {pk: code for pk, code, _name, _kind in sources}
    kinds = {code: kind for _pk, code, _name, kind in sources}

    receipts = _receipt_months(as_of)
    external = [(ym, codes[s], a) for ym, s, a in receipts if kinds[codes[s]] in EXTERNAL_SUPPORT_KINDS]
    loans = [(ym, "", a) for ym, s, a in receipts if kinds[codes[s]] == SourceKind.LOAN]
    drawn = round_money(sum((a for _ym, _c, a in loans), ZERO))

    repayments = _repayment_months(as_of)
    repaid = round_money(sum((p for _ym, _i, p in repayments), ZERO))

    instalments = tuple(
        ScheduledInstalment(due_date=due, interest=round_money(i), principal=round_money(p), paid=paid)
        for due, i, p, paid in _schedule(first, last, as_of)
    )

    categories = expense_categories()
    category_codes = {c.pk: c.code for c in categories}
    expenses = [(ym, category_codes[c], a) for ym, c, a in _expense_months(date(year - 1, 1, 1), as_of)]

    source_names = {code: name for _pk, code, name, _kind in sources}
    in_kind = _in_kind([year], {year: {}})[year]
    budgeted, budgeted_by_category = _approved_budgets([year])[year]
    return FundingMonths(
        year=year,
        as_of=as_of,
        external_by_month=_by_month(external, year),
        drawdowns_by_month={m: sum(v.values(), ZERO) for m, v in _by_month(loans, year).items()},
        interest_paid_by_month={
            m: v[""] for m, v in _by_month([(ym, "", i) for ym, i, _p in repayments], year).items()
        },
        principal_repaid_by_month={
            m: v[""] for m, v in _by_month([(ym, "", p) for ym, _i, p in repayments], year).items()
        },
        outstanding_at_as_of=drawn - repaid,
        expenses_by_month=_by_month(expenses, year),
        last_year_expenses=_by_month(expenses, year - 1),
        in_kind_by_source=in_kind,
        instalments=instalments,
        expected_receipts=_expected_receipts(max(as_of + timedelta(days=1), first), last, codes),
        budgeted_costs=budgeted,
        budgeted_by_category=budgeted_by_category,
        source_names=source_names,
        source_kinds=kinds,
        category_names={c.code: c.name for c in categories},
    )
