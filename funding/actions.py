"""Every write of the funding app: typed, keyword-only, validated, atomic.

Each function runs `full_clean()` (so the rules and messages of `funding.validation` apply) and
saves inside `transaction.atomic`; it raises `django.core.exceptions.ValidationError` and writes
nothing when a rule is broken. The admin, the demo loader and the importers all write through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext

from funding import validation as v
from funding.loan_schedule import french_schedule
from funding.models import (
    BudgetStatus,
    CostBudget,
    CostBudgetLine,
    ExpectedTranche,
    Expense,
    ExpenseCategory,
    Frequency,
    FundingReceipt,
    FundingSource,
    Loan,
    LoanRepayment,
    LoanScheduleEntry,
    Obligation,
    ObligationStatus,
    RepaymentKind,
    SharedServiceCost,
    SourceKind,
    SupportAgreement,
)
from smartiberica.kernel.dates import today
from smartiberica.kernel.history import bulk_create_audited

M = TypeVar("M", bound=models.Model)


def _save(instance: M) -> M:
    instance.full_clean()
    instance.save()
    return instance


def _set(instance: M, **changes: object) -> M:
    """Apply the changes that are not None (None means "leave as it is")."""
    for field, value in changes.items():
        if value is not None:
            setattr(instance, field, value)
    return instance


# --- Funding sources -------------------------------------------------------------------------------


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
    with transaction.atomic():
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
    with transaction.atomic():
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


def source_delete(*, source: FundingSource) -> None:
    """Delete a source with nothing recorded under it; refuse (never cascade) otherwise."""
    try:
        with transaction.atomic():
            source.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(v.ERR_SOURCE_IN_USE, code="source_in_use") from error


# --- Support agreements ----------------------------------------------------------------------------


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
    with transaction.atomic():
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


def tranche_add(*, agreement: SupportAgreement, date: date, amount: Decimal) -> ExpectedTranche:
    with transaction.atomic():
        tranche = ExpectedTranche(agreement=agreement, date=date, amount=amount)
        tranche.full_clean()
        existing = list(agreement.tranches.values_list("amount", flat=True))
        v.validate_tranches_total(committed=agreement.committed_amount, tranches=[*existing, amount])
        tranche.save()
        return tranche


def obligation_add(
    *, agreement: SupportAgreement, description: str, due_date: date, status: str = ObligationStatus.PENDING
) -> Obligation:
    with transaction.atomic():
        return _save(
            Obligation(agreement=agreement, description=description, due_date=due_date, status=status)
        )


def obligation_set_status(
    *, obligation: Obligation, status: ObligationStatus | str, on: date | None = None
) -> Obligation:
    """Mark an obligation submitted, accepted or waived (dated `on`, today by default) or pending again."""
    with transaction.atomic():
        obligation.status = status
        obligation.completed_on = None if status == ObligationStatus.PENDING else (on or today())
        return _save(obligation)


# --- Receipts --------------------------------------------------------------------------------------


def receipt_create(
    *,
    source: FundingSource,
    date: date,
    amount: Decimal,
    reference: str,
    description: str = "",
    agreement: SupportAgreement | None = None,
) -> FundingReceipt:
    with transaction.atomic():
        return _save(
            FundingReceipt(
                source=source,
                date=date,
                amount=amount,
                reference=reference,
                description=description,
                agreement=agreement,
            )
        )


def receipt_update(
    *,
    receipt: FundingReceipt,
    date: date | None = None,
    amount: Decimal | None = None,
    description: str | None = None,
    agreement: SupportAgreement | None = None,
) -> FundingReceipt:
    """Change a receipt found by its key (source + reference); None leaves a field as it is."""
    with transaction.atomic():
        _set(receipt, date=date, amount=amount, description=description, agreement=agreement)
        return _save(receipt)


# --- The loan --------------------------------------------------------------------------------------


def loan_create(
    *,
    source: FundingSource,
    reference: str,
    principal: Decimal,
    annual_rate: Decimal,
    term_instalments: int,
    start_date: date,
    frequency: Frequency | str = Frequency.MONTHLY,
    grace_instalments: int = 0,
    notes: str = "",
) -> Loan:
    """A loan and its generated schedule. Record the drawdown itself with `receipt_create`."""
    with transaction.atomic():
        loan = _save(
            Loan(
                source=source,
                reference=reference,
                principal=principal,
                annual_rate=annual_rate,
                term_instalments=term_instalments,
                start_date=start_date,
                frequency=frequency,
                grace_instalments=grace_instalments,
                notes=notes,
            )
        )
        loan_generate_schedule(loan=loan)
        return loan


def loan_generate_schedule(*, loan: Loan) -> list[LoanScheduleEntry]:
    """(Re)write the whole schedule from the loan's terms and its recorded prepayments.

    The schedule is a pure function of those, so rows due before a prepayment come out unchanged
    and the rows after it are re-generated.
    """
    rows = french_schedule(**loan.schedule_terms(), prepayments=loan.recorded_prepayments())
    with transaction.atomic():
        loan.schedule.all().delete()
        return LoanScheduleEntry.objects.bulk_create(
            LoanScheduleEntry(
                loan=loan,
                number=row.number,
                due_date=row.due_date,
                instalment=row.instalment,
                interest=row.interest,
                principal=row.principal,
                balance=row.balance,
            )
            for row in rows
        )


def loan_update(
    *,
    loan: Loan,
    principal: Decimal | None = None,
    annual_rate: Decimal | None = None,
    term_instalments: int | None = None,
    start_date: date | None = None,
    frequency: Frequency | str | None = None,
    grace_instalments: int | None = None,
    notes: str | None = None,
) -> Loan:
    """Change the terms (None leaves a field as it is) and re-generate the schedule."""
    with transaction.atomic():
        _set(
            loan,
            principal=principal,
            annual_rate=annual_rate,
            term_instalments=term_instalments,
            start_date=start_date,
            frequency=frequency,
            grace_instalments=grace_instalments,
            notes=notes,
        )
        _save(loan)
        loan_generate_schedule(loan=loan)
        return loan


def loan_record_repayment(
    *,
    loan: Loan,
    date: date,
    interest: Decimal,
    principal: Decimal,
    instalment_number: int | None = None,
) -> LoanRepayment:
    """A repayment actually made (interest is a cost, principal is not)."""
    with transaction.atomic():
        return _save(
            LoanRepayment(
                loan=loan,
                date=date,
                kind=RepaymentKind.INSTALMENT,
                instalment_number=instalment_number,
                interest=interest,
                principal=principal,
            )
        )


def loan_pay_instalment(*, loan: Loan, number: int, on: date | None = None) -> LoanRepayment:
    """Record that instalment `number` was paid as scheduled, on its due date unless `on` says otherwise."""
    entry = loan.schedule.filter(number=number).first()
    if entry is None:
        raise ValidationError(
            {"instalment_number": ValidationError(v.ERR_INSTALMENT_NOT_IN_SCHEDULE, code="not_in_schedule")}
        )
    return loan_record_repayment(
        loan=loan,
        date=on or entry.due_date,
        interest=entry.interest,
        principal=entry.principal,
        instalment_number=number,
    )


def loan_pay_due_instalments(*, loan: Loan, on: date | None = None) -> list[LoanRepayment]:
    """Record every scheduled instalment due up to `on` (today by default) and not yet paid, as scheduled."""
    day = on or today()
    paid = set(
        loan.repayments.filter(instalment_number__isnull=False).values_list("instalment_number", flat=True)
    )
    created = []
    with transaction.atomic():
        for entry in loan.schedule.filter(due_date__lte=day).order_by("number"):
            if entry.number in paid or entry.instalment <= 0:
                continue
            created.append(
                loan_record_repayment(
                    loan=loan,
                    date=entry.due_date,
                    interest=entry.interest,
                    principal=entry.principal,
                    instalment_number=entry.number,
                )
            )
    return created


def loan_record_prepayment(*, loan: Loan, on: date, amount: Decimal) -> LoanRepayment:
    """Extra principal repaid on `on`: re-generates the rest of the schedule (same term, lower payments)."""
    with transaction.atomic():
        repayment = _save(
            LoanRepayment(
                loan=loan,
                date=on,
                kind=RepaymentKind.PREPAYMENT,
                interest=Decimal("0.00"),
                principal=amount,
            )
        )
        loan_generate_schedule(loan=loan)
        return repayment


def loan_delete_repayment(*, repayment: LoanRepayment) -> None:
    """Delete a repayment; removing a prepayment re-generates the schedule without it."""
    with transaction.atomic():
        loan = repayment.loan
        was_prepayment = repayment.kind == RepaymentKind.PREPAYMENT
        repayment.delete()
        if was_prepayment:
            loan_generate_schedule(loan=loan)


# --- Shared services -------------------------------------------------------------------------------


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
    with transaction.atomic():
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


def category_create(
    *, code: str, name_es: str, name_fr: str = "", name_en: str = "", position: int = 100
) -> ExpenseCategory:
    with transaction.atomic():
        return _save(
            ExpenseCategory(code=code, name_es=name_es, name_fr=name_fr, name_en=name_en, position=position)
        )


def _next_version(year: int) -> int:
    highest = CostBudget.objects.filter(year=year).aggregate(highest=Max("version"))["highest"]
    return (highest or 0) + 1


def budget_create(
    *,
    year: int,
    label: str,
    version: int | None = None,
    lines: Mapping[ExpenseCategory, Decimal] | None = None,
    notes: str = "",
) -> CostBudget:
    """A draft budget (version: the next free number of the year unless given) with its lines."""
    with transaction.atomic():
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


def budget_set_line(*, budget: CostBudget, category: ExpenseCategory, amount: Decimal) -> CostBudgetLine:
    """Create or change the budget's line for `category`."""
    with transaction.atomic():
        line = budget.lines.filter(category=category).first() or CostBudgetLine(
            budget=budget, category=category
        )
        line.amount = amount
        return _save(line)


