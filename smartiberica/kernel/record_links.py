"""A record's bank line, for the records' admin pages (issue 20): a reconciled record shows its line.

The records (payments, refunds, funding receipts, loan repayments, expenses) live in `services` and
`funding`, their bank lines in `banking`, and neither app may import another. So the banking app
registers here, when it is ready, a function answering "the bank line of (kind, id)", and the
records' admins ask the kernel for it in a read-only field (`bank_line_field`). Without a
registered finder (banking not installed) every record simply has no bank line.

The kinds are the values of `banking.choices.MatchKind`, as plain strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.money import format_money

PAYMENT = "payment"
REFUND = "refund"
RECEIPT = "receipt"
REPAYMENT = "repayment"
EXPENSE = "expense"
RECORD_KINDS = (PAYMENT, REFUND, RECEIPT, REPAYMENT, EXPENSE)

# The page of one bank line (smartiberica/urls.py): `/bank/lines/<id>/`.
BANK_LINE_URL = "bank-line"


@dataclass(frozen=True)
class LinkedBankLine:
    """The bank line a record was reconciled with."""

    line_id: int
    booking_date: date
    amount: Decimal
    account: str


BankLineFinder = Callable[[str, int], LinkedBankLine | None]

_finders: list[BankLineFinder] = []


def register_bank_line_finder(finder: BankLineFinder) -> None:
    """Called by the banking app when it is ready (idempotent: a second `ready()` adds nothing)."""
    if finder not in _finders:
        _finders.append(finder)


def bank_line_of(kind: str, record_id: int | None) -> LinkedBankLine | None:
    """The bank line reconciled with the record `kind` #`record_id`, or None (one query)."""
    if kind not in RECORD_KINDS:
        raise ValueError(f"unknown record kind {kind!r}")
    if record_id is None:
        return None
    for finder in _finders:
        found = finder(kind, record_id)
        if found is not None:
            return found
    return None


def bank_line_field(kind: str) -> Callable[[Any, Any], str]:
    """A read-only admin field showing the record's bank line (date, amount, account) with a link
    to its page, or "—". Put it in the admin class (`bank_line = bank_line_field(PAYMENT)`) and name
    `"bank_line"` in its `readonly_fields` (and its `fields`, when the admin lists them)."""
    if kind not in RECORD_KINDS:
        raise ValueError(f"unknown record kind {kind!r}")

    def bank_line(model_admin: Any, obj: Any) -> str:
        line = bank_line_of(kind, getattr(obj, "pk", None))
        if line is None:
            return "—"
        return format_html(
            '<a href="{}" data-bank-line="{}">{} · {} · {}</a>',
            reverse(BANK_LINE_URL, args=[line.line_id]),
            line.line_id,
            date_format(line.booking_date, "SHORT_DATE_FORMAT"),
            format_money(line.amount),
            line.account,
        )

    return admin.display(description=_("bank line"))(bank_line)
