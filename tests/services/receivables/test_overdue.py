"""Per client, what is owed on invoices more than some days past due (`overdue_by_client`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from services.models import Client
from services.selectors import ClientOverdue, overdue_by_client
from tests.services.factories import line, make_client, make_invoice, make_payment

pytestmark = pytest.mark.django_db
D = Decimal
ON = date(2024, 6, 30)


def due_days_ago(client: Client, days: int, amount: str = "100.00", *, number: str) -> None:
    """An invoice (21 % VAT) `days` past its due date on 30 June 2024."""
    due = ON - timedelta(days=days)
    make_invoice(
        client=client, issue_date=due - timedelta(days=30), due_date=due, lines=[line(amount)], number=number
    )


def test_61_days_past_due_counts_for_more_than_60_and_60_does_not(acme: Client) -> None:
    due_days_ago(acme, 61, number="A-61")
    due_days_ago(acme, 60, number="A-60")

    assert list(overdue_by_client(on=ON, more_than_days=60).clients) == [
        ClientOverdue(
            client_id=acme.pk,
            client_name="Acme Ediciones SL",
            amount=D("121.00"),
            invoices=1,
            oldest_due_date=date(2024, 4, 30),
        )
    ]
    assert [row.invoices for row in overdue_by_client(on=ON, more_than_days=59).clients] == [2]


def test_it_sums_what_is_still_due_at_the_day_by_client_largest_first_then_by_name(
    acme: Client, hachette: Client
) -> None:
    due_days_ago(acme, 100, "1000.00", number="A-1")  # 1,210.00
    paid_late = make_invoice(
        client=acme, issue_date=date(2024, 1, 1), due_date=date(2024, 1, 31), number="A-2"
    )
    make_payment(invoice=paid_late, date=date(2024, 3, 1), amount=D("21.00"))  # 100.00 left
    make_payment(invoice=paid_late, date=date(2024, 7, 1), amount=D("100.00"))  # after the day
    due_days_ago(hachette, 95, "500.00", number="H-1")  # 605.00
    zeta = make_client(name="Zeta SL")
    alfa = make_client(name="Alfa SL")
    due_days_ago(zeta, 120, "500.00", number="Z-1")  # 605.00
    due_days_ago(alfa, 91, "500.00", number="B-1")  # 605.00
    due_days_ago(alfa, 30, "900.00", number="B-2")  # not 90 days past due yet

    rows = overdue_by_client(on=ON, more_than_days=90).clients

    assert [(row.client_name, row.amount, row.invoices, row.oldest_due_date) for row in rows] == [
        ("Acme Ediciones SL", D("1310.00"), 2, date(2024, 1, 31)),
        ("Alfa SL", D("605.00"), 1, date(2024, 3, 31)),
        ("Hachette Livre España", D("605.00"), 1, date(2024, 3, 27)),
        ("Zeta SL", D("605.00"), 1, date(2024, 3, 2)),
    ]


def test_nothing_is_overdue_when_everything_was_paid_by_the_day(acme: Client) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2024, 1, 1), due_date=date(2024, 1, 31))
    make_payment(invoice=invoice, date=date(2024, 6, 30), amount=D("121.00"))

    assert overdue_by_client(on=ON, more_than_days=0).clients == ()
    assert overdue_by_client(on=date(2024, 6, 29), more_than_days=0).clients[0].amount == D("121.00")


def test_it_reads_a_fixed_number_of_queries(acme: Client, django_assert_num_queries: Any) -> None:
    for n in range(3):
        due_days_ago(make_client(), 70 + n, number=f"N-{n}")
    # The clients whose invoices moved after the day (none), then the rollups' clients and what
    # they owe on their later invoices (2).
    with django_assert_num_queries(3):
        assert len(overdue_by_client(on=ON, more_than_days=60).clients) == 3
