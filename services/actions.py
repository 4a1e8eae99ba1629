"""Writes of the services app: typed, keyword-only, validated, atomic.

Every function validates with the rules of `validation.py` (through `full_clean()`)
and saves inside `transaction.atomic`, so the admin, the demo loader and the
importers all go through the same checks. Invoice totals and a payment's net part
are computed here and never typed by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartiberica.kernel.history import bulk_create_audited
from smartiberica.kernel.locks import bounded_lock_wait, is_lock_timeout
from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.records import delete_unless_protected

from . import validation as v
from .calculations import compute_totals, payment_net, period_containing, period_end
from .choices import (
    CREDIT_NOTE_SERIES,
    DEFAULT_SERIES,
    ContractKind,
    ContractStatus,
    InvoiceStatus,
    MarginRuleKind,
    PaymentMethod,
)
from .models import (
    Client,
    Contract,
    Invoice,
    InvoiceLine,
    InvoiceNumberCounter,
    MarginBand,
    MarginRule,
    MemberTurnover,
    Partner,
    Payment,
    Refund,
    RevenueTarget,
    ServiceLine,
)

# --- Invoice lines and totals ----------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """One invoice line to write. Mappings with the same keys are accepted too."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal = Decimal("21.00")


LineLike = LineInput | Mapping[str, Any]


def _as_line_input(line: LineLike) -> LineInput:
    if isinstance(line, LineInput):
        return line
    return LineInput(
        description=line["description"],
        quantity=Decimal(line.get("quantity", Decimal("1"))),
        unit_price=Decimal(line["unit_price"]),
        vat_rate=Decimal(line.get("vat_rate", Decimal("21.00"))),
    )


