"""What clients owe at a date, aged by days past due (`services.selectors.receivables`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from services import actions
from services.models import Client
from services.receivables import bucket_of
from services.selectors import AgeingBuckets, ClientReceivables, receivables
from tests.services.factories import line, make_client, make_invoice, make_payment, make_refund

pytestmark = pytest.mark.django_db
D = Decimal
ON = date(2024, 6, 30)


@pytest.fixture
def ledger(acme: Client, hachette: Client) -> None:
    """Acme: an invoice of 1,210.00 due 31 March with a payment, a credit note and a refund before
    30 June and a payment after; one of 242.00 not yet due. Hachette: 121.00 30 days past due and
    121.00 61 days past due; one invoice paid in full and one issued after 30 June."""
    # (Written in date order: numbers follow dates within a series.)
    paid = make_invoice(client=hachette, issue_date=date(2024, 2, 1))
    make_payment(invoice=paid, date=date(2024, 3, 1), amount=D("121.00"))
    old = make_invoice(client=acme, issue_date=date(2024, 3, 1), lines=[line("1000.00")])  # due 31/3
    make_payment(invoice=old, date=date(2024, 4, 10), amount=D("500.00"))
    make_invoice(client=hachette, issue_date=date(2024, 4, 1), due_date=date(2024, 4, 30))  # 61 days
    make_invoice(client=hachette, issue_date=date(2024, 5, 1), due_date=date(2024, 5, 31))  # 30 days
    credit = actions.credit_note_create(
        invoice=old, issue_date=date(2024, 5, 15), lines=[line("100.00", quantity="-1")]
    )
    actions.invoice_issue(invoice=credit)  # −121.00
    make_refund(invoice=old, date=date(2024, 5, 20), amount=D("50.00"))
    recent = make_invoice(client=acme, issue_date=date(2024, 6, 20), lines=[line("200.00")])  # due 20/7
    make_invoice(client=hachette, issue_date=date(2024, 7, 1))  # issued after 30 June
    later_credit = actions.credit_note_create(
        invoice=recent, issue_date=date(2024, 7, 2), lines=[line("50.00", quantity="-1")]
    )
    actions.invoice_issue(invoice=later_credit)  # after 30 June
    make_payment(invoice=recent, date=date(2024, 7, 3), amount=D("42.00"))  # after 30 June
    make_payment(invoice=old, date=date(2024, 7, 5), amount=D("100.00"))  # after 30 June


def test_it_ages_what_each_client_owes_with_the_records_dated_up_to_the_day(
    ledger: None, acme: Client, hachette: Client
) -> None:
    found = receivables(on=ON)

    # Acme's old invoice: 1,210.00 − 121.00 credited − 500.00 paid + 50.00 refunded = 639.00, 91 days
    # past its due date (31 March to 30 June); the recent one, 242.00, is due on 20 July.
    # Hachette: 121.00 at 30 days past due, 121.00 at 61.
    assert found.clients == (
        ClientReceivables(
            client_id=acme.pk,
            client_name="Acme Ediciones SL",
            client_tax_id="B58818501",
            not_due=D("242.00"),
            days_0_30=D("0.00"),
            days_31_60=D("0.00"),
            days_61_90=D("0.00"),
            days_over_90=D("639.00"),
            total=D("881.00"),
        ),
        ClientReceivables(
            client_id=hachette.pk,
            client_name="Hachette Livre España",
            client_tax_id="A28004885",
            not_due=D("0.00"),
            days_0_30=D("121.00"),
            days_31_60=D("0.00"),
            days_61_90=D("121.00"),
            days_over_90=D("0.00"),
            total=D("242.00"),
        ),
    )
    assert found.totals == AgeingBuckets(
        not_due=D("242.00"),
        days_0_30=D("121.00"),
        days_61_90=D("121.00"),
        days_over_90=D("639.00"),
        total=D("1123.00"),
    )
    assert found.totals.overdue == D("881.00")


def test_a_later_day_counts_the_later_records(ledger: None, acme: Client) -> None:
    found = receivables(on=date(2024, 7, 31))

    acme_row = next(row for row in found.clients if row.client_id == acme.pk)
    # Old: 639.00 − 100.00 paid on 5 July = 539.00 (122 days past due). Recent: 242.00 − 60.50
    # credited on 2 July − 42.00 paid on 3 July = 139.50, 11 days past its due date of 20 July.
    assert (acme_row.days_over_90, acme_row.days_0_30, acme_row.not_due) == (
        D("539.00"),
        D("139.50"),
        D("0.00"),
    )


def test_a_client_who_owes_nothing_is_not_listed_and_credit_notes_are_not_receivables(acme: Client) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2024, 3, 1))
    make_payment(invoice=invoice, date=date(2024, 3, 5), amount=D("121.00"))
    # Credited after payment: the client is owed 121.00 back, which is no receivable.
    actions.invoice_issue(invoice=actions.credit_note_create(invoice=invoice, issue_date=date(2024, 3, 10)))

    found = receivables(on=ON)

    assert found.clients == ()
    assert found.totals == AgeingBuckets()


def test_drafts_and_cancelled_invoices_owe_nothing(acme: Client) -> None:
    make_invoice(client=acme, issue_date=date(2024, 3, 1), status="draft")
    actions.invoice_cancel(invoice=make_invoice(client=acme, issue_date=date(2024, 3, 2)))

    assert receivables(on=ON).clients == ()


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, "not_due"),
        (0, "not_due"),
        (1, "days_0_30"),
        (30, "days_0_30"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "days_over_90"),
    ],
)
def test_each_day_past_due_falls_in_one_bucket(days: int, bucket: str) -> None:
    assert bucket_of(days) == bucket


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "not_due"),
        (30, "days_0_30"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "days_over_90"),
    ],
)
def test_an_invoice_so_many_days_past_its_due_date_is_in_its_bucket(
    acme: Client, days: int, bucket: str
) -> None:
    due = ON - timedelta(days=days)
    make_invoice(client=acme, issue_date=due - timedelta(days=30), due_date=due)

    (row,) = receivables(on=ON).clients

    amounts: dict[str, Any] = {name: getattr(row, name) for name in ("not_due", "days_0_30", "days_31_60")}
    amounts |= {name: getattr(row, name) for name in ("days_61_90", "days_over_90")}
    assert {name for name, amount in amounts.items() if amount} == {bucket}
    assert amounts[bucket] == row.total == D("121.00")


def test_the_largest_debtor_comes_first_then_by_name(acme: Client) -> None:
    zeta = make_client(name="Zeta SL")
    alfa = make_client(name="Alfa SL")
    for client, amount in ((zeta, "100.00"), (alfa, "100.00"), (acme, "300.00")):
        make_invoice(client=client, issue_date=date(2024, 6, 1), lines=[line(amount)])

    assert [row.client_name for row in receivables(on=ON).clients] == [
        "Acme Ediciones SL",
        "Alfa SL",
        "Zeta SL",
    ]


def test_it_reads_a_fixed_number_of_queries_whatever_the_clients(
    ledger: None, django_assert_num_queries: Any
) -> None:
    # No ageing kept for the day (1), the clients whose invoices moved after it (1), the others'
    # totals and their recent buckets from the rollups (2), the moved clients' invoices from the
    # records (1).
    with django_assert_num_queries(5):
        receivables(on=ON)
    for n in range(5):
        make_invoice(client=make_client(), issue_date=date(2024, 5, 1 + n), number=f"IMP-{n}")
    with django_assert_num_queries(5):
        found = receivables(on=ON)
    assert len(found.clients) == 7
    # After every movement nothing is read from the records; the largest debtors and the others
    # together cost two queries more than the whole list.
    with django_assert_num_queries(4):
        receivables(on=date(2024, 12, 31))
    with django_assert_num_queries(6):
        receivables(on=date(2024, 12, 31), top=2)
