from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from services import actions
from services import validation as v
from services.models import Client, Invoice
from services.selectors import expected_contract_revenue
from smartiberica.kernel.rates import ERR_RATE_OUT_OF_RANGE
from tests.services.factories import make_contract, make_partner, service
from tests.services.helpers import error_codes

pytestmark = pytest.mark.django_db
D = Decimal


def test_drafting_a_period_creates_one_draft_invoice_with_the_contract_terms(acme: Client) -> None:
    contract = make_contract(client=acme, vat_rate=D("21.00"), description="MS Teams licences")
    invoice, created = actions.contract_draft_invoices(contract=contract, period_start=date(2024, 2, 1))
    assert created
    assert (invoice.status, invoice.number, invoice.issue_date) == ("draft", None, date(2024, 2, 1))
    assert (invoice.client, invoice.contract, invoice.period_start) == (acme, contract, date(2024, 2, 1))
    only_line = invoice.lines.get()
    assert (only_line.quantity, only_line.unit_price) == (D("40.000"), D("12.00"))
    assert only_line.description.startswith("MS Teams licences, ")
    assert (invoice.net_amount, invoice.gross_amount) == (D("480.00"), D("580.80"))


def test_drafting_the_same_period_twice_returns_the_first_invoice(acme: Client) -> None:
    contract = make_contract(client=acme)
    first, _ = actions.contract_draft_invoices(contract=contract, period_start=date(2024, 2, 1))
    actions.invoice_issue(invoice=first)
    again, created = actions.contract_draft_invoices(contract=contract, period_start=date(2024, 2, 1))
    assert (again.pk, created) == (first.pk, False)
    assert Invoice.objects.filter(contract=contract).count() == 1


def test_only_the_start_of_a_billing_period_can_be_drafted(acme: Client) -> None:
    contract = make_contract(client=acme, billing_period="quarterly", end_date=date(2024, 12, 31))
    with pytest.raises(ValidationError) as error:
        actions.contract_draft_invoices(contract=contract, period_start=date(2024, 2, 1))
    assert error_codes(error.value) == ["not_a_period_start"]
    with pytest.raises(ValidationError) as error:
        actions.contract_draft_invoices(contract=contract, period_start=date(2025, 1, 1))
    assert error_codes(error.value) == ["period_outside_contract"]
    assert not Invoice.objects.exists()


def test_only_active_recurring_contracts_are_drafted(acme: Client) -> None:
    fixed = make_contract(client=acme, kind="fixed_fee", billing_period="", fixed_amount=D("9000"))
    draft = make_contract(client=acme, status="draft")
    with pytest.raises(ValidationError) as error:
        actions.contract_draft_invoices(contract=fixed, period_start=date(2024, 1, 1))
    assert error.value.messages == [str(v.ERR_CONTRACT_NOT_RECURRING)]
    with pytest.raises(ValidationError) as error:
        actions.contract_draft_invoices(contract=draft, period_start=date(2024, 1, 1))
    assert error.value.messages == [str(v.ERR_CONTRACT_NOT_ACTIVE)]


def test_the_due_invoices_of_all_running_contracts_are_drafted_once(acme: Client) -> None:
    monthly = make_contract(client=acme, start_date=date(2024, 1, 15))
    make_contract(client=acme, start_date=date(2024, 6, 1))  # not started yet
    make_contract(client=acme, end_date=date(2024, 2, 29))  # ended
    created = actions.contracts_draft_due_invoices(on=date(2024, 3, 10))
    assert [(i.contract, i.period_start) for i in created] == [(monthly, date(2024, 2, 15))]
    assert actions.contracts_draft_due_invoices(on=date(2024, 3, 10)) == []


def test_contract_rules_are_form_errors(acme: Client) -> None:
    with pytest.raises(ValidationError) as error:
        make_contract(client=acme, billing_period="", unit_price=None, end_date=date(2023, 1, 1))
    assert error.value.message_dict == {
        "end_date": [str(v.ERR_END_BEFORE_START)],
        "billing_period": [str(v.ERR_RECURRING_NEEDS_PERIOD)],
        "unit_price": [str(v.ERR_RECURRING_NEEDS_PRICE)],
    }


def test_a_revenue_share_needs_a_partner_and_a_percentage(acme: Client) -> None:
    with pytest.raises(ValidationError) as error:
        make_contract(client=acme, partner_share=D("20"))
    assert error.value.message_dict["partner_share"] == [str(v.ERR_SHARE_NEEDS_PARTNER)]
    with pytest.raises(ValidationError) as error:
        make_contract(client=acme, partner=make_partner(), partner_share=D("120"))
    assert error.value.message_dict["partner_share"] == [str(ERR_RATE_OUT_OF_RANGE)]
    contract = make_contract(
        client=acme, service_line=service("crowdfunding"), partner=make_partner(), partner_share=D("30")
    )
    assert contract.partner is not None
    assert contract.partner.name == "Nanoma"


def test_expected_revenue_sums_active_and_ended_contracts_of_the_year(acme: Client) -> None:
    make_contract(client=acme, start_date=date(2024, 4, 1))  # 9 × 480 = 4320
    make_contract(client=acme, status="ended", start_date=date(2023, 1, 1), end_date=date(2024, 1, 31))  # 480
    make_contract(client=acme, kind="fixed_fee", billing_period="", fixed_amount=D("1000"))  # 1000
    make_contract(client=acme, status="draft")
    make_contract(client=acme, status="cancelled")
    make_contract(client=acme, start_date=date(2025, 1, 1))
    assert expected_contract_revenue(year=2024) == D("5800.00")
