"""The write functions: validated, atomic, and complete enough for the demo loader and importers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from funding import actions
from funding import validation as v
from funding.choices import BudgetStatus, ObligationStatus, RepaymentKind, SourceKind
from funding.models import (
    CostBudget,
    Expense,
    FundingReceipt,
    FundingSource,
    LoanRepayment,
)
from tests.funding.factories import (
    category,
    make_agreement,
    make_approved_budget,
    make_budget_line,
    make_expense,
    make_loan,
    make_loan_source,
    make_obligation,
    make_parent_source,
    make_receipt,
)

pytestmark = pytest.mark.django_db
D = Decimal


def test_receipt_create_validates_then_saves() -> None:
    source = make_parent_source()
    receipt = actions.receipt_create(
        source=source, date=date(2020, 4, 1), amount=D("25000.00"), reference="SB-1", description="Tranche 1"
    )
    assert FundingReceipt.objects.get(pk=receipt.pk).amount == D("25000.00")
    with pytest.raises(ValidationError) as error:
        actions.receipt_create(source=source, date=date(2020, 4, 1), amount=D("-1"), reference="SB-2")
    assert error.value.message_dict["amount"] == [str(v.ERR_AMOUNT_NOT_POSITIVE)]
    assert FundingReceipt.objects.count() == 1


def test_receipt_update_changes_only_what_is_given() -> None:
    receipt = make_receipt(amount=D("10.00"), description="first")
    actions.receipt_update(receipt=receipt, amount=D("12.50"))
    receipt.refresh_from_db()
    assert (receipt.amount, receipt.description) == (D("12.50"), "first")


def test_expense_create_and_update() -> None:
    expense = actions.expense_create(
        date=date(2024, 2, 1),
        category=category("it"),
        supplier="Microsoft",
        amount=D("120.00"),
        reference="MS-1",
    )
    actions.expense_update(expense=expense, category=category("professional-services"), description="Teams")
    expense.refresh_from_db()
    assert expense.category.code == "professional-services"
    assert expense.description == "Teams"
    with pytest.raises(ValidationError) as error:
        actions.expense_create(
            date=date(2024, 2, 1), category=category("it"), supplier="X", amount=D("1"), reference="MS-1"
        )
    assert error.value.message_dict["reference"] == [str(v.ERR_EXPENSE_REFERENCE_TAKEN)]


def test_source_create_and_update() -> None:
    source = actions.source_create(code="junta", name="Junta de Andalucía", kind=SourceKind.GRANT)
    actions.source_update(source=source, counterparty="Consejería de Empleo")
    assert FundingSource.objects.get(code="junta").counterparty == "Consejería de Empleo"


def test_source_delete_refuses_a_source_with_receipts_and_deletes_an_unused_one() -> None:
    receipt = make_receipt()
    with pytest.raises(ValidationError) as error:
        actions.source_delete(source=receipt.source)
    assert error.value.messages == [str(v.ERR_SOURCE_IN_USE)]
    assert FundingSource.objects.filter(pk=receipt.source.pk).exists()
    unused = actions.source_create(code="unused", name="Unused", kind=SourceKind.OTHER)
    actions.source_delete(source=unused)
    assert not FundingSource.objects.filter(code="unused").exists()


def test_agreement_create_adds_its_tranches_and_refuses_more_than_committed() -> None:
    source = make_parent_source()
    agreement = actions.agreement_create(
        source=source,
        title="Smart Belgium 2020",
        committed_amount=D("60000.00"),
        period_start=date(2020, 1, 1),
        period_end=date(2020, 12, 31),
        tranches=[(date(2020, 3, 1), D("30000.00")), (date(2020, 9, 1), D("30000.00"))],
    )
    assert agreement.tranches.count() == 2
    with pytest.raises(ValidationError) as error:
        actions.tranche_add(agreement=agreement, date=date(2020, 12, 1), amount=D("0.01"))
    assert error.value.messages == [str(v.ERR_TRANCHES_EXCEED_COMMITMENT)]
    assert agreement.tranches.count() == 2


def test_agreement_create_writes_nothing_when_a_tranche_is_refused() -> None:
    source = make_parent_source()
    with pytest.raises(ValidationError):
        actions.agreement_create(
            source=source,
            title="Too much",
            committed_amount=D("100.00"),
            period_start=date(2020, 1, 1),
            period_end=date(2020, 12, 31),
            tranches=[(date(2020, 3, 1), D("60.00")), (date(2020, 9, 1), D("60.00"))],
        )
    assert not source.agreements.exists()


@time_machine.travel("2024-05-10 10:00:00+02:00")
def test_obligation_status_changes_record_the_day() -> None:
    agreement = make_agreement()
    obligation = actions.obligation_add(
        source=agreement.source, agreement=agreement, description="Yearly report", due_date=date(2024, 6, 30)
    )
    actions.obligation_set_status(obligation=obligation, status=ObligationStatus.SUBMITTED)
    assert obligation.completed_on == date(2024, 5, 10)
    actions.obligation_set_status(obligation=obligation, status=ObligationStatus.PENDING)
    assert obligation.completed_on is None


def test_loan_create_generates_the_schedule() -> None:
    loan = actions.loan_create(
        source=make_loan_source(),
        reference="FIARE-2020",
        principal=D("100000.00"),
        annual_rate=D("3.00"),
        term_instalments=60,
        start_date=date(2020, 6, 15),
        grace_instalments=6,
    )
    rows = list(loan.schedule.order_by("number"))
    assert len(rows) == 60
    assert sum(r.principal for r in rows) == D("100000.00")
    assert rows[0].principal == 0 and rows[0].interest == D("250.00")
    assert rows[-1].balance == 0


def test_loan_create_refuses_bad_terms_and_writes_nothing() -> None:
    with pytest.raises(ValidationError) as error:
        actions.loan_create(
            source=make_loan_source(),
            reference="BAD",
            principal=D("1000"),
            annual_rate=D("120"),
            term_instalments=0,
            start_date=date(2020, 1, 1),
        )
    assert set(error.value.message_dict) == {"annual_rate", "term_instalments"}


def test_a_prepayment_regenerates_the_rest_of_the_schedule() -> None:
    loan = make_loan()
    before = {r.number: r for r in loan.schedule.all()}
    repayment = actions.loan_record_prepayment(loan=loan, on=date(2021, 1, 20), amount=D("20000.00"))
    assert repayment.kind == RepaymentKind.PREPAYMENT
    after = {r.number: r for r in loan.schedule.all()}
    assert len(after) == 60
    for number in range(1, 8):  # due on or before 20 January 2021
        assert (after[number].instalment, after[number].balance) == (
            before[number].instalment,
            before[number].balance,
        )
    assert after[8].instalment < before[8].instalment
    assert sum(r.principal for r in after.values()) == D("80000.00")


def test_a_refused_prepayment_leaves_the_schedule_alone() -> None:
    loan = make_loan(principal=D("1000.00"))
    before = list(loan.schedule.values_list("instalment", flat=True))
    with pytest.raises(ValidationError) as error:
        actions.loan_record_prepayment(loan=loan, on=date(2021, 1, 20), amount=D("5000.00"))
    assert error.value.message_dict["principal"] == [str(v.ERR_PREPAYMENT_EXCEEDS_BALANCE)]
    assert list(loan.schedule.values_list("instalment", flat=True)) == before
    assert not loan.repayments.exists()


def test_deleting_a_prepayment_restores_the_original_schedule() -> None:
    loan = make_loan()
    before = list(loan.schedule.values_list("number", "instalment", "balance"))
    prepayment = actions.loan_record_prepayment(loan=loan, on=date(2021, 1, 20), amount=D("20000.00"))
    actions.loan_delete_repayment(repayment=prepayment)
    assert list(loan.schedule.values_list("number", "instalment", "balance")) == before


def test_changing_the_terms_regenerates_the_schedule() -> None:
    loan = make_loan(term_instalments=60)
    actions.loan_update(loan=loan, term_instalments=36)
    assert loan.schedule.count() == 36


def test_terms_that_no_longer_fit_a_prepayment_are_refused() -> None:
    loan = make_loan(term_instalments=60)
    actions.loan_record_prepayment(loan=loan, on=date(2023, 1, 20), amount=D("1000.00"))
    with pytest.raises(ValidationError) as error:
        actions.loan_update(loan=loan, term_instalments=12)
    assert error.value.messages == [str(v.ERR_TERMS_CONFLICT_WITH_PREPAYMENTS)]


def test_paying_an_instalment_copies_the_schedule_row() -> None:
    loan = make_loan()
    entry = loan.schedule.get(number=1)
    repayment = actions.loan_pay_instalment(loan=loan, number=1)
    assert (repayment.date, repayment.interest, repayment.principal) == (
        entry.due_date,
        entry.interest,
        entry.principal,
    )
    with pytest.raises(ValidationError) as error:
        actions.loan_pay_instalment(loan=loan, number=1)
    assert str(v.ERR_INSTALMENT_ALREADY_PAID) in error.value.messages
    with pytest.raises(ValidationError):
        actions.loan_pay_instalment(loan=loan, number=99)


def test_paying_the_due_instalments_skips_those_already_paid() -> None:
    loan = make_loan(start_date=date(2020, 6, 15))
    actions.loan_pay_instalment(loan=loan, number=2)
    created = actions.loan_pay_due_instalments(loan=loan, on=date(2020, 12, 31))
    assert [r.instalment_number for r in created] == [1, 3, 4, 5, 6]
    assert LoanRepayment.objects.filter(loan=loan).count() == 6
    assert actions.loan_pay_due_instalments(loan=loan, on=date(2020, 12, 31)) == []


def test_budget_create_numbers_versions_and_sets_lines() -> None:
    first = actions.budget_create(year=2024, label="initial", lines={category("staff"): D("100000.00")})
    second = actions.budget_create(year=2024, label="revised")
    assert (first.version, second.version) == (1, 2)
    actions.budget_set_line(budget=first, category=category("staff"), amount=D("90000.00"))
    assert first.lines.get().amount == D("90000.00")


def test_budget_approve_sets_the_date() -> None:
    budget = actions.budget_create(year=2024, label="initial")
    actions.budget_approve(budget=budget, on=date(2024, 1, 31))
    budget.refresh_from_db()
    assert (budget.status, budget.approved_on) == (BudgetStatus.APPROVED, date(2024, 1, 31))


def test_copying_a_budget_as_next_years_draft_copies_every_line() -> None:
    budget = make_approved_budget(year=2024, version=2)
    make_budget_line(budget=budget, category=category("staff"), amount=D("100000.00"))
    make_budget_line(budget=budget, category=category("it"), amount=D("5000.00"))
    copy = actions.budget_copy_to_next_year(budget=budget)
    assert (copy.year, copy.version, copy.status, copy.approved_on) == (2025, 1, BudgetStatus.DRAFT, None)
    assert dict(copy.lines.values_list("category__code", "amount")) == {
        "staff": D("100000.00"),
        "it": D("5000.00"),
    }
    again = actions.budget_copy_to_next_year(budget=budget)
    assert again.version == 2
    assert CostBudget.objects.filter(year=2024).count() == 1


def test_copying_a_budget_as_a_new_version_stays_in_its_year() -> None:
    budget = make_approved_budget(year=2024, version=1)
    make_budget_line(budget=budget, category=category("staff"), amount=D("1.00"))
    copy = actions.budget_copy_as_new_version(budget=budget)
    assert (copy.year, copy.version, copy.status) == (2024, 2, BudgetStatus.DRAFT)
    assert copy.lines.count() == 1


def test_shared_service_cost_create_refuses_a_share_above_the_total() -> None:
    from tests.funding.factories import make_shared_services_source

    with pytest.raises(ValidationError) as error:
        actions.shared_service_cost_create(
            source=make_shared_services_source(),
            year=2018,
            service="Premises",
            total_cost=D("100"),
            share_paid=D("150"),
            standalone_cost=D("200"),
        )
    assert error.value.message_dict["share_paid"] == [str(v.ERR_SHARE_EXCEEDS_TOTAL)]


def test_category_create_refuses_a_seeded_code() -> None:
    with pytest.raises(ValidationError) as error:
        actions.category_create(code="travel", name_es="Viajes")
    assert error.value.message_dict["code"] == [str(v.ERR_CATEGORY_CODE_TAKEN)]
    assert actions.category_create(code="insurance", name_es="Seguros").name_es == "Seguros"


def test_expense_factory_is_valid() -> None:
    make_expense().full_clean()
    make_obligation().full_clean()
    assert Expense.objects.count() == 1
