"""The admin for staff: fast lists, read-only for the board, totals, filters and the rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding import actions
from funding import validation as v
from funding.choices import BudgetStatus
from funding.models import (
    CostBudget,
    FundingReceipt,
    FundingSource,
    Loan,
    LoanRepayment,
    Obligation,
    SupportAgreement,
)
from tests.funding.factories import (
    category,
    make_agreement,
    make_approved_budget,
    make_budget,
    make_budget_line,
    make_category,
    make_expense,
    make_loan,
    make_loan_source,
    make_obligation,
    make_parent_source,
    make_receipt,
    make_repayment,
    make_shared_cost,
    make_shared_services_source,
    make_source,
    make_tranche,
)

pytestmark = pytest.mark.django_db
D = Decimal


def changelist(model: str) -> str:
    return reverse(f"admin:funding_{model}_changelist")


def change(model: str, pk: int) -> str:
    return reverse(f"admin:funding_{model}_change", args=[pk])


def add(model: str) -> str:
    return reverse(f"admin:funding_{model}_add")


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def make_sources(n: int) -> None:
    for i in range(n):
        make_source(code=f"src-{n}-{i}")


def make_agreements(n: int) -> None:
    source = make_parent_source()
    for _ in range(n):
        make_agreement(source=source)


def make_obligations(n: int) -> None:
    agreement = make_agreement()
    for _ in range(n):
        make_obligation(agreement=agreement)


def make_receipts(n: int) -> None:
    source, agreement = make_parent_source(), None
    agreement = make_agreement(source=source)
    for _ in range(n):
        make_receipt(source=source, agreement=agreement)


def make_loans(n: int) -> None:
    source = make_loan_source()
    for _ in range(n):
        make_loan(source=source, term_instalments=2)


def make_repayments(n: int) -> None:
    loan = make_loan()
    for _ in range(n):
        make_repayment(loan=loan)


def make_shared_costs(n: int) -> None:
    source = make_shared_services_source()
    for _ in range(n):
        make_shared_cost(source=source)


def make_categories(n: int) -> None:
    for _ in range(n):
        make_category()


def make_budgets(n: int) -> None:
    for _ in range(n):
        make_budget_line(budget=make_budget())


def make_expenses(n: int) -> None:
    for i in range(n):
        make_expense(category=category(["it", "staff", "travel"][i % 3]))


MAKERS: dict[str, Callable[[int], None]] = {
    "fundingsource": make_sources,
    "supportagreement": make_agreements,
    "obligation": make_obligations,
    "fundingreceipt": make_receipts,
    "loan": make_loans,
    "loanrepayment": make_repayments,
    "sharedservicecost": make_shared_costs,
    "expensecategory": make_categories,
    "costbudget": make_budgets,
    "expense": make_expenses,
}


@pytest.mark.parametrize("model", sorted(MAKERS))
def test_each_changelist_makes_the_same_number_of_queries_for_1_and_50_rows(
    staff_client: Client, model: str
) -> None:
    MAKERS[model](1)
    one = queries(staff_client, changelist(model))
    MAKERS[model](49)
    fifty = queries(staff_client, changelist(model))
    assert fifty == one


@pytest.mark.parametrize("model", sorted(MAKERS))
def test_the_board_reads_every_list_but_cannot_add(board_client: Client, model: str) -> None:
    MAKERS[model](1)
    response = board_client.get(changelist(model))
    assert response.status_code == 200
    assert board_client.get(add(model)).status_code == 403


def test_the_board_sees_a_receipt_read_only(board_client: Client) -> None:
    receipt = make_receipt(amount=D("1234.56"))
    response = board_client.get(change("fundingreceipt", receipt.pk))
    assert response.status_code == 200
    assert 'name="amount"' not in response.content.decode()
    response = board_client.post(change("fundingreceipt", receipt.pk), {"amount": "1"})
    assert response.status_code == 403
    receipt.refresh_from_db()
    assert receipt.amount == D("1234.56")


def test_the_board_is_not_offered_the_budget_copy_action(board_client: Client) -> None:
    make_budget()
    response = board_client.get(changelist("costbudget"))
    assert "copy_to_next_year" not in response.content.decode()


def test_staff_add_an_expense_through_the_admin(staff_client: Client) -> None:
    response = staff_client.post(
        add("expense"),
        {
            "date": "2024-03-01",
            "category": category("it").pk,
            "supplier": "Hetzner",
            "amount": "49.90",
            "reference": "HZ-2024-03",
            "description": "Server rental",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert FundingReceipt.objects.count() == 0
    assert category("it").expenses.get().amount == D("49.90")


def zero_amount_expense() -> dict[str, Any]:
    return {
        "date": "2024-03-01",
        "category": category("it").pk,
        "supplier": "X",
        "amount": "0",
        "reference": "R",
    }


def test_the_admin_form_shows_the_translated_rule(staff_client: Client) -> None:
    response = staff_client.post(
        add("expense"),
        {
            "date": "2024-03-01",
            "category": category("it").pk,
            "supplier": "X",
            "amount": "0",
            "reference": "R",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["amount"] == [str(v.ERR_AMOUNT_NOT_POSITIVE)]


def test_the_admin_speaks_spanish_by_default(staff_user: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "es"
    client = Client()
    client.force_login(staff_user)
    response = client.post(
        add("expense"),
        {
            "date": "2024-03-01",
            "category": category("it").pk,
            "supplier": "X",
            "amount": "0",
            "reference": "R",
        },
    )
    assert "El importe debe ser mayor que cero." in response.content.decode()


def test_deleting_a_source_with_receipts_is_refused_with_a_message(staff_client: Client) -> None:
    receipt = make_receipt()
    url = reverse("admin:funding_fundingsource_delete", args=[receipt.source.pk])
    response = staff_client.get(url)
    assert str(v.ERR_SOURCE_IN_USE) in response.content.decode()
    response = staff_client.post(url, {"post": "yes"})
    assert FundingSource.objects.filter(pk=receipt.source.pk).exists()
    assert FundingReceipt.objects.filter(pk=receipt.pk).exists()


def test_the_bulk_delete_of_sources_refuses_the_protected_ones(staff_client: Client) -> None:
    receipt = make_receipt()
    response = staff_client.post(
        changelist("fundingsource"),
        {"action": "delete_selected", "_selected_action": [receipt.source.pk], "post": "yes"},
    )
    assert str(v.ERR_SOURCE_IN_USE) in response.content.decode()
    assert FundingSource.objects.filter(pk=receipt.source.pk).exists()


def test_the_source_page_shows_its_receipts_total(staff_client: Client) -> None:
    source = make_parent_source()
    make_receipt(source=source, amount=D("1000.00"))
    make_receipt(source=source, amount=D("234.56"))
    response = staff_client.get(change("fundingsource", source.pk))
    assert response.context["receipts_total"] == D("1234.56")
    assert 'data-receipts-total="1234.56"' in response.content.decode()


# --- drill-down filters -----------------------------------------------------------------------------


def test_the_expense_list_drills_down_by_year_and_category_code_with_a_total(staff_client: Client) -> None:
    make_expense(date=date(2024, 2, 1), category=category("it"), amount=D("100.10"), reference="IT-1")
    make_expense(date=date(2024, 9, 1), category=category("it"), amount=D("0.20"), reference="IT-2")
    make_expense(date=date(2023, 9, 1), category=category("it"), amount=D("5.00"), reference="IT-OLD")
    make_expense(date=date(2024, 9, 1), category=category("staff"), amount=D("9.00"), reference="ST-1")
    response = staff_client.get(changelist("expense") + "?date_year=2024&category__code__exact=it")
    assert response.status_code == 200
    listed = {e.reference for e in response.context["cl"].result_list}
    assert listed == {"IT-1", "IT-2"}
    assert response.context["filtered_total"] == D("100.30")
    assert 'data-total="100.30"' in response.content.decode()


def test_the_receipt_list_drills_down_by_year_source_and_kind(staff_client: Client) -> None:
    smart, fiare = make_parent_source(), make_loan_source()
    make_receipt(source=smart, date=date(2020, 1, 5), reference="A")
    make_receipt(source=smart, date=date(2021, 1, 5), reference="B")
    make_receipt(source=fiare, date=date(2020, 6, 5), reference="C")
    response = staff_client.get(changelist("fundingreceipt") + "?date_year=2020&source__kind__exact=loan")
    assert {r.reference for r in response.context["cl"].result_list} == {"C"}
    response = staff_client.get(changelist("fundingreceipt") + "?source__code__exact=smart-belgium")
    assert {r.reference for r in response.context["cl"].result_list} == {"A", "B"}


def test_the_shared_cost_and_budget_lists_filter_on_the_year(staff_client: Client) -> None:
    make_shared_cost(year=2018, service="Accounting")
    make_shared_cost(year=2017, service="Premises")
    response = staff_client.get(changelist("sharedservicecost") + "?year=2018")
    assert [c.service for c in response.context["cl"].result_list] == ["Accounting"]
    make_approved_budget(year=2024, version=1)
    make_budget(year=2024, version=2)
    response = staff_client.get(changelist("costbudget") + "?year=2024&status__exact=approved")
    assert [b.version for b in response.context["cl"].result_list] == [1]


@time_machine.travel("2024-05-01 10:00:00+02:00")
def test_the_obligation_list_shows_what_is_overdue_or_due_within_60_days(staff_client: Client) -> None:
    agreement = make_agreement()
    make_obligation(agreement=agreement, description="late", due_date=date(2024, 4, 1))
    make_obligation(agreement=agreement, description="soon", due_date=date(2024, 6, 30))
    make_obligation(agreement=agreement, description="later", due_date=date(2024, 7, 1))
    make_obligation(agreement=agreement, description="done", due_date=date(2024, 4, 1), status="submitted")
    response = staff_client.get(changelist("obligation") + "?deadline=attention")
    assert [o.description for o in response.context["cl"].result_list] == ["late", "soon"]
    content = response.content.decode()
    assert "overdue by 30 days" in content
    assert "due in 60 days" in content
    response = staff_client.get(changelist("obligation") + "?deadline=overdue")
    assert [o.description for o in response.context["cl"].result_list] == ["late"]
    assert Obligation.objects.needing_attention().count() == 2


# --- agreements ---------------------------------------------------------------------------------------


def agreement_post(source: FundingSource, **overrides: Any) -> dict[str, Any]:
    data = {
        "source": source.pk,
        "title": "Smart Belgium 2020",
        "committed_amount": "60000.00",
        "period_start": "2020-01-01",
        "period_end": "2020-12-31",
        "notes": "",
        "tranches-TOTAL_FORMS": "2",
        "tranches-INITIAL_FORMS": "0",
        "tranches-0-date": "2020-03-01",
        "tranches-0-amount": "30000.00",
        "tranches-1-date": "2020-09-01",
        "tranches-1-amount": "30000.00",
        "receipts-TOTAL_FORMS": "1",
        "receipts-INITIAL_FORMS": "0",
        "receipts-0-date": "2020-03-05",
        "receipts-0-amount": "30000.00",
        "receipts-0-reference": "SB-2020-1",
        "receipts-0-description": "",
        "obligations-TOTAL_FORMS": "1",
        "obligations-INITIAL_FORMS": "0",
        "obligations-0-kind": "report",
        "obligations-0-description": "Yearly report",
        "obligations-0-due_date": "2021-03-31",
        "obligations-0-status": "pending",
    }
    data.update(overrides)
    return data


def test_an_agreement_is_entered_with_its_tranches_receipts_and_obligations(staff_client: Client) -> None:
    source = make_parent_source()
    response = staff_client.post(add("supportagreement"), agreement_post(source))
    assert response.status_code == 302
    agreement = SupportAgreement.objects.get()
    assert agreement.tranches.count() == 2
    receipt = agreement.receipts.get()
    assert receipt.source == source
    assert agreement.obligations.get().description == "Yearly report"
    page = staff_client.get(change("supportagreement", agreement.pk))
    assert page.context["progress"].received == D("30000.00")
    assert 'data-still-to-receive="30000.00"' in page.content.decode()


def test_tranches_above_the_commitment_are_refused_in_the_admin(staff_client: Client) -> None:
    source = make_parent_source()
    response = staff_client.post(
        add("supportagreement"), agreement_post(source, **{"tranches-1-amount": "30000.01"})
    )
    assert response.status_code == 200
    assert str(v.ERR_TRANCHES_EXCEED_COMMITMENT) in response.content.decode()
    assert not SupportAgreement.objects.exists()


def test_a_receipt_reference_already_used_by_the_source_is_refused_in_the_agreement(
    staff_client: Client,
) -> None:
    source = make_parent_source()
    make_receipt(source=source, reference="SB-2020-1")
    response = staff_client.post(add("supportagreement"), agreement_post(source))
    assert response.status_code == 200
    assert str(v.ERR_RECEIPT_REFERENCE_TAKEN) in response.content.decode()
    assert FundingReceipt.objects.count() == 1


def test_the_agreement_source_autocomplete_offers_only_parent_support_and_grants(
    staff_client: Client,
) -> None:
    make_parent_source()
    make_loan_source()
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "funding", "model_name": "supportagreement", "field_name": "source", "term": ""},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Smart Belgium (smart-belgium)"]


# --- the loan -----------------------------------------------------------------------------------------


def loan_post(source: FundingSource, **overrides: Any) -> dict[str, Any]:
    data = {
        "source": source.pk,
        "reference": "FIARE-2020",
        "principal": "100000.00",
        "annual_rate": "3.00",
        "term_instalments": "60",
        "grace_instalments": "6",
        "start_date": "2020-06-15",
        "frequency": "monthly",
        "notes": "",
        "schedule-TOTAL_FORMS": "0",
        "schedule-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@time_machine.travel("2021-01-01 10:00:00+01:00")
def test_saving_a_loan_generates_its_schedule_shown_read_only(staff_client: Client) -> None:
    response = staff_client.post(add("loan"), loan_post(make_loan_source()))
    assert response.status_code == 302
    loan = Loan.objects.get()
    assert loan.schedule.count() == 60
    page = staff_client.get(change("loan", loan.pk))
    content = page.content.decode()
    assert 'name="schedule-0-instalment"' not in content
    assert page.context["position"].scheduled_balance == D("100000.00")
    assert 'data-outstanding="100000.00"' in content
    edit = loan_post(loan.source, term_instalments="36", **{"schedule-INITIAL_FORMS": "0"})
    assert staff_client.post(change("loan", loan.pk), edit).status_code == 302
    assert loan.schedule.count() == 36


def test_a_loan_with_a_grace_period_as_long_as_the_term_is_refused(staff_client: Client) -> None:
    response = staff_client.post(add("loan"), loan_post(make_loan_source(), grace_instalments="60"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["grace_instalments"] == [str(v.ERR_GRACE_TOO_LONG)]


def test_a_prepayment_entered_in_the_admin_regenerates_the_schedule(staff_client: Client) -> None:
    loan = make_loan()
    before = loan.schedule.get(number=10).instalment
    response = staff_client.post(
        add("loanrepayment"),
        {
            "loan": loan.pk,
            "date": "2021-01-20",
            "kind": "prepayment",
            "instalment_number": "",
            "interest": "0",
            "principal": "20000.00",
        },
    )
    assert response.status_code == 302
    assert loan.schedule.get(number=10).instalment < before
    prepayment = LoanRepayment.objects.get()
    staff_client.post(reverse("admin:funding_loanrepayment_delete", args=[prepayment.pk]), {"post": "yes"})
    assert not LoanRepayment.objects.exists()
    assert loan.schedule.get(number=10).instalment == before


def test_the_admin_action_records_the_due_instalments(staff_client: Client) -> None:
    loan = make_loan(start_date=date(2020, 6, 15))
    with time_machine.travel("2020-09-20 10:00:00+02:00"):
        response = staff_client.post(
            changelist("loan"), {"action": "pay_due_instalments", "_selected_action": [loan.pk]}
        )
    assert response.status_code == 302
    assert list(
        loan.repayments.order_by("instalment_number").values_list("instalment_number", flat=True)
    ) == [
        1,
        2,
        3,
    ]


# --- budgets and shared services ----------------------------------------------------------------------


def test_the_copy_action_creates_next_years_draft(staff_client: Client) -> None:
    budget = make_approved_budget(year=2024, version=1)
    make_budget_line(budget=budget, category=category("staff"), amount=D("1000.00"))
    response = staff_client.post(
        changelist("costbudget"), {"action": "copy_to_next_year", "_selected_action": [budget.pk]}
    )
    assert response.status_code == 302
    copy = CostBudget.objects.get(year=2025)
    assert (copy.status, copy.version) == (BudgetStatus.DRAFT, 1)
    assert copy.lines.get().amount == D("1000.00")


@time_machine.travel("2024-04-09 12:00:00+02:00")
def test_the_budget_page_compares_budget_and_actual(staff_client: Client) -> None:
    budget = make_approved_budget(year=2024, version=1)
    make_budget_line(budget=budget, category=category("staff"), amount=D("36600.00"))
    make_expense(date=date(2024, 2, 1), category=category("staff"), amount=D("12000.00"))
    response = staff_client.get(change("costbudget", budget.pk))
    content = response.content.decode()
    assert 'data-budget-total="36600.00"' in content
    assert 'data-expected-total="10000.00"' in content
    assert 'data-actual-total="12000.00"' in content
    assert 'data-variance-total="-24600.00"' in content


def test_a_budget_with_two_lines_for_one_category_is_refused(staff_client: Client) -> None:
    data = {
        "year": "2024",
        "version": "1",
        "label": "initial",
        "status": "draft",
        "approved_on": "",
        "notes": "",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-category": category("it").pk,
        "lines-0-amount": "10",
        "lines-1-category": category("it").pk,
        "lines-1-amount": "20",
    }
    response = staff_client.post(add("costbudget"), data)
    assert response.status_code == 200
    assert not CostBudget.objects.exists()


def test_the_shared_cost_page_reconciles_with_the_booked_expenses(staff_client: Client) -> None:
    cost = make_shared_cost(year=2018, share_paid=D("8000.00"), standalone_cost=D("20000.00"))
    make_expense(date=date(2018, 5, 1), category=category("shared-services"), amount=D("8000.00"))
    response = staff_client.get(change("sharedservicecost", cost.pk))
    content = response.content.decode()
    assert 'data-booked="8000.00"' in content
    assert 'data-avoided="12000.00"' in content
    assert "errornote" not in content


def test_every_change_page_opens(staff_client: Client) -> None:
    pages = {
        "fundingsource": make_parent_source().pk,
        "supportagreement": make_tranche().agreement.pk,
        "obligation": make_obligation().pk,
        "fundingreceipt": make_receipt().pk,
        "loan": make_loan().pk,
        "loanrepayment": make_repayment().pk,
        "sharedservicecost": make_shared_cost().pk,
        "expensecategory": category("it").pk,
        "costbudget": make_budget().pk,
        "expense": make_expense().pk,
    }
    for model, pk in pages.items():
        assert staff_client.get(change(model, pk)).status_code == 200, model
        assert staff_client.get(add(model)).status_code == 200, model
    actions.source_create(code="spare", name="Spare", kind="other")
