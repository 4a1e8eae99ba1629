"""Every write of the funding app: typed, keyword-only, validated, atomic.

Each function runs `full_clean()` (so the rules and messages of `funding.validation` apply) and
is decorated with `transaction.atomic`; it raises `django.core.exceptions.ValidationError` and writes
nothing when a rule is broken. The admin, the demo loader and the importers all write through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext

from funding import validation as v
from funding.actions import rollups
from funding.actions.base import KEEP, Keep, _save, _set
from funding.actions.loans import (
    loan_create,
    loan_delete_repayment,
    loan_generate_schedule,
    loan_pay_due_instalments,
    loan_pay_instalment,
    loan_record_prepayment,
    loan_record_repayment,
    loan_update,
)
from funding.choices import BudgetStatus, ObligationKind, ObligationStatus, SourceKind
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
    Obligation,
    SharedServiceCost,
    SupportAgreement,
)
from funding.models.costs import service_line_model
from smartiberica.kernel.dates import today
from smartiberica.kernel.history import bulk_create_audited

# --- Funding sources -------------------------------------------------------------------------------


@transaction.atomic
def source_create(
    *,
    code: str,
    name: str,
    kind: SourceKind | str,
    counterparty: str = "",
    active_from: date | None = None,
    active_to: date | None = None,
    notes: str = "",
) -> FundingSource:
    return _save(
        FundingSource(
            code=code,
            name=name,
            kind=kind,
            counterparty=counterparty,
            active_from=active_from,
            active_to=active_to,
            notes=notes,
        )
    )


@transaction.atomic
def source_update(
    *,
    source: FundingSource,
    name: str | None = None,
    kind: SourceKind | str | None = None,
    counterparty: str | None = None,
    active_from: date | None = None,
    active_to: date | None = None,
    notes: str | None = None,
) -> FundingSource:
    _set(
        source,
        name=name,
        kind=kind,
        counterparty=counterparty,
        active_from=active_from,
        active_to=active_to,
        notes=notes,
    )
    return _save(source)


@transaction.atomic
def source_delete(*, source: FundingSource) -> None:
    """Delete a source with nothing recorded under it; refuse (never cascade) otherwise."""
    # PROTECT refuses while collecting the related rows, before any write: the transaction is
    # intact when the refusal is translated.
    try:
        source.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(v.ERR_SOURCE_IN_USE, code="source_in_use") from error


# --- Support agreements ----------------------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    source: FundingSource,
    title: str,
    committed_amount: Decimal,
    period_start: date,
    period_end: date,
    notes: str = "",
    tranches: Iterable[tuple[date, Decimal]] = (),
) -> SupportAgreement:
    """An agreement with its expected tranches (date, amount), which may not exceed the commitment."""
    tranches = list(tranches)
    agreement = _save(
        SupportAgreement(
            source=source,
            title=title,
            committed_amount=committed_amount,
            period_start=period_start,
            period_end=period_end,
            notes=notes,
        )
    )
    for on, amount in tranches:
        tranche_add(agreement=agreement, date=on, amount=amount)
    return agreement


@transaction.atomic
def tranche_add(*, agreement: SupportAgreement, date: date, amount: Decimal) -> ExpectedTranche:
    tranche = ExpectedTranche(agreement=agreement, date=date, amount=amount)
    tranche.full_clean()
    existing = list(agreement.tranches.values_list("amount", flat=True))
    v.validate_tranches_total(committed=agreement.committed_amount, tranches=[*existing, amount])
    tranche.save()
    return tranche


@transaction.atomic
def obligation_add(
    *,
    source: FundingSource,
    description: str,
    due_date: date,
    agreement: SupportAgreement | None = None,
    kind: ObligationKind | str = ObligationKind.REPORT,
    status: ObligationStatus | str = ObligationStatus.PENDING,
    completed_on: date | None = None,
    document_reference: str = "",
) -> Obligation:
    """A report, audit or covenant owed to `source`, under one of its agreements or not.

    Refused when the agreement is with another source.
    """
    return _save(
        Obligation(
            source=source,
            agreement=agreement,
            kind=kind,
            description=description,
            due_date=due_date,
            status=status,
            completed_on=completed_on,
            document_reference=document_reference,
        )
    )


@transaction.atomic
def obligation_set_status(
    *, obligation: Obligation, status: ObligationStatus | str, on: date | None = None
) -> Obligation:
    """Mark an obligation submitted, accepted or waived (dated `on`, today by default) or pending again."""
    obligation.status = status
    obligation.completed_on = None if status == ObligationStatus.PENDING else (on or today())
    return _save(obligation)


# --- Receipts --------------------------------------------------------------------------------------


@transaction.atomic
def receipt_create(
    *,
    source: FundingSource,
    date: date,
    amount: Decimal,
    reference: str,
    description: str = "",
    agreement: SupportAgreement | None = None,
) -> FundingReceipt:
    receipt = _save(
        FundingReceipt(
            source=source,
            date=date,
            amount=amount,
            reference=reference,
            description=description,
            agreement=agreement,
        )
    )
    rollups.refresh_months([receipt.date])
    return receipt


@transaction.atomic
def receipt_update(
    *,
    receipt: FundingReceipt,
    date: date | None = None,
    amount: Decimal | None = None,
    description: str | None = None,
    agreement: SupportAgreement | None = None,
) -> FundingReceipt:
    """Change a receipt found by its key (source + reference); None leaves a field as it is."""
    before = rollups.stored_months(FundingReceipt, [receipt.pk])
    _set(receipt, date=date, amount=amount, description=description, agreement=agreement)
    _save(receipt)
    rollups.refresh_months({*before, receipt.date})
    return receipt


# --- Shared services -------------------------------------------------------------------------------


@transaction.atomic
def shared_service_cost_create(
    *,
    source: FundingSource,
    year: int,
    service: str,
    total_cost: Decimal,
    share_paid: Decimal,
    standalone_cost: Decimal,
    notes: str = "",
) -> SharedServiceCost:
    """One year of a pooled service. Book `share_paid` separately as a shared-services expense."""
    return _save(
        SharedServiceCost(
            source=source,
            year=year,
            service=service,
            total_cost=total_cost,
            share_paid=share_paid,
            standalone_cost=standalone_cost,
            notes=notes,
        )
    )


# --- Categories, budgets and expenses --------------------------------------------------------------


@transaction.atomic
def category_create(
    *, code: str, name_es: str, name_fr: str = "", name_en: str = "", position: int = 100
) -> ExpenseCategory:
    return _save(
        ExpenseCategory(code=code, name_es=name_es, name_fr=name_fr, name_en=name_en, position=position)
    )


def _next_version(year: int) -> int:
    highest = CostBudget.objects.filter(year=year).aggregate(highest=Max("version"))["highest"]
    return (highest or 0) + 1


@transaction.atomic
def budget_create(
    *,
    year: int,
    label: str,
    version: int | None = None,
    lines: Mapping[ExpenseCategory, Decimal] | None = None,
    notes: str = "",
) -> CostBudget:
    """A draft budget (version: the next free number of the year unless given) with its lines."""
    budget = _save(
        CostBudget(
            year=year,
            version=version if version is not None else _next_version(year),
            label=label,
            status=BudgetStatus.DRAFT,
            notes=notes,
        )
    )
    for category, amount in (lines or {}).items():
        budget_set_line(budget=budget, category=category, amount=amount)
    return budget


@transaction.atomic
def budget_set_line(*, budget: CostBudget, category: ExpenseCategory, amount: Decimal) -> CostBudgetLine:
    """Create or change the budget's line for `category`."""
    line = budget.lines.filter(category=category).first() or CostBudgetLine(budget=budget, category=category)
    line.amount = amount
    return _save(line)


