"""The reconciliation's writes (issue 20): confirm a suggestion, all the confident ones, create the
record a line is and reconcile it in one step, undo.

Each runs in one transaction and writes through the apps' actions: the record through
`services.actions` or `funding.actions` (so it obeys their rules: a payment above the amount due, a
date in a closed year are refused with their words), the link through `banking.actions`, which
refuses a line reconciled already, a record reconciled with another line, a record on the other
side (money in or out) or of another amount.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from banking.actions import line_reconcile, line_unreconcile
from banking.selectors import BankLine, MatchKind, bank_line, bank_lines, unmatched_batch
from funding.actions import expense_create, receipt_create
from funding.selectors import categories_by_code, source_by_id
from services.actions import payment_record
from services.selectors import invoice_for_payment, invoice_number_id
from smartiberica.board.reconciliation import BATCH_SIZE, INVOICE, records_by_id, suggest

ERR_LINE_NOT_FOUND = _("This bank line does not exist (any more).")
ERR_LINE_RECONCILED = _("This bank line is reconciled already.")
ERR_RECORD_NOT_FOUND = _("The record to reconcile this bank line with does not exist (any more).")
ERR_INVOICE_NOT_FOUND = _("No issued invoice has the number “%(number)s”.")
ERR_SOURCE_NOT_FOUND = _("Choose the funding source the money came from.")
ERR_CATEGORY_NOT_FOUND = _("Choose the category of the expense.")
ERR_MONEY_IN_ONLY = _("Money in is recorded as a payment of an invoice or as a funding receipt.")
ERR_MONEY_OUT_ONLY = _("Money out is recorded as an expense.")

REFERENCE_LENGTH = 80  # a receipt's and an expense's reference


@dataclass(frozen=True)
class NewPayment:
    """A payment of an invoice, named by id (a suggestion) or by its number (typed)."""

    invoice_id: int | None = None
    invoice_number: str = ""


@dataclass(frozen=True)
class NewReceipt:
    """A funding receipt from a source; the reference is the line's unless given."""

    source_id: int
    reference: str = ""


@dataclass(frozen=True)
class NewExpense:
    """An expense of a category; the supplier and the reference are the line's unless given."""

    category_code: str
    supplier: str = ""
    reference: str = ""


NewRecord = NewPayment | NewReceipt | NewExpense


def _open_line(line_id: int) -> BankLine:
    line = bank_line(line_id=line_id)
    if line is None:
        raise ValidationError(ERR_LINE_NOT_FOUND, code="line_not_found")
    if line.reconciled:
        raise ValidationError(ERR_LINE_RECONCILED, code="line_matched")
    return line


def line_reference(line: BankLine) -> str:
    """What a record created from a line is known by: the payer's end-to-end reference, else the
    bank's, else the line's number in the app."""
    return (line.end_to_end or line.reference or f"BANK-{line.id}")[:REFERENCE_LENGTH]


@transaction.atomic
def reconcile(*, line_id: int, kind: str, record_id: int, user: Any) -> None:
    """Confirm that a line is the record `kind` #`record_id`; for an open invoice (`INVOICE`),
    record its payment with the line's date and amount, and reconcile the line with it."""
    if kind == INVOICE:
        create_and_reconcile(line_id=line_id, user=user, record=NewPayment(invoice_id=record_id))
        return
    if kind not in MatchKind.values:
        raise ValidationError(ERR_RECORD_NOT_FOUND, code="record_not_found")
    _open_line(line_id)
    record = records_by_id([(kind, record_id)]).get((kind, record_id))
    if record is None:
        raise ValidationError(ERR_RECORD_NOT_FOUND, code="record_not_found")
    line_reconcile(line_id=line_id, kind=kind, record_id=record_id, record_amount=record.amount, user=user)


