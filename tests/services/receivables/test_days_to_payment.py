"""How long clients take to pay: days from issue to payment, weighted by the amounts paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.models import Client
from services.selectors import ClientPaymentDays, average_days, days_to_payment
from tests.services.factories import line, make_invoice, make_payment, make_refund

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_average_is_weighted_by_the_amounts_paid_in_the_year(acme: Client, hachette: Client) -> None:
    first = make_invoice(client=acme, issue_date=date(2024, 1, 10), lines=[line("1000.00")], number="A-1")
    make_payment(invoice=first, date=date(2024, 2, 9), amount=D("1000.00"))  # 30 days
    make_payment(invoice=first, date=date(2024, 4, 19), amount=D("210.00"))  # 100 days
    second = make_invoice(client=acme, issue_date=date(2024, 11, 1), lines=[line("100.00")], number="A-2")
    make_payment(invoice=second, date=date(2025, 1, 15), amount=D("121.00"))  # paid the next year
    other = make_invoice(client=hachette, issue_date=date(2024, 3, 1), lines=[line("100.00")], number="H-1")
    make_payment(invoice=other, date=date(2024, 3, 11), amount=D("121.00"))  # 10 days
    make_refund(invoice=other, date=date(2024, 4, 1), amount=D("21.00"))  # refunds do not count

    years = days_to_payment(years=[2024, 2025])

    # Acme 2024: (1,000.00 × 30 + 210.00 × 100) ÷ 1,210.00 = 51,000 ÷ 1,210 = 42.148… → 42.1.
    assert years[2024] == [
        ClientPaymentDays(
            client_id=acme.pk,
            client_name="Acme Ediciones SL",
            client_tax_id="B58818501",
            days=D("42.1"),
            amount=D("1210.00"),
            payments=2,
            amount_days=D("51000.00"),
        ),
        ClientPaymentDays(
            client_id=hachette.pk,
            client_name="Hachette Livre España",
            client_tax_id="A28004885",
            days=D("10.0"),
            amount=D("121.00"),
            payments=1,
            amount_days=D("1210.00"),
        ),
    ]
    # 2025: the payment of 15 January for an invoice of 1 November, 75 days.
    assert [(row.client_name, row.days) for row in years[2025]] == [("Acme Ediciones SL", D("75.0"))]
    # Both clients in 2024: (51,000 + 1,210) ÷ (1,210 + 121) = 52,210 ÷ 1,331 = 39.226… → 39.2.
    assert average_days(years[2024]) == D("39.2")


def test_half_a_tenth_of_a_day_rounds_up(acme: Client) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2024, 1, 1), lines=[line("100.00", vat="0")])
    make_payment(invoice=invoice, date=date(2024, 1, 11), amount=D("50.00"))  # 10 days
    make_payment(invoice=invoice, date=date(2024, 1, 12), amount=D("50.00"))  # 11 days

    assert days_to_payment(years=[2024])[2024][0].days == D("10.5")
    invoice = make_invoice(client=acme, issue_date=date(2024, 2, 1), lines=[line("100.00", vat="0")])
    make_payment(invoice=invoice, date=date(2024, 2, 1), amount=D("95.00"))  # 0 days
    make_payment(invoice=invoice, date=date(2024, 2, 2), amount=D("5.00"))  # 1 day
    # (50 × 10 + 50 × 11 + 95 × 0 + 5 × 1) ÷ 200 = 1,055 ÷ 200 = 5.275 → 5.3
    assert days_to_payment(years=[2024])[2024][0].days == D("5.3")


def test_a_year_without_payments_has_no_clients_and_no_average() -> None:
    assert days_to_payment(years=[2023]) == {2023: []}
    assert average_days([]) is None


def test_it_reads_in_one_query(acme: Client, django_assert_num_queries: Any) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2024, 1, 1))
    make_payment(invoice=invoice, date=date(2024, 1, 31), amount=D("121.00"))
    with django_assert_num_queries(1):
        days_to_payment(years=[2022, 2024])
