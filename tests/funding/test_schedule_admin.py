"""The loans' schedule rows, read-only in the admin: the accrual basis's loan interest opens this list."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding import actions
from funding.models import Loan, LoanScheduleEntry

pytestmark = pytest.mark.django_db
D = Decimal
LIST = reverse("admin:funding_loanscheduleentry_changelist")


def make_loan(reference: str, *, instalments: int, start: date = date(2023, 10, 15)) -> Loan:
    lender = actions.source_create(
        code=f"lender-{reference.lower()}", name=f"Lender {reference}", kind="loan"
    )
    return actions.loan_create(
        source=lender,
        reference=reference,
        principal=D("12000.00"),
        annual_rate=D("12.00"),
        term_instalments=instalments,
        grace_instalments=0,
        start_date=start,
    )


def test_the_list_of_a_due_year_shows_the_interest_of_its_rows(staff_client: Client) -> None:
    make_loan("FIARE-G", instalments=24)
    response = staff_client.get(LIST, {"due_date_year": "2024"})
    assert response.status_code == 200
    rows = LoanScheduleEntry.objects.filter(due_date__year=2024)
    assert rows.count() == 12
    due = sum((row.interest for row in rows), D("0.00"))
    totals = {total.field: total.value for total in response.context["filtered_totals"]}
    assert totals["interest"] == due > 0
    assert totals["principal"] == sum((row.principal for row in rows), D("0.00"))
    shown = re.findall(r'data-total="([-0-9.]+)" data-total-field="interest"', response.content.decode())
    assert shown == [str(due)]


def test_board_and_staff_read_the_schedule_but_nobody_writes_it(
    board_client: Client, staff_client: Client
) -> None:
    entry = make_loan("FIARE-G", instalments=4).schedule.order_by("number").first()
    assert entry is not None
    change = reverse("admin:funding_loanscheduleentry_change", args=[entry.pk])
    for client in (board_client, staff_client):
        listing = client.get(LIST)
        assert listing.status_code == 200
        assert reverse("admin:funding_loanscheduleentry_add") not in listing.content.decode()
        assert client.get(reverse("admin:funding_loanscheduleentry_add")).status_code == 403
        page = client.get(change)
        assert page.status_code == 200 and page.context["has_change_permission"] is False
        assert client.post(change, {"interest": "0.00"}).status_code == 403
        delete = reverse("admin:funding_loanscheduleentry_delete", args=[entry.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.interest > 0 and LoanScheduleEntry.objects.count() == 4


def test_the_schedule_list_costs_the_same_queries_for_one_and_fifty_rows(staff_client: Client) -> None:
    make_loan("ONE", instalments=1)
    staff_client.get(LIST)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(LIST).status_code == 200
    make_loan("FIFTY", instalments=49, start=date(2024, 1, 15))
    with CaptureQueriesContext(connection) as fifty:
        response = staff_client.get(LIST)
    assert len(response.context["cl"].result_list) == 50
    assert len(fifty) == len(one), [q["sql"] for q in fifty.captured_queries]