@transaction.atomic
def budget_approve(*, budget: CostBudget, on: date | None = None) -> CostBudget:
    budget.status = BudgetStatus.APPROVED
    budget.approved_on = on or today()
    return _save(budget)


@transaction.atomic
def _copy_budget(budget: CostBudget, *, year: int, label: str) -> CostBudget:
    copy = _save(
        CostBudget(
            year=year,
            version=_next_version(year),
            label=label,
            status=BudgetStatus.DRAFT,
            notes=budget.notes,
        )
    )
    lines = [
        CostBudgetLine(budget=copy, category_id=line.category_id, amount=line.amount)
        for line in budget.lines.all()
    ]
    for line in lines:
        line.full_clean()
    bulk_create_audited(lines, CostBudgetLine)
    return copy


def budget_copy_to_next_year(*, budget: CostBudget) -> CostBudget:
    """A draft for the following year with the same lines (the next free version of that year)."""
    label = gettext("Draft copied from %(budget)s") % {"budget": budget}
    return _copy_budget(budget, year=budget.year + 1, label=label[:120])


def budget_copy_as_new_version(*, budget: CostBudget) -> CostBudget:
    """A draft revision of the same year with the same lines, to edit and approve later."""
    label = gettext("Revision of %(budget)s") % {"budget": budget}
    return _copy_budget(budget, year=budget.year, label=label[:120])