def _build_lines(invoice: Invoice, lines: Iterable[LineLike]) -> list[InvoiceLine]:
    built = []
    for index, data in enumerate(lines, start=1):
        line = _as_line_input(data)
        obj = InvoiceLine(
            invoice=invoice,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
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


def apply_totals(invoice: Invoice, lines: Sequence[InvoiceLine]) -> None:
    """Set the invoice's stored totals from its lines (domain.md's VAT rule)."""
    v.validate_line_nets(is_credit_note=invoice.is_credit_note, nets=[line.net_amount for line in lines])
    totals = compute_totals((line.quantity, line.unit_price, line.vat_rate) for line in lines)
    invoice.net_amount, invoice.vat_amount, invoice.gross_amount = totals.net, totals.vat, totals.gross


def format_number(series: str, year: int, sequence: int) -> str:
    """F2024-0001: series, year, a dash and the sequence on at least four digits."""
    return f"{series}{year}-{sequence:04d}"


def _next_number(*, series: str, year: int) -> str:
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
        suffixes = (n[len(prefix) :] for n in taken)
        sequence = 1 + max((int(s) for s in suffixes if re.fullmatch("[0-9]+", s)), default=0)
        candidate = format_number(series, year, sequence)
    counter.last = sequence
    counter.save(update_fields=["last"])
    return candidate


def lock_invoice(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def _refresh(target: Invoice, source: Invoice) -> Invoice:
    """Copy the saved state into the caller's instance, so it is not left stale."""
    for field in Invoice._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


# --- Clients, partners, contracts, targets ---------------------------------------------------


@transaction.atomic
def client_get_or_create(
    *, name: str, tax_id: str, is_foreign: bool = False, contact: str = "", email: str = "", notes: str = ""
) -> tuple[Client, bool]:
    """The client with this tax id (matched on its normalised form), or a new one.

    An existing client is returned unchanged (its name is not overwritten).
    """
    try:
        normalized = v.validate_tax_id(tax_id, is_foreign=is_foreign)
    except ValidationError as error:
        raise ValidationError({"tax_id": error}) from error
    existing = Client.objects.filter(tax_id=normalized).first()
    if existing is not None:
        return existing, False
    client = Client(
        name=name, tax_id=normalized, is_foreign=is_foreign, contact=contact, email=email, notes=notes
    )
    client.full_clean()
    client.save()
    return client, True


@transaction.atomic
def partner_get_or_create(*, name: str, notes: str = "") -> tuple[Partner, bool]:
    existing = Partner.objects.filter(name=name).first()
    if existing is not None:
        return existing, False
    partner = Partner(name=name, notes=notes)
    partner.full_clean()
    partner.save()
    return partner, True


@transaction.atomic
def contract_create(
    *,
    client: Client,
    service_line: ServiceLine,
    reference: str,
    start_date: date,
    kind: str,
    end_date: date | None = None,
    billing_period: str = "",
    quantity: Decimal = Decimal("1"),
    unit_price: Decimal | None = None,
    fixed_amount: Decimal | None = None,
    estimated_amount: Decimal | None = None,
    vat_rate: Decimal = Decimal("21.00"),
    status: str = ContractStatus.ACTIVE,
    partner: Partner | None = None,
    partner_share: Decimal | None = None,
    description: str = "",
    notes: str = "",
) -> Contract:
    contract = Contract(
        client=client,
        service_line=service_line,
        reference=reference,
        start_date=start_date,
        end_date=end_date,
        kind=kind,
        billing_period=billing_period,
        quantity=quantity,
        unit_price=unit_price,
        fixed_amount=fixed_amount,
        estimated_amount=estimated_amount,
        vat_rate=vat_rate,
        status=status,
        partner=partner,
        partner_share=partner_share,
        description=description,
        notes=notes,
    )
    contract.full_clean()
    contract.save()
    return contract


@transaction.atomic
def revenue_target_set(*, service_line: ServiceLine, year: int, amount: Decimal) -> RevenueTarget:
    """Create or update the target of a service line for a year."""
    target = RevenueTarget.objects.select_for_update().filter(service_line=service_line, year=year).first()
    if target is None:
        target = RevenueTarget(service_line=service_line, year=year)
    target.amount = amount
    target.full_clean()
    target.save()
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
        due_date=due_date,
        number=number or None,
        series=series or (CREDIT_NOTE_SERIES if corrects is not None else DEFAULT_SERIES),
        status=InvoiceStatus.DRAFT,
        corrects=corrects,
        notes=notes,
        period_start=period_start,
    )
    built = _build_lines(invoice, lines)
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
    built = _build_lines(locked, lines)
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
    the draft's number is kept (the file's program gave it). Without `due_date` it is 30 days
    after the issue date, as for any new invoice.
    """
    locked = lock_invoice(invoice)
    v.validate_is_draft(locked.status)
    locked.client, locked.service_line, locked.contract = client, service_line, contract
    locked.issue_date, locked.due_date = issue_date, due_date
    built = _build_lines(locked, lines)
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
        locked.due_date = on + term if term is not None else None
    if locked.corrects_id is not None:
        lock_invoice(locked.corrects)
    apply_totals(locked, lines)
    locked.status = InvoiceStatus.ISSUED
    if not given_number:
        v.validate_typed_number(series=locked.series, number=locked.number)
    if not locked.number:
        locked.number = _next_number(series=locked.series, year=locked.issue_date.year)
        v.validate_issue_date_order(
            series=locked.series, issue_date=locked.issue_date, latest=_latest_issue_date(locked.series)
        )
    locked.full_clean()
    locked.save()
    return _refresh(invoice, locked)


def _latest_issue_date(series: str) -> date | None:
    """The date of the series' latest numbered invoice (read under the numbering lock)."""
    return (
        Invoice.objects.filter(series=series, number__isnull=False)
        .exclude(status=InvoiceStatus.DRAFT)
        .order_by("-issue_date")
        .values_list("issue_date", flat=True)
        .first()
    )


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
    locked.status = InvoiceStatus.CANCELLED
    locked.full_clean()
    locked.save(update_fields=["status"])
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


# --- Payments -------------------------------------------------------------------------------


