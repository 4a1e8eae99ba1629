"""What the guarantee fund may advance, and on what: the rules of an advance and of its recovery."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import translation

from services import actions
from services import guarantee_rules as rules
from services.choices import InvoiceStatus
from services.models import GuaranteeAdvance, Invoice
from tests.services.factories import make_advance, make_invoice, make_payment, make_refund

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Any:
    with translation.override("en"):
        yield


def codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors if e.code}


def test_an_advance_is_recorded_on_an_unpaid_invoice() -> None:
    advance = make_advance(amount=D("121.00"))

    stored = GuaranteeAdvance.objects.get()
    assert (stored.amount, stored.date, stored.recovered_on) == (D("121.00"), date(2024, 4, 15), None)
    assert stored.invoice_id == advance.invoice_id
    assert stored.history.count() == 1


def test_it_refuses_an_advance_above_what_the_invoice_had_due_on_its_date() -> None:
    invoice = make_invoice()  # 121.00, issued 1 March 2024
    make_payment(invoice=invoice, date=date(2024, 3, 10), amount=D("21.00"))
    make_refund(invoice=invoice, date=date(2024, 3, 12), amount=D("1.00"))
    make_payment(invoice=invoice, date=date(2024, 4, 20), amount=D("50.00"))  # after the advance

    # Due on 15 April: 121.00 − 21.00 + 1.00 = 101.00 (the payment of 20 April comes later).
    with pytest.raises(ValidationError) as refused:
        make_advance(invoice=invoice, amount=D("101.01"))

    assert codes(refused.value) == {"advance_exceeds_amount_due"}
    assert refused.value.message_dict["amount"] == [
        "This advance of €101.01 is more than the €101.00 invoice F2024-0001 still had due on 04/15/2024 "
        "(less the other advances on it not recovered by then)."
    ]
    assert make_advance(invoice=invoice, amount=D("101.00")).pk is not None


def test_a_credit_note_issued_by_the_advance_date_lowers_what_may_be_advanced() -> None:
    invoice = make_invoice()
    actions.credit_note_create(
        invoice=invoice,
        issue_date=date(2024, 3, 20),
        lines=[actions.LineInput("Descuento", D(-1), D("10.00"), D("21.00"))],
        status=InvoiceStatus.ISSUED,
    )

    with pytest.raises(ValidationError, match=re.escape("€108.90")):  # 121.00 − 12.10
        make_advance(invoice=invoice, amount=D("108.91"))


def test_the_other_advances_out_on_the_invoice_count_recovered_ones_do_not() -> None:
    invoice = make_invoice()
    make_advance(invoice=invoice, amount=D("60.00"), date=date(2024, 4, 1), recovered_on=date(2024, 4, 10))
    make_advance(invoice=invoice, amount=D("100.00"), date=date(2024, 4, 12))

    with pytest.raises(ValidationError, match=re.escape("€21.00")):
        make_advance(invoice=invoice, amount=D("21.01"), date=date(2024, 4, 15))
    assert make_advance(invoice=invoice, amount=D("21.00"), date=date(2024, 4, 15)).pk is not None


def test_an_advance_changed_is_not_counted_against_itself() -> None:
    advance = make_advance(amount=D("100.00"))

    changed = actions.guarantee_advance_update(advance=advance, amount=D("121.00"))

    assert GuaranteeAdvance.objects.get(pk=changed.pk).amount == D("121.00")


def test_it_refuses_a_credit_note_a_draft_or_a_cancelled_invoice() -> None:
    original = make_invoice()
    credit = actions.credit_note_create(
        invoice=original, issue_date=date(2024, 3, 5), status=InvoiceStatus.ISSUED
    )
    draft = make_invoice(issue_date=date(2024, 3, 6), status=InvoiceStatus.DRAFT)
    cancelled = actions.invoice_cancel(invoice=make_invoice(issue_date=date(2024, 3, 7)))

    for invoice, code in (
        (credit, "advance_on_credit_note"),
        (draft, "advance_invoice_not_issued"),
        (cancelled, "advance_invoice_not_issued"),
    ):
        with pytest.raises(ValidationError) as refused:
            make_advance(invoice=invoice, amount=D("1.00"))
        assert codes(refused.value) == {code}
        assert "invoice" in refused.value.message_dict


def test_it_refuses_an_advance_dated_before_its_invoice_was_issued() -> None:
    with pytest.raises(ValidationError) as refused:
        make_advance(invoice=make_invoice(issue_date=date(2024, 3, 1)), date=date(2024, 2, 28))

    assert refused.value.message_dict["date"] == [
        "An advance cannot be dated before its invoice was issued (03/01/2024)."
    ]


def test_it_refuses_an_advance_of_nothing() -> None:
    with pytest.raises(ValidationError) as refused:
        make_advance(amount=D("0.00"))

    assert refused.value.message_dict["amount"] == [str(rules.ERR_ADVANCE_NOT_POSITIVE)]


def test_it_refuses_a_recovery_before_the_advance() -> None:
    with pytest.raises(ValidationError) as refused:
        make_advance(date=date(2024, 4, 15), recovered_on=date(2024, 4, 14))

    assert refused.value.message_dict["recovered_on"] == [str(rules.ERR_RECOVERED_BEFORE_ADVANCE)]
    # The same day is fine: the client paid the day the fund advanced.
    assert make_advance(date=date(2024, 4, 15), recovered_on=date(2024, 4, 15)).pk is not None


def test_the_database_refuses_what_the_rules_refuse() -> None:
    advance = make_advance()
    for sql in (
        f"UPDATE services_guaranteeadvance SET amount = 0 WHERE id = {advance.pk}",
        f"UPDATE services_guaranteeadvance SET recovered_on = '2024-04-14' WHERE id = {advance.pk}",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert GuaranteeAdvance.objects.get().amount == D("100.00")


def test_recovering_an_advance_dates_its_return_once() -> None:
    advance = make_advance()

    actions.guarantee_advance_recover(advance=advance, on=date(2024, 6, 1))

    assert GuaranteeAdvance.objects.get().recovered_on == date(2024, 6, 1)
    assert advance.recovered_on == date(2024, 6, 1)
    with pytest.raises(ValidationError, match="already recovered on 06/01/2024"):
        actions.guarantee_advance_recover(advance=advance, on=date(2024, 6, 2))


def test_it_refuses_to_recover_before_the_advance_was_paid() -> None:
    advance = make_advance()

    with pytest.raises(ValidationError, match="cannot be recovered before"):
        actions.guarantee_advance_recover(advance=advance, on=date(2024, 4, 1))
    assert GuaranteeAdvance.objects.get().recovered_on is None


def test_an_advance_protects_its_invoice_and_is_deleted_by_its_action() -> None:
    advance = make_advance()
    invoice = Invoice.objects.get(pk=advance.invoice_id)
    with pytest.raises(ProtectedError), transaction.atomic():
        invoice.delete()

    actions.guarantee_advance_delete(advance=advance)

    assert not GuaranteeAdvance.objects.exists()
    assert Invoice.objects.filter(pk=invoice.pk).exists()
