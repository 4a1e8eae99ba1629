"""What a bank statement file holds once read, whatever its format: accounts, balances, movements.

Plain frozen dataclasses, free of any database: the import of statements (accounts, reconciliation)
is built on them. Money is `Decimal` with two places, signed from the account holder's side: a
credit (money in) is positive, a debit (money out) negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models

from smartiberica.kernel.money import CENT, ZERO


class StatementFormat(models.TextChoices):
    # Names of standards, the same in every language.
    NORMA43 = "norma43", "Norma 43"
    CAMT053 = "camt053", "CAMT.053"


def _require_cents(value: object, name: str) -> None:
    # A guard against programming errors in a parser, not a message for people: the parsers
    # refuse bad amounts with a StatementFileError long before a dataclass is built.
    if not isinstance(value, Decimal) or value != value.quantize(CENT) or value.as_tuple().exponent != -2:
        raise TypeError(f"{name} must be a Decimal with two places, not {value!r}")


@dataclass(frozen=True)
class StatementLine:
    """One movement of an account, as the bank booked it."""

    booking_date: date
    value_date: date
    amount: Decimal  # credit +, debit −
    currency: str  # ISO 4217 code; always "EUR" (other currencies are refused)
    reference: str  # the bank's reference of the movement, "" if none
    end_to_end: str  # the payer's end-to-end reference (SEPA), "" if none
    description: str  # concepts (Norma 43) or remittance information (CAMT), joined
    counterparty_name: str
    counterparty_iban: str  # "" when the format or the bank does not give it
    bank_code: str  # Norma 43 concepto común ("04") or CAMT BkTxCd ("PMNT/RCDT/ESCT"), "" if none

    def __post_init__(self) -> None:
        _require_cents(self.amount, "amount")


@dataclass(frozen=True)
class Statement:
    """One account's statement for a period: opening balance, movements, closing balance."""

    account_iban: str
    account_name: str  # the holder, "" when the file does not name it
    currency: str
    opening_date: date
    opening_balance: Decimal
    closing_date: date
    closing_balance: Decimal
    lines: tuple[StatementLine, ...]

    def __post_init__(self) -> None:
        _require_cents(self.opening_balance, "opening_balance")
        _require_cents(self.closing_balance, "closing_balance")

    @property
    def movements_total(self) -> Decimal:
        """Σ of the movements: credits minus debits."""
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def balances_agree(self) -> bool:
        """Whether opening + Σ movements = closing (the parsers refuse a file where it is not so)."""
        return self.opening_balance + self.movements_total == self.closing_balance


@dataclass(frozen=True)
class ParsedFile:
    """A whole statement file: one statement per account (a Norma 43 file may hold several)."""

    format: StatementFormat
    statements: tuple[Statement, ...]
