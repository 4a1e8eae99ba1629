"""Messages that carry an amount write it the reader's way, through `kernel.money`.

Before: a credit note above its invoice was refused with "… would credit 1200.00, more than its
1000.00" in every language, and a payment or refund named itself "F2024-0001 2024-07-02 600.00"
in the admin's messages and history.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from services import validation as v
from tests.services.factories import line, make_client, make_invoice, make_payment, make_refund

NBSP, NNBSP = "\u00a0", "\u202f"
D = Decimal

CREDIT_TOO_LARGE = {
    "es": f"1.200,00{NBSP}€ … 1.000,00{NBSP}€",
    "fr": f"1{NNBSP}200,00{NBSP}€ … 1{NNBSP}000,00{NBSP}€",
    "en": "€1,200.00 … €1,000.00",
}


def message(error: ValidationError, language: str) -> str:
    with translation.override(language):
        return " ".join(error.messages)


def amounts_in(text: str) -> str:
    """The amounts of a message, in order, joined by " … "."""
    found = re.findall(r"-?€?[0-9][0-9.,\u202f]*[0-9](?:\u00a0€)?", text)
    return " … ".join(amount for amount in found if "€" in amount)


@pytest.mark.parametrize("language", ["es", "fr", "en"])
def test_a_credit_note_above_its_invoice_is_refused_with_amounts_in_the_readers_language(
    language: str,
) -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_credit_within_original(
            number="F2024-0001",
            original_net=D("1000.00"),
            original_gross=D("1210.00"),
            credited_net=D("-1200.00"),
            credited_gross=D("-1452.00"),
        )
    assert amounts_in(message(error.value, language)) == CREDIT_TOO_LARGE[language]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", f"600,00{NBSP}€ … 544,50{NBSP}€"),
        ("fr", f"600,00{NBSP}€ … 544,50{NBSP}€"),
        ("en", "€600.00 … €544.50"),
    ],
)
def test_payments_below_their_refunds_are_refused_with_amounts_in_the_readers_language(
    language: str, expected: str
) -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_payments_cover_refunds(paid=D("544.50"), refunded=D("600.00"), number="F2024-0001")
    assert amounts_in(message(error.value, language)) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", f"1.600,00{NBSP}€ … 1.544,50{NBSP}€"), ("fr", f"1{NNBSP}600,00{NBSP}€ … 1{NNBSP}544,50{NBSP}€")],
)
def test_a_payment_above_the_amount_due_is_refused_with_grouped_amounts(language: str, expected: str) -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_payment(
            amount=D("1600.00"),
            invoice_status="issued",
            is_credit_note=False,
            amount_due=D("1544.50"),
            number="F2024-0001",
        )
    assert amounts_in(message(error.value, language)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "payment", "refund"),
    [
        ("es", f"1.210,00{NBSP}€", f"−21,00{NBSP}€"),
        ("fr", f"1{NNBSP}210,00{NBSP}€", f"−21,00{NBSP}€"),
        ("en", "€1,210.00", "−€21.00"),
    ],
)
def test_a_payment_and_a_refund_name_their_amount_the_readers_way(
    language: str, payment: str, refund: str
) -> None:
    invoice = make_invoice(client=make_client(), lines=[line("1000.00")], issue_date=date(2024, 3, 1))
    paid = make_payment(invoice=invoice, amount=D("1210.00"))
    paid_back = make_refund(invoice=invoice, amount=D("21.00"))
    with translation.override(language):
        assert str(paid).endswith(f" {payment}")
        assert str(paid_back).endswith(f" {refund}")
