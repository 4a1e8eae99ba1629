"""The invoice list's `open_on` filter: the invoices an ageing at that day counts (its drill-down)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.models import Client
from tests.services.factories import make_client, make_invoice, make_payment
from tests.services.test_admin import result_pks

pytestmark = pytest.mark.django_db
D = Decimal
LIST = reverse("admin:services_invoice_changelist")


def test_it_keeps_the_invoices_with_something_due_on_the_day(
    staff_client: HttpClient, acme: Client, hachette: Client
) -> None:
    paid_before = make_invoice(client=acme, issue_date=date(2024, 3, 1))
    make_payment(invoice=paid_before, date=date(2024, 4, 1), amount=D("121.00"))
    paid_after = make_invoice(client=acme, issue_date=date(2024, 4, 1))
    make_payment(invoice=paid_after, date=date(2024, 7, 1), amount=D("121.00"))
    other = make_invoice(client=hachette, issue_date=date(2024, 5, 1))
    make_invoice(client=acme, issue_date=date(2024, 7, 2))  # issued after the day

    assert result_pks(staff_client.get(f"{LIST}?open_on=2024-06-30")) == {paid_after.pk, other.pk}
    response = staff_client.get(f"{LIST}?open_on=2024-06-30&client__id__exact={acme.pk}")
    assert result_pks(response) == {paid_after.pk}


def test_a_bad_day_is_ignored_with_a_warning(staff_client: HttpClient, acme: Client) -> None:
    make_invoice(client=acme)

    response = staff_client.get(f"{LIST}?open_on=2024-13-45", follow=True)

    assert response.status_code == 200
    assert len(result_pks(response)) == 1
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


def test_the_filtered_list_costs_the_same_queries_for_one_and_many_rows(staff_client: HttpClient) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(f"{LIST}?open_on=2024-12-31").status_code == 200
        return len(captured)

    make_invoice(client=make_client(), issue_date=date(2024, 1, 1))
    one = count()
    for n in range(20):
        make_invoice(client=make_client(), issue_date=date(2024, 2, 1), number=f"IMP-{n}")
    assert count() == one


def test_the_filter_names_the_day_in_the_sidebar(staff_client: HttpClient, acme: Client) -> None:
    make_invoice(client=acme)

    response: Any = staff_client.get(f"{LIST}?open_on=2024-12-31")

    specs = {
        spec.parameter_name: spec
        for spec in response.context["cl"].filter_specs
        if hasattr(spec, "parameter_name")
    }
    assert specs["open_on"].lookup_choices == [("2024-12-31", "31/12/2024")]