def budget_approve(*, budget: CostBudget, on: date | None = None) -> CostBudget:
    with transaction.atomic():
        budget.status = BudgetStatus.APPROVED
        budget.approved_on = on or today()
        return _save(budget)


def _copy_budget(budget: CostBudget, *, year: int, label: str) -> CostBudget:
    with transaction.atomic():
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


def expense_create(
    *,
    date: date,
    category: ExpenseCategory,
    supplier: str,
    amount: Decimal,
    reference: str,
    description: str = "",
) -> Expense:
    with transaction.atomic():
        return _save(
            Expense(
                date=date,
                category=category,
                supplier=supplier,
                amount=amount,
                reference=reference,
                description=description,
            )
        )


def expense_update(
    *,
    expense: Expense,
    date: date | None = None,
    category: ExpenseCategory | None = None,
    supplier: str | None = None,
    amount: Decimal | None = None,
    description: str | None = None,
) -> Expense:
    """Change an expense found by its reference; None leaves a field as it is."""
    with transaction.atomic():
        _set(expense, date=date, category=category, supplier=supplier, amount=amount, description=description)
        return _save(expense)


# --- Starting over ---------------------------------------------------------------------------------


def records_wipe() -> None:
    """Delete every funding record, keeping the expense categories (reference data).

    For `load_demo --reset`: children first, since sources and loans are protected.
    """
    with transaction.atomic():
        Expense.objects.all().delete()
        CostBudget.objects.all().delete()
        LoanRepayment.objects.all().delete()
        Loan.objects.all().delete()
        FundingReceipt.objects.all().delete()
        SharedServiceCost.objects.all().delete()
        SupportAgreement.objects.all().delete()
        FundingSource.objects.all().delete()
