"""The plan's bank account (tests/board/projection/plan.py), created and fed as staff would:
`account_create`, then one statement imported with the kernel's statement dataclasses.

Fiare, opened on 31 December 2024 with 1,000.00; in 2025 the loan comes in on 10 January
(+12,000.00), Smart Belgium on 5 March (+3,000.00), salaries and bills leave on 30 April
(−13,500.00) and an instalment on 10 July (−1,016.32). Month ends: 1,000.00 (31/12/2024),
13,000.00 (January, February), 16,000.00 (March), 2,500.00 (April to June); 1,483.68 on 15 July.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from banking.actions import account_create, statement_import
from smartiberica.kernel.statements import ParsedFile, Statement, StatementFormat, StatementLine

D = Decimal
IBAN = "ES5814650100961234567890"
MOVEMENTS = (
    (date(2025, 1, 10), "12000.00", "PRESTAMO FIARE"),
    (date(2025, 3, 5), "3000.00", "TRANSFERENCIA SMART BELGIUM"),
    (date(2025, 4, 30), "-13500.00", "NOMINAS Y RECIBOS"),
    (date(2025, 7, 10), "-1016.32", "CUOTA PRESTAMO"),
)


def line(on: date, amount: str, description: str) -> StatementLine:
    return StatementLine(
        booking_date=on,
        value_date=on,
        amount=D(amount),
        currency="EUR",
        reference="",
        end_to_end="",
        description=description,
        counterparty_name="",
        counterparty_iban="",
        bank_code="",
    )


def open_fiare(
    *,
    opened: date = date(2024, 12, 31),
    balance: str = "1000.00",
    movements: tuple[tuple[date, str, str], ...] = MOVEMENTS,
) -> None:
    """The account and one statement from its opening day holding `movements`."""
    account_create(name="Fiare", iban=IBAN, opening_date=opened, opening_balance=D(balance))
    if movements:
        follow(opened, balance, movements)


def follow(opening_date: date, opening_balance: str, movements: tuple[tuple[date, str, str], ...]) -> None:
    """Import one statement of Fiare from `opening_date` and `opening_balance` (its last closing)."""
    lines = tuple(line(*movement) for movement in movements)
    statement = Statement(
        account_iban=IBAN,
        account_name="Fiare",
        currency="EUR",
        opening_date=opening_date,
        opening_balance=D(opening_balance),
        closing_date=max(m[0] for m in movements),
        closing_balance=D(opening_balance) + sum((m.amount for m in lines), D("0.00")),
        lines=lines,
    )
    statement_import(parsed=ParsedFile(format=StatementFormat.CAMT053, statements=(statement,)))
