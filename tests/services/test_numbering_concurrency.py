"""Invoice numbers stay gapless and unique when several workers issue at once."""

import threading
from datetime import date

import pytest
from django.db import connection

from services import actions
from services.models import Invoice, InvoiceNumberCounter
from tests.services.factories import make_client, make_invoice

THREADS = 8
PER_THREAD = 10


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
def test_concurrent_issues_get_numbers_one_to_n_without_gaps_or_duplicates() -> None:
    client = make_client()
    drafts = [
        make_invoice(client=client, status="draft", issue_date=date(2024, 5, 1))
        for _ in range(THREADS * PER_THREAD)
    ]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def issue(batch: list[Invoice]) -> None:
        try:
            barrier.wait()
            for invoice in batch:
                actions.invoice_issue(invoice=invoice)
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    workers = [
        threading.Thread(target=issue, args=(drafts[i * PER_THREAD : (i + 1) * PER_THREAD],))
        for i in range(THREADS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True), key=str)
    assert numbers == [f"F2024-{n:04d}" for n in range(1, THREADS * PER_THREAD + 1)]
    assert InvoiceNumberCounter.objects.get(series="F", year=2024).last == THREADS * PER_THREAD


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
def test_the_first_issues_of_a_new_year_race_to_create_the_counter_safely() -> None:
    client = make_client()
    drafts = [
        make_invoice(client=client, status="draft", issue_date=date(2026, 1, 2)) for _ in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def issue(invoice: Invoice) -> None:
        try:
            barrier.wait()
            actions.invoice_issue(invoice=invoice)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=issue, args=(draft,)) for draft in drafts]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert sorted(Invoice.objects.values_list("number", flat=True), key=str) == [
        f"F2026-{n:04d}" for n in range(1, THREADS + 1)
    ]
    assert InvoiceNumberCounter.objects.filter(year=2026).count() == 1
