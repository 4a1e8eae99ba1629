"""The bank pages: who may open and use them, what they show, what their buttons do (issue 20)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import Expense
from services.models import Payment
from smartiberica.board.reconciliation import INVOICE
from smartiberica.board.reconciliation_actions import reconcile
from tests.board.reconciliation.helpers import Line, import_line, import_lines, matched
from tests.funding.factories import make_expense, make_source
from tests.services.factories import make_client, make_invoice, make_payment

pytestmark = pytest.mark.django_db
D = Decimal
ON = date(2024, 3, 20)
BANK = reverse("bank")
CONFIRM_ALL = reverse("bank-reconcile-confident")


def english(client: WebClient) -> WebClient:
    # The pages' new sentences are translated by the lead later: the tests read them in English.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def line_url(pk: int, name: str = "bank-line") -> str:
    return reverse(name, args=[pk])


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(date(2024, 4, 19), tick=False):
        yield


# --- Who may open what ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page() -> None:
    line = import_line(Line(ON, "10.00"))
    for url in (BANK, line_url(line)):
        response = WebClient().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_a_user_without_a_role_is_refused() -> None:
    line = import_line(Line(ON, "10.00"))
    nobody = get_user_model().objects.create_user(username="nadie", password="x")
    client = WebClient()
    client.force_login(nobody)
    assert client.get(BANK).status_code == 403
    assert client.get(line_url(line)).status_code == 403


def test_a_board_member_reads_the_pages_without_buttons_and_cannot_post(board_client: WebClient) -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    line = import_line(Line(ON, "121.00"))

    page = board_client.get(BANK)
    one = board_client.get(line_url(line))

    assert page.status_code == one.status_code == 200
    assert f'data-suggestion="payment-{payment.pk}"' in page.content.decode()
    for response in (page, one):
        assert "data-suggestion" in response.content.decode()
        assert "bank-line-reconcile" not in response.content.decode()
        assert "/reconcile/" not in response.content.decode()
        assert "csrfmiddlewaretoken" not in response.content.decode().split("<main", 1)[1]
    posts = [
        (line_url(line, "bank-line-reconcile"), {"kind": "payment", "record_id": payment.pk}),
        (line_url(line, "bank-line-create"), {"what": "expense", "category": "it"}),
        (line_url(line, "bank-line-unreconcile"), {}),
        (CONFIRM_ALL, {}),
    ]
    for url, data in posts:
        assert board_client.post(url, data).status_code == 403, url
    assert matched(line) == (None, None)


def test_the_buttons_answer_posts_only(staff_client: WebClient) -> None:
    line = import_line(Line(ON, "10.00"))
    for url in (line_url(line, "bank-line-reconcile"), line_url(line, "bank-line-create"), CONFIRM_ALL):
        assert staff_client.get(url).status_code == 405, url


# --- What /bank/ shows ---------------------------------------------------------------------------------


def test_the_bank_page_shows_the_cash_and_the_open_lines_oldest_first_with_their_age(
    staff_client: WebClient,
) -> None:
    older, newer = import_lines(Line(date(2024, 3, 1), "-200.00"), Line(ON, "50.50", name="Hachette Livre"))

    page = english(staff_client).get(BANK)
    html = page.content.decode()

    assert page.status_code == 200
    assert "€850.50" in html  # 1,000.00 opening − 200.00 + 50.50
    assert html.index(f'data-line="{older}"') < html.index(f'data-line="{newer}"')
    assert "49 days" in html and "30 days" in html
    assert "Hachette Livre" in html
    assert "2 lines are left to reconcile, oldest first." in html


def test_the_open_lines_come_fifty_a_page(staff_client: WebClient) -> None:
    lines = import_lines(*[Line(date(2024, 1, 1 + i % 28), f"{i + 1}.00") for i in range(55)])

    first = english(staff_client).get(BANK).content.decode()
    second = staff_client.get(BANK + "?page=2").content.decode()

    assert len(re.findall(r'<tr data-line="', first)) == 50
    assert len(re.findall(r'<tr data-line="', second)) == 5
    assert "Page 2 of 2" in second
    assert staff_client.get(BANK + "?page=x").status_code == 200
    assert len(set(lines)) == 55


def queries_of_the_bank_page(client: WebClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(BANK).status_code == 200
    return len(queries)


def test_the_bank_page_makes_as_many_queries_for_5_lines_as_for_50(staff_client: WebClient) -> None:
    def lines_with_suggestions(n: int, day: int) -> None:
        for i in range(n):
            make_expense(date=date(2024, 3, day), amount=D(100 + i), reference=f"EXP-P{day}-{i}")
        import_lines(
            *[Line(date(2024, 3, day), f"-{100 + i}.00", description=f"EXP-P{day}-{i}") for i in range(n)]
        )

    lines_with_suggestions(5, 1)
    few = queries_of_the_bank_page(staff_client)
    lines_with_suggestions(45, 2)
    many = queries_of_the_bank_page(staff_client)

    # Session, user, permissions, cash, the page's lines and their count, the candidates (refunds,
    # repayments, expenses), the records reconciled already, the create forms' sources and categories.
    assert few == many == 14


# --- The buttons -------------------------------------------------------------------------------------------


def test_staff_confirm_a_suggestion_and_the_line_leaves_the_list(
    staff_client: WebClient, staff_user: Any
) -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    line = import_line(Line(ON, "121.00"))

    response = english(staff_client).post(
        line_url(line, "bank-line-reconcile"),
        {"kind": "payment", "record_id": payment.pk, "next": BANK},
        follow=True,
    )

    assert response.redirect_chain == [(BANK, 302)]
    assert "Bank line reconciled." in response.content.decode()
    assert matched(line) == ("payment", payment.pk)
    assert f'data-line="{line}"' not in response.content.decode()


def test_confirming_an_open_invoice_from_the_page_records_its_payment(staff_client: WebClient) -> None:
    invoice = make_invoice(client=make_client(name="Hachette Livre"))
    line = import_line(Line(ON, "121.00", description=f"PAGO {invoice.number}"))
    html = staff_client.get(BANK).content.decode()
    assert f'data-suggestion="{INVOICE}-{invoice.pk}" data-confident' in html

    staff_client.post(line_url(line, "bank-line-reconcile"), {"kind": INVOICE, "record_id": invoice.pk})

    payment = Payment.objects.get(invoice=invoice)
    assert matched(line) == ("payment", payment.pk)


def test_a_refusal_comes_back_as_a_message(staff_client: WebClient) -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15), amount=D("100.00"))
    line = import_line(Line(ON, "121.00"))

    response = staff_client.post(
        line_url(line, "bank-line-reconcile"), {"kind": "payment", "record_id": payment.pk}, follow=True
    )

    assert (
        "no es el de la línea bancaria" in response.content.decode() or "121,00" in response.content.decode()
    )
    assert matched(line) == (None, None)


def test_confirm_all_reconciles_the_confident_suggestions_and_says_how_many(staff_client: WebClient) -> None:
    make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    make_expense(date=date(2024, 3, 15), amount=D("9.00"))
    sure_in, sure_out, unsure = import_lines(Line(ON, "121.00"), Line(ON, "-9.00"), Line(ON, "-1.00"))

    response = english(staff_client).post(CONFIRM_ALL, follow=True)

    assert "2 bank lines reconciled." in response.content.decode()
    assert matched(sure_in)[0] == "payment" and matched(sure_out)[0] == "expense"
    assert matched(unsure) == (None, None)


def test_staff_create_an_expense_from_a_line_in_one_step(staff_client: WebClient) -> None:
    line = import_line(Line(ON, "-15.00", name="Banco Fiare", description="COMISION"))
    html = staff_client.get(BANK).content.decode()
    assert 'data-create="expense"' in html and 'data-create="receipt"' not in html

    staff_client.post(
        line_url(line, "bank-line-create"), {"what": "expense", "category": "financial", "supplier": ""}
    )

    expense = Expense.objects.get()
    assert (expense.supplier, expense.amount, expense.category.code) == (
        "Banco Fiare",
        D("15.00"),
        "financial",
    )
    assert matched(line) == ("expense", expense.pk)


def test_a_create_form_without_its_choice_is_refused_with_a_message(staff_client: WebClient) -> None:
    make_source(name="Junta")
    line = import_line(Line(ON, "15.00"))

    response = english(staff_client).post(
        line_url(line, "bank-line-create"), {"what": "receipt"}, follow=True
    )

    assert response.redirect_chain == [(line_url(line), 302)]
    assert "Choose the funding source the money came from." in response.content.decode()
    assert matched(line) == (None, None)


# --- One line, and its record ------------------------------------------------------------------------------


def test_a_reconciled_line_shows_its_record_with_a_link_and_can_be_undone(
    staff_client: WebClient, staff_user: Any
) -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    line = import_line(Line(ON, "121.00"))
    reconcile(line_id=line, kind="payment", record_id=payment.pk, user=staff_user)

    html = staff_client.get(line_url(line)).content.decode()

    assert f'data-record="payment-{payment.pk}"' in html
    assert reverse("admin:services_payment_change", args=[payment.pk]) in html
    assert "sara" in html  # who reconciled it

    staff_client.post(line_url(line, "bank-line-unreconcile"))
    assert matched(line) == (None, None)
    assert "data-reconciled" not in staff_client.get(line_url(line)).content.decode()


def test_an_open_line_shows_every_suggestion_and_the_create_forms(staff_client: WebClient) -> None:
    expenses = [make_expense(date=date(2024, 3, 10 + i), amount=D("8.00")) for i in range(5)]
    line = import_line(Line(ON, "-8.00"))

    html = staff_client.get(line_url(line)).content.decode()

    assert all(f'data-suggestion="expense-{e.pk}"' in html for e in expenses)
    assert 'data-create="expense"' in html
    assert staff_client.get(line_url(999_999)).status_code == 404


def test_a_records_admin_page_shows_its_bank_line(staff_client: WebClient, staff_user: Any) -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    expense = make_expense(date=date(2024, 3, 15), amount=D("9.00"))
    paid, spent = import_lines(Line(ON, "121.00"), Line(ON, "-9.00"))
    reconcile(line_id=paid, kind="payment", record_id=payment.pk, user=staff_user)
    reconcile(line_id=spent, kind="expense", record_id=expense.pk, user=staff_user)
    other = make_expense(date=date(2024, 3, 15), amount=D("3.00"))

    payment_page = staff_client.get(
        reverse("admin:services_payment_change", args=[payment.pk])
    ).content.decode()
    expense_page = staff_client.get(
        reverse("admin:funding_expense_change", args=[expense.pk])
    ).content.decode()
    other_page = staff_client.get(reverse("admin:funding_expense_change", args=[other.pk])).content.decode()

    assert f'href="{line_url(paid)}" data-bank-line="{paid}"' in payment_page
    assert "121,00\xa0€" in payment_page and "20/03/2024" in payment_page
    assert f'href="{line_url(spent)}" data-bank-line="{spent}"' in expense_page
    assert "data-bank-line" not in other_page
