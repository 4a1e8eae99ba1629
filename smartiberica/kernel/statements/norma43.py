"""Norma 43 (AEB/CSB "cuaderno 43") statements, read by the csb43 library.

A Norma 43 file is fixed-width text, one 80-character record a line, usually latin-1 / cp1252:

- 11 account header: entity, office, account number, period, opening balance, currency, holder;
- 22 movement: dates, concepto común and propio, signed amount, document number, references;
- 23 complementary concepts (up to five a movement; five of them may form a SEPA transfer or
  direct debit, as the 2012 norm defines them);
- 24 currency equivalence: the movement's amount in the currency it was made in;
- 33 account totals: number and sum of debits and credits, closing balance;
- 88 end of file: the number of records.

csb43 reads every field. It is lenient by design (it pads short records, warns and skips records it
does not expect); we want the opposite, a broken file refused with the line to look at, so the
layout (lengths, codes, order) is checked before csb43 reads, and the totals after it has read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from csb43.aeb43 import Batch
from csb43.aeb43.record.context import Aeb43Context
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.es import ccc
from stdnum.exceptions import ValidationError as StdnumValidationError

from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.statements.errors import EURO, StatementFileError, check_euro, money, refuse
from smartiberica.kernel.statements.model import Statement, StatementLine

ERR_LENGTH = _("Line %(line)s has %(length)s characters: every Norma 43 record has exactly 80.")
ERR_UNKNOWN_RECORD = _(
    "Line %(line)s starts with “%(code)s”, which is not a Norma 43 record (11, 22, 23, 24, 33 or 88)."
)
ERR_FIRST_RECORD = _(
    "Line %(line)s: the file must start with an account header (record 11), not a record %(code)s."
)
ERR_OUT_OF_PLACE = _("Line %(line)s: a record %(code)s cannot follow a record %(previous)s.")
ERR_NO_TOTALS = _(
    "Line %(line)s: the account that starts on line %(start)s has no totals record (33), "
    "so its closing balance is missing."
)
ERR_TOO_MANY_CONCEPTS = _("Line %(line)s: a movement has at most five complementary concept records (23).")
ERR_TWO_EXCHANGES = _("Line %(line)s: a movement has at most one currency equivalence record (24).")
ERR_NO_END = _("The file ends without its end-of-file record (88): it may have been cut short.")
ERR_AFTER_END = _("Line %(line)s comes after the end-of-file record (88).")
ERR_RECORD_COUNT = _(
    "Line %(line)s: the end-of-file record (88) counts %(declared)s records, but the file has %(found)s."
)
ERR_RECORD = _("Line %(line)s (record %(code)s) holds a value that Norma 43 does not allow (%(reason)s).")
ERR_ACCOUNT = _(
    "Line %(line)s: “%(entity)s %(office)s %(number)s” is not a Spanish bank account "
    "(entity and office of four digits, account number of ten)."
)
ERR_TOTALS_ACCOUNT = _(
    "Line %(line)s: the totals record (33) is for account %(found)s, "
    "but the account that starts on line %(start)s is %(expected)s."
)
ERR_TOTALS = _(
    "Line %(line)s: the totals record (33) of account %(account)s gives %(debits)s debits for "
    "%(debit_total)s and %(credits)s credits for %(credit_total)s, but its movements are "
    "%(found_debits)s debits for %(found_debit_total)s and %(found_credits)s credits for "
    "%(found_credit_total)s."
)
ERR_BALANCE = _(
    "Line %(line)s: account %(account)s opens at %(opening)s and its movements add %(movements)s, "
    "which makes %(expected)s, but its totals record (33) closes at %(closing)s."
)

RECORD_LENGTH = 80
MAX_CONCEPTS = 5
# csb43 slices bytes: each record goes to it as cp1252, one byte a character, whatever the file's
# own encoding was (the text was decoded before).
ENCODING = "cp1252"
# The records each record may follow (None: the start of the file).
FOLLOWS: dict[str, tuple[str | None, ...]] = {
    "11": (None, "33"),
    "22": ("11", "22", "23", "24"),
    "23": ("22", "23", "24"),
    "24": ("22", "23"),
    "33": ("11", "22", "23", "24"),
    "88": ("33",),
}
OPEN_ACCOUNT = ("11", "22", "23", "24")
_HEADER = re.compile(r"^11[0-9 ]{8}.{10}[0-9]{12}")  # entity, office, account, period
_NEWLINE = re.compile(r"\r\n|\n|\r")
_ZEROS = re.compile(r"^[0 ]*$")
_ACCOUNT = re.compile(r"[0-9]{4} [0-9]{4} [0-9]{10}")  # [0-9], never \d (it takes other scripts' digits)


@dataclass
class _Account:
    """Where one account's records are in the file, for messages and to check its totals."""

    header: int
    movements: list[int] = field(default_factory=list)
    totals: int = 0


