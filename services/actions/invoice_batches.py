"""Imports: many ordinary invoices validated one by one, then written at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .. import validation as v
from ..choices import DEFAULT_SERIES, InvoiceStatus
from ..models import Client, Contract, Invoice, InvoiceLine, ServiceLine
from .invoices import LineLike, apply_totals, build_lines
from .rollups import rollups_touch


@dataclass(frozen=True)
class PreparedInvoice:
    """An ordinary invoice and its lines, validated and not yet written (see `invoices_save_batch`)."""

    invoice: Invoice
    lines: list[InvoiceLine]


def invoice_prepare(
    *,
    client: Client,
    service_line: ServiceLine,
    issue_date: date,
    lines: Iterable[LineLike],
    number: str,
    status: str = InvoiceStatus.ISSUED,
    contract: Contract | None = None,
    due_date: date | None = None,
    notes: str = "",
) -> PreparedInvoice:
    """Validate an issued or cancelled ordinary invoice with a given number, without writing it.

    The same checks as `invoice_create(status=…)` (lines, totals, `full_clean()`), except the
    uniqueness of the number, which the caller checks for a whole batch (the database's unique
    constraint backs it up). Credit notes go through `invoice_create(corrects=…)`, which locks and
    re-checks the original.
    """
    if status not in (InvoiceStatus.ISSUED, InvoiceStatus.CANCELLED):
        raise ValidationError(
            {"status": ValidationError(_("Unknown invoice status."), code="invalid_status")}
        )
    invoice = Invoice(
        client=client,
        service_line=service_line,
        contract=contract,
        issue_date=issue_date,
        # A due date left empty (None) is set by `Invoice.clean()`, which django-stubs cannot know.
        due_date=due_date,  # type: ignore[misc]
        number=number,
        series=DEFAULT_SERIES,
        status=InvoiceStatus.DRAFT,
        notes=notes,
    )
    built = build_lines(invoice, lines)
    v.validate_has_lines(len(built))
    apply_totals(invoice, built)
    invoice.status = status
    # The client, service line and contract are rows the caller read from the database: their
    # existence is not queried again for every invoice (the foreign keys back it up).
    invoice.full_clean(exclude=["client", "service_line", "contract"], validate_unique=False)
    return PreparedInvoice(invoice=invoice, lines=built)


@transaction.atomic
def invoices_save_batch(*, prepared: Sequence[PreparedInvoice], user: Any = None) -> list[Invoice]:
    """Write prepared invoices and their lines in a few queries, with their history rows.

    The audit trail records `user` (None: the system) as the author of every row.
    """
    if not prepared:
        return []
    invoices = bulk_create_with_history([p.invoice for p in prepared], Invoice, default_user=user)
    lines = []
    for item, invoice in zip(prepared, invoices, strict=True):
        for line in item.lines:
            line.invoice = invoice
            lines.append(line)
    bulk_create_with_history(lines, InvoiceLine, default_user=user)
    issued = [i for i in invoices if i.status == InvoiceStatus.ISSUED]
    rollups_touch({i.issue_date for i in issued}, invoices={i.pk for i in issued})  # one refresh
    return invoices