def _payment(line: BankLine, record: NewPayment) -> tuple[MatchKind, int]:
    invoice_id = record.invoice_id
    if invoice_id is None and record.invoice_number.strip():
        invoice_id = invoice_number_id(number=record.invoice_number)
    invoice = invoice_for_payment(invoice_id=invoice_id) if invoice_id is not None else None
    if invoice is None:
        raise ValidationError(
            ERR_INVOICE_NOT_FOUND, code="invoice_not_found", params={"number": record.invoice_number.strip()}
        )
    payment = payment_record(
        invoice=invoice, date=line.booking_date, amount=abs(line.amount), reference=line_reference(line)
    )
    return MatchKind.PAYMENT, payment.pk


def _receipt(line: BankLine, record: NewReceipt) -> tuple[MatchKind, int]:
    source = source_by_id(source_id=record.source_id)
    if source is None:
        raise ValidationError(ERR_SOURCE_NOT_FOUND, code="source_not_found")
    receipt = receipt_create(
        source=source,
        date=line.booking_date,
        amount=abs(line.amount),
        reference=(record.reference.strip() or line_reference(line))[:REFERENCE_LENGTH],
        description=line.description[:250],
    )
    return MatchKind.RECEIPT, receipt.pk


def _expense(line: BankLine, record: NewExpense) -> tuple[MatchKind, int]:
    category = categories_by_code().get(record.category_code)
    if category is None:
        raise ValidationError(ERR_CATEGORY_NOT_FOUND, code="category_not_found")
    expense = expense_create(
        date=line.booking_date,
        category=category,
        supplier=(record.supplier.strip() or line.counterparty_name or line.description)[:200],
        amount=abs(line.amount),
        reference=(record.reference.strip() or line_reference(line))[:REFERENCE_LENGTH],
        description=line.description[:250],
    )
    return MatchKind.EXPENSE, expense.pk


@transaction.atomic
def create_and_reconcile(*, line_id: int, user: Any, record: NewRecord) -> tuple[MatchKind, int]:
    """Create the record a line is, dated and of the amount of the line, and reconcile the line
    with it: a payment of an invoice or a funding receipt for money in, an expense for money out.
    Returns the record created (kind, id)."""
    line = _open_line(line_id)
    if isinstance(record, NewExpense):
        if line.money_in:
            raise ValidationError(ERR_MONEY_IN_ONLY, code="wrong_side")
        kind, record_id = _expense(line, record)
    else:
        if not line.money_in:
            raise ValidationError(ERR_MONEY_OUT_ONLY, code="wrong_side")
        kind, record_id = _payment(line, record) if isinstance(record, NewPayment) else _receipt(line, record)
    line_reconcile(line_id=line_id, kind=kind, record_id=record_id, record_amount=abs(line.amount), user=user)
    return kind, record_id


@transaction.atomic
def unreconcile(*, line_id: int, user: Any) -> tuple[MatchKind, int]:
    """Undo a line's reconciliation (`user` asked); the record stays. Returns what the line was."""
    return line_unreconcile(line_id=line_id)


def _confirm(found: Iterable[Any], user: Any) -> int:
    done = 0
    for suggestions in found:
        sure = suggestions.confident
        if sure is None:
            continue
        try:
            # A savepoint each: a record taken meanwhile skips its line, not the others.
            with transaction.atomic():
                reconcile(
                    line_id=suggestions.line.id,
                    kind=sure.candidate.kind,
                    record_id=sure.candidate.record_id,
                    user=user,
                )
        except ValidationError:
            continue
        done += 1
    return done


@transaction.atomic
def reconcile_confident(*, user: Any, lines: Iterable[int] | None = None) -> int:
    """Confirm every confident suggestion, of the lines `lines` (ids) or of every line left to
    reconcile, a batch at a time; returns how many lines were reconciled."""
    if lines is not None:
        ids = list(lines)
        return sum(
            _confirm(suggest(bank_lines(ids=ids[start : start + BATCH_SIZE])), user)
            for start in range(0, len(ids), BATCH_SIZE)
        )
    done = 0
    batch = unmatched_batch(size=BATCH_SIZE)
    while batch:
        done += _confirm(suggest(batch), user)
        last = batch[-1]
        batch = unmatched_batch(after=(last.booking_date, last.id), size=BATCH_SIZE)
    return done
