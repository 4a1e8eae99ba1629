"""Bank lines for the reconciliation tests, imported as a bank's file would bring them.

Lines go through `banking.actions.statement_import` with the kernel's `Statement` and
`StatementLine` dataclasses; each call is one statement of the account that follows the last one
(its opening balance is the account's last closing balance, its dates after the last statement's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from banking.actions import statement_import
from banking.models import BankAccount, BankStatement, StatementLine
from smartiberica.kernel.statements import ParsedFile, Statement, StatementFormat
from smartiberica.kernel.statements import StatementLine as ParsedLine

IBAN = "ES5814650100961234567890"
OTHER_IBAN = "ES6430580000450000000001"
CLIENT_IBAN = "ES0621000000610000000002"
D = Decimal


@dataclass(frozen=True)
class Line:
    """What a test says of a bank line; the rest is blank."""

    on: date
    amount: str
    reference: str = ""
    end_to_end: str = ""
    description: str = ""
    name: str = ""
    iban: str = ""


def parsed(line: Line) -> ParsedLine:
    return ParsedLine(
        booking_date=line.on,
        value_date=line.on,
        amount=D(line.amount),
        currency="EUR",
        reference=line.reference,
        end_to_end=line.end_to_end,
        description=line.description,
        counterparty_name=line.name,
        counterparty_iban=line.iban,
        bank_code="",
    )


def statement_of(lines: list[Line], *, iban: str = IBAN) -> Statement:
    account = BankAccount.objects.filter(iban=iban).first()
    last = BankStatement.objects.latest_of(account) if account else None
    opening = last.closing_balance if last else (account.opening_balance if account else D("1000.00"))
    days = [line.on for line in lines]
    start = max(min(days), last.closing_date) if last else min(days)
    movements = [parsed(line) for line in lines]
    return Statement(
        account_iban=iban,
        account_name="Cuenta Fiare",
        currency="EUR",
        opening_date=start,
        opening_balance=opening,
        closing_date=max(days),
        closing_balance=opening + sum((m.amount for m in movements), D("0.00")),
        lines=tuple(movements),
    )


def import_lines(*lines: Line, iban: str = IBAN, user: Any = None) -> list[int]:
    """Import one statement holding `lines`; the ids of its lines, in the order given."""
    statement = statement_of(list(lines), iban=iban)
    before = set(StatementLine.objects.values_list("pk", flat=True))
    statement_import(parsed=ParsedFile(format=StatementFormat.CAMT053, statements=(statement,)), user=user)
    created = StatementLine.objects.exclude(pk__in=before).order_by("position")
    return list(created.values_list("pk", flat=True))


def import_line(line: Line, **kwargs: Any) -> int:
    return import_lines(line, **kwargs)[0]


def matched(line_id: int) -> tuple[str | None, int | None]:
    return StatementLine.objects.values_list("matched_kind", "matched_id").get(pk=line_id)
