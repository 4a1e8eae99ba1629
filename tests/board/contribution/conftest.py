"""A small book for the contribution margin, hand-computed (VAT 21 %, Nanoma's share 30 %).

Crowdfunding, under a contract with Nanoma (30 %):
- F1 2,400.00 net (gross 2,904.00) issued 15 March 2024, credited 400.00 (gross 484.00) on
  1 April 2024; paid 1,210.00 on 1 May 2024 (net part 1,000.00), 121.00 refunded on 1 August
  2024 (net part 100.00), 1,331.00 paid on 10 January 2025 (net part 1,100.00);
- F2 and F3, 1,000.05 net each (VAT 210.01, gross 1,210.06), issued in June 2024 and paid in full
  in July 2024: a partner's part of 300.015 each, rounded row by row to 300.02;
- F4 600.00 net without a contract (no partner), unpaid;
- a draft of 500.00 and an invoice cancelled: no revenue, no share.
IT licensing: F5 1,000.00 net, no partner, unpaid; expenses naming it 300.00 and 450.50 in 2024,
50.00 in 2023. Crowdfunding's expense: 100.00 in 2024. An expense of 999.00 names no line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from funding.models import Expense, ExpenseCategory
from services import actions as services_actions
from services.choices import ContractKind, InvoiceStatus
from services.models import Contract, Invoice
from tests.funding.factories import make_expense
from tests.services.factories import (
    line,
    make_client,
    make_contract,
    make_invoice,
    make_partner,
    make_payment,
    make_refund,
    service,
)

D = Decimal


@dataclass(frozen=True)
class Book:
    contract: Contract
    f1: Invoice
    licences: list[Expense]


def crowdfunding_contract() -> Contract:
    return make_contract(
        service_line=service("crowdfunding"),
        kind=ContractKind.FIXED_FEE,
        billing_period="",
        quantity=D("1"),
        unit_price=None,
        fixed_amount=D("2400.00"),
        partner=make_partner(),
        partner_share=D("30.00"),
    )


def direct_cost(code: str, amount: str, on: date = date(2024, 5, 10)) -> Expense:
    return make_expense(
        date=on,
        category=ExpenseCategory.objects.get(code="it"),
        amount=D(amount),
        service_line=service(code),
    )


@pytest.fixture
def book(db: None) -> Book:
    contract = crowdfunding_contract()
    crowd = service("crowdfunding")
    client = contract.client

    def crowd_invoice(amount: str, on: date, **options: object) -> Invoice:
        return make_invoice(
            client=client,
            service_line=crowd,
            issue_date=on,
            lines=[line(amount)],
            **options,  # type: ignore[arg-type]
        )

    # Numbers follow dates: the invoices of series F are issued in date order.
    make_invoice(
        client=make_client(),
        service_line=service("it-licensing"),
        issue_date=date(2024, 2, 1),
        lines=[line("1000.00")],
    )
    f1 = crowd_invoice("2400.00", date(2024, 3, 15), contract=contract)
    credit = services_actions.credit_note_create(
        invoice=f1,
        issue_date=date(2024, 4, 1),
        lines=[services_actions.LineInput("Descuento", D("-1"), D("400.00"), D("21.00"))],
    )
    services_actions.invoice_issue(invoice=credit)
    make_payment(invoice=f1, date=date(2024, 5, 1), amount=D("1210.00"))
    make_refund(invoice=f1, date=date(2024, 8, 1), amount=D("121.00"))
    make_payment(invoice=f1, date=date(2025, 1, 10), amount=D("1331.00"))
    for day in (5, 20):
        f = crowd_invoice("1000.05", date(2024, 6, day), contract=contract)
        make_payment(invoice=f, date=date(2024, 7, day), amount=D("1210.06"))
    crowd_invoice("600.00", date(2024, 9, 1))
    crowd_invoice("500.00", date(2024, 10, 1), contract=contract, status=InvoiceStatus.DRAFT)
    services_actions.invoice_cancel(invoice=crowd_invoice("700.00", date(2024, 11, 1), contract=contract))
    licences = [
        direct_cost("it-licensing", "300.00"),
        direct_cost("it-licensing", "450.50", date(2024, 11, 30)),
    ]
    direct_cost("it-licensing", "50.00", date(2023, 12, 31))
    direct_cost("crowdfunding", "100.00")
    make_expense(date=date(2024, 6, 1), amount=D("999.00"))
    return Book(contract=contract, f1=f1, licences=licences)
