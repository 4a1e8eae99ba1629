"""Imports of funding records (public contract 2): funding sources, funding receipts, expenses.

Each importer parses a row with `smartiberica.kernel.importing.RowReader` and writes through
`funding.actions`, so an import refuses what the admin refuses, with the same words. Run them with
`smartiberica.kernel.importing.run_import` (the `import_records` command and the admin do).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from funding import actions, selectors
from funding import validation as v
from funding.actions.rollups import collecting_months
from funding.loan_checks import LoanLookalikes
from funding.models import Expense, ExpenseCategory, FundingReceipt, FundingSource
from funding.models.costs import service_line_model
from smartiberica.kernel.importing import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Applied,
    Importer,
    RowError,
    RowReader,
    differences,
)

ERR_UNKNOWN_SOURCE = _("No funding source has the code “%(code)s”.")
ERR_UNKNOWN_CATEGORY = _("No expense category has the code “%(code)s”.")
ERR_UNKNOWN_SERVICE = _("No service line has the code “%(code)s”.")


def _outcome(instance_exists: bool, changes: dict[str, tuple[str, str]]) -> str:
    if not instance_exists:
        return CREATED
    return UPDATED if changes else UNCHANGED


# --- Funding sources ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    code: str
    name: str
    kind: str


class FundingSourceImporter(Importer):
    kind = "funding-sources"
    required = ("code", "name", "kind")
    field_columns: ClassVar[dict[str, str]] = {"code": "code", "name": "name", "kind": "kind"}
    default_column = "code"
    key_column = "code"

    def parse(self, reader: RowReader) -> SourceRow:
        return SourceRow(code=reader.text("code"), name=reader.text("name"), kind=reader.text("kind").lower())

    def key(self, parsed: SourceRow) -> Hashable:
        return parsed.code

    def apply(self, parsed: SourceRow, row: int) -> Applied:
        source = FundingSource.objects.filter(code=parsed.code).first()
        wanted = {"name": parsed.name, "kind": parsed.kind}
        if source is None:
            actions.source_create(code=parsed.code, name=parsed.name, kind=parsed.kind)
            return Applied(CREATED, parsed.code)
        changes = differences({"name": source.name, "kind": source.kind}, wanted)
        if changes:
            actions.source_update(source=source, name=parsed.name, kind=parsed.kind)
        return Applied(_outcome(True, changes), parsed.code, changes)


class _RollupsOnce:
    """The monthly rollups of an import's rows refreshed once for the file, not once per row:
    rows are written inside `collecting_months`, and `flush()` (at the end of the file) refreshes
    the months they touched."""

    def start(self, columns: list[str]) -> None:
        super().start(columns)  # type: ignore[misc]
        self.touched_months: set[date] = set()

    def apply(self, parsed: Any, row: int) -> Applied:
        with collecting_months(self.touched_months):
            return self.write(parsed, row)

    def write(self, parsed: Any, row: int) -> Applied:
        raise NotImplementedError

    def flush(self) -> tuple[list[Applied | None], list[RowError]]:
        actions.funding_rollups_refresh(months=self.touched_months)
        self.touched_months.clear()
        return [], []


# --- Receipts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptRow:
    date: date | None
    source: FundingSource | None
    amount: Decimal | None
    reference: str
    description: str | None  # None: the column is absent (leave the stored one)


class _SourceLookup:
    def start(self, columns: list[str]) -> None:
        super().start(columns)  # type: ignore[misc]
        self.sources = {source.code: source for source in FundingSource.objects.all()}

    def source(self, reader: RowReader, column: str = "source") -> FundingSource | None:
        code = reader.text(column)
        if not code:
            return None
        found = self.sources.get(code)
        if found is None:
            reader.fail(column, ERR_UNKNOWN_SOURCE % {"code": code})
        return found


class FundingReceiptImporter(_RollupsOnce, _SourceLookup, Importer):
    kind = "funding-receipts"
    required = ("date", "source", "amount", "reference")
    amount_columns = ("amount",)
    optional = ("description",)
    field_columns: ClassVar[dict[str, str]] = {
        "date": "date",
        "source": "source",
        "amount": "amount",
        "reference": "reference",
        "description": "description",
        "agreement": "source",
    }
    default_column = "reference"
    key_column = "reference"

    def parse(self, reader: RowReader) -> ReceiptRow:
        return ReceiptRow(
            date=reader.date("date"),
            source=self.source(reader),
            amount=reader.amount("amount", validators=[v.validate_positive_amount]),
            reference=reader.text("reference"),
            description=reader.text("description", required=False) if reader.has("description") else None,
        )

    def key(self, parsed: ReceiptRow) -> Hashable:
        return (parsed.source.pk if parsed.source else None, parsed.reference)

    def write(self, parsed: ReceiptRow, row: int) -> Applied:
        assert parsed.source is not None and parsed.date is not None and parsed.amount is not None
        key = f"{parsed.source.code} {parsed.reference}"
        receipt = FundingReceipt.objects.filter(source=parsed.source, reference=parsed.reference).first()
        if receipt is None:
            actions.receipt_create(
                source=parsed.source,
                date=parsed.date,
                amount=parsed.amount,
                reference=parsed.reference,
                description=parsed.description or "",
            )
            return Applied(CREATED, key)
        wanted: dict[str, Any] = {"date": parsed.date, "amount": parsed.amount}
        if parsed.description is not None:
            wanted["description"] = parsed.description
        before = {"date": receipt.date, "amount": receipt.amount, "description": receipt.description}
        changes = differences(before, wanted)
        if changes:
            actions.receipt_update(
                receipt=receipt, date=parsed.date, amount=parsed.amount, description=parsed.description
            )
        return Applied(_outcome(True, changes), key, changes)


# --- Expenses --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpenseRow:
    date: date | None
    category: ExpenseCategory | None
    supplier: str
    amount: Decimal | None
    reference: str
    description: str | None
    service: str | None  # a service line code, "" for none; None: the column is absent (leave it)


def service_lines_by_code() -> dict[str, Model]:
    """Every service line by code (one query), read through the expense's foreign key: funding
    names the services app's model, never imports it."""
    return service_line_model()._default_manager.in_bulk(field_name="code")


