"""The receivables rollups follow every write, and the reads give the records' answer (issue 17).

`InvoiceSettlement`, `ReceivableClient` and `PaymentDaysYear` are kept by the actions; an ageing
read goes through them when few invoices moved after its day, through the kept ageing of an
approved year's end, or through the records: each way gives the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services import actions
from services.actions.receivable_rollups import receivables_rebuild
from services.models import AgeingSnapshot, Client, Invoice, InvoiceSettlement, ReceivableClient
from services.receivables import receivables_from_records
from services.selectors import overdue_by_client, receivables, receivables_rollup_differences
from tests.services.factories import line, make_client, make_invoice, make_payment, make_refund

pytestmark = pytest.mark.django_db
D = Decimal


def a_payment(acme: Client, hachette: Client) -> None:
    make_payment(invoice=make_invoice(client=acme, issue_date=date(2024, 1, 10)), amount=D("21.00"))


def a_payment_deleted(acme: Client, hachette: Client) -> None:
    payment = make_payment(invoice=make_invoice(client=acme, issue_date=date(2024, 1, 10)), amount=D("21.00"))
    actions.payment_delete(payment=payment)


def a_payment_moved_to_another_clients_invoice(acme: Client, hachette: Client) -> None:
    first = make_invoice(client=acme, issue_date=date(2024, 1, 10))
    other = make_invoice(client=hachette, issue_date=date(2024, 1, 11))
    payment = make_payment(invoice=first, date=date(2024, 2, 1), amount=D("121.00"))
    payment.invoice, payment.date = other, date(2025, 2, 1)
    actions.payment_save(payment=payment)


def a_refund_recorded_then_deleted(acme: Client, hachette: Client) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2024, 1, 10))
    make_payment(invoice=invoice, date=date(2024, 2, 1), amount=D("121.00"))
    kept = make_refund(invoice=invoice, date=date(2024, 3, 1), amount=D("10.00"))
    make_refund(invoice=invoice, date=date(2024, 3, 2), amount=D("5.00"))
    actions.refund_delete(refund=kept)


def a_credit_note_issued_then_cancelled(acme: Client, hachette: Client) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2024, 1, 10), lines=[line("500.00")])
    kept = actions.credit_note_create(
        invoice=invoice, issue_date=date(2024, 2, 1), lines=[line("-100.00")], status="issued"
    )
    cancelled = actions.credit_note_create(
        invoice=invoice, issue_date=date(2024, 2, 2), lines=[line("-50.00")], status="issued"
    )
    actions.invoice_cancel(invoice=cancelled)
    assert kept.status == "issued"


def an_invoice_cancelled(acme: Client, hachette: Client) -> None:
    make_invoice(client=hachette, issue_date=date(2024, 1, 9))
    actions.invoice_cancel(invoice=make_invoice(client=acme, issue_date=date(2024, 1, 10)))
    assert not InvoiceSettlement.objects.filter(client=acme).exists()  # no longer owed


def a_batch_of_invoices(acme: Client, hachette: Client) -> None:
    actions.invoices_save_batch(
        prepared=[
            actions.invoice_prepare(
                client=client,
                service_line=make_invoice(client=acme, issue_date=date(2024, 1, 2)).service_line,
                issue_date=date(2024, 1, 10 + n),
                lines=[line("80.00")],
                number=f"B-{n}",
                status="issued",
            )
            for n, client in enumerate((acme, hachette))
        ]
    )


WRITES: list[Callable[[Client, Client], None]] = [
    a_payment,
    a_payment_deleted,
    a_payment_moved_to_another_clients_invoice,
    a_refund_recorded_then_deleted,
    a_credit_note_issued_then_cancelled,
    an_invoice_cancelled,
    a_batch_of_invoices,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__ for w in WRITES])
def test_each_write_leaves_the_rollups_equal_to_the_records(
    write: Callable[[Client, Client], None], acme: Client, hachette: Client
) -> None:
    write(acme, hachette)
    assert InvoiceSettlement.objects.exists()
    assert receivables_rollup_differences() == []


def test_an_invoice_owes_its_gross_less_what_was_paid_and_moves_on_its_last_record(acme: Client) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2024, 1, 10), lines=[line("1000.00")])
    make_payment(invoice=invoice, date=date(2024, 2, 1), amount=D("1000.00"))
    make_refund(invoice=invoice, date=date(2024, 3, 5), amount=D("40.00"))
    row = InvoiceSettlement.objects.get(invoice=invoice)
    assert (row.amount_due, row.last_event_on, row.due_date) == (
        D("250.00"),
        date(2024, 3, 5),
        date(2024, 2, 9),
    )
    assert ReceivableClient.objects.get(client=acme).amount == D("250.00")
    make_payment(invoice=invoice, date=date(2024, 4, 1), amount=D("250.00"))
    assert InvoiceSettlement.objects.get(invoice=invoice).amount_due == D("0.00")
    assert not ReceivableClient.objects.filter(client=acme).exists()


def test_a_payment_dated_after_the_day_is_summed_from_the_records(acme: Client, hachette: Client) -> None:
    early = make_invoice(client=acme, issue_date=date(2024, 1, 10))
    make_invoice(client=hachette, issue_date=date(2024, 1, 12))
    make_payment(invoice=early, date=date(2024, 9, 1), amount=D("121.00"))
    # On 30 June Acme still owed its invoice; its payment moved it after that day.
    found = receivables(on=date(2024, 6, 30))
    assert found == receivables_from_records(date(2024, 6, 30))
    assert [(c.client_name, c.total) for c in found.clients] == [
        ("Acme Ediciones SL", D("121.00")),
        ("Hachette Livre España", D("121.00")),
    ]


def test_when_too_many_invoices_moved_after_the_day_the_records_are_read(
    acme: Client, hachette: Client, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        make_payment(invoice=make_invoice(client=acme, issue_date=date(2024, 1, 10 + n)), amount=D("21.00"))
    monkeypatch.setattr("services.receivables_rollup.MOVED_INVOICES", 2)
    # The moved invoices (1), no kept ageing (1), the records (1).
    with django_assert_num_queries(3):
        found = receivables(on=date(2024, 2, 1), top=1)
    assert found.totals == receivables_from_records(date(2024, 2, 1)).totals
    assert found.totals.total == D("363.00")


def test_a_years_ageing_is_kept_when_the_year_is_approved(
    acme: Client, board_user: Any, django_assert_num_queries: Any
) -> None:
    from smartiberica.board.closing import year_close

    invoice = make_invoice(client=acme, issue_date=date(2023, 12, 1))
    make_payment(invoice=invoice, date=date(2024, 1, 15), amount=D("21.00"))
    year_close(year=2023, user=board_user)
    assert AgeingSnapshot.objects.filter(on=date(2023, 12, 31)).count() == 2  # Acme, the totals
    # The kept rows are read: the totals (1), the clients (1), how many (1).
    with django_assert_num_queries(3):
        found = receivables(on=date(2023, 12, 31), top=10)
    assert found.clients[0].total == D("121.00")
    assert receivables(on=date(2023, 12, 31)) == receivables_from_records(date(2023, 12, 31))
    assert receivables_rollup_differences() == []


def test_a_write_dated_on_or_before_a_kept_day_drops_it(acme: Client, board_user: Any) -> None:
    from smartiberica.board.closing import year_close

    make_invoice(client=acme, issue_date=date(2022, 12, 1))
    year_close(year=2023, user=board_user)  # 2022 stays open
    make_invoice(client=acme, issue_date=date(2024, 2, 1))  # after the kept day: kept
    assert AgeingSnapshot.objects.filter(on=date(2023, 12, 31)).exists()
    make_payment(
        invoice=Invoice.objects.get(issue_date=date(2022, 12, 1)), date=date(2022, 12, 20), amount=D("100.00")
    )
    assert not AgeingSnapshot.objects.exists()
    assert receivables(on=date(2023, 12, 31)).totals.total == D("21.00")
    receivables_rebuild()  # keeps the approved years' ends again
    assert AgeingSnapshot.objects.filter(on=date(2023, 12, 31)).exists()
    assert receivables_rollup_differences() == []


def test_the_others_together_are_every_client_but_the_largest(acme: Client, hachette: Client) -> None:
    for n, client in enumerate((acme, hachette, make_client(), make_client())):
        make_invoice(client=client, issue_date=date(2024, 1, 2 + n), lines=[line(f"{100 * (n + 1)}.00")])
    on = date(2024, 6, 30)
    found = overdue_by_client(on=on, more_than_days=60, top=1)
    every = overdue_by_client(on=on, more_than_days=60).clients
    assert found.clients == every[:1]
    assert (found.other_clients, found.other_amount, found.other_invoices) == (3, D("726.00"), 3)
    assert found.other_oldest_due_date == date(2024, 2, 1)


def test_the_largest_overdue_debtors_are_found_batch_after_batch(
    acme: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Acme owes the most in all but only a little of it is old: the old debts rank the clients.
    make_invoice(client=acme, issue_date=date(2024, 1, 2), lines=[line("10.00")])
    for n in range(4):
        make_invoice(client=make_client(), issue_date=date(2024, 1, 3 + n), lines=[line(f"{100 + n}.00")])
    make_invoice(client=acme, issue_date=date(2024, 6, 20), lines=[line("5000.00")])
    monkeypatch.setattr("services.receivables_rollup.BATCH", 1)
    on = date(2024, 6, 30)
    found = overdue_by_client(on=on, more_than_days=60, top=2)
    every = overdue_by_client(on=on, more_than_days=60).clients
    assert [row.amount for row in found.clients] == [D("124.63"), D("123.42")]
    assert found.clients == every[:2]
    assert (found.other_clients, found.other_amount) == (3, sum((r.amount for r in every[2:]), D("0.00")))
    assert every[-1].client_id == acme.pk and every[-1].amount == D("12.10")
