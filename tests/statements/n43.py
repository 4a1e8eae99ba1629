"""Norma 43 records written field by field, so a test file reads as what it means.

Each function returns one 80-character record laid out as the AEB norm 43 says (positions in the
comments are 0-based, end excluded); `n43_file` joins records into the bytes of a file, in cp1252
with CRLF line ends as Spanish banks send them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

EURO = "978"
US_DOLLAR = "840"


def _amount(value: Decimal) -> tuple[str, str]:
    """(debit/credit code, 14 digits with the cents): 1 is a debit, 2 a credit."""
    return ("1" if value < 0 else "2"), f"{int(abs(value) * 100):014d}"


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def _check(record: str) -> str:
    assert len(record) == 80, (len(record), record)
    return record


def header(
    *,
    entity: str = "1550",
    office: str = "0001",
    account: str = "0000202001",
    start: date = date(2024, 3, 1),
    end: date = date(2024, 3, 31),
    opening: Decimal = Decimal("0.00"),
    currency: str = EURO,
    mode: str = "3",
    name: str = "SMART IBERICA S COOP AND",
) -> str:
    """Record 11: 2-6 entity, 6-10 office, 10-20 account, 20-26 and 26-32 period, 32 sign,
    33-47 opening balance, 47-50 currency, 50 information mode, 51-77 holder, 77-80 free."""
    sign, digits = _amount(opening)
    return _check(
        f"11{entity}{office}{account}{_yymmdd(start)}{_yymmdd(end)}{sign}{digits}{currency}{mode}"
        f"{name:<26.26}   "
    )


def movement(
    *,
    booked: date,
    amount: Decimal,
    value: date | None = None,
    office: str = "0001",
    common: str = "04",
    own: str = "100",
    document: str = "0000000000",
    reference1: str = "000000000000",
    reference2: str = "",
) -> str:
    """Record 22: 2-6 free, 6-10 office, 10-16 date, 16-22 value date, 22-24 concepto común,
    24-27 concepto propio, 27 sign, 28-42 amount, 42-52 document, 52-64 ref. 1, 64-80 ref. 2."""
    sign, digits = _amount(amount)
    return _check(
        f"22    {office}{_yymmdd(booked)}{_yymmdd(value or booked)}{common}{own}{sign}{digits}"
        f"{document}{reference1}{reference2:<16.16}"
    )


def concept(number: int, first: str, second: str = "") -> str:
    """Record 23: 2-4 sequence (01 to 05), 4-42 concept 1, 42-80 concept 2."""
    return _check(f"23{number:02d}{first:<38.38}{second:<38.38}")


def exchange(*, currency: str = US_DOLLAR, amount: Decimal) -> str:
    """Record 24: 2-4 "01", 4-7 original currency, 7-21 amount in it, 21-80 free."""
    return _check(f"2401{currency}{_amount(amount)[1]}{'':59}")


def sepa_transfer(*, originator: str, reference: str, remittance: str, extra: str = "") -> list[str]:
    """Records 2301-2305 of a SEPA transfer received (norm 43 of 2012, appendix 4)."""
    return [
        _check(f"2301{originator:<66.66}{'':10}"),
        _check(f"2302{reference:<35.35}{'':41}"),
        _check(f"2303{'':8}{remittance:<68.68}"),
        _check(f"2304{'':76}"),
        _check(f"2305{extra:<76.76}"),
    ]


def sepa_debit(
    *, creditor: str, creditor_id: str, mandate: str, remittance: str, reference: str
) -> list[str]:
    """Records 2301-2305 of a SEPA direct debit (norm 43 of 2012, appendix 4)."""
    return [
        _check(f"2301CORE{creditor:<70.70}  "),
        _check(f"2302{creditor_id:<35.35}{mandate:<35.35}      "),
        _check(f"2303{'':8}{remittance:<68.68}"),
        _check(f"2304{'':76}"),
        _check(f"2305{reference:<35.35}{'':41}"),
    ]


def totals(
    *,
    entity: str = "1550",
    office: str = "0001",
    account: str = "0000202001",
    debits: tuple[int, Decimal] = (0, Decimal("0.00")),
    credits: tuple[int, Decimal] = (0, Decimal("0.00")),
    closing: Decimal = Decimal("0.00"),
    currency: str = EURO,
) -> str:
    """Record 33: 2-20 the account, 20-25 and 25-39 debits (count, sum), 39-44 and 44-58 credits,
    58 sign, 59-73 closing balance, 73-76 currency, 76-80 free."""
    sign, digits = _amount(closing)
    return _check(
        f"33{entity}{office}{account}{debits[0]:05d}{_amount(debits[1])[1]}"
        f"{credits[0]:05d}{_amount(credits[1])[1]}{sign}{digits}{currency}    "
    )


def end(records: int) -> str:
    """Record 88: 2-20 nines, 20-26 the number of records before this one, 26-80 free."""
    return _check(f"88{'9' * 18}{records:06d}{'':54}")


def n43_file(*records: str, newline: str = "\r\n", encoding: str = "cp1252") -> bytes:
    return (newline.join(records) + newline).encode(encoding)


def one_account(
    *movements: str,
    opening: Decimal,
    closing: Decimal,
    debits: tuple[int, Decimal] = (0, Decimal("0.00")),
    credits: tuple[int, Decimal] = (0, Decimal("0.00")),
) -> bytes:
    """A whole file with one account, its totals as given and a right end record."""
    records = [header(opening=opening), *movements, totals(debits=debits, credits=credits, closing=closing)]
    return n43_file(*records, end(len(records)))
