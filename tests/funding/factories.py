"""Deterministic factories for the funding app (sequences, no random data)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from funding import actions
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
    Obligation,
    SharedServiceCost,
    SourceKind,
    SupportAgreement,
)


def category(code: str) -> ExpenseCategory:
    """A category seeded by the data migration."""
    return ExpenseCategory.objects.get(code=code)


class FundingSourceFactory(DjangoModelFactory):
    class Meta:
        model = FundingSource
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"source-{n}")
    name = factory.Sequence(lambda n: f"Source {n}")
    kind = SourceKind.GRANT
    counterparty = "Junta de Andalucía"


class LoanSourceFactory(FundingSourceFactory):
    code = "fiare"
    name = "Fiare Banca Etica"
    kind = SourceKind.LOAN
    counterparty = "Fiare Banca Etica"


class ParentSourceFactory(FundingSourceFactory):
    code = "smart-belgium"
    name = "Smart Belgium"
    kind = SourceKind.PARENT_SUPPORT
    counterparty = "Smart Belgium"


class SharedServicesSourceFactory(FundingSourceFactory):
    code = "andalusian-coops"
    name = "Andalusian cooperatives"
    kind = SourceKind.SHARED_SERVICES


class SupportAgreementFactory(DjangoModelFactory):
    class Meta:
        model = SupportAgreement

    source = factory.SubFactory(ParentSourceFactory)
    title = factory.Sequence(lambda n: f"Support agreement {n}")
    committed_amount = Decimal("60000.00")
    period_start = date(2020, 1, 1)
    period_end = date(2021, 12, 31)


class ExpectedTrancheFactory(DjangoModelFactory):
    class Meta:
        model = ExpectedTranche

    agreement = factory.SubFactory(SupportAgreementFactory)
    date = date(2020, 3, 1)
    amount = Decimal("20000.00")


class ObligationFactory(DjangoModelFactory):
    class Meta:
        model = Obligation

    agreement = factory.SubFactory(SupportAgreementFactory)
    description = factory.Sequence(lambda n: f"Report {n}")
    due_date = date(2020, 12, 31)


class FundingReceiptFactory(DjangoModelFactory):
    class Meta:
        model = FundingReceipt

    source = factory.SubFactory(ParentSourceFactory)
    date = date(2020, 3, 15)
    amount = Decimal("1000.00")
    reference = factory.Sequence(lambda n: f"RC-{n:05d}")


class LoanFactory(DjangoModelFactory):
    """A loan with its generated schedule."""

    class Meta:
        model = Loan
        skip_postgeneration_save = True

    source = factory.SubFactory(LoanSourceFactory)
    reference = factory.Sequence(lambda n: f"FIARE-{n:04d}")
    principal = Decimal("100000.00")
    annual_rate = Decimal("3.00")
    term_instalments = 60
    grace_instalments = 0
    start_date = date(2020, 6, 15)
    frequency = Frequency.MONTHLY

    @factory.post_generation
    def schedule(obj: Loan, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            actions.loan_generate_schedule(loan=obj)


class LoanRepaymentFactory(DjangoModelFactory):
    class Meta:
        model = LoanRepayment

    loan = factory.SubFactory(LoanFactory)
    date = date(2020, 7, 15)
    interest = Decimal("250.00")
    principal = Decimal("1500.00")


class SharedServiceCostFactory(DjangoModelFactory):
    class Meta:
        model = SharedServiceCost

    source = factory.SubFactory(SharedServicesSourceFactory)
    year = 2018
    service = factory.Sequence(lambda n: f"Shared service {n}")
    total_cost = Decimal("40000.00")
    share_paid = Decimal("8000.00")
    standalone_cost = Decimal("20000.00")


class ExpenseCategoryFactory(DjangoModelFactory):
    class Meta:
        model = ExpenseCategory

    code = factory.Sequence(lambda n: f"category-{n}")
    name_es = factory.Sequence(lambda n: f"Categoría {n}")
    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class CostBudgetFactory(DjangoModelFactory):
    class Meta:
        model = CostBudget

    year = 2024
    version = factory.Sequence(lambda n: n + 1)
    label = "initial"
    status = BudgetStatus.DRAFT


class ApprovedCostBudgetFactory(CostBudgetFactory):
    status = BudgetStatus.APPROVED
    approved_on = date(2024, 1, 20)


class CostBudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = CostBudgetLine

    budget = factory.SubFactory(CostBudgetFactory)
    category = factory.LazyFunction(lambda: category("staff"))
    amount = Decimal("10000.00")


class ExpenseFactory(DjangoModelFactory):
    class Meta:
        model = Expense

    date = date(2024, 3, 10)
    category = factory.LazyFunction(lambda: category("other"))
    supplier = factory.Sequence(lambda n: f"Supplier {n}")
    amount = Decimal("100.00")
    reference = factory.Sequence(lambda n: f"EXP-{n:05d}")
