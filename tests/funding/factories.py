"""Deterministic factories for the funding app (counters, no random data).

`make_*` writes through `funding.actions`, as the admin, the importers and the demo do, so a
test record obeys the same rules as a user's (a loan comes with its generated schedule). `build_*`
returns an unsaved record, for the tests of the rules themselves.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from django.db.models import Model

from funding import actions
from funding.choices import BudgetStatus, Frequency, ObligationKind, ObligationStatus, SourceKind
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

_numbers = count(1)


def _next() -> int:
    """A number never handed out before in this run: unique codes and references."""
    return next(_numbers)


def category(code: str) -> ExpenseCategory:
    """A category seeded by the data migration."""
    return ExpenseCategory.objects.get(code=code)


# --- Funding sources -------------------------------------------------------------------------------


def make_source(
    *,
    code: str | None = None,
    name: str | None = None,
    kind: SourceKind = SourceKind.GRANT,
    counterparty: str = "Junta de Andalucía",
) -> FundingSource:
    """The source with this code if it exists (whatever its other fields), else a new one."""
    n = _next()
    code = code or f"source-{n}"
    existing = FundingSource.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return actions.source_create(code=code, name=name or f"Source {n}", kind=kind, counterparty=counterparty)


def make_loan_source() -> FundingSource:
    return make_source(
        code="fiare", name="Fiare Banca Etica", kind=SourceKind.LOAN, counterparty="Fiare Banca Etica"
    )


def make_parent_source() -> FundingSource:
    return make_source(
        code="smart-belgium",
        name="Smart Belgium",
        kind=SourceKind.PARENT_SUPPORT,
        counterparty="Smart Belgium",
    )


def make_shared_services_source() -> FundingSource:
    return make_source(
        code="andalusian-coops", name="Andalusian cooperatives", kind=SourceKind.SHARED_SERVICES
    )


# --- Support agreements ----------------------------------------------------------------------------


def build_agreement(
    *,
    source: FundingSource | None = None,
    title: str | None = None,
    committed_amount: Decimal = Decimal("60000.00"),
    period_start: date = date(2020, 1, 1),
    period_end: date = date(2021, 12, 31),
) -> SupportAgreement:
    return SupportAgreement(
        source=source or make_parent_source(),
        title=title or f"Support agreement {_next()}",
        committed_amount=committed_amount,
        period_start=period_start,
        period_end=period_end,
    )


def make_agreement(
    *,
    source: FundingSource | None = None,
    title: str | None = None,
    committed_amount: Decimal = Decimal("60000.00"),
    period_start: date = date(2020, 1, 1),
    period_end: date = date(2021, 12, 31),
) -> SupportAgreement:
    return actions.agreement_create(
        source=source or make_parent_source(),
        title=title or f"Support agreement {_next()}",
        committed_amount=committed_amount,
        period_start=period_start,
        period_end=period_end,
    )


def make_tranche(
    *,
    agreement: SupportAgreement | None = None,
    date: date = date(2020, 3, 1),
    amount: Decimal = Decimal("20000.00"),
) -> ExpectedTranche:
    return actions.tranche_add(agreement=agreement or make_agreement(), date=date, amount=amount)


def make_obligation(
    *,
    source: FundingSource | None = None,
    agreement: SupportAgreement | None = None,
    description: str | None = None,
    due_date: date = date(2020, 12, 31),
    status: ObligationStatus | str = ObligationStatus.PENDING,
    kind: ObligationKind | str = ObligationKind.REPORT,
    document_reference: str = "",
) -> Obligation:
    """Owed to `source`; without one, to the agreement's source (a new agreement's without either)."""
    if source is None:
        agreement = agreement or make_agreement()
        source = agreement.source
    return actions.obligation_add(
        source=source,
        agreement=agreement,
        description=description or f"Report {_next()}",
        due_date=due_date,
        status=status,
        kind=kind,
        document_reference=document_reference,
    )


# --- Receipts --------------------------------------------------------------------------------------


def make_receipt(
    *,
    source: FundingSource | None = None,
    agreement: SupportAgreement | None = None,
    date: date = date(2020, 3, 15),
    amount: Decimal = Decimal("1000.00"),
    reference: str | None = None,
    description: str = "",
) -> FundingReceipt:
    return actions.receipt_create(
        source=source or make_parent_source(),
        agreement=agreement,
        date=date,
        amount=amount,
        reference=reference or f"RC-{_next():05d}",
        description=description,
    )


# --- The loan --------------------------------------------------------------------------------------


def make_loan(
    *,
    source: FundingSource | None = None,
    reference: str | None = None,
    principal: Decimal = Decimal("100000.00"),
    annual_rate: Decimal = Decimal("3.00"),
    term_instalments: int = 60,
    grace_instalments: int = 0,
    start_date: date = date(2020, 6, 15),
    frequency: Frequency = Frequency.MONTHLY,
) -> Loan:
    """A loan with its generated schedule."""
    return actions.loan_create(
        source=source or make_loan_source(),
        reference=reference or f"FIARE-{_next():04d}",
        principal=principal,
        annual_rate=annual_rate,
        term_instalments=term_instalments,
        grace_instalments=grace_instalments,
        start_date=start_date,
        frequency=frequency,
    )


def make_repayment(
    *,
    loan: Loan | None = None,
    date: date = date(2020, 7, 15),
    interest: Decimal = Decimal("250.00"),
    principal: Decimal = Decimal("1500.00"),
    instalment_number: int | None = None,
) -> LoanRepayment:
    return actions.loan_record_repayment(
        loan=loan or make_loan(),
        date=date,
        interest=interest,
        principal=principal,
        instalment_number=instalment_number,
    )


# --- Shared services -------------------------------------------------------------------------------


def build_shared_cost(
    *,
    source: FundingSource | None = None,
    year: int = 2018,
    service: str | None = None,
    total_cost: Decimal = Decimal("40000.00"),
    share_paid: Decimal = Decimal("8000.00"),
    standalone_cost: Decimal = Decimal("20000.00"),
) -> SharedServiceCost:
    return SharedServiceCost(
        source=source or make_shared_services_source(),
        year=year,
        service=service or f"Shared service {_next()}",
        total_cost=total_cost,
        share_paid=share_paid,
        standalone_cost=standalone_cost,
    )


def make_shared_cost(
    *,
    source: FundingSource | None = None,
    year: int = 2018,
    service: str | None = None,
    total_cost: Decimal = Decimal("40000.00"),
    share_paid: Decimal = Decimal("8000.00"),
    standalone_cost: Decimal = Decimal("20000.00"),
) -> SharedServiceCost:
    return actions.shared_service_cost_create(
        source=source or make_shared_services_source(),
        year=year,
        service=service or f"Shared service {_next()}",
        total_cost=total_cost,
        share_paid=share_paid,
        standalone_cost=standalone_cost,
    )


# --- Categories, budgets and expenses --------------------------------------------------------------


def make_category() -> ExpenseCategory:
    n = _next()
    return actions.category_create(
        code=f"category-{n}", name_es=f"Categoría {n}", name_fr=f"Catégorie {n}", name_en=f"Category {n}"
    )


def make_budget(*, year: int = 2024, version: int | None = None, label: str = "initial") -> CostBudget:
    """A draft budget (version: the next free number of the year unless given)."""
    return actions.budget_create(year=year, version=version, label=label)


def build_approved_budget(
    *, year: int = 2024, version: int = 1, label: str = "initial", approved_on: date = date(2024, 1, 20)
) -> CostBudget:
    return CostBudget(
        year=year, version=version, label=label, status=BudgetStatus.APPROVED, approved_on=approved_on
    )


def make_approved_budget(
    *,
    year: int = 2024,
    version: int | None = None,
    label: str = "initial",
    approved_on: date = date(2024, 1, 20),
) -> CostBudget:
    budget = make_budget(year=year, version=version, label=label)
    return actions.budget_approve(budget=budget, on=approved_on)


def make_budget_line(
    *,
    budget: CostBudget | None = None,
    category: ExpenseCategory | None = None,
    amount: Decimal = Decimal("10000.00"),
) -> CostBudgetLine:
    return actions.budget_set_line(
        budget=budget or make_budget(),
        category=category or ExpenseCategory.objects.get(code="staff"),
        amount=amount,
    )


def make_expense(
    *,
    date: date = date(2024, 3, 10),
    category: ExpenseCategory | None = None,
    supplier: str | None = None,
    amount: Decimal = Decimal("100.00"),
    reference: str | None = None,
    description: str = "",
    service_line: Model | None = None,
) -> Expense:
    n = _next()
    return actions.expense_create(
        date=date,
        category=category or ExpenseCategory.objects.get(code="other"),
        supplier=supplier or f"Supplier {n}",
        amount=amount,
        reference=reference or f"EXP-{n:05d}",
        description=description,
        service_line=service_line,
    )