class ExpenseImporter(_RollupsOnce, Importer):
    kind = "expenses"
    required = ("date", "category", "supplier", "amount", "reference")
    amount_columns = ("amount",)
    optional = ("description", "service")
    field_columns: ClassVar[dict[str, str]] = {
        "date": "date",
        "category": "category",
        "supplier": "supplier",
        "amount": "amount",
        "reference": "reference",
        "description": "description",
        "service_line": "service",
    }
    default_column = "reference"
    key_column = "reference"

    def start(self, columns: list[str]) -> None:
        super().start(columns)
        self.categories = selectors.categories_by_code()
        self.service_lines = service_lines_by_code()
        self.service_codes = {line.pk: code for code, line in self.service_lines.items()}
        # Loaded once: the check costs no query per row.
        self.loan_lookalikes = LoanLookalikes.load()

    def parse(self, reader: RowReader) -> ExpenseRow:
        code = reader.text("category")
        category = self.categories.get(code) if code else None
        if code and category is None:
            reader.fail("category", ERR_UNKNOWN_CATEGORY % {"code": code})
        service = reader.text("service", required=False) if reader.has("service") else None
        if service and service not in self.service_lines:
            reader.fail("service", ERR_UNKNOWN_SERVICE % {"code": service})
        return ExpenseRow(
            date=reader.date("date"),
            category=category,
            supplier=reader.text("supplier"),
            amount=reader.amount("amount", validators=[v.validate_positive_amount]),
            reference=reader.text("reference"),
            description=reader.text("description", required=False) if reader.has("description") else None,
            service=service,
        )

    def key(self, parsed: ExpenseRow) -> Hashable:
        return parsed.reference

    def write(self, parsed: ExpenseRow, row: int) -> Applied:
        applied = self._write(parsed)
        # Warned once written: a refused row gets its error, not a warning as well.
        found = self.loan_lookalikes.check(on=parsed.date, amount=parsed.amount, supplier=parsed.supplier)
        if found is not None:
            self.warn(row, *found)
        return applied

    def _write(self, parsed: ExpenseRow) -> Applied:
        assert parsed.category is not None and parsed.date is not None and parsed.amount is not None
        expense = Expense.objects.filter(reference=parsed.reference).select_related("category").first()
        line = self.service_lines.get(parsed.service) if parsed.service else None
        if expense is None:
            actions.expense_create(
                date=parsed.date,
                category=parsed.category,
                supplier=parsed.supplier,
                amount=parsed.amount,
                reference=parsed.reference,
                description=parsed.description or "",
                service_line=line,
            )
            return Applied(CREATED, parsed.reference)
        wanted: dict[str, Any] = {
            "date": parsed.date,
            "category": parsed.category.code,
            "supplier": parsed.supplier,
            "amount": parsed.amount,
        }
        if parsed.description is not None:
            wanted["description"] = parsed.description
        if parsed.service is not None:
            wanted["service"] = parsed.service
        before = {
            "date": expense.date,
            "category": expense.category.code,
            "supplier": expense.supplier,
            "amount": expense.amount,
            "description": expense.description,
            "service": self.service_codes.get(expense.service_line_id, ""),
        }
        changes = differences(before, wanted)
        if changes:
            actions.expense_update(
                expense=expense,
                date=parsed.date,
                category=parsed.category,
                supplier=parsed.supplier,
                amount=parsed.amount,
                description=parsed.description,
                service_line=actions.KEEP if parsed.service is None else line,
            )
        return Applied(_outcome(True, changes), parsed.reference, changes)


IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer for importer in (FundingSourceImporter, FundingReceiptImporter, ExpenseImporter)
}