@dataclass
class _Layout:
    accounts: list[_Account] = field(default_factory=list)
    end: int = 0
    # Per movement, while reading the layout.
    concepts: int = 0
    exchanges: int = 0


def decode(data: bytes) -> str:
    """The file's text: UTF-8 when it is valid UTF-8 (a few banks and editors write it), else cp1252,
    else latin-1 (which reads any byte)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def records_of(text: str) -> list[tuple[int, str]]:
    """(line number, record) of every non-blank line; a DOS end-of-file mark (Ctrl-Z) is dropped."""
    lines = _NEWLINE.split(text.rstrip("\x1a"))
    return [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]


def looks_like_norma43(data: bytes) -> bool:
    """Whether the file starts with an account header (record 11): entity, office, account, dates."""
    records = records_of(decode(data[:4096]))
    return bool(records) and bool(_HEADER.match(records[0][1]))


def read_norma43(data: bytes) -> tuple[Statement, ...]:
    """Every account's statement in the file, or StatementFileError saying why the file is refused."""
    records = records_of(decode(data))
    layout = _check_layout(records)
    batch = _read(records)
    _check_record_count(batch, layout, len(records))
    return tuple(
        _statement(account, place)
        for account, place in zip(batch.accounts or [], layout.accounts, strict=True)
    )


# --- The layout: lengths, record codes, order ----------------------------------------------------------


def _check_layout(records: list[tuple[int, str]]) -> _Layout:
    layout = _Layout()
    previous: str | None = None
    for number, text in records:
        if layout.end:
            raise refuse(ERR_AFTER_END, line=number)
        if len(text) != RECORD_LENGTH:
            raise refuse(ERR_LENGTH, line=number, length=len(text))
        code = text[:2]
        if code not in FOLLOWS:
            raise refuse(ERR_UNKNOWN_RECORD, line=number, code=code)
        _check_order(layout, number, code, previous)
        _place(layout, number, code)
        previous = code
    if not layout.end:
        if previous in OPEN_ACCOUNT:
            raise refuse(ERR_NO_TOTALS, line=records[-1][0], start=layout.accounts[-1].header)
        raise refuse(ERR_NO_END)
    return layout


def _check_order(layout: _Layout, number: int, code: str, previous: str | None) -> None:
    if previous in FOLLOWS[code]:
        return
    if previous is None:
        raise refuse(ERR_FIRST_RECORD, line=number, code=code)
    if code in ("11", "88") and previous in OPEN_ACCOUNT:
        raise refuse(ERR_NO_TOTALS, line=number, start=layout.accounts[-1].header)
    raise refuse(ERR_OUT_OF_PLACE, line=number, code=code, previous=previous)


def _place(layout: _Layout, number: int, code: str) -> None:
    if code == "11":
        layout.accounts.append(_Account(header=number))
    elif code == "22":
        layout.accounts[-1].movements.append(number)
        layout.concepts = layout.exchanges = 0
    elif code == "23":
        layout.concepts += 1
        if layout.concepts > MAX_CONCEPTS:
            raise refuse(ERR_TOO_MANY_CONCEPTS, line=number)
    elif code == "24":
        layout.exchanges += 1
        if layout.exchanges > 1:
            raise refuse(ERR_TWO_EXCHANGES, line=number)
    elif code == "33":
        layout.accounts[-1].totals = number
    else:
        layout.end = number


# --- Reading with csb43 --------------------------------------------------------------------------------


def _read(records: list[tuple[int, str]]) -> Batch:
    # Not strict: csb43's strict mode also refuses what real bank files do (a reference 1 without
    # its control digit); silent: the layout was checked above and the totals are checked below,
    # with our own messages.
    context = Aeb43Context(strict=False, silent=True, encoding=ENCODING)
    batch = Batch(context=context)
    with context.scope():
        for number, text in records:
            try:
                batch.append(text.encode(ENCODING, errors="replace"))
            except Exception as error:  # any error of the library is a record it cannot read
                raise refuse(ERR_RECORD, line=number, code=text[:2], reason=error) from error
    return batch


def _check_record_count(batch: Batch, layout: _Layout, found: int) -> None:
    declared = _field(lambda: int(batch.summary.total_records), layout.end, "88")  # type: ignore[union-attr]
    if declared != found - 1:  # the 88 record does not count itself
        raise refuse(ERR_RECORD_COUNT, line=layout.end, declared=declared, found=found - 1)


def _field(read: Any, line: int, code: str) -> Any:
    """A field's value: csb43 converts some fields only when they are read (a date, a number)."""
    try:
        return read()
    except StatementFileError:
        raise
    except Exception as error:
        raise refuse(ERR_RECORD, line=line, code=code, reason=error) from error


