"""The dataclasses hold money as Decimal with two places and know whether their balances agree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from smartiberica.kernel.statements import Statement, StatementLine

DAY = date(2024, 3, 4)


def line(amount: Decimal) -> StatementLine:
    return StatementLine(
        booking_date=DAY,
        value_date=DAY,
        amount=amount,
        currency="EUR",
        reference="",
        end_to_end="",
        description="",
        counterparty_name="",
        counterparty_iban="",
        bank_code="",
    )


def statement(opening: str, closing: str, *amounts: str) -> Statement:
    return Statement(
        account_iban="ES9115500001210000202001",
        account_name="",
        currency="EUR",
        opening_date=DAY,
        opening_balance=Decimal(opening),
        closing_date=DAY,
        closing_balance=Decimal(closing),
        lines=tuple(line(Decimal(a)) for a in amounts),
    )


@pytest.mark.parametrize("amount", [Decimal("10.5"), Decimal("10.005"), 10.5, 10])
def test_an_amount_that_is_not_a_decimal_with_two_places_is_a_programming_error(amount: object) -> None:
    with pytest.raises(TypeError):
        line(amount)  # type: ignore[arg-type]


def test_a_statement_adds_its_movements_and_checks_them_against_its_balances() -> None:
    right = statement("100.00", "70.50", "-40.00", "10.50")
    wrong = statement("100.00", "70.00", "-40.00", "10.50")

    assert right.movements_total == Decimal("-29.50") and right.balances_agree
    assert not wrong.balances_agree
