"""Imports of services records (public contract 2): invoices, payments, refunds, member turnover.

Each importer parses a row with `smartiberica.kernel.importing.RowReader` and writes through
`services.actions`, so an import refuses what the admin refuses, with the same words.

Invoices are written in batches: new ordinary invoices are validated one by one with
`actions.invoice_prepare` (the checks of `invoice_create`) and written a thousand at a time by
`actions.invoices_save_batch`; credit notes, cancellations of existing invoices and changes of
drafts go through the usual one-invoice actions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.importing import (
    CREATED,
    ERR_DATABASE,
    UNCHANGED,
    UPDATED,
    Applied,
    Importer,
    RowError,
    RowReader,
    differences,
    shown,
)

from . import actions, selectors
from . import client_rules as terms
from . import validation as v
from .choices import DEFAULT_PAYMENT_TERM_DAYS, InvoiceStatus
from .models import Client, Contract, Invoice, MemberTurnover, Payment, Refund, ServiceLine

ERR_UNKNOWN_SERVICE = _("No service line has the code “%(code)s”.")
ERR_UNKNOWN_CONTRACT = _("No contract has the reference “%(reference)s”.")
ERR_UNKNOWN_INVOICE = _("No invoice has the number “%(number)s”.")
ERR_CREDIT_NOTE_NEEDS_CORRECTS = _(
    "A negative amount is a credit note: name the invoice it corrects in the column “corrects”."
)

BATCH_SIZE = 1000


def _rate(field: str) -> Callable[[Decimal], None]:
    return lambda value: v.validate_rate(value, field=field)


def _payment_positive(amount: Decimal) -> None:
    # The first rule of `validate_payment`, which needs the invoice for the others.
    if amount <= 0:
        raise ValidationError(v.ERR_PAYMENT_NOT_POSITIVE, code="payment_not_positive")


STATUSES = [InvoiceStatus.ISSUED.value, InvoiceStatus.CANCELLED.value]


# --- Invoices --------------------------------------------------------------------------------------


@dataclass
class InvoiceRow:
    row: int
    number: str
    issue_date: date
    client_name: str
    tax_id: str  # normalised
    service: ServiceLine
    net_amount: Decimal
    vat_rate: Decimal
    status: str
    due_date: date | None
    due_date_given: bool  # the column is present
    contract: Contract | None
    contract_given: bool
    corrects: str  # number of the corrected invoice, "" for an ordinary invoice
    corrects_given: bool

    def line(self) -> actions.LineInput:
        return actions.LineInput(
            description=self.service.name,
            quantity=Decimal(1),
            unit_price=self.net_amount,
            vat_rate=self.vat_rate,
        )

    def wanted(self, terms_days: int = DEFAULT_PAYMENT_TERM_DAYS) -> dict[str, Any]:
        """The columns as stored, to compare with an existing invoice (of a client with these terms)."""
        wanted: dict[str, Any] = {
            "issue_date": self.issue_date,
            "client_tax_id": self.tax_id,
            "service": self.service.code,
            "net_amount": self.net_amount,
            "vat_rate": self.vat_rate,
            "status": self.status,
        }
        if self.due_date_given:
            wanted["due_date"] = self.due_date or self.issue_date + timedelta(days=terms_days)
        if self.contract_given:
            wanted["contract"] = self.contract.reference if self.contract else ""
        if self.corrects_given:
            wanted["corrects"] = self.corrects
        return wanted


def single_vat_rate(invoice: Invoice) -> Decimal | None:
    """The VAT rate of an invoice whose lines all share one (None otherwise)."""
    rates = {line.vat_rate for line in invoice.lines.all()}
    return rates.pop() if len(rates) == 1 else None


def stored_columns(invoice: Invoice) -> dict[str, Any]:
    return {
        "issue_date": invoice.issue_date,
        "client_tax_id": invoice.client.tax_id,
        "service": invoice.service_line.code,
        "net_amount": invoice.net_amount,
        "vat_rate": single_vat_rate(invoice),
        "status": invoice.status,
        "due_date": invoice.due_date,
        "contract": invoice.contract.reference if invoice.contract is not None else "",
        "corrects": invoice.corrects.number if invoice.corrects is not None else "",
    }


class InvoiceImporter(Importer):
    kind = "invoices"
    required = ("number", "issue_date", "client", "client_tax_id", "service", "net_amount", "vat_rate")
    amount_columns = ("net_amount",)
    optional = ("status", "due_date", "contract", "corrects")
    field_columns: ClassVar[dict[str, str]] = {
        "number": "number",
        "series": "number",
        "issue_date": "issue_date",
        "due_date": "due_date",
        "client": "client_tax_id",
        "tax_id": "client_tax_id",
        "name": "client",
        "service_line": "service",
        "contract": "contract",
        "corrects": "corrects",
        "status": "status",
        "vat_rate": "vat_rate",
        "unit_price": "net_amount",
        "quantity": "net_amount",
        "net_amount": "net_amount",
    }
    default_column = "net_amount"
    key_column = "number"

    def start(self, columns: list[str]) -> None:
        super().start(columns)
        self.services = selectors.service_lines_by_code()
        self.contracts: dict[str, Contract | None] = {}
        self.clients: dict[str, Client] = {}
        self.tax_ids: dict[str, str] = {}  # as typed -> normalised, once checked
        self.pending: list[InvoiceRow] = []
        self.pending_numbers: set[str] = set()

    # Parsing ---------------------------------------------------------------------------------------

    def parse(self, reader: RowReader) -> InvoiceRow | None:
        number = reader.text("number", max_length=32)
        issue_date = reader.date("issue_date")
        client_name = reader.text("client", required=False)
        tax_id = self._tax_id(reader)
        code = reader.text("service")
        service = self.services.get(code) if code else None
        if code and service is None:
            reader.fail("service", ERR_UNKNOWN_SERVICE % {"code": code})
        net_amount = reader.amount("net_amount")
        vat_rate = reader.amount("vat_rate", validators=[_rate("vat_rate")])
        status = reader.choice("status", STATUSES, default=InvoiceStatus.ISSUED)
        due_date = reader.date("due_date", required=False)
        contract = self._contract(reader)
        corrects = reader.text("corrects", required=False)
        if net_amount is not None and net_amount < 0 and not corrects:
            reader.fail("corrects", ERR_CREDIT_NOTE_NEEDS_CORRECTS)
        reader.check()
        assert issue_date is not None and service is not None and net_amount is not None
        assert vat_rate is not None
        return InvoiceRow(
            row=reader.row.number,
            number=number,
            issue_date=issue_date,
            client_name=client_name,
            tax_id=tax_id,
            service=service,
            net_amount=net_amount,
            vat_rate=vat_rate,
            status=status,
            due_date=due_date,
            due_date_given=reader.has("due_date"),
            contract=contract,
            contract_given=reader.has("contract"),
            corrects=corrects,
            corrects_given=reader.has("corrects"),
        )

    def _tax_id(self, reader: RowReader) -> str:
        raw = reader.text("client_tax_id")
        if not raw:
            return ""
        if raw in self.tax_ids:
            return self.tax_ids[raw]
        normalised = v.normalize_tax_id(raw)
        try:
            normalised = v.validate_tax_id(raw, is_foreign=False)
        except ValidationError as error:
            if not Client.objects.filter(tax_id=normalised).exists():  # a known foreign client is fine
                for message in error.messages:
                    reader.fail("client_tax_id", message)
                return normalised
        if len(self.tax_ids) < 100_000:
            self.tax_ids[raw] = normalised
        return normalised

    def _contract(self, reader: RowReader) -> Contract | None:
        reference = reader.text("contract", required=False)
        if not reference:
            return None
        if reference not in self.contracts:
            self.contracts[reference] = Contract.objects.filter(reference=reference).first()
        contract = self.contracts[reference]
        if contract is None:
            reader.fail("contract", ERR_UNKNOWN_CONTRACT % {"reference": reference})
        return contract

    def key(self, parsed: InvoiceRow) -> Hashable:
        return parsed.number

    # Writing ---------------------------------------------------------------------------------------

    def apply(self, parsed: InvoiceRow, row: int) -> None:
        self.pending.append(parsed)
        self.pending_numbers.add(parsed.number)
        return None

    def flush_needed(self, parsed: Any = None) -> bool:
        if parsed is not None:
            # A credit note must see the invoice it corrects, even one of the rows held back.
            return bool(parsed.corrects) and parsed.corrects in self.pending_numbers
        return len(self.pending) >= BATCH_SIZE

    def _client(self, item: InvoiceRow) -> Client:
        client = self.clients.get(item.tax_id)
        if client is None:
            client, _created = actions.client_get_or_create(name=item.client_name, tax_id=item.tax_id)
            self.clients[item.tax_id] = client
        return client

    def flush(self) -> tuple[list[Applied | None], list[RowError]]:
        rows, self.pending, self.pending_numbers = self.pending, [], set()
        if not rows:
            return [], []
        existing = {
            invoice.number: invoice
            for invoice in Invoice.objects.filter(number__in=[r.number for r in rows])
            .select_related("client", "service_line", "contract", "corrects")
            .prefetch_related("lines")
        }
        self._load_clients({r.tax_id for r in rows})
        outcomes: list[Applied | None] = []
        errors: list[RowError] = []
        batch: list[actions.PreparedInvoice] = []

        def save_batch() -> None:
            if not batch:
                return
            try:
                with transaction.atomic():
                    actions.invoices_save_batch(prepared=batch, user=self.user)
            except DatabaseError as error:  # pragma: no cover - the checks above foresee it
                first = rows[0].row
                errors.append(RowError(first, self.default_column, str(ERR_DATABASE % {"reason": error})))
            batch.clear()

        with actions.services_rollups_batch():  # one refresh of the months of the whole batch
            for item in rows:
                try:
                    invoice = existing.get(item.number)
                    if invoice is not None:
                        save_batch()
                        outcomes.append(self._update(item, invoice))
                    elif item.corrects:
                        save_batch()
                        outcomes.append(self._credit_note(item))
                    else:
                        batch.append(self._prepare(item))
                        outcomes.append(Applied(CREATED, item.number))
                except ValidationError as error:
                    errors.extend(RowError(item.row, c, m) for c, m in self.errors_of(error))
                    outcomes.append(None)
            save_batch()
        return outcomes, errors

    def _load_clients(self, tax_ids: set[str]) -> None:
        missing = tax_ids - self.clients.keys()
        if missing:
            self.clients.update({c.tax_id: c for c in Client.objects.filter(tax_id__in=missing)})

    def _prepare(self, item: InvoiceRow) -> actions.PreparedInvoice:
        client = self._client(item)
        terms.validate_vat_rate_for_regime(regime=client.vat_regime, vat_rate=item.vat_rate)
        return actions.invoice_prepare(
            client=client,
            service_line=item.service,
            issue_date=item.issue_date,
            due_date=item.due_date,
            lines=[item.line()],
            number=item.number,
            status=item.status,
            contract=item.contract,
        )

    def _credit_note(self, item: InvoiceRow) -> Applied:
        original = Invoice.objects.filter(number=item.corrects).first()
        if original is None:
            raise ValidationError({"corrects": ERR_UNKNOWN_INVOICE % {"number": item.corrects}})
        client = self._client(item)
        # The rules of a credit note are checked by the action: same client, an issued ordinary
        # invoice, credits never above it. The client must be the original's.
        if client.pk != original.client_id:
            raise ValidationError({"corrects": v.ERR_CREDIT_OTHER_CLIENT})
        actions.invoice_create(
            client=client,
            service_line=item.service,
            contract=item.contract,
            issue_date=item.issue_date,
            due_date=item.due_date,
            lines=[item.line()],
            number=item.number,
            status=item.status,
            corrects=original,
        )
        return Applied(CREATED, item.number)

    def _update(self, item: InvoiceRow, invoice: Invoice) -> Applied:
        before = stored_columns(invoice)
        changes = differences(before, item.wanted(invoice.client.payment_terms_days))
        if not changes:
            return Applied(UNCHANGED, item.number)
        if invoice.status == InvoiceStatus.DRAFT:
            return self._complete_draft(item, invoice, changes)
        if set(changes) == {"status"} and item.status == InvoiceStatus.CANCELLED:
            actions.invoice_cancel(invoice=invoice)
            return Applied(UPDATED, item.number, changes)
        if invoice.status == InvoiceStatus.CANCELLED and "status" in changes:
            raise ValidationError({"status": v.ERR_ALREADY_CANCELLED})
        # An issued or cancelled invoice never changes: correct it with a credit note.
        raise ValidationError({_field_of(column): v.ERR_INVOICE_NOT_DRAFT for column in changes})

    def _complete_draft(self, item: InvoiceRow, invoice: Invoice, changes: dict[str, Any]) -> Applied:
        """A draft numbered in the admin becomes the file's invoice: the file's values win."""
        client = self._client(item)
        terms.validate_vat_rate_for_regime(regime=client.vat_regime, vat_rate=item.vat_rate)
        actions.invoice_complete_draft(
            invoice=invoice,
            client=client,
            service_line=item.service,
            issue_date=item.issue_date,
            due_date=item.due_date,
            contract=item.contract if item.contract_given else invoice.contract,
            lines=[item.line()],
            status=item.status,
        )
        return Applied(UPDATED, item.number, changes)


def _field_of(column: str) -> str:
    """The model field reported on `column` (the inverse of `field_columns` for the columns)."""
    return {"client_tax_id": "client", "service": "service_line"}.get(column, column)


# --- Payments --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRow:
    invoice: Invoice
    date: date
    amount: Decimal


class PaymentImporter(Importer):
    """Key: invoice + date + amount. The same payment twice in a file means two payments."""

    kind = "payments"
    required = ("invoice", "date", "amount")
    field_columns: ClassVar[dict[str, str]] = {"invoice": "invoice", "date": "date", "amount": "amount"}
    amount_columns = ("amount",)
    default_column = "amount"
    key_column = "amount"

    def start(self, columns: list[str]) -> None:
        super().start(columns)
        self.occurrences: Counter[tuple[int, date, Decimal]] = Counter()
        self.touched = actions.Touched()  # what the rows touched in the rollups, refreshed by `flush`

    def parse(self, reader: RowReader) -> PaymentRow | None:
        number = reader.text("invoice")
        invoice = Invoice.objects.filter(number=number).first() if number else None
        if number and invoice is None:
            reader.fail("invoice", ERR_UNKNOWN_INVOICE % {"number": number})
        day = reader.date("date")
        amount = reader.amount("amount", validators=[_payment_positive])
        reader.check()
        assert invoice is not None and day is not None and amount is not None
        return PaymentRow(invoice=invoice, date=day, amount=amount)

    def key(self, parsed: PaymentRow) -> Hashable:
        base = (parsed.invoice.pk, parsed.date, parsed.amount)
        self.occurrences[base] += 1
        return (*base, self.occurrences[base])

    def apply(self, parsed: PaymentRow, row: int) -> Applied:
        key = f"{parsed.invoice.number} {parsed.date.isoformat()} {parsed.amount}"
        occurrence = self.occurrences[(parsed.invoice.pk, parsed.date, parsed.amount)]
        stored = Payment.objects.filter(
            invoice=parsed.invoice, date=parsed.date, amount=parsed.amount
        ).count()
        if occurrence <= stored:
            return Applied(UNCHANGED, key)
        with actions.services_rollups_deferred(self.touched):
            actions.payment_record(invoice=parsed.invoice, date=parsed.date, amount=parsed.amount)
        return Applied(CREATED, key)

    def flush(self) -> tuple[list[Applied | None], list[RowError]]:
        # The end of the file: the rollups of the months its rows touched, once.
        actions.services_rollups_refresh(months=self.touched.months, invoices=self.touched.invoices)
        self.touched.clear()
        return [], []


# --- Refunds ---------------------------------------------------------------------------------------


def _refund_positive(amount: Decimal) -> None:
    # The first rule of `validate_refund`, which needs the invoice for the others.
    if amount <= 0:
        raise ValidationError(v.ERR_REFUND_NOT_POSITIVE, code="refund_not_positive")


@dataclass(frozen=True)
class RefundRow(PaymentRow):
    reference: str | None  # None: the column is absent (a stored reference is kept)


class RefundImporter(PaymentImporter):
    """Key: invoice + date + amount, as payments; the same refund twice in a file means two."""

    kind = "refunds"
    required = ("invoice", "date", "amount")
    optional = ("reference",)
    field_columns: ClassVar[dict[str, str]] = {
        "invoice": "invoice",
        "date": "date",
        "amount": "amount",
        "reference": "reference",
    }

    def parse(self, reader: RowReader) -> RefundRow | None:
        number = reader.text("invoice")
        invoice = Invoice.objects.filter(number=number).first() if number else None
        if number and invoice is None:
            reader.fail("invoice", ERR_UNKNOWN_INVOICE % {"number": number})
        day = reader.date("date")
        amount = reader.amount("amount", validators=[_refund_positive])
        reference = (
            reader.text("reference", required=False, max_length=100) if reader.has("reference") else None
        )
        reader.check()
        assert invoice is not None and day is not None and amount is not None
        return RefundRow(invoice=invoice, date=day, amount=amount, reference=reference)

    def apply(self, parsed: RefundRow, row: int) -> Applied:  # type: ignore[override]
        key = f"{parsed.invoice.number} {parsed.date.isoformat()} {parsed.amount}"
        occurrence = self.occurrences[(parsed.invoice.pk, parsed.date, parsed.amount)]
        stored = list(
            Refund.objects.filter(invoice=parsed.invoice, date=parsed.date, amount=parsed.amount).order_by(
                "pk"
            )
        )
        if occurrence > len(stored):
            with actions.services_rollups_deferred(self.touched):
                actions.refund_record(
                    invoice=parsed.invoice,
                    date=parsed.date,
                    amount=parsed.amount,
                    reference=parsed.reference or "",
                )
            return Applied(CREATED, key)
        refund = stored[occurrence - 1]
        if parsed.reference is None or parsed.reference == refund.reference:
            return Applied(UNCHANGED, key)
        changes = differences({"reference": refund.reference}, {"reference": parsed.reference})
        refund.reference = parsed.reference
        with actions.services_rollups_deferred(self.touched):
            actions.refund_save(refund=refund)
        return Applied(UPDATED, key, changes)


# --- Member turnover -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnoverRow:
    month: date
    values: dict[str, Any]  # turnover and the optional columns present in the file


class MemberTurnoverImporter(Importer):
    kind = "member-turnover"
    required = ("month", "turnover")
    amount_columns = ("turnover",)
    optional = ("structure_rate", "fund_rate", "active_members")
    field_columns: ClassVar[dict[str, str]] = {
        "month": "month",
        "turnover": "turnover",
        "structure_rate": "structure_rate",
        "fund_rate": "fund_rate",
        "active_members": "active_members",
    }
    default_column = "structure_rate"
    key_column = "month"

    def parse(self, reader: RowReader) -> TurnoverRow | None:
        month = reader.month("month")
        values: dict[str, Any] = {"turnover": reader.amount("turnover", validators=[v.validate_turnover])}
        for column in ("structure_rate", "fund_rate"):
            # A month without its own rates takes the margin rule in force, also when it had
            # rates of its own before: an absent or empty rate column clears them.
            values[column] = (
                reader.amount(column, required=False, validators=[_rate(column)])
                if reader.has(column)
                else None
            )
        if reader.has("active_members"):
            values["active_members"] = reader.integer("active_members", required=False)
        reader.check()
        assert month is not None
        return TurnoverRow(month=month, values=values)

    def key(self, parsed: TurnoverRow) -> Hashable:
        return parsed.month

    def apply(self, parsed: TurnoverRow, row: int) -> Applied:
        key = parsed.month.strftime("%Y-%m")
        stored = MemberTurnover.objects.filter(month=parsed.month).first()
        before = (
            {
                "turnover": stored.turnover,
                "structure_rate": stored.structure_rate,
                "fund_rate": stored.fund_rate,
                "active_members": stored.active_members,
            }
            if stored is not None
            else {}
        )
        merged = {**before, **parsed.values}
        changes = differences(before, parsed.values) if stored is not None else {}
        if stored is not None and not changes:
            return Applied(UNCHANGED, key)
        actions.member_turnover_record(
            month=parsed.month,
            turnover=merged["turnover"],
            active_members=merged.get("active_members"),
            structure_rate=merged.get("structure_rate"),
            fund_rate=merged.get("fund_rate"),
        )
        return Applied(CREATED if stored is None else UPDATED, key, changes)


IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (InvoiceImporter, PaymentImporter, RefundImporter, MemberTurnoverImporter)
}

__all__ = [
    "IMPORTERS",
    "InvoiceImporter",
    "MemberTurnoverImporter",
    "PaymentImporter",
    "RefundImporter",
    "shown",
]
