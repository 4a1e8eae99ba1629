"""No record is dated before 1990 nor more than one year after today, whatever the path.

Forms, actions and imports refuse such a date with the same translated message naming the range;
the database refuses dates before 1990; the board pages never break on a far year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponseRedirect
from django.test import Client
from django.urls import reverse
from django.utils import translation

from funding import actions as funding_actions
from funding.models import Expense
from services.models import Invoice, RevenueTarget
from smartiberica.board.imports import import_records
from smartiberica.kernel.dates import (
    EARLIEST_RECORD_DATE,
    latest_record_date,
    planned_date_range_message,
    record_date_range_message,
    record_year_range_message,
    validate_record_date,
    validate_record_year,
)
from smartiberica.kernel.importing import ImportResult
from tests.funding.factories import category
from tests.services.factories import make_invoice

pytestmark = pytest.mark.django_db
D = Decimal

# Frozen "today" for every test: the latest allowed date is then 15/03/2027.
TODAY = "2026-03-15 12:00:00+01:00"
travel = time_machine.travel(TODAY, tick=False)


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    with travel:
        yield


def expense(on: date, reference: str = "E-1") -> Expense:
    return funding_actions.expense_create(
        date=on, category=category("it"), supplier="Acme", amount=D("8.27"), reference=reference
    )


def import_file(kind: str, text: str) -> ImportResult:
    return import_records(kind, text.encode())


# --- The rule ---------------------------------------------------------------------------------------


def test_the_message_names_the_range_in_the_active_language_short_date_format() -> None:
    with translation.override("en"):
        assert record_date_range_message() == "Dates go from 01/01/1990 to 03/15/2027."
    with translation.override("fr"):
        assert "01/01/1990" in record_date_range_message()
        assert "15/03/2027" in record_date_range_message()


def test_one_year_after_today_is_accepted_and_the_day_after_is_refused() -> None:
    assert latest_record_date() == date(2027, 3, 15)
    assert expense(date(2027, 3, 15)).date == date(2027, 3, 15)
    with pytest.raises(ValidationError) as error:
        expense(date(2027, 3, 16), reference="E-2")
    assert error.value.message_dict["date"] == [record_date_range_message()]


def test_the_first_of_january_1990_is_accepted_and_the_day_before_is_refused() -> None:
    assert expense(EARLIEST_RECORD_DATE).date == date(1990, 1, 1)
    with pytest.raises(ValidationError) as error:
        expense(date(1989, 12, 31), reference="E-2")
    assert error.value.message_dict["date"] == [record_date_range_message()]


@time_machine.travel("2028-02-29 12:00:00+01:00", tick=False)
def test_from_the_29th_of_february_the_latest_date_is_the_28th_a_year_later() -> None:
    assert latest_record_date() == date(2029, 2, 28)
    validate_record_date(date(2029, 2, 28))
    with pytest.raises(ValidationError):
        validate_record_date(date(2029, 3, 1))


def test_a_year_goes_from_1990_to_next_year() -> None:
    validate_record_year(1990)
    validate_record_year(2027)
    for year in (1989, 2028, 9999):
        with pytest.raises(ValidationError) as error:
            validate_record_year(year)
        assert error.value.messages == [record_year_range_message()]


# --- Every path refuses an expense dated 2036 ------------------------------------------------------


def test_the_action_refuses_an_expense_dated_2036() -> None:
    with pytest.raises(ValidationError) as error:
        expense(date(2036, 1, 10))
    assert error.value.message_dict["date"] == [record_date_range_message()]
    assert not Expense.objects.exists()


def test_the_admin_form_refuses_an_expense_dated_2036(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("admin:funding_expense_add"),
        {
            "date": "2036-01-10",
            "category": category("it").pk,
            "supplier": "Acme",
            "amount": "8.27",
            "reference": "E-1",
        },
    )
    assert response.status_code == 200
    with translation.override("es"):  # the admin's default language
        expected = record_date_range_message()
    assert response.context["adminform"].form.errors["date"] == [expected]
    assert not Expense.objects.exists()


def test_the_import_refuses_an_expense_dated_2036_on_its_row_and_column() -> None:
    with translation.override("en"):
        result = import_file(
            "expenses",
            "date,category,supplier,amount,reference\n2024-03-05,it,Acme,1.00,E-1\n2036-01-10,it,Acme,8.27,E-2\n",
        )
        assert result.error_lines() == ["row 3, column date: Dates go from 01/01/1990 to 03/15/2027."]
    assert not Expense.objects.exists()


def test_the_invoices_import_refuses_an_invoice_dated_the_first_of_january_of_year_one() -> None:
    with translation.override("en"):
        result = import_file(
            "invoices",
            "number,issue_date,client,client_tax_id,service,net_amount,vat_rate\n"
            "F0001-1,0001-01-01,Hachette,A28765436,project-support,1000,21\n",
        )
        assert result.error_lines() == ["row 2, column issue_date: Dates go from 01/01/1990 to 03/15/2027."]
    assert not Invoice.objects.exists()


def test_the_member_turnover_import_refuses_a_month_in_2036() -> None:
    with translation.override("en"):
        result = import_file(
            "member-turnover", "month,turnover,structure_rate,fund_rate\n2036-01,100,5.5,2\n"
        )
        assert result.error_lines() == ["row 2, column month: Dates go from 01/01/1990 to 03/15/2027."]


INVOICE_2024 = (
    "number,issue_date,client,client_tax_id,service,net_amount,vat_rate\n"
    "F2024-0001,2024-01-10,Hachette,A28765436,project-support,1000,21\n"
)
DATED_2036 = [
    ("funding-receipts", "date,source,amount,reference\n2036-01-10,smart-belgium,10,R-1\n", "date"),
    ("payments", "invoice,date,amount\nF2024-0001,2036-01-10,10\n", "date"),
    ("refunds", "invoice,date,amount\nF2024-0001,2036-01-10,10\n", "date"),
    ("invoices", INVOICE_2024.replace("2024-01-10", "2036-01-10"), "issue_date"),
]


@pytest.mark.parametrize(("kind", "text", "column"), DATED_2036, ids=[kind for kind, _, _ in DATED_2036])
def test_every_import_with_a_date_refuses_2036_on_its_column(kind: str, text: str, column: str) -> None:
    from tests.funding.factories import make_parent_source

    make_parent_source()
    with translation.override("en"):
        if kind != "invoices":
            assert import_file("invoices", INVOICE_2024).ok
        result = import_file(kind, text)
        # (A refund also says nothing was paid: every error of the row is listed.)
        assert f"row 2, column {column}: Dates go from 01/01/1990 to 03/15/2027." in result.error_lines()
        assert not result.written


def test_a_revenue_target_for_a_year_after_next_is_refused() -> None:
    from services import actions as services_actions
    from services.models import ServiceLine

    line = ServiceLine.objects.get(code="it-licensing")
    assert services_actions.revenue_target_set(service_line=line, year=2027, amount=D("1")).year == 2027
    with pytest.raises(ValidationError) as error:
        services_actions.revenue_target_set(service_line=line, year=2028, amount=D("1"))
    assert error.value.message_dict["year"] == [record_year_range_message()]
    assert list(RevenueTarget.objects.values_list("year", flat=True)) == [2027]


# --- Dates that plan ahead, and typos that used to crash -------------------------------------------


def test_a_contract_may_end_years_ahead_but_not_after_2099() -> None:
    from tests.services.factories import make_contract

    contract = make_contract(end_date=date(2035, 12, 31))
    assert contract.end_date == date(2035, 12, 31)
    contract.end_date = date(2100, 1, 1)
    with pytest.raises(ValidationError) as error:
        contract.full_clean()
    assert error.value.message_dict["end_date"] == [planned_date_range_message()]


def test_an_invoice_dated_31_december_9999_is_refused_by_the_import_not_a_crash() -> None:
    with translation.override("en"):
        result = import_file("invoices", INVOICE_2024.replace("2024-01-10", "31/12/9999"))
        assert result.error_lines() == ["row 2, column issue_date: Dates go from 01/01/1990 to 03/15/2027."]


def test_an_invoice_due_in_9999_is_refused() -> None:
    with translation.override("en"):
        result = import_file(
            "invoices",
            "number,issue_date,client,client_tax_id,service,net_amount,vat_rate,due_date\n"
            "F2024-0001,2024-01-10,Hachette,A28765436,project-support,1000,21,9999-12-31\n",
        )
        assert result.error_lines() == ["row 2, column due_date: Dates go from 01/01/1990 to 03/15/2027."]


def test_a_margin_rule_ending_31_december_9999_or_a_loan_starting_in_9999_is_refused_not_a_crash() -> None:
    from services import actions as services_actions
    from tests.funding.factories import make_loan

    with pytest.raises(ValidationError) as error:
        services_actions.margin_rule_create(
            name="Typo",
            valid_from=date(2024, 1, 1),
            valid_to=date(9999, 12, 31),
            structure_rate=D("5"),
            fund_rate=D("2"),
        )
    assert error.value.message_dict["valid_to"] == [planned_date_range_message()]
    loan = make_loan()
    with pytest.raises(ValidationError) as error:
        funding_actions.loan_update(loan=loan, start_date=date(9999, 12, 1))
    assert error.value.message_dict["start_date"] == [record_date_range_message()]


# --- The database refuses a date before 1990 -------------------------------------------------------


def test_the_database_refuses_an_expense_moved_to_1989() -> None:
    row = expense(date(2024, 3, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Expense.objects.filter(pk=row.pk).update(date=date(1989, 12, 31))


def test_the_database_refuses_an_invoice_moved_to_year_one() -> None:
    invoice = make_invoice(issue_date=date(2024, 3, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(issue_date=date(1, 1, 1), due_date=date(1, 1, 31))


def test_the_database_refuses_a_budget_year_before_1990() -> None:
    budget = funding_actions.budget_create(year=2024, label="initial")
    with pytest.raises(IntegrityError), transaction.atomic():
        type(budget).objects.filter(pk=budget.pk).update(year=1989)


# --- The board pages never answer 500 --------------------------------------------------------------


@pytest.mark.parametrize("year", [1, 1989, 9999])
def test_a_year_out_of_range_in_the_url_is_not_found(board_client: Client, year: int) -> None:
    for name in ("year", "api-year", "year-csv"):
        assert board_client.get(reverse(name, args=[year])).status_code == 404


def _write_around_the_constraints(sql: str, params: list[Any]) -> None:
    """Old data from before the rule: write it as a migration-less database would have let it in."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                cursor.execute(sql, params)
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:
            # Inside the test's transaction: the constraint is back after the rollback. (ALTER TABLE
            # waits for no deferred foreign-key check: run them now.)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE funding_expense DROP CONSTRAINT IF EXISTS expense_date_from_1990")
            cursor.execute(sql, params)


@pytest.fixture
def out_of_range_expenses() -> Callable[[], None]:
    def make() -> None:
        kept = expense(date(2024, 3, 5), reference="E-2024")
        for reference, on in (("E-0001", date(1, 1, 1)), ("E-2036", date(2036, 1, 10))):
            row = expense(date(2024, 3, 6), reference=reference)
            _write_around_the_constraints("UPDATE funding_expense SET date = %s WHERE id = %s", [on, row.pk])
        assert Expense.objects.filter(date__year=2024).get() == kept

    return make


def test_out_of_range_data_neither_breaks_the_board_nor_gets_a_page(
    board_client: Client, out_of_range_expenses: Callable[[], None]
) -> None:
    out_of_range_expenses()
    home = board_client.get(reverse("home"))
    assert home.status_code == 302
    assert isinstance(home, HttpResponseRedirect)
    assert home.url == reverse("year", args=[2024])
    for url in (reverse("years"), reverse("year", args=[2024]), reverse("api-year", args=[2024])):
        response = board_client.get(url)
        assert response.status_code == 200, url
    page = board_client.get(reverse("years")).content.decode()
    assert reverse("year", args=[2036]) not in page
    assert reverse("year", args=[2024]) in page
