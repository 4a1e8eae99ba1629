"""A client's payment terms give the due date of an invoice written without one."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from services.models import Client, Invoice
from smartiberica.board.imports import import_records
from tests.services.factories import make_client, make_invoice
from tests.services.test_admin import invoice_form

pytestmark = pytest.mark.django_db


def test_an_invoice_without_a_due_date_is_due_30_days_after_its_issue_by_default() -> None:
    invoice = make_invoice(client=make_client(), issue_date=date(2024, 3, 1))

    assert invoice.due_date == date(2024, 3, 31)


def test_an_invoice_without_a_due_date_follows_its_clients_terms() -> None:
    client = make_client(payment_terms_days=45)

    assert make_invoice(client=client, issue_date=date(2024, 3, 1)).due_date == date(2024, 4, 15)
    given = make_invoice(client=client, issue_date=date(2024, 3, 2), due_date=date(2024, 3, 10))
    assert given.due_date == date(2024, 3, 10)  # an invoice's own due date wins


def test_cash_on_issue_terms_make_an_invoice_due_the_day_it_is_issued() -> None:
    invoice = make_invoice(client=make_client(payment_terms_days=0), issue_date=date(2024, 3, 1))

    assert invoice.due_date == date(2024, 3, 1)


def test_the_admin_form_takes_the_clients_terms_when_the_due_date_is_left_empty(
    staff_client: HttpClient,
) -> None:
    client = make_client(payment_terms_days=60)

    response = staff_client.post(
        reverse("admin:services_invoice_add"), invoice_form(client, [("Service", "1", "100", "21")])
    )

    assert response.status_code == 302
    assert Invoice.objects.get().due_date == date(2024, 7, 1)  # 2 May + 60 days


def test_an_imported_invoice_without_a_due_date_follows_its_clients_terms() -> None:
    make_client(name="Acme", tax_id="B58818501", payment_terms_days=45)
    rows = (
        "number,issue_date,client,client_tax_id,service,net_amount,vat_rate,due_date\n"
        "IMP-1,2024-05-02,Acme,B58818501,project-support,1000,21,\n"
    )

    first = import_records("invoices", rows.encode())
    again = import_records("invoices", rows.encode())

    assert (first.created, Invoice.objects.get().due_date) == (1, date(2024, 6, 16))
    assert (again.created, again.unchanged) == (0, 1)  # the same due date: nothing to change


def test_terms_beyond_a_year_are_refused_by_the_action_and_the_database() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_client(payment_terms_days=366)

    with translation.override("en"):  # the messages are lazy: read them in English
        assert refused.value.message_dict == {
            "payment_terms_days": ["Payment terms are a number of days from 0 to 365."]
        }
    client = make_client(payment_terms_days=365)
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(pk=client.pk).update(payment_terms_days=366)


def test_an_unknown_vat_regime_is_refused_by_the_database() -> None:
    client = make_client()

    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(pk=client.pk).update(vat_regime="offshore")


def test_the_client_form_sets_the_terms_and_the_regime(staff_client: HttpClient) -> None:
    data = {"name": "Hachette Livre", "tax_id": "FR04602060147", "contact": "", "email": "", "notes": ""}
    data |= {"payment_terms_days": "45", "vat_regime": "intra_eu_reverse_charge"}

    assert staff_client.post(reverse("admin:services_client_add"), data).status_code == 302
    refused = staff_client.post(reverse("admin:services_client_add"), data | {"payment_terms_days": "400"})

    client = Client.objects.get()
    assert (client.payment_terms_days, client.vat_regime) == (45, "intra_eu_reverse_charge")
    assert "365" in str(refused.context["errors"])
