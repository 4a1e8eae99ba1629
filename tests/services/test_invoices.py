from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from services import actions
from services import validation as v
from services.choices import InvoiceStatus
from services.models import Client, Invoice, InvoiceNumberCounter
from smartiberica.kernel.rates import ERR_RATE_OUT_OF_RANGE
from tests.services.factories import (
    line,
    make_client,
    make_contract,
    make_invoice,
    make_payment,
    service,
)

pytestmark = pytest.mark.django_db
D = Decimal


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return error.value.messages


def test_an_invoice_stores_the_totals_computed_from_its_lines(acme: Client) -> None:
    invoice = actions.invoice_create(
        client=acme,
        service_line=service(),
        issue_date=date(2024, 3, 1),
        lines=[
            line("12.00", quantity="40"),
            line("100.00", vat="10.00"),
            {"description": "Set-up", "unit_price": "0.05"},
        ],
    )
    invoice.refresh_from_db()
    assert (invoice.net_amount, invoice.vat_amount, invoice.gross_amount) == (
        D("580.05"),
        D("110.81"),
        D("690.86"),
    )
    assert invoice.lines.count() == 3
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.number is None


def test_the_due_date_defaults_to_thirty_days_after_issue(acme: Client) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2024, 1, 15))
    assert invoice.due_date == date(2024, 2, 14)


def test_a_due_date_before_the_issue_date_is_refused(acme: Client) -> None:
    with pytest.raises(ValidationError) as error:
        make_invoice(client=acme, issue_date=date(2024, 1, 15), due_date=date(2024, 1, 14))
    assert error.value.message_dict["due_date"] == [str(v.ERR_DUE_BEFORE_ISSUE)]
    assert not Invoice.objects.exists()


def test_issuing_assigns_the_next_number_of_the_series_and_year(acme: Client) -> None:
    first = make_invoice(client=acme, issue_date=date(2024, 12, 31))
    second = make_invoice(client=acme, issue_date=date(2024, 12, 31))
    next_year = make_invoice(client=acme, issue_date=date(2025, 1, 1))
    other_series = make_invoice(client=acme, series="P", issue_date=date(2024, 6, 1))
    assert [first.number, second.number, next_year.number, other_series.number] == [
        "F2024-0001",
        "F2024-0002",
        "F2025-0001",
        "P2024-0001",
    ]


def test_a_given_number_is_kept_and_new_numbers_skip_the_taken_ones(acme: Client) -> None:
    imported = make_invoice(client=acme, number="F2024-0002")
    first = make_invoice(client=acme)
    second = make_invoice(client=acme)
    assert imported.number == "F2024-0002"
    assert [first.number, second.number] == ["F2024-0001", "F2024-0003"]
    assert InvoiceNumberCounter.objects.get(series="F", year=2024).last == 3


def test_a_duplicate_given_number_is_refused_with_a_form_error(acme: Client) -> None:
    make_invoice(client=acme, number="F2024-0007")
    with pytest.raises(ValidationError) as error:
        make_invoice(client=acme, number="F2024-0007")
    assert error.value.message_dict["number"] == [str(v.ERR_NUMBER_TAKEN)]


def test_issuing_on_a_date_moves_the_due_date_with_it(acme: Client) -> None:
    draft = make_invoice(client=acme, status="draft", issue_date=date(2024, 3, 1), due_date=date(2024, 3, 16))
    issued = actions.invoice_issue(invoice=draft, on=date(2024, 4, 10))
    assert (issued.issue_date, issued.due_date, issued.number) == (
        date(2024, 4, 10),
        date(2024, 4, 25),
        "F2024-0001",
    )


def test_only_a_draft_with_lines_can_be_issued(acme: Client) -> None:
    empty = actions.invoice_create(client=acme, service_line=service(), issue_date=date(2024, 3, 1), lines=[])
    with pytest.raises(ValidationError) as error:
        actions.invoice_issue(invoice=empty)
    assert messages_of(error) == [str(v.ERR_INVOICE_NO_LINES)]
    issued = make_invoice(client=acme)
    with pytest.raises(ValidationError) as error:
        actions.invoice_issue(invoice=issued)
    assert messages_of(error) == [str(v.ERR_INVOICE_NOT_DRAFT)]


def test_an_ordinary_invoice_cannot_total_a_negative_amount(acme: Client) -> None:
    with pytest.raises(ValidationError) as error:
        make_invoice(client=acme, lines=[line("100.00"), line("-150.00")])
    assert messages_of(error) == [str(v.ERR_INVOICE_NEGATIVE)]


def test_a_discount_line_is_fine_while_the_total_stays_positive(acme: Client) -> None:
    invoice = make_invoice(client=acme, lines=[line("100.00"), line("-10.00", text="Discount")])
    assert (invoice.net_amount, invoice.gross_amount) == (D("90.00"), D("108.90"))


def test_a_line_with_an_out_of_range_vat_rate_is_refused(acme: Client) -> None:
    with pytest.raises(ValidationError) as error:
        make_invoice(client=acme, lines=[line(vat="121")])
    assert str(ERR_RATE_OUT_OF_RANGE) in messages_of(error)[0]


def test_the_contract_must_belong_to_the_invoice_client(acme: Client, hachette: Client) -> None:
    contract = make_contract(client=hachette)
    with pytest.raises(ValidationError) as error:
        make_invoice(client=acme, contract=contract)
    assert error.value.message_dict["contract"] == [str(v.ERR_CONTRACT_OTHER_CLIENT)]


