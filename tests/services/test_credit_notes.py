from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from services import actions
from services import validation as v
from services.models import Client, Invoice
from tests.services.factories import line, make_invoice
from tests.services.helpers import error_codes

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def original(acme: Client) -> Invoice:
    return make_invoice(client=acme, lines=[line("100.00"), line("50.00", vat="10.00")])


def test_a_full_credit_note_negates_every_line_and_gets_its_own_series(original: Invoice) -> None:
    note = actions.credit_note_create(invoice=original, issue_date=date(2024, 3, 10), status="issued")
    assert note.is_credit_note and note.corrects == original
    assert (note.net_amount, note.vat_amount, note.gross_amount) == (D("-150.00"), D("-26.00"), D("-176.00"))
    assert note.number == "R2024-0001"
    assert (note.client, note.service_line) == (original.client, original.service_line)


def test_a_partial_credit_note_is_fine_and_a_second_cannot_exceed_what_is_left(original: Invoice) -> None:
    actions.credit_note_create(
        invoice=original, issue_date=date(2024, 3, 10), lines=[line("-100.00")], status="issued"
    )
    with pytest.raises(ValidationError) as error:
        actions.credit_note_create(
            invoice=original, issue_date=date(2024, 3, 11), lines=[line("-50.01", vat="10")]
        )
    assert error_codes(error.value) == ["credit_exceeds_original"]
    assert original.credit_notes.count() == 1
    actions.credit_note_create(
        invoice=original, issue_date=date(2024, 3, 11), lines=[line("-50.00", vat="10")]
    )
    assert original.credit_notes.count() == 2


def test_the_gross_of_the_credits_cannot_exceed_the_original_gross_either(original: Invoice) -> None:
    # Net 150.00 is within the original, but at 21 % instead of 10 % the gross (181.50) exceeds 176.00.
    with pytest.raises(ValidationError) as error:
        actions.credit_note_create(invoice=original, issue_date=date(2024, 3, 10), lines=[line("-150.00")])
    assert error_codes(error.value) == ["credit_exceeds_original"]


def test_a_cancelled_credit_note_no_longer_counts(original: Invoice) -> None:
    first = actions.credit_note_create(invoice=original, issue_date=date(2024, 3, 10))
    actions.invoice_cancel(invoice=first)
    second = actions.credit_note_create(invoice=original, issue_date=date(2024, 3, 10), status="issued")
    assert second.net_amount == D("-150.00")


def test_credit_note_lines_must_be_negative(original: Invoice) -> None:
    with pytest.raises(ValidationError) as error:
        actions.credit_note_create(
            invoice=original, issue_date=date(2024, 3, 10), lines=[line("-100.00"), line("10.00")]
        )
    assert error.value.messages == [str(v.ERR_CREDIT_LINE_NOT_NEGATIVE)]


def test_only_an_issued_invoice_can_be_corrected(acme: Client) -> None:
    draft = make_invoice(client=acme, status="draft")
    with pytest.raises(ValidationError) as error:
        actions.credit_note_create(invoice=draft, issue_date=date(2024, 3, 10))
    assert error.value.message_dict["corrects"] == [str(v.ERR_CREDIT_TARGET_NOT_ISSUED)]


def test_a_credit_note_cannot_correct_a_credit_note(original: Invoice) -> None:
    note = actions.credit_note_create(invoice=original, issue_date=date(2024, 3, 10), status="issued")
    with pytest.raises(ValidationError) as error:
        actions.credit_note_create(invoice=note, issue_date=date(2024, 3, 11), lines=[line("-1.00")])
    assert error.value.message_dict["corrects"] == [str(v.ERR_CREDIT_OF_CREDIT_NOTE)]


def test_a_credit_note_is_for_the_same_client(original: Invoice, hachette: Client) -> None:
    with pytest.raises(ValidationError) as error:
        actions.invoice_create(
            client=hachette,
            service_line=original.service_line,
            issue_date=date(2024, 3, 10),
            lines=[line("-10.00")],
            corrects=original,
        )
    assert error.value.message_dict["corrects"] == [str(v.ERR_CREDIT_OTHER_CLIENT)]


def test_an_invoice_with_a_live_credit_note_cannot_be_cancelled(original: Invoice) -> None:
    actions.credit_note_create(invoice=original, issue_date=date(2024, 3, 10))
    with pytest.raises(ValidationError) as error:
        actions.invoice_cancel(invoice=original)
    assert error.value.messages == [str(v.ERR_CANCEL_WITH_CREDIT_NOTES)]


def test_an_imported_credit_note_keeps_its_number(original: Invoice) -> None:
    note = actions.invoice_create(
        client=original.client,
        service_line=original.service_line,
        issue_date=date(2024, 4, 1),
        lines=[line("-20.00")],
        corrects=original,
        status="issued",
        number="FR-2024-17",
    )
    assert (note.number, note.net_amount) == ("FR-2024-17", D("-20.00"))
