"""An expense that looks like a loan payment is saved, with a warning (financial means bank charges)."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from funding import actions
from funding.loan_checks import expense_loan_warning
from funding.selectors import categories_by_code

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def loan() -> object:
    lender = actions.source_create(code="fiare", name="Fiare Banca Etica", kind="loan")
    # 12,000 at 12 % (1 % a month), 4 instalments, 3 interest-only: 120.00 interest on 15 Nov 2023.
    return actions.loan_create(
        source=lender,
        reference="FIARE-G",
        principal=D("12000.00"),
        annual_rate=D("12.00"),
        term_instalments=4,
        grace_instalments=3,
        start_date=date(2023, 10, 15),
    )


def test_an_expense_with_the_date_and_amount_of_an_instalment_is_warned_about(loan: object) -> None:
    warning = expense_loan_warning(on=date(2023, 11, 15), amount=D("120.00"), supplier="Banco")
    assert warning is not None and "FIARE-G" in warning


def test_an_expense_whose_supplier_is_the_lender_is_warned_about(loan: object) -> None:
    warning = expense_loan_warning(on=date(2023, 11, 3), amount=D("9.00"), supplier="fiare banca etica")
    assert warning is not None and "Fiare Banca Etica" in warning


def test_a_bank_charge_of_another_day_and_supplier_is_not_warned_about(loan: object) -> None:
    assert expense_loan_warning(on=date(2023, 11, 15), amount=D("9.00"), supplier="Banco") is None


def test_the_admin_saves_the_expense_and_shows_the_warning(loan: object, staff_client: Client) -> None:
    financial = categories_by_code()["financial"]
    response = staff_client.post(
        "/admin/funding/expense/add/",
        {
            "date": "2023-11-15",
            "category": financial.pk,
            "supplier": "Banco",
            "amount": "120.00",
            "reference": "INT-11",
            "description": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("FIARE-G" in text for text in texts), texts
    from funding.models import Expense

    assert Expense.objects.filter(reference="INT-11").exists()  # a warning, not an error
