"""Bank statements for the tests, built as the kernel's reader returns them, and imported through
`banking.actions` as a file would be."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from banking.actions import ImportOutcome, statement_import
from smartiberica.kernel.statements import ParsedFile, Statement, StatementFormat, StatementLine

D = Decimal
EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples" / "bank-statements"
NORMA43_EXAMPLE = EXAMPLES / "norma43-two-accounts.n43"
CAMT053_EXAMPLE = EXAMPLES / "camt053-one-account.xml"

# Valid check digits, made-up accounts (built with stdnum.es.ccc).
FIARE_IBAN = "ES4515500001260000318402"
CAJA_IBAN = "ES5431870152111100457263"


def line(day: date, amount: str, description: str = "", **fields: Any) -> StatementLine:
    values: dict[str, Any] = {
        "booking_date": day,
        "value_date": day,
        "amount": D(amount),
        "currency": "EUR",
        "reference": "",
        "end_to_end": "",
        "description": description,
        "counterparty_name": "",
        "counterparty_iban": "",
        "bank_code": "",
    }
    return StatementLine(**{**values, **fields})


def statement(
    *,
    opening_date: date,
    closing_date: date,
    opening: str = "1000.00",
    lines: tuple[StatementLine, ...] = (),
    iban: str = FIARE_IBAN,
    name: str = "SMART IBERICA S.COOP.AND.",
    currency: str = "EUR",
    closing: str | None = None,
) -> Statement:
    """A statement whose closing balance is its opening plus its lines (unless `closing` says)."""
    opened = D(opening)
    return Statement(
        account_iban=iban,
        account_name=name,
        currency=currency,
        opening_date=opening_date,
        opening_balance=opened,
        closing_date=closing_date,
        closing_balance=D(closing) if closing else opened + sum((x.amount for x in lines), D("0.00")),
        lines=lines,
    )


def parsed(*statements: Statement, file_format: StatementFormat = StatementFormat.CAMT053) -> ParsedFile:
    return ParsedFile(format=file_format, statements=statements)


def import_statements(*statements: Statement, **options: Any) -> ImportOutcome:
    return statement_import(
        parsed=parsed(*statements), file_name=options.pop("file_name", "test.xml"), **options
    )


def march(opening: str = "1000.00", *, iban: str = FIARE_IBAN) -> Statement:
    """A month of an account: two lines in, one out."""
    return statement(
        iban=iban,
        opening_date=date(2026, 3, 1),
        closing_date=date(2026, 3, 31),
        opening=opening,
        lines=(
            line(date(2026, 3, 4), "1210.00", "FRA 2026-0042", counterparty_name="Hachette Livre"),
            line(date(2026, 3, 10), "-150.00", "COMISIONES T1"),
            line(date(2026, 3, 28), "300.00", "APORTACION SOCIA"),
        ),
    )


def april(opening: str = "2360.00", *, iban: str = FIARE_IBAN) -> Statement:
    return statement(
        iban=iban,
        opening_date=date(2026, 4, 1),
        closing_date=date(2026, 4, 30),
        opening=opening,
        lines=(line(date(2026, 4, 15), "-600.00", "CUOTA PRESTAMO"),),
    )
