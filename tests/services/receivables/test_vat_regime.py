"""A client's VAT regime sets the default VAT rate of its invoices and contracts, and refuses any
other than 0 % under the reverse charge and for exports: in an action, the admin and an import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from services import actions, record_actions
from services.choices import VatRegime
from services.models import Client, Contract, Invoice
from smartiberica.board.imports import import_records
from tests.services.factories import line, make_client, make_contract, make_invoice, service
from tests.services.test_admin import invoice_form

pytestmark = pytest.mark.django_db
D = Decimal

REFUSED_EN = (
    "Invoices of a client under the VAT regime “intra-EU, reverse charge” carry no VAT: "
    "the VAT rate must be 0, not 21.00."
)


@pytest.fixture
def french(db: None) -> Client:
    return make_client(
        name="Hachette Livre", tax_id="FR04602060147", vat_regime=VatRegime.INTRA_EU_REVERSE_CHARGE
    )


@pytest.fixture
def swiss(db: None) -> Client:
    return make_client(
        name="Éditions Zoé", tax_id="CHE-101.557.470", is_foreign=True, vat_regime=VatRegime.EXPORT
    )


@pytest.mark.parametrize(
    ("regime", "rate", "gross"),
    [
        (VatRegime.DOMESTIC, D("21.00"), D("1210.00")),
        (VatRegime.INTRA_EU_REVERSE_CHARGE, D("0.00"), D("1000.00")),
        (VatRegime.EXPORT, D("0.00"), D("1000.00")),
    ],
)
def test_a_line_without_a_rate_takes_the_rate_of_the_clients_regime(
    regime: str, rate: Decimal, gross: Decimal
) -> None:
    client = make_client(vat_regime=regime)

    invoice = make_invoice(client=client, lines=[line("1000.00", vat=None)])

    assert invoice.lines.get().vat_rate == rate
    assert invoice.gross_amount == gross


def test_a_contract_without_a_rate_takes_the_rate_of_the_clients_regime(french: Client) -> None:
    contract = actions.contract_create(
        client=french,
        service_line=service(),
        reference="LIC-FR",
        start_date=date(2024, 1, 1),
        kind="recurring",
        billing_period="monthly",
        unit_price=D("12.00"),
    )
    domestic = actions.contract_create(
        client=make_client(),
        service_line=service(),
        reference="LIC-ES",
        start_date=date(2024, 1, 1),
        kind="fixed_fee",
        fixed_amount=D("100.00"),
    )

    assert (contract.vat_rate, domestic.vat_rate) == (D("0.00"), D("21.00"))
    invoice, _created = actions.contract_draft_invoices(contract=contract, period_start=date(2024, 1, 1))
    assert invoice.lines.get().vat_rate == D("0.00")


def test_the_action_refuses_21_percent_for_a_reverse_charge_client_naming_the_regime(french: Client) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_invoice(client=french, lines=[line("1000.00", vat="21")])

    assert refused.value.messages == [f"Line 1: {REFUSED_EN}"]
    assert not Invoice.objects.exists()


def test_a_contract_at_21_percent_for_an_export_client_is_refused(swiss: Client) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_contract(client=swiss, vat_rate=D("21.00"))

    with translation.override("en"):  # the messages are lazy: read them in English
        assert refused.value.message_dict == {
            "vat_rate": [
                "Invoices of a client under the VAT regime “export (outside the EU)” carry no VAT: "
                "the VAT rate must be 0, not 21.00."
            ]
        }


def test_a_draft_whose_client_changed_regime_is_refused_when_issued() -> None:
    client = make_client()
    draft = make_invoice(client=client, status="draft")  # 21 %
    client.vat_regime = VatRegime.INTRA_EU_REVERSE_CHARGE
    record_actions.client_save(client=client)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        actions.invoice_issue(invoice=draft)

    assert refused.value.messages == [f"Line 1: {REFUSED_EN}"]


def test_a_credit_note_keeps_the_vat_of_the_invoice_it_corrects(french: Client) -> None:
    invoice = make_invoice(client=french, lines=[line("1000.00", vat=None)])

    credit = actions.invoice_issue(
        invoice=actions.credit_note_create(invoice=invoice, issue_date=date(2024, 3, 5))
    )

    assert (credit.vat_amount, credit.gross_amount) == (D("0.00"), D("-1000.00"))


def test_the_admin_form_leaves_an_empty_rate_to_the_clients_regime(
    staff_client: HttpClient, french: Client
) -> None:
    data = invoice_form(french, [("Apoyo a proyectos", "10", "55", "")])

    response = staff_client.post(reverse("admin:services_invoice_add"), data)

    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert (invoice.lines.get().vat_rate, invoice.vat_amount, invoice.gross_amount) == (
        D("0.00"),
        D("0.00"),
        D("550.00"),
    )


def test_the_admin_form_refuses_21_percent_for_a_reverse_charge_client(
    staff_client: HttpClient, french: Client
) -> None:
    data = invoice_form(french, [("Apoyo a proyectos", "10", "55", "21")])

    with translation.override("en"):
        response = staff_client.post(
            reverse("admin:services_invoice_add"), data, headers={"accept-language": "en"}
        )

    assert response.status_code == 200
    with translation.override("en"):  # the messages are lazy: read them in English
        assert REFUSED_EN in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert not Invoice.objects.exists()


def test_a_new_line_of_a_draft_starts_at_the_rate_of_the_clients_regime(
    staff_client: HttpClient, french: Client
) -> None:
    draft = make_invoice(client=french, status="draft", lines=[line(vat=None)])
    domestic = make_invoice(client=make_client(), status="draft")

    pages = [
        staff_client.get(reverse("admin:services_invoice_change", args=[i.pk])) for i in (draft, domestic)
    ]

    extra = [page.context["inline_admin_formsets"][0].formset.empty_form for page in pages]
    assert [form["vat_rate"].initial for form in extra] == [D("0.00"), D("21.00")]


@pytest.mark.parametrize(
    ("regime", "mention"),
    [
        (
            VatRegime.INTRA_EU_REVERSE_CHARGE,
            "Reverse charge: VAT payable by the customer (art. 84.Uno.2º Ley 37/1992; "
            "art. 196 Directive 2006/112/EC)",
        ),
        (VatRegime.EXPORT, "Not subject to Spanish VAT (art. 69 Ley 37/1992)"),
    ],
)
def test_the_invoice_page_shows_the_legal_mention_of_the_regime(
    staff_client: HttpClient, regime: str, mention: str
) -> None:
    invoice = make_invoice(client=make_client(vat_regime=regime), lines=[line(vat=None)])

    with translation.override("en"):
        html = staff_client.get(
            reverse("admin:services_invoice_change", args=[invoice.pk]), headers={"accept-language": "en"}
        ).content.decode()

    assert f'data-vat-mention="{regime}">{mention}</p>' in html


def test_a_domestic_invoice_carries_no_mention(staff_client: HttpClient) -> None:
    invoice = make_invoice(client=make_client())

    html = staff_client.get(reverse("admin:services_invoice_change", args=[invoice.pk])).content.decode()

    assert "data-vat-mention" not in html


HEADER = "number,issue_date,client,client_tax_id,service,net_amount,vat_rate,status\n"


def test_an_import_row_at_21_percent_for_a_reverse_charge_client_is_a_row_error(french: Client) -> None:
    at_21 = "IMP-1,2024-05-02,Hachette Livre,FR04602060147,project-support,1000,21,issued\n"
    at_0 = "IMP-2,2024-05-03,Hachette Livre,FR04602060147,project-support,1000,0,issued\n"

    with translation.override("en"):
        refused = import_records("invoices", (HEADER + at_21 + at_0).encode())
    accepted = import_records("invoices", (HEADER + at_0).encode())

    assert [(e.row, e.column, e.message) for e in refused.errors] == [(2, "vat_rate", REFUSED_EN)]
    assert (accepted.ok, accepted.created) == (True, 1)
    assert Invoice.objects.get().gross_amount == D("1000.00")


def test_a_draft_completed_by_an_import_at_21_percent_for_a_reverse_charge_client_is_refused(
    french: Client,
) -> None:
    make_invoice(client=french, status="draft", number="EXT-7", lines=[line(vat=None)])
    rows = HEADER + "EXT-7,2024-05-02,Hachette Livre,FR04602060147,project-support,1000,21,issued\n"

    with translation.override("en"):
        result = import_records("invoices", rows.encode())

    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, "vat_rate", REFUSED_EN)]


def test_the_contract_form_leaves_an_empty_rate_to_the_clients_regime(
    staff_client: HttpClient, french: Client
) -> None:
    data = {
        "reference": "HACH-1",
        "client": str(french.pk),
        "service_line": str(service("project-support").pk),
        "description": "",
        "status": "active",
        "notes": "",
        "start_date": "2024-01-01",
        "end_date": "",
        "kind": "time_and_materials",
        "billing_period": "",
        "quantity": "1",
        "unit_price": "",
        "fixed_amount": "",
        "estimated_amount": "30000",
        "vat_rate": "",
        "partner": "",
        "partner_share": "",
    }

    accepted = staff_client.post(reverse("admin:services_contract_add"), data)
    with translation.override("en"):
        refused = staff_client.post(
            reverse("admin:services_contract_add"),
            data | {"reference": "HACH-2", "vat_rate": "21"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert accepted.status_code == 302
    assert Contract.objects.get().vat_rate == D("0.00")
    with translation.override("en"):  # the messages are lazy: read them in English
        assert REFUSED_EN in str(refused.context["errors"])
