"""Invoice numbers: the next number of a series and year, in date order, under a lock."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import OperationalError

from smartiberica.kernel.locks import bounded_lock_wait, is_lock_timeout

from .. import validation as v
from ..choices import InvoiceStatus
from ..models import Invoice, InvoiceNumberCounter


def format_number(series: str, year: int, sequence: int) -> str:
    """F2024-0001: series, year, a dash and the sequence on at least four digits."""
    return f"{series}{year}-{sequence:04d}"


def next_number(*, series: str, year: int) -> str:
    """The next free number of a series and year, under a row lock on its counter.

    The counter row is created once (a concurrent creator loses on the unique
    constraint and re-reads), then locked with SELECT … FOR UPDATE until the
    caller's transaction ends, so concurrent issues queue up and get 1, 2, 3…
    SQLite has no row locks but its IMMEDIATE transactions serialise writers.
    After imported numbers it continues from the highest one taken.
    """
    try:
        # Bounded: an import holding the counter makes an issue wait seconds, not a worker timeout.
        with bounded_lock_wait():
            InvoiceNumberCounter.objects.get_or_create(series=series, year=year)
            counter = InvoiceNumberCounter.objects.select_for_update().get(series=series, year=year)
    except OperationalError as error:
        if is_lock_timeout(error):
            raise ValidationError(v.ERR_NUMBERING_BUSY, code="numbering_busy") from error
        raise
    sequence = counter.last + 1
    candidate = format_number(series, year, sequence)
    if Invoice.objects.filter(number=candidate).exists():
        # Imported invoices kept their own numbers: continue after the highest of the
        # series and year (one query), never filling holes behind later numbers.
        prefix = format_number(series, year, 0)[:-4]
        taken = Invoice.objects.filter(number__startswith=prefix).values_list("number", flat=True)
        # [0-9] only: isdigit() also takes "²" (which int() refuses) and Arabic-Indic digits.
        suffixes = (n[len(prefix) :] for n in taken if n is not None)
        sequence = 1 + max((int(s) for s in suffixes if re.fullmatch("[0-9]+", s)), default=0)
        candidate = format_number(series, year, sequence)
    counter.last = sequence
    counter.save(update_fields=["last"])
    return candidate


def latest_issue_date(series: str) -> date | None:
    """The date of the series' latest numbered invoice (read under the numbering lock)."""
    return (
        Invoice.objects.filter(series=series, number__isnull=False)
        .exclude(status=InvoiceStatus.DRAFT)
        .order_by("-issue_date")
        .values_list("issue_date", flat=True)
        .first()
    )
