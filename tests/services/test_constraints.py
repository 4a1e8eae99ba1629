"""The database refuses bad rows even when the forms and actions are bypassed."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from services.models import (
    Client,
    Contract,
    Invoice,
    InvoiceLine,
    InvoiceNumberCounter,
    MarginBand,
    MarginRule,
    MemberTurnover,
    Payment,
    RevenueTarget,
    ServiceLine,
)
from tests.services.factories import make_contract, make_invoice, service

pytestmark = pytest.mark.django_db

D = Decimal


@dataclass
class World:
    client: Client
    line: ServiceLine
    invoice: Invoice
    contract: Contract
    rule: MarginRule


@pytest.fixture
def world(acme: Client, historical_rule: MarginRule) -> World:
    invoice = make_invoice(client=acme, number="F2024-0100")
    contract = make_contract(client=acme, reference="C-EXISTING")
    return World(client=acme, line=service(), invoice=invoice, contract=contract, rule=historical_rule)


def invoice_row(w: World, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "client": w.client,
        "service_line": w.line,
        "issue_date": date(2024, 5, 1),
        "due_date": date(2024, 5, 31),
        "status": "draft",
        "net_amount": D("100.00"),
        "vat_amount": D("21.00"),
        "gross_amount": D("121.00"),
    }
    values.update(overrides)
    return values


def contract_row(w: World, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "client": w.client,
        "service_line": w.line,
        "reference": "C-NEW",
        "start_date": date(2024, 1, 1),
        "kind": "recurring",
        "billing_period": "monthly",
        "quantity": D("1"),
        "unit_price": D("10.00"),
        "vat_rate": D("21.00"),
        "status": "active",
    }
    values.update(overrides)
    return values


def turnover_row(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"month": date(2024, 1, 1), "turnover": D("1000.00")}
    values.update(overrides)
    return values


BAD_ROWS: dict[str, Callable[[World], Any]] = {
    "duplicate invoice number": lambda w: Invoice.objects.create(**invoice_row(w, number="F2024-0100")),
    "blank invoice number": lambda w: Invoice.objects.create(**invoice_row(w, number="")),
    "due date before issue date": lambda w: Invoice.objects.create(
        **invoice_row(w, due_date=date(2024, 4, 30))
    ),
    "gross is not net plus VAT": lambda w: Invoice.objects.create(**invoice_row(w, gross_amount=D("120.00"))),
    "negative ordinary invoice": lambda w: Invoice.objects.create(
        **invoice_row(w, net_amount=D("-100.00"), vat_amount=D("-21.00"), gross_amount=D("-121.00"))
    ),
    "positive credit note": lambda w: Invoice.objects.create(**invoice_row(w, corrects=w.invoice)),
    "issued credit note of zero": lambda w: Invoice.objects.create(
        **invoice_row(
            w,
            corrects=w.invoice,
            status="issued",
            number="R2024-0100",
            net_amount=D("0.00"),
            vat_amount=D("0.00"),
            gross_amount=D("0.00"),
        )
    ),
    "issued invoice without number": lambda w: Invoice.objects.create(**invoice_row(w, status="issued")),
    "unknown invoice status": lambda w: Invoice.objects.create(**invoice_row(w, status="paid")),
    "second invoice for a contract period": lambda w: [
        Invoice.objects.create(**invoice_row(w, contract=w.contract, period_start=date(2024, 5, 1)))
        for _ in range(2)
    ],
    "VAT rate above 100": lambda w: InvoiceLine.objects.create(
        invoice=w.invoice, description="x", quantity=1, unit_price=D("1"), vat_rate=D("100.01")
    ),
    "negative VAT rate": lambda w: InvoiceLine.objects.create(
        invoice=w.invoice, description="x", quantity=1, unit_price=D("1"), vat_rate=D("-1")
    ),
    "line quantity of zero": lambda w: InvoiceLine.objects.create(
        invoice=w.invoice, description="x", quantity=0, unit_price=D("1"), vat_rate=D("21")
    ),
    "payment of zero": lambda w: Payment.objects.create(
        invoice=w.invoice, date=date(2024, 6, 1), amount=D("0")
    ),
    "negative payment": lambda w: Payment.objects.create(
        invoice=w.invoice, date=date(2024, 6, 1), amount=D("-5")
    ),
    "payment net above amount": lambda w: Payment.objects.create(
        invoice=w.invoice, date=date(2024, 6, 1), amount=D("10"), net_amount=D("11")
    ),
    "unknown payment method": lambda w: Payment.objects.create(
        invoice=w.invoice, date=date(2024, 6, 1), amount=D("10"), method="bitcoin"
    ),
    "contract ending before it starts": lambda w: Contract.objects.create(
        **contract_row(w, end_date=date(2023, 12, 31))
    ),
    "recurring contract without period": lambda w: Contract.objects.create(
        **contract_row(w, billing_period="")
    ),
    "recurring contract without price": lambda w: Contract.objects.create(**contract_row(w, unit_price=None)),
    "fixed fee with a billing period": lambda w: Contract.objects.create(
        **contract_row(w, kind="fixed_fee", fixed_amount=D("5"))
    ),
    "fixed fee without amount": lambda w: Contract.objects.create(
        **contract_row(w, kind="fixed_fee", billing_period="")
    ),
    "partner share without partner": lambda w: Contract.objects.create(
        **contract_row(w, partner_share=D("10"))
    ),
    "contract quantity of zero": lambda w: Contract.objects.create(**contract_row(w, quantity=D("0"))),
    "duplicate contract reference": lambda w: Contract.objects.create(
        **contract_row(w, reference="C-EXISTING")
    ),
    "duplicate client tax id": lambda w: Client.objects.create(name="Again", tax_id=w.client.tax_id),
    "blank client tax id": lambda w: Client.objects.create(name="Nobody", tax_id=""),
    "second target for a service and year": lambda w: [
        RevenueTarget.objects.create(service_line=w.line, year=2024, amount=D("1")) for _ in range(2)
    ],
    "negative target": lambda w: RevenueTarget.objects.create(service_line=w.line, year=2024, amount=D("-1")),
    "negative turnover": lambda w: MemberTurnover.objects.create(**turnover_row(turnover=D("-0.01"))),
    "second row for a month": lambda w: [MemberTurnover.objects.create(**turnover_row()) for _ in range(2)],
    "month rate above 100": lambda w: MemberTurnover.objects.create(
        **turnover_row(structure_rate=D("101"), fund_rate=D("2"))
    ),
    "only one of the month's rates": lambda w: MemberTurnover.objects.create(
        **turnover_row(structure_rate=D("5"))
    ),
    "rule ending before it starts": lambda w: MarginRule.objects.create(
        name="x", valid_from=date(2030, 2, 1), valid_to=date(2030, 1, 31), structure_rate=1, fund_rate=1
    ),
    "flat rule without rates": lambda w: MarginRule.objects.create(name="x", valid_from=date(2030, 1, 1)),
    "banded rule with flat rates": lambda w: MarginRule.objects.create(
        name="x", valid_from=date(2030, 1, 1), kind="banded", structure_rate=1, fund_rate=1
    ),
    "negative band bound": lambda w: MarginBand.objects.create(
        rule=w.rule, lower_bound=D("-1"), structure_rate=1, fund_rate=1
    ),
    "band rate above 100": lambda w: MarginBand.objects.create(
        rule=w.rule, lower_bound=D("0"), structure_rate=D("100.5"), fund_rate=1
    ),
    "two bands from the same turnover": lambda w: [
        MarginBand.objects.create(rule=w.rule, lower_bound=D("0"), structure_rate=1, fund_rate=1)
        for _ in range(2)
    ],
    "two counters for a series and year": lambda w: [
        InvoiceNumberCounter.objects.create(series="Z", year=2024) for _ in range(2)
    ],
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_the_database_refuses(world: World, case: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        BAD_ROWS[case](world)


def test_a_valid_row_written_the_same_way_is_accepted(world: World) -> None:
    # The builders above are sound: without the fault, the rows go in.
    Invoice.objects.create(**invoice_row(world, number="F2024-0200"))
    Contract.objects.create(**contract_row(world))
    MemberTurnover.objects.create(**turnover_row())
    assert Invoice.objects.filter(number="F2024-0200").exists()
    assert Contract.objects.filter(reference="C-NEW").exists()


def test_deleting_a_client_with_invoices_is_refused(world: World) -> None:
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        world.client.delete()
    assert Client.objects.filter(pk=world.client.pk).exists()
