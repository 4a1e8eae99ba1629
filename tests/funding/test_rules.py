"""Every rule is a translated validation error AND a database constraint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation

from funding import validation as v
from funding.choices import BudgetStatus, RepaymentKind, SourceKind
from funding.models import (
    CostBudget,
    CostBudgetLine,
    ExpectedTranche,
    Expense,
    FundingReceipt,
    FundingSource,
    Loan,
    LoanRepayment,
    SupportAgreement,
)
from smartiberica.kernel.dates import record_year_range_message
from smartiberica.kernel.rates import ERR_RATE_OUT_OF_RANGE
from tests.funding.factories import (
    build_agreement,
    build_approved_budget,
    build_shared_cost,
    category,
    make_agreement,
    make_budget,
    make_budget_line,
    make_expense,
    make_loan,
    make_loan_source,
    make_parent_source,
    make_receipt,
    make_shared_cost,
    make_shared_services_source,
    make_source,
)

pytestmark = pytest.mark.django_db
D = Decimal


def messages_of(instance: models.Model) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def assert_refused(instance: models.Model, field: str, message: object) -> None:
    assert str(message) in messages_of(instance)[field]


def assert_integrity_error(write: Callable[[], object]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


# --- amounts > 0 ------------------------------------------------------------------------------------


def unsaved_receipt(**kwargs: object) -> FundingReceipt:
    defaults = {
        "source": make_parent_source(),
        "date": date(2020, 1, 1),
        "amount": D("10"),
        "reference": "R",
    }
    return FundingReceipt(**{**defaults, **kwargs})


def unsaved_expense(**kwargs: object) -> Expense:
    defaults = {
        "date": date(2024, 1, 1),
        "category": category("it"),
        "supplier": "Acme",
        "amount": D("10"),
        "reference": "E-1",
    }
    return Expense(**{**defaults, **kwargs})


def unsaved_loan(**kwargs: object) -> Loan:
    defaults = {
        "source": make_loan_source(),
        "reference": "L-1",
        "principal": D("1000"),
        "annual_rate": D("2.50"),
        "term_instalments": 12,
        "grace_instalments": 0,
        "start_date": date(2020, 1, 1),
        "frequency": "monthly",
    }
    return Loan(**{**defaults, **kwargs})


@pytest.mark.parametrize("amount", [D("0"), D("-5.00")])
def test_it_refuses_a_receipt_that_is_not_positive(amount: Decimal) -> None:
    receipt = unsaved_receipt(amount=amount)
    assert_refused(receipt, "amount", v.ERR_AMOUNT_NOT_POSITIVE)
    assert_integrity_error(lambda: FundingReceipt.objects.bulk_create([receipt]))


@pytest.mark.parametrize("amount", [D("0"), D("-0.01")])
def test_it_refuses_an_expense_that_is_not_positive(amount: Decimal) -> None:
    expense = unsaved_expense(amount=amount)
    assert_refused(expense, "amount", v.ERR_AMOUNT_NOT_POSITIVE)
    assert_integrity_error(lambda: Expense.objects.bulk_create([expense]))


def test_it_refuses_an_agreement_without_a_positive_commitment() -> None:
    agreement = SupportAgreement(
        source=make_parent_source(),
        title="Support",
        committed_amount=D("0"),
        period_start=date(2020, 1, 1),
        period_end=date(2020, 12, 31),
    )
    assert_refused(agreement, "committed_amount", v.ERR_AMOUNT_NOT_POSITIVE)
    assert_integrity_error(agreement.save)


def test_it_refuses_a_tranche_that_is_not_positive() -> None:
    tranche = ExpectedTranche(agreement=make_agreement(), date=date(2020, 5, 1), amount=D("-1"))
    assert_refused(tranche, "amount", v.ERR_AMOUNT_NOT_POSITIVE)
    assert_integrity_error(tranche.save)


def test_it_refuses_a_budget_line_that_is_not_positive() -> None:
    line = CostBudgetLine(budget=make_budget(), category=category("it"), amount=D("0"))
    assert_refused(line, "amount", v.ERR_AMOUNT_NOT_POSITIVE)
    assert_integrity_error(line.save)


def test_it_refuses_a_loan_without_principal() -> None:
    loan = unsaved_loan(principal=D("0"))
    assert_refused(loan, "principal", v.ERR_AMOUNT_NOT_POSITIVE)
    assert_integrity_error(loan.save)


# --- rates 0–100, term ≥ 1, grace < term --------------------------------------------------------------


@pytest.mark.parametrize("rate", [D("-0.01"), D("100.01"), D("150")])
def test_it_refuses_a_rate_outside_0_to_100(rate: Decimal) -> None:
    loan = unsaved_loan(annual_rate=rate)
    assert_refused(loan, "annual_rate", ERR_RATE_OUT_OF_RANGE)
    assert_integrity_error(loan.save)


@pytest.mark.parametrize("rate", [D("0"), D("100")])
def test_it_accepts_the_bounds_of_the_rate(rate: Decimal) -> None:
    unsaved_loan(annual_rate=rate).full_clean()


def test_it_refuses_a_loan_without_instalments() -> None:
    loan = unsaved_loan(term_instalments=0)
    assert_refused(loan, "term_instalments", v.ERR_TERM_TOO_SHORT)
    assert_integrity_error(loan.save)


def test_it_refuses_a_grace_period_as_long_as_the_term() -> None:
    loan = unsaved_loan(term_instalments=12, grace_instalments=12)
    assert_refused(loan, "grace_instalments", v.ERR_GRACE_TOO_LONG)
    assert_integrity_error(loan.save)


def test_it_refuses_a_loan_from_a_source_that_is_not_a_lender() -> None:
    loan = unsaved_loan(source=make_parent_source())
    assert_refused(loan, "source", v.ERR_LOAN_SOURCE_KIND)


# --- end ≥ start --------------------------------------------------------------------------------------


def test_it_refuses_an_agreement_ending_before_it_starts() -> None:
    agreement = SupportAgreement(
        source=make_parent_source(),
        title="Support",
        committed_amount=D("100"),
        period_start=date(2021, 1, 1),
        period_end=date(2020, 12, 31),
    )
    assert_refused(agreement, "period_end", v.ERR_END_BEFORE_START)
    assert_integrity_error(agreement.save)


def test_it_refuses_a_source_active_to_before_active_from() -> None:
    source = FundingSource(
        code="x", name="X", kind=SourceKind.GRANT, active_from=date(2021, 1, 1), active_to=date(2020, 1, 1)
    )
    assert_refused(source, "active_to", v.ERR_END_BEFORE_START)
    assert_integrity_error(source.save)


def test_it_accepts_an_agreement_of_a_single_day() -> None:
    SupportAgreement(
        source=make_parent_source(),
        title="One day",
        committed_amount=D("100"),
        period_start=date(2021, 1, 1),
        period_end=date(2021, 1, 1),
    ).full_clean()


def test_it_refuses_an_agreement_with_a_lender() -> None:
    agreement = build_agreement(source=make_loan_source())
    assert_refused(agreement, "source", v.ERR_AGREEMENT_SOURCE_KIND)


# --- shares -------------------------------------------------------------------------------------------


def test_it_refuses_a_share_paid_above_the_total_cost() -> None:
    cost = build_shared_cost(
        source=make_shared_services_source(),
        total_cost=D("100"),
        share_paid=D("100.01"),
        standalone_cost=D("200"),
    )
    assert_refused(cost, "share_paid", v.ERR_SHARE_EXCEEDS_TOTAL)
    assert_integrity_error(cost.save)


def test_it_refuses_a_negative_share() -> None:
    cost = build_shared_cost(source=make_shared_services_source(), share_paid=D("-1"))
    assert_refused(cost, "share_paid", v.ERR_AMOUNT_NEGATIVE)
    assert_integrity_error(cost.save)


def test_it_refuses_a_standalone_cost_below_the_share_paid() -> None:
    cost = build_shared_cost(
        source=make_shared_services_source(),
        total_cost=D("100"),
        share_paid=D("50"),
        standalone_cost=D("49.99"),
    )
    assert_refused(cost, "standalone_cost", v.ERR_STANDALONE_BELOW_SHARE)
    assert_integrity_error(cost.save)


def test_it_refuses_a_shared_cost_under_a_source_that_does_not_share_services() -> None:
    cost = build_shared_cost(source=make_parent_source())
    assert_refused(cost, "source", v.ERR_SHARED_COST_SOURCE_KIND)


def test_it_refuses_a_year_out_of_range() -> None:
    cost = build_shared_cost(source=make_shared_services_source(), year=1989)
    assert_refused(cost, "year", record_year_range_message())
    assert_integrity_error(cost.save)


def test_the_share_is_shown_as_a_percentage_of_the_total() -> None:
    cost = build_shared_cost(total_cost=D("40000"), share_paid=D("8000"))
    assert cost.share_percent == D("20.00")
    assert cost.avoided_cost == D("12000.00")


# --- uniqueness ---------------------------------------------------------------------------------------


def test_it_refuses_a_second_source_with_the_same_code() -> None:
    make_source(code="fiare", kind=SourceKind.LOAN)
    duplicate = FundingSource(code="fiare", name="Other", kind=SourceKind.GRANT)
    assert_refused(duplicate, "code", v.ERR_SOURCE_CODE_TAKEN)
    assert_integrity_error(duplicate.save)


def test_it_refuses_a_second_category_with_the_same_code() -> None:
    duplicate = category("it").__class__(code="it", name_es="Informática bis")
    assert_refused(duplicate, "code", v.ERR_CATEGORY_CODE_TAKEN)
    assert_integrity_error(duplicate.save)


def test_it_refuses_a_receipt_reference_twice_for_the_same_source() -> None:
    existing = make_receipt(reference="SB-2020-01")
    duplicate = unsaved_receipt(source=existing.source, reference="SB-2020-01")
    assert str(v.ERR_RECEIPT_REFERENCE_TAKEN) in messages_of(duplicate)["__all__"]
    assert_integrity_error(lambda: FundingReceipt.objects.bulk_create([duplicate]))


def test_the_same_receipt_reference_is_fine_for_another_source() -> None:
    make_receipt(reference="2020-01")
    unsaved_receipt(source=make_source(), reference="2020-01").full_clean()


def test_it_refuses_an_expense_reference_twice() -> None:
    make_expense(reference="F-2024-001")
    duplicate = unsaved_expense(reference="F-2024-001")
    assert_refused(duplicate, "reference", v.ERR_EXPENSE_REFERENCE_TAKEN)
    assert_integrity_error(lambda: Expense.objects.bulk_create([duplicate]))


def test_it_refuses_a_loan_reference_twice() -> None:
    loan = make_loan()
    duplicate = unsaved_loan(source=loan.source, reference=loan.reference)
    assert_refused(duplicate, "reference", v.ERR_LOAN_REFERENCE_TAKEN)
    assert_integrity_error(duplicate.save)


def test_it_refuses_two_budgets_of_the_same_year_and_version() -> None:
    make_budget(year=2024, version=1)
    duplicate = CostBudget(year=2024, version=1, label="again", status=BudgetStatus.DRAFT)
    assert str(v.ERR_BUDGET_VERSION_TAKEN) in messages_of(duplicate)["__all__"]
    assert_integrity_error(lambda: CostBudget.objects.create(year=2024, version=1, label="again"))


def test_it_refuses_two_lines_for_the_same_category_in_a_budget() -> None:
    line = make_budget_line(category=category("it"))
    duplicate = CostBudgetLine(budget=line.budget, category=category("it"), amount=D("5"))
    assert str(v.ERR_BUDGET_LINE_TAKEN) in messages_of(duplicate)["__all__"]
    assert_integrity_error(duplicate.save)


def test_it_refuses_two_cost_records_for_a_service_in_the_same_year() -> None:
    existing = make_shared_cost(service="Accounting office", year=2018)
    duplicate = build_shared_cost(source=existing.source, service="Accounting office", year=2018)
    assert str(v.ERR_SHARED_COST_TAKEN) in messages_of(duplicate)["__all__"]
    assert_integrity_error(duplicate.save)


# --- budgets ------------------------------------------------------------------------------------------


def test_an_approved_budget_needs_its_approval_date() -> None:
    budget = CostBudget(year=2024, version=1, label="initial", status=BudgetStatus.APPROVED)
    assert_refused(budget, "approved_on", v.ERR_APPROVED_WITHOUT_DATE)
    assert_integrity_error(budget.save)


def test_a_draft_budget_has_no_approval_date() -> None:
    budget = CostBudget(year=2024, version=1, label="initial", approved_on=date(2024, 1, 1))
    assert_refused(budget, "approved_on", v.ERR_DRAFT_WITH_APPROVAL_DATE)
    assert_integrity_error(budget.save)


def test_budget_versions_start_at_one() -> None:
    budget = CostBudget(year=2024, version=0, label="initial")
    assert_refused(budget, "version", v.ERR_BUDGET_VERSION_TOO_LOW)
    assert_integrity_error(budget.save)


def test_an_approved_budget_with_a_date_is_valid() -> None:
    build_approved_budget(year=2024, version=7).full_clean()


# --- receipts and sources -----------------------------------------------------------------------------


def test_it_refuses_a_receipt_from_a_shared_services_source() -> None:
    receipt = unsaved_receipt(source=make_shared_services_source())
    assert_refused(receipt, "source", v.ERR_RECEIPT_FROM_SHARED_SERVICES)


def test_it_refuses_a_receipt_under_another_sources_agreement() -> None:
    agreement = make_agreement()
    receipt = unsaved_receipt(source=make_source(), agreement=agreement)
    assert_refused(receipt, "agreement", v.ERR_RECEIPT_AGREEMENT_SOURCE)


def test_a_source_with_loans_cannot_change_kind() -> None:
    loan = make_loan()
    source = loan.source
    source.kind = SourceKind.GRANT
    assert_refused(source, "kind", v.ERR_SOURCE_KIND_LOCKED)


def test_a_source_without_records_can_change_kind() -> None:
    source = make_source(kind=SourceKind.GRANT)
    source.kind = SourceKind.OTHER
    source.full_clean()


def test_a_source_with_receipts_cannot_become_shared_services() -> None:
    receipt = make_receipt()
    source = receipt.source
    source.kind = SourceKind.SHARED_SERVICES
    assert_refused(source, "kind", v.ERR_SOURCE_KIND_LOCKED)


def test_deleting_a_source_with_receipts_is_refused_by_the_database() -> None:
    receipt = make_receipt()
    with pytest.raises(models.ProtectedError), transaction.atomic():
        receipt.source.delete()
    assert FundingReceipt.objects.filter(pk=receipt.pk).exists()


def test_an_unknown_kind_is_refused_by_the_database() -> None:
    assert_integrity_error(lambda: FundingSource.objects.create(code="odd", name="Odd", kind="gift"))


# --- repayments ---------------------------------------------------------------------------------------


def test_it_refuses_an_empty_repayment() -> None:
    loan = make_loan()
    repayment = LoanRepayment(loan=loan, date=date(2020, 7, 15), interest=D("0"), principal=D("0"))
    assert_refused(repayment, "principal", v.ERR_REPAYMENT_EMPTY)
    assert_integrity_error(repayment.save)


def test_it_refuses_a_negative_repayment() -> None:
    loan = make_loan()
    repayment = LoanRepayment(loan=loan, date=date(2020, 7, 15), interest=D("-1"), principal=D("10"))
    assert_refused(repayment, "interest", v.ERR_AMOUNT_NEGATIVE)
    assert_integrity_error(repayment.save)


def test_it_refuses_a_repayment_before_the_loan_starts() -> None:
    loan = make_loan(start_date=date(2020, 6, 15))
    repayment = LoanRepayment(loan=loan, date=date(2020, 6, 1), interest=D("1"), principal=D("1"))
    assert_refused(repayment, "date", v.ERR_REPAYMENT_BEFORE_START)


def test_it_refuses_a_prepayment_with_interest() -> None:
    loan = make_loan()
    repayment = LoanRepayment(
        loan=loan, date=date(2021, 1, 1), kind=RepaymentKind.PREPAYMENT, interest=D("5"), principal=D("100")
    )
    assert_refused(repayment, "interest", v.ERR_PREPAYMENT_INTEREST)
    assert_integrity_error(repayment.save)


def test_it_refuses_a_prepayment_larger_than_the_balance() -> None:
    loan = make_loan(principal=D("1000"))
    repayment = LoanRepayment(
        loan=loan, date=date(2021, 1, 1), kind=RepaymentKind.PREPAYMENT, interest=D("0"), principal=D("5000")
    )
    assert_refused(repayment, "principal", v.ERR_PREPAYMENT_EXCEEDS_BALANCE)


def test_it_refuses_a_prepayment_after_the_last_instalment() -> None:
    loan = make_loan(term_instalments=12)
    repayment = LoanRepayment(
        loan=loan, date=date(2025, 1, 1), kind=RepaymentKind.PREPAYMENT, interest=D("0"), principal=D("10")
    )
    assert_refused(repayment, "date", v.ERR_PREPAYMENT_AFTER_END)


def test_it_refuses_an_instalment_number_that_is_not_in_the_schedule() -> None:
    loan = make_loan(term_instalments=12)
    repayment = LoanRepayment(
        loan=loan, date=date(2021, 1, 1), instalment_number=13, interest=D("1"), principal=D("1")
    )
    assert_refused(repayment, "instalment_number", v.ERR_INSTALMENT_NOT_IN_SCHEDULE)


def test_it_refuses_to_pay_an_instalment_twice() -> None:
    loan = make_loan()
    LoanRepayment.objects.create(
        loan=loan, date=date(2020, 7, 15), instalment_number=1, interest=D("1"), principal=D("1")
    )
    duplicate = LoanRepayment(
        loan=loan, date=date(2020, 7, 16), instalment_number=1, interest=D("1"), principal=D("1")
    )
    assert str(v.ERR_INSTALMENT_ALREADY_PAID) in messages_of(duplicate)["__all__"]
    assert_integrity_error(duplicate.save)


# --- translations -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "El importe debe ser mayor que cero."),
        ("fr", "Le montant doit être supérieur à zéro."),
        ("en", "The amount must be greater than zero."),
    ],
)
def test_the_messages_are_translated(language: str, expected: str) -> None:
    receipt = unsaved_receipt(amount=D("0"))
    with translation.override(language):
        assert messages_of(receipt)["amount"] == [expected]
