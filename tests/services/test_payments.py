from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from services import actions
from services import validation as v
from services.models import Client, Invoice, Payment
from smartiberica.kernel.money import format_money
from tests.services.factories import line, make_invoice, make_payment
from tests.services.helpers import error_codes

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_payment_stores_its_net_part_for_the_cash_basis(acme: Client) -> None:
    invoice = make_invoice(client=acme)
    payment = actions.payment_record(
        invoice=invoice, date=date(2024, 3, 20), amount=D("10.00"), method="card"
    )
    payment.refresh_from_db()
    assert (payment.amount, payment.net_amount, payment.method) == (D("10.00"), D("8.26"), "card")


def test_partial_payments_add_up_to_the_gross_but_never_above(acme: Client) -> None:
    invoice = make_invoice(client=acme)
    make_payment(invoice=invoice, amount=D("100.00"))
    make_payment(invoice=invoice, amount=D("21.00"))
    with pytest.raises(ValidationError) as error:
        make_payment(invoice=invoice, amount=D("0.01"))
    assert error.value.message_dict["amount"] == [due_message("0.01", "0.00", "F2024-0001")]
    assert invoice.payments.count() == 2


def test_a_payment_must_be_positive(acme: Client) -> None:
    invoice = make_invoice(client=acme)
    for amount in (D("0"), D("-5.00")):
        with pytest.raises(ValidationError) as error:
            make_payment(invoice=invoice, amount=amount)
        assert error.value.message_dict["amount"] == [str(v.ERR_PAYMENT_NOT_POSITIVE)]


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_no_payment_on_a_draft_or_cancelled_invoice(acme: Client, status: str) -> None:
    invoice = make_invoice(client=acme, status=status)
    with pytest.raises(ValidationError) as error:
        make_payment(invoice=invoice, amount=D("1.00"))
    assert error.value.message_dict["invoice"] == [str(v.ERR_PAYMENT_INVOICE_NOT_ISSUED)]
    assert not Payment.objects.exists()


def test_no_payment_on_a_credit_note(acme: Client) -> None:
    note = actions.credit_note_create(
        invoice=make_invoice(client=acme), issue_date=date(2024, 3, 2), status="issued"
    )
    with pytest.raises(ValidationError) as error:
        make_payment(invoice=note, amount=D("1.00"))
    assert error.value.message_dict["invoice"] == [str(v.ERR_PAYMENT_ON_CREDIT_NOTE)]


def test_a_full_payment_pays_what_is_left(acme: Client) -> None:
    invoice = make_invoice(client=acme, lines=[line("100.00"), line("33.33", vat="10")])
    make_payment(invoice=invoice, amount=D("50.00"))
    payment = actions.invoice_record_full_payment(invoice=invoice, date=date(2024, 4, 1))
    assert payment.amount == invoice.gross_amount - D("50.00") == D("107.66")
    with pytest.raises(ValidationError) as error:
        actions.invoice_record_full_payment(invoice=invoice, date=date(2024, 4, 2))
    assert error_codes(error.value) == ["nothing_to_pay"]


def test_a_full_payment_after_a_partial_credit_pays_the_credited_balance(acme: Client) -> None:
    invoice = make_invoice(client=acme)
    actions.credit_note_create(
        invoice=invoice, issue_date=date(2024, 3, 5), lines=[line("-50.00")], status="issued"
    )
    payment = actions.invoice_record_full_payment(invoice=invoice, date=date(2024, 4, 1))
    assert payment.amount == D("60.50")


def test_a_full_payment_on_a_draft_is_refused(acme: Client) -> None:
    with pytest.raises(ValidationError) as error:
        actions.invoice_record_full_payment(
            invoice=make_invoice(client=acme, status="draft"), date=date(2024, 4, 1)
        )
    assert error.value.message_dict["invoice"] == [str(v.ERR_PAYMENT_INVOICE_NOT_ISSUED)]


