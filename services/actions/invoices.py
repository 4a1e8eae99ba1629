"""Invoices and credit notes: their lines and stored totals, drafts, issue and cancellation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from smartiberica.kernel.history import bulk_create_audited

from .. import client_rules as terms
from .. import validation as v
from ..calculations import compute_totals
from ..choices import CREDIT_NOTE_SERIES, DEFAULT_SERIES, InvoiceStatus
from ..models import Client, Contract, Invoice, InvoiceLine, ServiceLine
from .numbering import latest_issue_date, next_number
from .rollups import invoice_months, rollups_touch

# --- Invoice lines and totals ----------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """One invoice line to write. Mappings with the same keys are accepted too.

    Without `vat_rate` (None) the line takes the default rate of the client's VAT regime.
    """

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal | None = None


LineLike = LineInput | Mapping[str, Any]


def _as_line_input(line: LineLike) -> LineInput:
    if isinstance(line, LineInput):
        return line
    return LineInput(
        description=line["description"],
        quantity=Decimal(line.get("quantity", Decimal("1"))),
        unit_price=Decimal(line["unit_price"]),
        vat_rate=None if line.get("vat_rate") is None else Decimal(line["vat_rate"]),
    )


def build_lines(invoice: Invoice, lines: Iterable[LineLike]) -> list[InvoiceLine]:
    """The lines, validated; a line without a VAT rate takes the default of the client's regime."""
    built = []
    for index, data in enumerate(lines, start=1):
        line = _as_line_input(data)
        obj = InvoiceLine(
            invoice=invoice,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,  # type: ignore[misc]  # None: `InvoiceLine.clean()` sets the regime's rate
        )
        try:
            obj.full_clean(exclude=["invoice"])
        except ValidationError as error:
            raise ValidationError(
                [
                    ValidationError(_("Line %(n)s: %(error)s") % {"n": index, "error": m})
                    for m in error.messages
                ]
            ) from error
        built.append(obj)
    return built


def _validate_lines_vat(invoice: Invoice, lines: Sequence[InvoiceLine]) -> None:
    """The client's VAT regime accepts each line's rate (its lines may predate a change of client)."""
    if invoice.is_credit_note or invoice.client_id is None:
        return
    regime = invoice.client.vat_regime
    for index, line in enumerate(lines, start=1):
        try:
            terms.validate_vat_rate_for_regime(regime=regime, vat_rate=line.vat_rate)
        except ValidationError as error:
            messages = [_("Line %(n)s: %(error)s") % {"n": index, "error": m} for m in error.messages]
            raise ValidationError([ValidationError(m) for m in messages]) from error


def apply_totals(invoice: Invoice, lines: Sequence[InvoiceLine]) -> None:
    """Set the invoice's stored totals from its lines (domain.md's VAT rule)."""
    v.validate_line_nets(is_credit_note=invoice.is_credit_note, nets=[line.net_amount for line in lines])
    _validate_lines_vat(invoice, lines)
    totals = compute_totals((line.quantity, line.unit_price, line.vat_rate) for line in lines)
    invoice.net_amount, invoice.vat_amount, invoice.gross_amount = totals.net, totals.vat, totals.gross


