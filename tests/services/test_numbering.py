"""Invoice numbers after imported ones, and the audit trail of lines."""

from datetime import date
from typing import Any

import pytest

from services import actions
from tests.services.factories import make_client, make_invoice


@pytest.mark.django_db
def test_after_imported_numbers_the_next_one_follows_the_highest_in_one_query(
    django_assert_max_num_queries: Any,
) -> None:
    client = make_client()
    for sequence in (1, 2, 3, 7):  # imported: the file's numbers are kept
        make_invoice(client=client, issue_date=date(2024, 5, 1), number=f"F2024-{sequence:04d}")
    draft = make_invoice(client=client, status="draft", issue_date=date(2024, 6, 1))
    # 20, and 1 since issue 15: a draft dated in a past year reads which years are closed;
    # and 7 since issue 17: the month's rollups are recomputed (lock row created and locked,
    # rows deleted, one grouped query per kind of record, rows inserted), whatever the data;
    # 6 more for the detail read before the refresh, the month-and-line rows (deleted, inserted)
    # and the client's year row (deleted, summed from the detail, inserted); 1 since issue 22: the
    # client's VAT regime, which the lines' rates must fit; 22 since issue 17's receivables rollups
    # (24 on PostgreSQL): the invoice's client and due date read and locked, its settlement row, its
    # client's cells, total and payment days, its due date's total replaced, the kept ageings after
    # it dropped; 2 for the contracts' months (the month's rows deleted, its contracts' sums read,
    # inserted when there are any).
    with django_assert_max_num_queries(61):
        issued = actions.invoice_issue(invoice=draft)
    assert issued.number == "F2024-0008"  # never 0004: holes behind later numbers stay holes


@pytest.mark.django_db
def test_lines_written_with_an_invoice_are_in_the_audit_trail() -> None:
    invoice = make_invoice(client=make_client(), status="draft", issue_date=date(2024, 5, 1))
    line = invoice.lines.get()
    assert line.history.count() == 1
    assert line.history.get().history_type == "+"
