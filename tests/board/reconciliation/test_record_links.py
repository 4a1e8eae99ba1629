"""A reconciled record shows its bank line: the kernel asks the banking app, the admins show it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from smartiberica.board.reconciliation_actions import reconcile
from smartiberica.kernel.record_links import RECORD_KINDS, LinkedBankLine, bank_line_of
from tests.board.reconciliation.helpers import Line, import_lines
from tests.funding.factories import make_expense, make_loan, make_receipt, make_repayment
from tests.services.factories import make_invoice, make_payment, make_refund

pytestmark = pytest.mark.django_db
D = Decimal
ON = date(2024, 3, 20)
ADMIN_PAGES = {
    "payment": "admin:services_payment_change",
    "refund": "admin:services_refund_change",
    "receipt": "admin:funding_fundingreceipt_change",
    "repayment": "admin:funding_loanrepayment_change",
    "expense": "admin:funding_expense_change",
}


def one_record_of_each_kind() -> dict[str, tuple[int, str]]:
    """Each kind's record id and the amount of its line."""
    invoice = make_invoice()
    payment = make_payment(invoice=invoice, date=date(2024, 3, 15))
    refund = make_refund(invoice=invoice, date=date(2024, 3, 16), amount=D("21.00"))
    receipt = make_receipt(date=date(2024, 3, 17), amount=D("500.00"))
    loan = make_loan(start_date=date(2024, 1, 15))
    repayment = make_repayment(loan=loan, date=date(2024, 3, 15), interest=D("5.00"), principal=D("95.00"))
    expense = make_expense(date=date(2024, 3, 18), amount=D("30.00"))
    return {
        "payment": (payment.pk, "121.00"),
        "refund": (refund.pk, "-21.00"),
        "receipt": (receipt.pk, "500.00"),
        "repayment": (repayment.pk, "-100.00"),
        "expense": (expense.pk, "-30.00"),
    }


def test_the_kernel_finds_the_bank_line_of_each_kind_of_record_once_reconciled(staff_user: Any) -> None:
    records = one_record_of_each_kind()
    lines = import_lines(*[Line(ON, amount) for _pk, amount in records.values()])
    assert all(bank_line_of(kind, pk) is None for kind, (pk, _a) in records.items())

    for line, (kind, (pk, _amount)) in zip(lines, records.items(), strict=True):
        reconcile(line_id=line, kind=kind, record_id=pk, user=staff_user)

    assert set(records) == set(RECORD_KINDS)
    for line, (kind, (pk, amount)) in zip(lines, records.items(), strict=True):
        assert bank_line_of(kind, pk) == LinkedBankLine(
            line_id=line, booking_date=ON, amount=D(amount), account="Cuenta Fiare"
        )


def test_the_kernel_refuses_a_kind_it_does_not_know_and_answers_none_for_a_new_record() -> None:
    with pytest.raises(ValueError, match="unknown record kind"):
        bank_line_of("invoice", 1)
    assert bank_line_of("payment", None) is None


def test_every_reconciled_records_admin_page_links_to_its_bank_line(
    staff_client: WebClient, staff_user: Any
) -> None:
    records = one_record_of_each_kind()
    lines = import_lines(*[Line(ON, amount) for _pk, amount in records.values()])
    for line, (kind, (pk, _amount)) in zip(lines, records.items(), strict=True):
        reconcile(line_id=line, kind=kind, record_id=pk, user=staff_user)

    for line, (kind, (pk, _amount)) in zip(lines, records.items(), strict=True):
        page = staff_client.get(reverse(ADMIN_PAGES[kind], args=[pk]))
        assert page.status_code == 200, kind
        link = f'href="{reverse("bank-line", args=[line])}" data-bank-line="{line}"'
        assert link in page.content.decode(), kind


def test_the_add_pages_show_no_bank_line(staff_client: WebClient) -> None:
    for name in ADMIN_PAGES.values():
        page = staff_client.get(reverse(name.replace("_change", "_add")))
        assert page.status_code == 200, name
        assert "data-bank-line" not in page.content.decode(), name
