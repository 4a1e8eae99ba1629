"""The period lock of a closed year: the admin, code and (on PostgreSQL) raw SQL are refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import translation

from funding import actions as funding
from funding.models import Expense
from services.models import Invoice, Payment
from smartiberica.board.closing import year_close, year_reopen
from tests.closing.test_close_year import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_2026_in_english() -> Any:
    # English: the messages read as the contract writes them (the admin test reads Spanish).
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def expense_2024() -> Expense:
    return funding.expense_create(
        date=date(2024, 3, 1),
        category=_category("it"),
        supplier="Hosting SL",
        amount=Decimal("100.00"),
        reference="IT-2024-03",
    )


def _category(code: str) -> Any:
    from funding.models import ExpenseCategory

    return ExpenseCategory.objects.get(code=code)


def test_code_cannot_add_change_or_delete_a_record_of_a_closed_year(
    expense_2024: Expense, board_user: Any
) -> None:
    year_close(year=2024, user=board_user)

    with pytest.raises(ValidationError, match="year 2024 is closed"):
        funding.expense_create(
            date=date(2024, 5, 1),
            category=_category("it"),
            supplier="X",
            amount=Decimal("1.00"),
            reference="R-1",
        )
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        funding.expense_update(expense=expense_2024, amount=Decimal("200.00"))
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        # Moving a record out of a closed year is changing that year too.
        funding.expense_update(expense=expense_2024, date=date(2025, 1, 1))
    from funding import record_actions

    with pytest.raises(ValidationError, match="year 2024 is closed"):
        record_actions.expense_delete(expense=expense_2024)
    assert Expense.objects.get(pk=expense_2024.pk).amount == Decimal("100.00")


def test_records_of_open_years_are_still_written(expense_2024: Expense, board_user: Any) -> None:
    year_close(year=2024, user=board_user)
    later = funding.expense_create(
        date=date(2025, 5, 1), category=_category("it"), supplier="X", amount=Decimal("1.00"), reference="R-2"
    )
    assert later.pk is not None


def test_the_admin_refuses_the_edit_with_the_same_words(
    expense_2024: Expense, board_user: Any, staff_client: Client
) -> None:
    year_close(year=2024, user=board_user)
    url = f"/admin/funding/expense/{expense_2024.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"amount": "150,00", "date": "01/03/2024"})

    response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 200
    assert "el año 2024 está cerrado" in response.content.decode()
    assert Expense.objects.get(pk=expense_2024.pk).amount == Decimal("100.00")


def test_reopening_lets_the_same_edit_through(expense_2024: Expense, board_user: Any, superuser: Any) -> None:
    year_close(year=2024, user=board_user)
    year_reopen(year=2024, user=superuser, reason="Corrección")
    assert funding.expense_update(expense=expense_2024, amount=Decimal("200.00")).amount == Decimal("200.00")


@pytest.mark.postgresql
def test_raw_sql_cannot_insert_update_or_delete_rows_of_a_closed_year(
    expense_2024: Expense, board_user: Any
) -> None:
    year_close(year=2024, user=board_user)
    statements = [
        (
            "INSERT INTO funding_expense (date, category_id, supplier, amount, reference, description)"
            " SELECT '2024-06-01', category_id, 'Raw SQL', 5.00, 'RAW-1', '' FROM funding_expense LIMIT 1"
        ),
        "UPDATE funding_expense SET amount = 1.00 WHERE reference = 'IT-2024-03'",
        "UPDATE funding_expense SET date = '2025-01-01' WHERE reference = 'IT-2024-03'",
        "DELETE FROM funding_expense WHERE reference = 'IT-2024-03'",
    ]
    for sql in statements:
        with (
            pytest.raises(IntegrityError, match="year 2024 is closed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert Expense.objects.get(pk=expense_2024.pk).amount == Decimal("100.00")


@pytest.mark.postgresql
def test_raw_sql_on_invoices_and_payments_of_a_closed_year_is_refused(board_user: Any) -> None:
    from tests.services.factories import make_invoice, make_payment

    invoice = make_invoice(issue_date=date(2024, 2, 1))
    make_payment(invoice=invoice, date=date(2024, 3, 1), amount=Decimal("10.00"))
    year_close(year=2024, user=board_user)
    for sql in (
        f"UPDATE services_invoice SET status = 'cancelled' WHERE id = {invoice.pk}",
        "UPDATE services_payment SET amount = 1.00",
    ):
        with (
            pytest.raises(IntegrityError, match="year 2024 is closed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert Invoice.objects.get(pk=invoice.pk).status == "issued"
    assert Payment.objects.get().amount == Decimal("10.00")


def test_new_loan_terms_may_not_change_the_interest_due_in_a_closed_year(board_user: Any) -> None:
    from funding.models import LoanScheduleEntry
    from tests.funding.factories import make_loan

    loan = make_loan(start_date=date(2023, 6, 15), term_instalments=60)
    before = list(LoanScheduleEntry.objects.filter(due_date__year=2024).values_list("interest", flat=True))
    year_close(year=2024, user=board_user)

    with pytest.raises(ValidationError, match="year 2024 is closed"):
        funding.loan_update(loan=loan, annual_rate=Decimal("4.00"))

    after = list(LoanScheduleEntry.objects.filter(due_date__year=2024).values_list("interest", flat=True))
    assert after == before
    # A prepayment in an open year changes only the rows due after it.
    loan.refresh_from_db()  # the refused terms are still on the object in memory
    funding.loan_record_prepayment(loan=loan, on=date(2026, 1, 10), amount=Decimal("1000.00"))


def test_a_closed_years_budget_lines_cannot_change(board_user: Any) -> None:
    from tests.funding.factories import make_approved_budget

    budget = make_approved_budget(year=2024)
    funding.budget_set_line(budget=budget, category=_category("it"), amount=Decimal("500.00"))
    year_close(year=2024, user=board_user)

    with pytest.raises(ValidationError, match="year 2024 is closed"):
        funding.budget_set_line(budget=budget, category=_category("it"), amount=Decimal("900.00"))
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        funding.budget_set_line(budget=budget, category=_category("travel"), amount=Decimal("10.00"))


def test_an_invoice_of_a_closed_year_is_still_credited_and_paid_in_an_open_year(board_user: Any) -> None:
    from services import actions as services
    from services.choices import InvoiceStatus
    from tests.services.factories import make_invoice

    invoice = make_invoice(issue_date=date(2024, 11, 1))
    year_close(year=2024, user=board_user)

    paid = services.payment_record(invoice=invoice, date=date(2026, 2, 1), amount=Decimal("50.00"))
    credit = services.credit_note_create(
        invoice=invoice, issue_date=date(2026, 2, 2), status=InvoiceStatus.ISSUED
    )

    assert paid.pk is not None and credit.corrects_id == invoice.pk
    with pytest.raises(ValidationError, match="year 2024 is closed"):
        services.credit_note_create(
            invoice=invoice, issue_date=date(2024, 12, 31), status=InvoiceStatus.ISSUED
        )
