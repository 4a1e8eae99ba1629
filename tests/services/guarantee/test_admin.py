"""The advances' admin: a thin form over the actions, a recovery list action, filters that land on
the ledger's numbers, and the same cost for one row or fifty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.models import GuaranteeAdvance
from tests.services.factories import line, make_advance, make_invoice

D = Decimal
NBSP = "\u00a0"
pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/services/guaranteeadvance/"


def test_the_change_list_url_is_the_documented_one() -> None:
    assert reverse("admin:services_guaranteeadvance_changelist") == CHANGELIST


def form(invoice_pk: int, **changes: str) -> dict[str, str]:
    data = {
        "member_reference": "S-0215 Javier Ortega",
        "invoice": str(invoice_pk),
        "date": "15/04/2024",
        "amount": "100,00",
        "recovered_on": "",
        "notes": "",
    }
    return {**data, **changes}


def test_staff_record_an_advance_through_the_admin(staff_client: HttpClient) -> None:
    invoice = make_invoice()

    response = staff_client.post(reverse("admin:services_guaranteeadvance_add"), form(invoice.pk))

    assert response.status_code == 302
    advance = GuaranteeAdvance.objects.get()
    assert (advance.amount, advance.date, advance.member_reference) == (
        D("100.00"),
        date(2024, 4, 15),
        "S-0215 Javier Ortega",
    )


def test_the_form_refuses_an_advance_above_the_amount_due_with_the_rules_words(
    staff_client: HttpClient,
) -> None:
    invoice = make_invoice()  # 121.00

    response = staff_client.post(
        reverse("admin:services_guaranteeadvance_add"), form(invoice.pk, amount="121,01")
    )

    assert response.status_code == 200
    errors = str(response.context["errors"])
    assert f"121,01{NBSP}€" in errors and f"121,00{NBSP}€" in errors
    assert not GuaranteeAdvance.objects.exists()


def test_the_form_refuses_a_recovery_before_the_advance(staff_client: HttpClient) -> None:
    invoice = make_invoice()

    response = staff_client.post(
        reverse("admin:services_guaranteeadvance_add"), form(invoice.pk, recovered_on="14/04/2024")
    )

    assert response.status_code == 200
    assert "recovered_on" in response.context["adminform"].form.errors
    assert not GuaranteeAdvance.objects.exists()


def test_the_list_action_marks_the_selected_advances_recovered_today(staff_client: HttpClient) -> None:
    out = make_advance(date=date(2024, 4, 15))
    back = make_advance(date=date(2024, 4, 16), recovered_on=date(2024, 5, 1))

    with time_machine.travel("2024-06-03 10:00:00+02:00", tick=False):
        response = staff_client.post(
            CHANGELIST,
            {"action": "mark_recovered_today", "_selected_action": [out.pk, back.pk]},
            follow=True,
        )

    assert GuaranteeAdvance.objects.get(pk=out.pk).recovered_on == date(2024, 6, 3)
    assert GuaranteeAdvance.objects.get(pk=back.pk).recovered_on == date(2024, 5, 1)  # untouched
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith(str(back)) and "01/05/2024" in m for m in shown), shown  # the refusal, named
    assert any(m.startswith("1 ") for m in shown), shown  # one done


def test_board_members_read_the_advances_but_cannot_recover_them(board_client: HttpClient) -> None:
    advance = make_advance()

    listing = board_client.get(CHANGELIST)

    assert listing.status_code == 200
    assert listing.context["cl"].model_admin.get_actions(listing.wsgi_request) == {}
    board_client.post(CHANGELIST, {"action": "mark_recovered_today", "_selected_action": [advance.pk]})
    assert GuaranteeAdvance.objects.get().recovered_on is None


@pytest.fixture
def three_advances() -> dict[str, GuaranteeAdvance]:
    """Paid 2023 and back in 2024; paid 2023 and back in 2023; paid 2024 and still out."""
    invoice = make_invoice(issue_date=date(2023, 2, 1), lines=[line("1000.00")])  # 1,210.00
    return {
        "back_2024": make_advance(
            invoice=invoice, amount=D("500.00"), date=date(2023, 3, 1), recovered_on=date(2024, 2, 1)
        ),
        "back_2023": make_advance(
            invoice=invoice, amount=D("200.00"), date=date(2023, 4, 1), recovered_on=date(2023, 6, 1)
        ),
        "out": make_advance(invoice=invoice, amount=D("300.00"), date=date(2024, 5, 1)),
    }


@pytest.mark.parametrize(
    ("query", "expected", "total"),
    [
        ({"date_year": "2023"}, {"back_2024", "back_2023"}, D("700.00")),
        ({"recovered_on_year": "2024"}, {"back_2024"}, D("500.00")),
        ({"outstanding": "2023"}, {"back_2024"}, D("500.00")),
        ({"outstanding": "2024"}, {"out"}, D("300.00")),
        ({"outstanding": "yes"}, {"out"}, D("300.00")),
        ({"outstanding": "no"}, {"back_2024", "back_2023"}, D("700.00")),
    ],
)
def test_the_filters_land_on_the_ledgers_numbers(
    staff_client: HttpClient,
    three_advances: dict[str, GuaranteeAdvance],
    query: dict[str, str],
    expected: set[str],
    total: Decimal,
) -> None:
    response = staff_client.get(CHANGELIST, query)

    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert {name for name, advance in three_advances.items() if advance.pk in shown} == expected
    assert response.context["filtered_total"] == total


def test_a_bad_outstanding_value_is_ignored_with_a_message(
    staff_client: HttpClient, three_advances: dict[str, GuaranteeAdvance]
) -> None:
    response = staff_client.get(CHANGELIST, {"outstanding": "soon"})

    assert len(response.context["cl"].result_list) == 3
    assert any("soon" in str(m) for m in response.context["messages"])


def test_the_list_costs_the_same_queries_for_one_and_fifty_rows(staff_client: HttpClient) -> None:
    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            make_advance(invoice=make_invoice(issue_date=date(2024, 3, 1)), date=date(2024, 4, 1 + n % 28))

    add(1, 0)
    staff_client.get(CHANGELIST)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(CHANGELIST).status_code == 200
    add(49, 1)
    with CaptureQueriesContext(connection) as fifty:
        response = staff_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 50
    assert len(fifty) == len(one), [q["sql"] for q in fifty.captured_queries]
    assert not any("DISTINCT" in q["sql"].upper() for q in fifty.captured_queries)


def test_the_invoice_autocomplete_offers_issued_invoices_only(staff_client: HttpClient) -> None:
    issued = make_invoice()
    make_invoice(client=issued.client, status="draft")

    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "services",
            "model_name": "guaranteeadvance",
            "field_name": "invoice",
            "term": issued.client.name,
        },
    )

    assert [r["id"] for r in response.json()["results"]] == [str(issued.pk)]


def test_the_history_of_an_advance_is_kept(staff_client: HttpClient, superuser: Any) -> None:
    advance = make_advance()
    staff_client.post(
        reverse("admin:services_guaranteeadvance_change", args=[advance.pk]),
        form(advance.invoice_id, amount="90,00"),
    )

    assert list(advance.history.order_by("history_id").values_list("amount", flat=True)) == [
        D("100.00"),
        D("90.00"),
    ]
