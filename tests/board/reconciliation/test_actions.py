"""Confirming suggestions, all the confident ones, creating a line's record, undoing (issue 20)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from banking import validation as bv
from banking.models import StatementLine
from funding.models import Expense, FundingReceipt
from services.models import Payment
from smartiberica.board import reconciliation_actions as ra
from smartiberica.board.closing import year_close
from smartiberica.board.reconciliation import INVOICE
from smartiberica.board.reconciliation_actions import (
    NewExpense,
    NewPayment,
    NewReceipt,
    create_and_reconcile,
    reconcile,
    reconcile_confident,
    unreconcile,
)
from tests.board.reconciliation.helpers import Line, import_line, import_lines, matched
from tests.funding.factories import make_expense, make_loan, make_receipt, make_repayment, make_source
from tests.services.factories import make_invoice, make_payment, make_refund

pytestmark = pytest.mark.django_db
D = Decimal
ON = date(2024, 3, 20)


def refused(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return error.value.messages


# --- Confirming one suggestion, of each kind ---------------------------------------------------------


def test_staff_reconcile_a_line_with_each_kind_of_record(staff_user: Any) -> None:
    invoice = make_invoice()
    payment = make_payment(invoice=invoice, date=date(2024, 3, 15))
    refund = make_refund(invoice=invoice, date=date(2024, 3, 16), amount=D("21.00"))
    receipt = make_receipt(date=date(2024, 3, 17), amount=D("500.00"))
    repayment = make_repayment(
        loan=make_loan(start_date=date(2024, 1, 15)),
        date=date(2024, 3, 15),
        interest=D("5.00"),
        principal=D("95.00"),
    )
    expense = make_expense(date=date(2024, 3, 18), amount=D("30.00"))
    lines = import_lines(
        Line(ON, "121.00"), Line(ON, "-21.00"), Line(ON, "500.00"), Line(ON, "-100.00"), Line(ON, "-30.00")
    )
    records = [
        ("payment", payment.pk),
        ("refund", refund.pk),
        ("receipt", receipt.pk),
        ("repayment", repayment.pk),
        ("expense", expense.pk),
    ]

    for line, (kind, pk) in zip(lines, records, strict=True):
        reconcile(line_id=line, kind=kind, record_id=pk, user=staff_user)

    assert [matched(line) for line in lines] == records
    assert StatementLine.objects.get(pk=lines[0]).matched_by == staff_user


def test_confirming_an_open_invoice_records_its_payment_with_the_lines_date_and_amount(
    staff_user: Any,
) -> None:
    invoice = make_invoice()
    line = import_line(Line(ON, "121.00", end_to_end="E2E-HACHETTE-1"))

    reconcile(line_id=line, kind=INVOICE, record_id=invoice.pk, user=staff_user)

    payment = Payment.objects.get(invoice=invoice)
    assert (payment.date, payment.amount, payment.reference) == (ON, D("121.00"), "E2E-HACHETTE-1")
    assert matched(line) == ("payment", payment.pk)


# --- Refusals ------------------------------------------------------------------------------------------


def test_a_line_reconciled_already_is_refused(staff_user: Any) -> None:
    first = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    second = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    line = import_line(Line(ON, "121.00"))
    reconcile(line_id=line, kind="payment", record_id=first.pk, user=staff_user)

    with pytest.raises(ValidationError) as error:
        reconcile(line_id=line, kind="payment", record_id=second.pk, user=staff_user)

    assert refused(error) == [str(ra.ERR_LINE_RECONCILED)]
    assert matched(line) == ("payment", first.pk)


def test_a_record_reconciled_with_another_line_is_refused(staff_user: Any) -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    first, second = import_lines(Line(ON, "121.00"), Line(ON, "121.00"))
    reconcile(line_id=first, kind="payment", record_id=payment.pk, user=staff_user)

    with pytest.raises(ValidationError) as error:
        reconcile(line_id=second, kind="payment", record_id=payment.pk, user=staff_user)

    assert refused(error) == [str(bv.ERR_RECORD_ALREADY_MATCHED)]
    assert matched(second) == (None, None)


def test_a_record_of_another_amount_is_refused_with_both_amounts(staff_user: Any) -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15), amount=D("100.00"))
    line = import_line(Line(ON, "121.00"))

    with pytest.raises(ValidationError) as error:
        reconcile(line_id=line, kind="payment", record_id=payment.pk, user=staff_user)

    assert refused(error) == [str(bv.ERR_AMOUNT_MISMATCH) % {"record": "100,00\xa0€", "line": "121,00\xa0€"}]
    assert matched(line) == (None, None)


def test_money_out_cannot_be_reconciled_with_a_payment(staff_user: Any) -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    line = import_line(Line(ON, "-121.00"))

    with pytest.raises(ValidationError) as error:
        reconcile(line_id=line, kind="payment", record_id=payment.pk, user=staff_user)

    assert "no se mezclan" in refused(error)[0] or "do not mix" in refused(error)[0]
    assert matched(line) == (None, None)


def test_a_record_or_a_line_that_does_not_exist_is_refused(staff_user: Any) -> None:
    line = import_line(Line(ON, "121.00"))

    with pytest.raises(ValidationError) as missing_record:
        reconcile(line_id=line, kind="payment", record_id=999_999, user=staff_user)
    with pytest.raises(ValidationError) as missing_line:
        reconcile(line_id=999_999, kind="payment", record_id=1, user=staff_user)

    assert refused(missing_record) == [str(ra.ERR_RECORD_NOT_FOUND)]
    assert refused(missing_line) == [str(ra.ERR_LINE_NOT_FOUND)]


# --- All confident suggestions at once -----------------------------------------------------------------


def test_confirming_all_confident_suggestions_reconciles_those_only(staff_user: Any) -> None:
    sure = make_payment(invoice=make_invoice(lines=None), date=date(2024, 3, 15))
    named = make_expense(date=date(2024, 3, 18), amount=D("40.00"), reference="FAC-ENDESA-9")
    make_expense(date=date(2024, 3, 18), amount=D("40.00"))
    make_expense(date=date(2024, 3, 18), amount=D("55.00"))
    make_expense(date=date(2024, 3, 19), amount=D("55.00"))  # two alike: nobody's confident
    lines = import_lines(
        Line(ON, "121.00"),
        Line(ON, "-40.00", description="RECIBO FAC-ENDESA-9"),
        Line(ON, "-55.00"),
        Line(ON, "-77.00"),  # no candidate at all
    )

    done = reconcile_confident(user=staff_user)

    assert done == 2
    assert [matched(line) for line in lines] == [
        ("payment", sure.pk),
        ("expense", named.pk),
        (None, None),
        (None, None),
    ]
    assert reconcile_confident(user=staff_user) == 0


def test_confirming_the_confident_suggestions_of_some_lines_leaves_the_others(staff_user: Any) -> None:
    make_expense(date=date(2024, 3, 18), amount=D("40.00"))
    make_expense(date=date(2024, 3, 18), amount=D("41.00"))
    first, second = import_lines(Line(ON, "-40.00"), Line(ON, "-41.00"))

    assert reconcile_confident(user=staff_user, lines=[second]) == 1

    assert matched(first) == (None, None)
    assert matched(second)[0] == "expense"


# --- Creating the record in one step --------------------------------------------------------------------


def test_a_line_creates_the_payment_of_an_invoice_typed_by_its_number(staff_user: Any) -> None:
    invoice = make_invoice()
    line = import_line(Line(ON, "121.00", reference="REF-1"))

    kind, record_id = create_and_reconcile(
        line_id=line, user=staff_user, record=NewPayment(invoice_number=f" {str(invoice).lower()} ")
    )

    payment = Payment.objects.get(pk=record_id)
    assert (kind, payment.invoice_id, payment.date, payment.amount) == (
        "payment",
        invoice.pk,
        ON,
        D("121.00"),
    )
    assert matched(line) == ("payment", payment.pk)


def test_a_line_creates_a_funding_receipt_of_a_chosen_source_with_its_reference(staff_user: Any) -> None:
    source = make_source(code="junta", name="Junta de Andalucía")
    line = import_line(Line(ON, "2500.00", end_to_end="SUBV-2024-7", description="SUBVENCION FOMENTO"))

    kind, record_id = create_and_reconcile(
        line_id=line, user=staff_user, record=NewReceipt(source_id=source.pk)
    )

    receipt = FundingReceipt.objects.get(pk=record_id)
    assert (receipt.source, receipt.date, receipt.amount, receipt.reference) == (
        source,
        ON,
        D("2500.00"),
        "SUBV-2024-7",
    )
    assert receipt.description == "SUBVENCION FOMENTO"
    assert matched(line) == (kind, receipt.pk)


def test_a_line_creates_an_expense_of_a_chosen_category_named_after_the_counterparty(staff_user: Any) -> None:
    line = import_line(Line(ON, "-12.10", name="Comisiones Banco", description="COMISION MANTENIMIENTO"))

    kind, record_id = create_and_reconcile(
        line_id=line, user=staff_user, record=NewExpense(category_code="financial")
    )

    expense = Expense.objects.get(pk=record_id)
    assert (expense.category.code, expense.supplier, expense.amount, expense.date) == (
        "financial",
        "Comisiones Banco",
        D("12.10"),
        ON,
    )
    assert expense.reference == f"BANK-{line}"
    assert matched(line) == (kind, expense.pk) == ("expense", expense.pk)


def test_creating_a_record_for_the_wrong_side_or_a_reconciled_line_writes_nothing(staff_user: Any) -> None:
    money_in, money_out = import_lines(Line(ON, "10.00"), Line(ON, "-10.00"))
    source = make_source()

    with pytest.raises(ValidationError) as expense_for_money_in:
        create_and_reconcile(line_id=money_in, user=staff_user, record=NewExpense(category_code="it"))
    with pytest.raises(ValidationError) as receipt_for_money_out:
        create_and_reconcile(line_id=money_out, user=staff_user, record=NewReceipt(source_id=source.pk))
    create_and_reconcile(line_id=money_in, user=staff_user, record=NewReceipt(source_id=source.pk))
    with pytest.raises(ValidationError) as twice:
        create_and_reconcile(line_id=money_in, user=staff_user, record=NewReceipt(source_id=source.pk))

    assert refused(expense_for_money_in) == [str(ra.ERR_MONEY_IN_ONLY)]
    assert refused(receipt_for_money_out) == [str(ra.ERR_MONEY_OUT_ONLY)]
    assert refused(twice) == [str(ra.ERR_LINE_RECONCILED)]
    assert Expense.objects.count() == 0
    assert FundingReceipt.objects.count() == 1


def test_a_payment_above_the_amount_due_is_refused_by_the_invoice_and_nothing_is_written(
    staff_user: Any,
) -> None:
    invoice = make_invoice()
    line = import_line(Line(ON, "500.00"))

    with pytest.raises(ValidationError):
        create_and_reconcile(line_id=line, user=staff_user, record=NewPayment(invoice_id=invoice.pk))
    with pytest.raises(ValidationError) as unknown:
        create_and_reconcile(line_id=line, user=staff_user, record=NewPayment(invoice_number="F1999-0001"))

    assert refused(unknown) == [str(ra.ERR_INVOICE_NOT_FOUND) % {"number": "F1999-0001"}]
    assert Payment.objects.count() == 0
    assert matched(line) == (None, None)


def test_a_record_dated_in_a_closed_year_is_refused_and_the_line_stays_open(
    staff_user: Any, board_user: Any
) -> None:
    line = import_line(Line(date(2023, 6, 1), "-20.00"))
    year_close(year=2023, user=board_user)

    with pytest.raises(ValidationError) as error:
        create_and_reconcile(line_id=line, user=staff_user, record=NewExpense(category_code="it"))

    assert "2023" in " ".join(refused(error))
    assert matched(line) == (None, None)


# --- Undoing -----------------------------------------------------------------------------------------------


def test_undoing_a_reconciliation_keeps_the_record_and_opens_the_line_again(staff_user: Any) -> None:
    payment = make_payment(invoice=make_invoice(), date=date(2024, 3, 15))
    line = import_line(Line(ON, "121.00"))
    reconcile(line_id=line, kind="payment", record_id=payment.pk, user=staff_user)

    assert unreconcile(line_id=line, user=staff_user) == ("payment", payment.pk)

    assert matched(line) == (None, None)
    assert Payment.objects.filter(pk=payment.pk).exists()
    with pytest.raises(ValidationError) as again:
        unreconcile(line_id=line, user=staff_user)
    assert refused(again) == [str(bv.ERR_LINE_NOT_MATCHED)]
