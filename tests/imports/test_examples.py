"""The example files of docs/import-examples import as the docs say, and re-import unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from funding.models import Expense, FundingReceipt, FundingSource
from services.models import Client, Invoice, MemberTurnover, Payment, Refund
from smartiberica.kernel.importing import ImportResult
from tests.imports.conftest import EXAMPLE_FILES, example


def test_every_example_file_imports_and_creates_its_rows(imported_examples: dict[str, ImportResult]) -> None:
    assert {kind: r.created for kind, r in imported_examples.items()} == {
        "funding-sources": 3,
        "funding-receipts": 3,
        "expenses": 3,
        "invoices": 4,
        "payments": 3,
        "refunds": 1,
        "member-turnover": 3,
    }
    assert FundingSource.objects.count() == 3
    assert FundingReceipt.objects.get(reference="FIARE-2020-01").amount == Decimal("60000.00")
    assert Expense.objects.get(reference="MS-2021-0042").amount == Decimal("1234.56")
    assert Payment.objects.count() == 3
    refund = Refund.objects.select_related("invoice").get()
    assert (refund.invoice.number, refund.date, refund.amount, refund.net_amount, refund.reference) == (
        "F2021-0002",
        date(2021, 5, 3),
        Decimal("145.20"),
        Decimal("120.00"),
        "DEV-2021-001",
    )
    assert MemberTurnover.objects.get(month__month=2).structure_rate is None


def test_the_invoices_example_keeps_numbers_statuses_and_the_credit_note(
    imported_examples: dict[str, ImportResult],
) -> None:
    invoices = {i.number: i for i in Invoice.objects.select_related("corrects", "client")}
    assert invoices["F2021-0001"].status == "issued"
    assert invoices["F2021-0001"].gross_amount == Decimal("4840.00")
    assert invoices["F2021-0002"].status == "issued"
    assert invoices["F2021-0003"].status == "cancelled"
    credit = invoices["R2021-0001"]
    assert credit.corrects == invoices["F2021-0001"]
    assert credit.net_amount == Decimal("-500.00")
    assert credit.client == invoices["F2021-0001"].client
    assert Client.objects.count() == 3
    assert all(invoice.lines.count() == 1 for invoice in invoices.values())


@pytest.mark.parametrize("kind", list(EXAMPLE_FILES))
def test_re_importing_an_example_file_changes_nothing(
    kind: str, imported_examples: dict[str, ImportResult], run: Callable[..., ImportResult]
) -> None:
    again = run(kind, example(kind))
    assert again.ok, again.error_lines()
    assert (again.created, again.updated, again.unchanged) == (0, 0, imported_examples[kind].created)