def lock_invoice(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def _refresh(target: Invoice, source: Invoice) -> Invoice:
    """Copy the saved state into the caller's instance, so it is not left stale."""
    for field in Invoice._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


# --- Invoices ------------------------------------------------------------------------------


@transaction.atomic
def invoice_create(
    *,
    client: Client,
    service_line: ServiceLine,
    issue_date: date,
    lines: Iterable[LineLike],
    contract: Contract | None = None,
    due_date: date | None = None,
    number: str | None = None,
    series: str | None = None,
    status: str = InvoiceStatus.DRAFT,
    corrects: Invoice | None = None,
    notes: str = "",
    period_start: date | None = None,
) -> Invoice:
    """Write an invoice (or, with `corrects`, a credit note) and its lines.

    status "draft" (default) leaves it editable; "issued" issues it at once, keeping
    a given `number` (imports) or assigning the next one of the series; "cancelled"
    records a cancelled invoice (imports). Credit notes default to series R.
    """
    if status not in InvoiceStatus.values:
        raise ValidationError(
            {"status": ValidationError(_("Unknown invoice status."), code="invalid_status")}
        )
    if status == InvoiceStatus.DRAFT:
        v.validate_typed_number(series=series or DEFAULT_SERIES, number=number)
    if corrects is not None:
        corrects = lock_invoice(corrects)  # serialise credit notes against the same invoice
    invoice = Invoice(
        client=client,
        service_line=service_line,
        contract=contract,
        issue_date=issue_date,
        # A due date left empty (None) is set by `Invoice.clean()`, which django-stubs cannot know.
        due_date=due_date,  # type: ignore[misc]
        number=number or None,
        series=series or (CREDIT_NOTE_SERIES if corrects is not None else DEFAULT_SERIES),
        status=InvoiceStatus.DRAFT,
        corrects=corrects,
        notes=notes,
        period_start=period_start,
    )
    built = build_lines(invoice, lines)
    apply_totals(invoice, built)
    invoice.full_clean()
    invoice.save()
    bulk_create_audited(built, InvoiceLine)
    if status == InvoiceStatus.ISSUED:
        return _issue(invoice, on=None, given_number=number is not None)
    if status == InvoiceStatus.CANCELLED:
        invoice.status = InvoiceStatus.CANCELLED
        invoice.full_clean()
        invoice.save(update_fields=["status"])
    return invoice


@transaction.atomic
def invoice_set_lines(*, invoice: Invoice, lines: Iterable[LineLike]) -> Invoice:
    """Replace the lines of a draft invoice and recompute its totals."""
    locked = lock_invoice(invoice)
    v.validate_is_draft(locked.status)
    built = build_lines(locked, lines)
    locked.lines.all().delete()
    bulk_create_audited(built, InvoiceLine)
    return invoice_recompute_totals(invoice=_refresh(invoice, locked))


@transaction.atomic
def invoice_complete_draft(
    *,
    invoice: Invoice,
    client: Client,
    service_line: ServiceLine,
    issue_date: date,
    lines: Iterable[LineLike],
    status: str = InvoiceStatus.ISSUED,
    due_date: date | None = None,
    contract: Contract | None = None,
) -> Invoice:
    """Turn a draft into the invoice an imported file gives under the draft's number.

    The file wins: its date, client, service line, lines and status replace the draft's, and
    the draft's number is kept (the file's program gave it). Without `due_date` it follows the
    client's payment terms, as for any new invoice.
    """
    locked = lock_invoice(invoice)
    v.validate_is_draft(locked.status)
    locked.client, locked.service_line, locked.contract = client, service_line, contract
    locked.issue_date = issue_date
    # A due date left empty (None) is set by `Invoice.clean()`, which django-stubs cannot know.
    locked.due_date = due_date  # type: ignore[assignment]
    built = build_lines(locked, lines)
    apply_totals(locked, built)
    locked.full_clean()
    locked.save()
    locked.lines.all().delete()
    bulk_create_audited(built, InvoiceLine)
    if status == InvoiceStatus.ISSUED:
        return _refresh(invoice, _issue(locked, on=None, given_number=True))
    return _refresh(invoice, invoice_cancel(invoice=locked))


@transaction.atomic
def invoice_recompute_totals(*, invoice: Invoice) -> Invoice:
    """Recompute a draft's stored net, VAT and gross from its saved lines."""
    locked = lock_invoice(invoice)
    v.validate_is_draft(locked.status)
    # Keep the caller's unsaved header edits (the admin saves them just before).
    for field in ("client_id", "contract_id", "corrects_id", "issue_date", "due_date", "series", "number"):
        setattr(locked, field, getattr(invoice, field))
    apply_totals(locked, list(locked.lines.all()))
    locked.full_clean()
    locked.save()
    return _refresh(invoice, locked)


@transaction.atomic
def invoice_issue(*, invoice: Invoice, on: date | None = None) -> Invoice:
    """Issue a draft: totals re-checked, then the next number of its series.

    `on` sets the issue date (the due date moves with it, keeping the payment term).
    Numbers follow dates within a series, so a draft dated before the series' latest invoice
    is refused with the earliest date allowed, and a number typed by hand in the app's series
    is refused (it would leave a hole or break the order). The number's year is the issue
    date's year.
    """
    return _issue(invoice, on=on, given_number=False)


def _issue(invoice: Invoice, *, on: date | None, given_number: bool) -> Invoice:
    """Issue a draft; `given_number`: an import keeps the number of its file, else the app numbers."""
    locked = lock_invoice(invoice)
    v.validate_is_draft(locked.status)
    lines = list(locked.lines.all())
    v.validate_has_lines(len(lines))
    if on is not None and on != locked.issue_date:
        term = (locked.due_date - locked.issue_date) if locked.due_date else None
        locked.issue_date = on
        # A due date left empty (None) is set by `Invoice.clean()`, which django-stubs cannot know.
        locked.due_date = on + term if term is not None else None  # type: ignore[assignment]
    if locked.corrects is not None:
        lock_invoice(locked.corrects)
    apply_totals(locked, lines)
    locked.status = InvoiceStatus.ISSUED
    if not given_number:
        v.validate_typed_number(series=locked.series, number=locked.number)
    if not locked.number:
        locked.number = next_number(series=locked.series, year=locked.issue_date.year)
        v.validate_issue_date_order(
            series=locked.series, issue_date=locked.issue_date, latest=latest_issue_date(locked.series)
        )
    locked.full_clean()
    locked.save()
    # A draft counted nowhere: only its issue month changes, and what it (or the invoice it
    # corrects) is owed.
    rollups_touch([locked.issue_date], invoices=[locked.pk, locked.corrects_id])
    return _refresh(invoice, locked)


@transaction.atomic
def invoice_cancel(*, invoice: Invoice) -> Invoice:
    """Cancel a draft or an issued invoice without payments nor live credit notes.

    An issued invoice keeps its number (no gap in the series).
    """
    locked = lock_invoice(invoice)
    v.validate_cancellable(
        status=locked.status,
        has_payments=locked.payments.exists(),
        has_credit_notes=locked.credit_notes.exclude(status=InvoiceStatus.CANCELLED).exists(),
    )
    was_issued = locked.status == InvoiceStatus.ISSUED
    locked.status = InvoiceStatus.CANCELLED
    locked.full_clean()
    locked.save(update_fields=["status"])
    if was_issued:  # a draft counted nowhere
        rollups_touch(invoice_months(locked), invoices=[locked.pk, locked.corrects_id])
    return _refresh(invoice, locked)


def credit_note_create(
    *,
    invoice: Invoice,
    issue_date: date,
    lines: Iterable[LineLike] | None = None,
    status: str = InvoiceStatus.DRAFT,
    number: str | None = None,
    due_date: date | None = None,
    notes: str = "",
) -> Invoice:
    """A credit note (factura rectificativa) correcting an issued invoice.

    Its lines must be negative. Without `lines` it credits the whole invoice: each
    original line with its quantity negated. Same client, service line and contract
    as the original; the credits never exceed the original (net and gross).
    """
    if lines is None:
        lines = [
            LineInput(
                description=line.description,
                quantity=-line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
            )
            for line in invoice.lines.all()
        ]
    return invoice_create(
        client=invoice.client,
        service_line=invoice.service_line,
        contract=invoice.contract,
        issue_date=issue_date,
        due_date=due_date,
        lines=lines,
        corrects=invoice,
        status=status,
        number=number,
        notes=notes,
    )