def test_editing_a_payment_rechecks_the_limit_and_recomputes_its_net_part(acme: Client) -> None:
    invoice = make_invoice(client=acme)
    payment = make_payment(invoice=invoice, amount=D("60.50"))
    payment.amount = D("121.00")
    actions.payment_save(payment=payment)
    payment.refresh_from_db()
    assert payment.net_amount == D("100.00")
    payment.amount = D("121.01")
    with pytest.raises(ValidationError):
        actions.payment_save(payment=payment)


# --- Amount due (domain v2): credit notes and refunds count ------------------------------------------


def credited_invoice(client: Client) -> Invoice:
    """544,50 € (450 net + 21 % VAT) with an issued credit note of −121 €: 423,50 € due."""
    invoice = make_invoice(client=client, lines=[line("450.00")])
    actions.credit_note_create(
        invoice=invoice, issue_date=date(2024, 3, 5), lines=[line("-100.00")], status="issued"
    )
    return invoice


def due_message(amount: str, due: str, number: str) -> str:
    return str(
        v.ERR_PAYMENT_EXCEEDS_AMOUNT_DUE
        % {"amount": format_money(D(amount)), "due": format_money(D(due)), "number": number}
    )


@time_machine.travel("2024-07-01 10:00:00+02:00")
def test_after_the_full_payment_of_a_credited_invoice_a_further_payment_is_refused(
    staff_client: HttpClient, acme: Client
) -> None:
    invoice = credited_invoice(acme)
    assert invoice.gross_amount == D("544.50")
    staff_client.post(
        reverse("admin:services_invoice_changelist"),
        {"action": "record_full_payment", "_selected_action": [invoice.pk]},
    )
    assert list(invoice.payments.values_list("amount", flat=True)) == [D("423.50")]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        actions.payment_record(invoice=invoice, date=date(2024, 7, 2), amount=D("100.00"))
    with translation.override("en"):
        assert error.value.message_dict["amount"] == [
            "This payment of €100.00 is more than the €0.00 still due on invoice F2024-0001."
        ]
    assert invoice.payments.count() == 1
    assert Invoice.objects.with_balance().get(pk=invoice.pk).payment_state == "paid"
    assert Invoice.objects.paid().filter(pk=invoice.pk).exists()


def test_a_payment_above_the_amount_due_is_refused_by_the_action(acme: Client) -> None:
    invoice = credited_invoice(acme)
    with pytest.raises(ValidationError) as error:
        actions.payment_record(invoice=invoice, date=date(2024, 4, 1), amount=D("423.51"))
    assert error.value.message_dict["amount"] == [due_message("423.51", "423.50", "F2024-0001")]
    assert actions.payment_record(invoice=invoice, date=date(2024, 4, 1), amount=D("423.50")).pk


def test_editing_a_payment_leaves_its_own_amount_out_of_the_amount_due(acme: Client) -> None:
    invoice = credited_invoice(acme)
    payment = actions.payment_record(invoice=invoice, date=date(2024, 4, 1), amount=D("400.00"))
    payment.amount = D("423.50")
    actions.payment_save(payment=payment)
    payment.amount = D("423.51")
    with pytest.raises(ValidationError) as error:
        actions.payment_save(payment=payment)
    assert error.value.message_dict["amount"] == [due_message("423.51", "423.50", "F2024-0001")]
    assert Payment.objects.get().amount == D("423.50")


def test_the_payment_form_refuses_a_payment_above_the_amount_due(
    staff_client: HttpClient, acme: Client
) -> None:
    invoice = credited_invoice(acme)
    data = {"invoice": str(invoice.pk), "date": "2024-04-01", "amount": "423.51", "method": "transfer"}
    response = staff_client.post(reverse("admin:services_payment_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["amount"]
    assert due_message("423.51", "423.50", "F2024-0001") in errors
    assert not Payment.objects.exists()