def _lock_payment_invoices(record: Payment | Refund, model: type[Payment] | type[Refund]) -> Invoice:
    """Lock the record's invoice (and, if an edit moves it, its former one); return the new one.

    Locks are taken in primary-key order, so that two edits cannot deadlock.
    """
    if record.invoice_id is None:
        record.full_clean()  # refuses it: the invoice is required
    former = (
        model.objects.filter(pk=record.pk).values_list("invoice_id", flat=True).first() if record.pk else None
    )
    ids = sorted({record.invoice_id, former} - {None})
    locked = {
        invoice.pk: invoice
        for invoice in Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    if former is not None and former != record.invoice_id and model is Payment:
        # The invoice the payment leaves must still have received what it paid back.
        left = locked[former].balance(excluding_payment=record.pk)
        v.validate_payments_cover_refunds(paid=left.paid, refunded=left.refunded, number=str(locked[former]))
    return locked[record.invoice_id]


@transaction.atomic
def payment_save(*, payment: Payment) -> Payment:
    """Validate and save a new or edited payment, storing its net part.

    The invoice row is locked before the amount due is read, so that two payments cannot
    both pass the "never above the amount due" check (the second waits for the first).
    """
    invoice = _lock_payment_invoices(payment, Payment)
    payment.invoice = invoice
    payment.net_amount = (
        payment_net(payment.amount, invoice.net_amount, invoice.gross_amount) if payment.amount else ZERO
    )
    payment.full_clean()
    payment.save()
    return payment


def payment_record(
    *,
    invoice: Invoice,
    date: date,
    amount: Decimal,
    method: str = PaymentMethod.TRANSFER,
    reference: str = "",
) -> Payment:
    """Record money received (gross) for an issued invoice; partial payments are fine."""
    return payment_save(
        payment=Payment(invoice=invoice, date=date, amount=amount, method=method, reference=reference)
    )


@transaction.atomic
def payment_delete(*, payment: Payment) -> None:
    """Delete a payment, unless its invoice has paid back more than it would have received."""
    invoice = lock_invoice(payment.invoice)
    left = invoice.balance(excluding_payment=payment.pk)
    v.validate_payments_cover_refunds(paid=left.paid, refunded=left.refunded, number=str(invoice))
    delete_unless_protected(payment)


@transaction.atomic
def invoice_record_full_payment(
    *, invoice: Invoice, date: date, method: str = PaymentMethod.TRANSFER, reference: str = ""
) -> Payment:
    """Record a payment of exactly the amount due: gross + credit notes − payments + refunds."""
    locked = lock_invoice(invoice)
    amount_due = locked.balance().amount_due
    if locked.status != InvoiceStatus.ISSUED or locked.is_credit_note:
        v.validate_payment(
            amount=None,
            invoice_status=locked.status,
            is_credit_note=locked.is_credit_note,
            amount_due=amount_due,
            number=str(locked),
        )
    if amount_due <= 0:
        raise ValidationError(v.ERR_NOTHING_TO_PAY, code="nothing_to_pay", params={"number": str(locked)})
    return payment_record(invoice=locked, date=date, amount=amount_due, method=method, reference=reference)


# --- Refunds -------------------------------------------------------------------------------


@transaction.atomic
def refund_save(*, refund: Refund) -> Refund:
    """Validate and save a new or edited refund, storing its net part (as for a payment).

    The invoice row is locked before its payments and refunds are read: two refunds cannot
    both pay back the same money.
    """
    invoice = _lock_payment_invoices(refund, Refund)
    refund.invoice = invoice
    refund.net_amount = (
        payment_net(refund.amount, invoice.net_amount, invoice.gross_amount) if refund.amount else ZERO
    )
    refund.full_clean()
    refund.save()
    return refund


def refund_record(*, invoice: Invoice, date: date, amount: Decimal, reference: str = "") -> Refund:
    """Record money paid back (gross) to the client of an issued invoice."""
    return refund_save(refund=Refund(invoice=invoice, date=date, amount=amount, reference=reference))


@transaction.atomic
def refund_delete(*, refund: Refund) -> None:
    """Delete a refund: the invoice's amount due goes down by as much."""
    lock_invoice(refund.invoice)
    delete_unless_protected(refund)


# --- Contracts: drafting the invoices of recurring contracts -------------------------------


@transaction.atomic
def contract_draft_invoices(*, contract: Contract, period_start: date) -> tuple[Invoice, bool]:
    """Draft the invoice of one period of a recurring contract; (invoice, created).

    Idempotent: if the contract already has an invoice for that period (in any
    status), that invoice is returned with created=False and nothing is written.
    A unique constraint on (contract, period_start) backs this up.
    """
    contract = Contract.objects.select_for_update().select_related("service_line").get(pk=contract.pk)
    existing = Invoice.objects.filter(contract=contract, period_start=period_start).first()
    if existing is not None:
        return existing, False
    v.validate_draftable_period(
        kind=contract.kind,
        status=contract.status,
        start=contract.start_date,
        end=contract.end_date,
        billing_period=contract.billing_period,
        period_start=period_start,
        already_drafted=False,
    )
    last_day = period_end(
        start=contract.start_date, period_start=period_start, billing_period=contract.billing_period
    )
    what = contract.description or f"{contract.service_line.name} ({contract.reference})"
    description = _("%(what)s, %(start)s to %(end)s") % {
        "what": what,
        "start": date_format(period_start, "SHORT_DATE_FORMAT"),
        "end": date_format(last_day, "SHORT_DATE_FORMAT"),
    }
    assert contract.unit_price is not None  # a recurring contract always has one
    invoice = invoice_create(
        client=contract.client,
        service_line=contract.service_line,
        contract=contract,
        issue_date=period_start,
        lines=[
            LineInput(
                description=description,
                quantity=contract.quantity,
                unit_price=contract.unit_price,
                vat_rate=contract.vat_rate,
            )
        ],
        period_start=period_start,
    )
    return invoice, True


def contracts_draft_due_invoices(*, on: date, contracts: Iterable[Contract] | None = None) -> list[Invoice]:
    """Draft, for each active recurring contract, the invoice of the period containing `on`.

    Returns only the invoices created now; contracts already drafted for that
    period, or not running on that day, are skipped.
    """
    if contracts is None:
        contracts = Contract.objects.active().recurring().overlapping(on, on)
    created = []
    for contract in contracts:
        if contract.kind != ContractKind.RECURRING or contract.status != ContractStatus.ACTIVE:
            continue
        if contract.end_date is not None and on > contract.end_date:
            continue
        start = period_containing(start=contract.start_date, billing_period=contract.billing_period, on=on)
        if start is None:
            continue
        invoice, was_created = contract_draft_invoices(contract=contract, period_start=start)
        if was_created:
            created.append(invoice)
    return created


# --- Member turnover and margin rules ----------------------------------------------------------


@transaction.atomic
def member_turnover_record(
    *,
    month: date,
    turnover: Decimal,
    active_members: int | None = None,
    structure_rate: Decimal | None = None,
    fund_rate: Decimal | None = None,
) -> MemberTurnover:
    """Create or update the turnover of a month (any day of it may be given).

    Without rates the margin rule in force for the month applies when figures are
    read; a month with neither its own rates nor a rule in force is refused.
    """
    first = month.replace(day=1)
    row = MemberTurnover.objects.select_for_update().filter(month=first).first() or MemberTurnover(
        month=first
    )
    row.turnover = turnover
    row.active_members = active_members
    row.structure_rate = structure_rate
    row.fund_rate = fund_rate
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def margin_rule_create(
    *,
    name: str,
    valid_from: date,
    valid_to: date | None = None,
    structure_rate: Decimal | None = None,
    fund_rate: Decimal | None = None,
    bands: Sequence[tuple[Decimal, Decimal, Decimal]] = (),
) -> MarginRule:
    """A flat rule (structure + fund rates) or, with `bands` of (lower bound,
    structure rate, fund rate), a banded one."""
    kind = MarginRuleKind.BANDED if bands else MarginRuleKind.FLAT
    rule = MarginRule(
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        kind=kind,
        structure_rate=structure_rate,
        fund_rate=fund_rate,
    )
    rule.full_clean()
    v.validate_bands(kind=kind, lower_bounds=[Decimal(b[0]) for b in bands])
    rule.save()
    band_objects = [
        MarginBand(rule=rule, lower_bound=lower, structure_rate=structure, fund_rate=fund)
        for lower, structure, fund in bands
    ]
    for band in band_objects:
        band.full_clean()
    bulk_create_audited(band_objects, MarginBand)
    return rule


def payments_total(*, invoice: Invoice) -> Decimal:
    """Sum of the payments received for an invoice."""
    return round_money(invoice.payments.aggregate(total=Sum("amount", default=ZERO))["total"])


@transaction.atomic
def records_wipe() -> None:
    """Delete every services record, keeping the service lines (reference data).

    For `load_demo --reset`: children first, since most links are protected.
    Numbering counters go too, so a reloaded story numbers from 1 again.
    """
    Refund.objects.all().delete()
    Payment.objects.all().delete()
    Invoice.objects.filter(corrects__isnull=False).delete()
    Invoice.objects.all().delete()
    InvoiceNumberCounter.objects.all().delete()
    Contract.objects.all().delete()
    Partner.objects.all().delete()
    Client.objects.all().delete()
    RevenueTarget.objects.all().delete()
    MemberTurnover.objects.all().delete()
    MarginRule.objects.all().delete()


# --- Imports: many ordinary invoices at once ---------------------------------------------------


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
        due_date=due_date,
        number=number,
        series=DEFAULT_SERIES,
        status=InvoiceStatus.DRAFT,
        notes=notes,
    )
    built = _build_lines(invoice, lines)
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
    from simple_history.utils import bulk_create_with_history

    if not prepared:
        return []
    invoices = bulk_create_with_history([p.invoice for p in prepared], Invoice, default_user=user)
    lines = []
    for item, invoice in zip(prepared, invoices, strict=True):
        for line in item.lines:
            line.invoice = invoice
            lines.append(line)
    bulk_create_with_history(lines, InvoiceLine, default_user=user)
    return invoices