def _service_line_id(line: Model | None) -> int | None:
    """The id of a `services.ServiceLine` (named through the foreign key: funding never imports
    services); anything else is a programming error."""
    if line is None:
        return None
    if not isinstance(line, service_line_model()):
        raise TypeError(f"service_line must be a service line, not {type(line).__name__}")
    return int(line.pk)


@transaction.atomic
def expense_create(
    *,
    date: date,
    category: ExpenseCategory,
    supplier: str,
    amount: Decimal,
    reference: str,
    description: str = "",
    service_line: Model | None = None,
) -> Expense:
    """An expense; `service_line` (a `services.ServiceLine`) makes it a direct cost of that line."""
    expense = _save(
        Expense(
            date=date,
            category=category,
            supplier=supplier,
            amount=amount,
            reference=reference,
            description=description,
            service_line_id=_service_line_id(service_line),
        )
    )
    rollups.refresh_months([expense.date])
    return expense


@transaction.atomic
def expense_update(
    *,
    expense: Expense,
    date: date | None = None,
    category: ExpenseCategory | None = None,
    supplier: str | None = None,
    amount: Decimal | None = None,
    description: str | None = None,
    service_line: Model | Keep | None = KEEP,
) -> Expense:
    """Change an expense found by its reference; None leaves a field as it is, except
    `service_line`, where None takes the expense off any line (`KEEP` leaves it)."""
    before = rollups.stored_months(Expense, [expense.pk])
    _set(expense, date=date, category=category, supplier=supplier, amount=amount, description=description)
    if service_line is not KEEP:
        expense.service_line_id = _service_line_id(service_line)
    _save(expense)
    rollups.refresh_months({*before, expense.date})
    return expense


# --- Monthly rollups ---------------------------------------------------------------------------------


@transaction.atomic
def funding_rollups_refresh(*, months: Iterable[date]) -> None:
    """Recompute the monthly rollups of these months (any day names its month) from the records."""
    rollups.refresh_months(months)


def funding_rollups_rebuild() -> None:
    """Recompute every monthly rollup from the records, one year per transaction: after a bulk
    load that bypassed the actions (the data generator) or a restore."""
    rollups.rebuild()


# --- Starting over ---------------------------------------------------------------------------------


@transaction.atomic
def records_wipe() -> None:
    """Delete every funding record, keeping the expense categories (reference data).

    For `load_demo --reset`: children first, since sources and loans are protected. The monthly
    rollups go with the records they sum.
    """
    rollups.wipe()
    Expense.objects.all().delete()
    CostBudget.objects.all().delete()
    LoanRepayment.objects.all().delete()
    Loan.objects.all().delete()
    FundingReceipt.objects.all().delete()
    SharedServiceCost.objects.all().delete()
    Obligation.objects.all().delete()
    SupportAgreement.objects.all().delete()
    FundingSource.objects.all().delete()


__all__ = [
    "KEEP",
    "agreement_create",
    "budget_approve",
    "budget_copy_as_new_version",
    "budget_copy_to_next_year",
    "budget_create",
    "budget_set_line",
    "category_create",
    "expense_create",
    "expense_update",
    "funding_rollups_rebuild",
    "funding_rollups_refresh",
    "loan_create",
    "loan_delete_repayment",
    "loan_generate_schedule",
    "loan_pay_due_instalments",
    "loan_pay_instalment",
    "loan_record_prepayment",
    "loan_record_repayment",
    "loan_update",
    "obligation_add",
    "obligation_set_status",
    "receipt_create",
    "receipt_update",
    "records_wipe",
    "shared_service_cost_create",
    "source_create",
    "source_delete",
    "source_update",
    "tranche_add",
]