def test_set_lines_replaces_the_lines_of_a_draft_and_recomputes(acme: Client) -> None:
    draft = make_invoice(client=acme, status="draft")
    actions.invoice_set_lines(invoice=draft, lines=[line("50.00", quantity="2")])
    draft.refresh_from_db()
    assert (draft.net_amount, draft.gross_amount, draft.lines.count()) == (D("100.00"), D("121.00"), 1)
    issued = make_invoice(client=acme)
    with pytest.raises(ValidationError):
        actions.invoice_set_lines(invoice=issued, lines=[line("1.00")])
    assert issued.lines.get().unit_price == D("100.00")


def test_cancelling_keeps_the_number_and_takes_the_invoice_out_of_issued(acme: Client) -> None:
    invoice = make_invoice(client=acme)
    actions.invoice_cancel(invoice=invoice)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == (InvoiceStatus.CANCELLED, "F2024-0001")
    assert list(Invoice.objects.cancelled()) == [invoice]
    assert not Invoice.objects.issued().exists()
    with pytest.raises(ValidationError) as error:
        actions.invoice_cancel(invoice=invoice)
    assert messages_of(error) == [str(v.ERR_ALREADY_CANCELLED)]


def test_an_invoice_with_payments_cannot_be_cancelled(acme: Client) -> None:
    payment = make_payment(invoice=make_invoice(client=acme), amount=D("10.00"))
    with pytest.raises(ValidationError) as error:
        actions.invoice_cancel(invoice=payment.invoice)
    assert messages_of(error) == [str(v.ERR_CANCEL_WITH_PAYMENTS)]


def test_an_import_may_record_a_cancelled_invoice_with_its_number(acme: Client) -> None:
    invoice = make_invoice(client=acme, status="cancelled", number="F2023-0042")
    assert (invoice.status, invoice.number) == ("cancelled", "F2023-0042")


def test_in_year_uses_the_issue_date_range(acme: Client) -> None:
    make_invoice(client=acme, issue_date=date(2023, 12, 31))
    inside = [make_invoice(client=acme, issue_date=d) for d in (date(2024, 1, 1), date(2024, 12, 31))]
    make_invoice(client=acme, issue_date=date(2025, 1, 1))
    assert set(Invoice.objects.in_year(2024)) == set(inside)


@time_machine.travel("2024-05-01 10:00:00+02:00")
def test_paid_unpaid_and_overdue_are_derived_from_payments(acme: Client) -> None:
    paid = make_invoice(client=acme, issue_date=date(2024, 3, 1))
    partial = make_invoice(client=acme, issue_date=date(2024, 3, 1))
    not_due = make_invoice(client=acme, issue_date=date(2024, 4, 15))
    draft = make_invoice(client=acme, status="draft", issue_date=date(2024, 3, 1))
    make_payment(invoice=paid, amount=D("60.50"))
    make_payment(invoice=paid, amount=D("60.50"))
    make_payment(invoice=partial, amount=D("21.00"))

    assert set(Invoice.objects.paid()) == {paid}
    assert set(Invoice.objects.unpaid()) == {partial, not_due}
    assert set(Invoice.objects.partially_paid()) == {partial}
    assert set(Invoice.objects.overdue()) == {partial}
    assert set(Invoice.objects.overdue(on=date(2024, 6, 1))) == {partial, not_due}
    states = {i.pk: i.payment_state for i in Invoice.objects.with_balance()}
    assert states == {paid.pk: "paid", partial.pk: "overdue", not_due.pk: "not_due", draft.pk: "none"}
    partial_again = Invoice.objects.with_balance().get(pk=partial.pk)
    # (django-stubs cannot see the fields `with_balance()` annotates.)
    assert (partial_again.paid_total, partial_again.balance_due) == (D("21.00"), D("100.00"))  # type: ignore[attr-defined]


def test_an_invoice_fully_credited_has_nothing_left_to_pay(acme: Client) -> None:
    invoice = make_invoice(client=acme)
    actions.credit_note_create(invoice=invoice, issue_date=date(2024, 3, 5), status="issued")
    assert set(Invoice.objects.paid()) == {invoice}
    assert not Invoice.objects.unpaid().exists()


def test_the_payment_state_property_queries_when_not_annotated(acme: Client) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2024, 3, 1))
    make_payment(invoice=invoice, amount=D("121.00"))
    assert Invoice.objects.get(pk=invoice.pk).payment_state == "paid"


def test_credit_notes_and_issued_are_query_vocabulary(acme: Client) -> None:
    invoice = make_invoice(client=acme)
    note = actions.credit_note_create(invoice=invoice, issue_date=date(2024, 3, 5), status="issued")
    assert list(Invoice.objects.credit_notes()) == [note]
    assert set(Invoice.objects.issued()) == {invoice, note}
    assert list(Invoice.objects.ordinary()) == [invoice]


def test_two_clients_are_not_mixed_up_in_numbers(acme: Client) -> None:
    other = make_client()
    numbers = [make_invoice(client=c).number for c in (acme, other, acme)]
    assert numbers == ["F2024-0001", "F2024-0002", "F2024-0003"]


def test_wiping_the_records_keeps_only_the_service_lines(acme: Client, historical_rule: object) -> None:
    from services.models import Contract, MarginRule, MemberTurnover, Payment, ServiceLine

    invoice = make_invoice(client=acme)
    make_payment(invoice=invoice, amount=D("1.00"))
    actions.credit_note_create(invoice=invoice, issue_date=date(2024, 3, 5), status="issued")
    make_contract(client=acme)
    actions.member_turnover_record(month=date(2024, 1, 1), turnover=D("1"))
    actions.records_wipe()
    assert not any(
        m.objects.exists()
        for m in (Invoice, Payment, Client, Contract, MemberTurnover, MarginRule, InvoiceNumberCounter)
    )
    assert ServiceLine.objects.count() == 5
    assert make_invoice(client=make_client()).number == "F2024-0001"
