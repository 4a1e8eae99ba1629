"""Invoice numbers are given on issue, in date order within a series (domain.md, version 2)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from services import actions
from services.models import Client, Invoice
from tests.services.factories import line, make_invoice, service

pytestmark = pytest.mark.django_db


def draft(client: Client, day: date, **kwargs: Any) -> Invoice:
    return actions.invoice_create(
        client=client, service_line=service(), issue_date=day, lines=[line()], **kwargs
    )


def test_a_draft_dated_before_the_series_latest_invoice_is_refused_with_the_earliest_date_allowed(
    acme: Client,
) -> None:
    make_invoice(client=acme, issue_date=date(2026, 12, 1))
    late = draft(acme, date(2026, 11, 28))
    with pytest.raises(ValidationError) as refused:
        actions.invoice_issue(invoice=late)
    assert refused.value.message_dict["issue_date"] == [
        "La serie F se numera por orden de fecha y su última factura es del 01/12/2026: "
        "feche esta factura el 01/12/2026 o después."
    ]
    late.refresh_from_db()
    assert (late.status, late.number) == ("draft", None)
    assert actions.invoice_issue(invoice=late, on=date(2026, 12, 1)).number == "F2026-0002"


def test_a_draft_of_last_year_cannot_take_a_number_of_last_years_series_once_this_year_has_begun(
    acme: Client,
) -> None:
    make_invoice(client=acme, issue_date=date(2025, 12, 30))
    make_invoice(client=acme, issue_date=date(2026, 1, 5))
    forgotten = draft(acme, date(2025, 12, 31))
    with pytest.raises(ValidationError):
        actions.invoice_issue(invoice=forgotten)
    assert not Invoice.objects.filter(number="F2025-0002").exists()


def test_a_number_typed_in_the_apps_series_is_refused(acme: Client) -> None:
    with pytest.raises(ValidationError) as refused:
        draft(acme, date(2026, 11, 2), number="F2026-0100")
    assert "number" in refused.value.message_dict
    assert not Invoice.objects.exists()


def test_a_draft_that_already_holds_a_number_of_the_series_is_not_issued_with_it(acme: Client) -> None:
    for day in (1, 2, 3):
        make_invoice(client=acme, issue_date=date(2026, 11, day))
    typed = draft(acme, date(2026, 11, 4))
    Invoice.objects.filter(pk=typed.pk).update(number="F2026-0100")  # typed before the rule existed
    with pytest.raises(ValidationError):
        actions.invoice_issue(invoice=typed)
    Invoice.objects.filter(pk=typed.pk).update(number=None)
    assert actions.invoice_issue(invoice=typed).number == "F2026-0004"  # no hole 0004–0099


def test_the_admin_refuses_a_typed_number_of_the_series_on_the_form(
    staff_client: HttpClient, acme: Client
) -> None:
    data = {
        "series": "F",
        "number": "F2026-0100",
        "client": str(acme.pk),
        "service_line": str(service().pk),
        "issue_date": "2026-11-02",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Service",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "100",
        "lines-0-vat_rate": "21",
        "payments-TOTAL_FORMS": "0",
        "payments-INITIAL_FORMS": "0",
        "refunds-TOTAL_FORMS": "0",
        "refunds-INITIAL_FORMS": "0",
        "credit_notes-TOTAL_FORMS": "0",
        "credit_notes-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:services_invoice_add"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "numbers of series F are given when the invoice is issued" in str(response.context["errors"])
    assert not Invoice.objects.exists()


def test_issuing_from_the_admin_list_says_the_earliest_date_allowed(
    staff_client: HttpClient, acme: Client
) -> None:
    make_invoice(client=acme, issue_date=date(2026, 12, 1))
    late = draft(acme, date(2026, 11, 28))
    response = staff_client.post(
        reverse("admin:services_invoice_changelist"),
        {"action": "mark_issued", "_selected_action": [str(late.pk)]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any("date this invoice 12/01/2026 or later" in m for m in shown), shown  # English dates
    late.refresh_from_db()
    assert late.status == "draft"
