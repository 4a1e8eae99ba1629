"""Concurrent writers never take an invoice's payments above its amount due, nor refunds above payments."""

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from services import actions
from services.models import Invoice, Payment, Refund
from tests.services.factories import line, make_client, make_invoice

WRITERS = 2


def race(write: Callable[[], object]) -> tuple[int, list[ValidationError], list[BaseException]]:
    """Run `write` in WRITERS threads released together: (successes, refusals, other errors)."""
    barrier = threading.Barrier(WRITERS)
    done: list[object] = []
    refused: list[ValidationError] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            done.append(write())
        except ValidationError as error:
            refused.append(error)
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(done), refused, errors


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
def test_two_concurrent_payments_of_the_whole_amount_due_cannot_both_pass() -> None:
    invoice = make_invoice(client=make_client(), lines=[line("450.00")])
    actions.credit_note_create(
        invoice=invoice, issue_date=date(2024, 3, 5), lines=[line("-100.00")], status="issued"
    )
    due = invoice.balance().amount_due
    assert due == Decimal("423.50")

    done, refused, errors = race(
        lambda: actions.payment_record(
            invoice=Invoice.objects.get(pk=invoice.pk), date=date(2024, 4, 1), amount=due
        )
    )

    assert errors == []
    assert (done, len(refused)) == (1, 1)
    assert [e.code for e in refused[0].error_dict["amount"]] == ["payment_exceeds_amount_due"]
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("423.50")]
    assert invoice.balance().amount_due == Decimal("0.00")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
def test_two_concurrent_refunds_of_everything_received_cannot_both_pass() -> None:
    invoice = make_invoice(client=make_client())
    actions.payment_record(invoice=invoice, date=date(2024, 3, 20), amount=Decimal("121.00"))

    done, refused, errors = race(
        lambda: actions.refund_record(
            invoice=Invoice.objects.get(pk=invoice.pk), date=date(2024, 4, 1), amount=Decimal("121.00")
        )
    )

    assert errors == []
    assert (done, len(refused)) == (1, 1)
    assert Refund.objects.count() == 1
    assert invoice.balance().amount_due == Decimal("121.00")