def _iban(entity: str, office: str, number: str, line: int) -> str:
    """The IBAN of a Spanish account, from its entity, office and number with their control digits."""
    if not _ACCOUNT.fullmatch(f"{entity} {office} {number}"):
        raise refuse(ERR_ACCOUNT, line=line, entity=entity, office=office, number=number)
    try:
        account = ccc.validate(
            f"{entity}{office}{ccc.calc_check_digits(f'{entity}{office}00{number}')}{number}"
        )
        return str(stdnum_iban.validate(ccc.to_iban(account)))
    except StdnumValidationError as error:
        raise refuse(ERR_ACCOUNT, line=line, entity=entity, office=office, number=number) from error


def _statement(account: Any, place: _Account) -> Statement:
    header = place.header
    currency = _field(lambda: account.currency.alpha_3 or account.currency.numeric, header, "11")
    check_euro(currency)
    iban = _iban(account.bank_code, account.branch_code, account.account_number, header)
    lines = tuple(
        _line(transaction, number)
        for transaction, number in zip(account.transactions or [], place.movements, strict=True)
    )
    statement = Statement(
        account_iban=iban,
        account_name=_field(lambda: account.short_name.strip(), header, "11"),
        currency=EURO,
        opening_date=_field(lambda: account.initial_date, header, "11"),
        opening_balance=_field(lambda: round_money(account.initial_balance), header, "11"),
        closing_date=_field(lambda: account.final_date, header, "11"),
        closing_balance=_field(lambda: round_money(account.summary.final_balance), place.totals, "33"),
        lines=lines,
    )
    _check_totals(account, place, statement)
    return statement


def _line(transaction: Any, number: int) -> StatementLine:
    def read() -> StatementLine:
        counterparty, end_to_end, description = _concepts(transaction)
        references = (transaction.document_number, transaction.reference1, transaction.reference2)
        return StatementLine(
            booking_date=transaction.transaction_date,
            value_date=transaction.value_date,
            amount=round_money(transaction.amount),
            currency=EURO,
            reference=" ".join(r.strip() for r in references if not _ZEROS.match(r)),
            end_to_end=end_to_end,
            description=description,
            counterparty_name=counterparty,
            counterparty_iban="",  # Norma 43 does not carry the other party's account
            bank_code=f"{transaction.shared_item:02d}",
        )

    line: StatementLine = _field(read, number, "22")
    return line


def _concepts(transaction: Any) -> tuple[str, str, str]:
    """(counterparty name, end-to-end reference, description) from the records 23 and 24."""
    if transaction.sepa_transfer:
        sepa = transaction.sepa_transfer
        counterparty, end_to_end = sepa.originator_name, sepa.originator_reference
        parts = [sepa.remitance_information]
    elif transaction.sepa_debit:
        sepa = transaction.sepa_debit
        counterparty, end_to_end = sepa.creditor_name, sepa.creditor_reference
        parts = [sepa.remitance_information]
    else:
        counterparty = end_to_end = ""
        parts = [text for item in transaction.optional_items or [] for text in (item.item1, item.item2)]
    if transaction.exchange:
        # The movement is booked in euros; the record 24 tells what it was in the other currency.
        exchange = transaction.exchange
        original = exchange.original_currency.alpha_3 or exchange.original_currency.numeric
        parts.append(f"{original} {round_money(exchange.amount)}")
    description = " ".join(" ".join(part.split()) for part in parts if part.strip())
    return counterparty.strip(), end_to_end.strip(), description


def _check_totals(account: Any, place: _Account, statement: Statement) -> None:
    summary, line = account.summary, place.totals
    found = f"{summary.bank_code} {summary.branch_code} {summary.account_number}"
    expected = f"{account.bank_code} {account.branch_code} {account.account_number}"
    if found != expected:
        raise refuse(ERR_TOTALS_ACCOUNT, line=line, found=found, start=place.header, expected=expected)
    check_euro(_field(lambda: summary.currency.alpha_3 or summary.currency.numeric, line, "33"))
    debits = [-item.amount for item in statement.lines if item.amount < 0]
    credits = [item.amount for item in statement.lines if item.amount >= 0]
    declared = _field(
        lambda: (
            summary.expense_entries,
            round_money(summary.expense),
            summary.income_entries,
            round_money(summary.income),
        ),
        line,
        "33",
    )
    computed = (len(debits), sum(debits, ZERO), len(credits), sum(credits, ZERO))
    if declared != computed:
        raise refuse(
            ERR_TOTALS,
            line=line,
            account=statement.account_iban,
            debits=declared[0],
            debit_total=money(declared[1]),
            credits=declared[2],
            credit_total=money(declared[3]),
            found_debits=computed[0],
            found_debit_total=money(computed[1]),
            found_credits=computed[2],
            found_credit_total=money(computed[3]),
        )
    if not statement.balances_agree:
        raise refuse(
            ERR_BALANCE,
            line=line,
            account=statement.account_iban,
            opening=money(statement.opening_balance),
            movements=money(statement.movements_total),
            expected=money(statement.opening_balance + statement.movements_total),
            closing=money(statement.closing_balance),
        )
