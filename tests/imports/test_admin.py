"""Imports and exports in the admin: staff only, a preview before anything is written, then confirm."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from funding.models import Expense, FundingSource
from services.models import Invoice
from smartiberica.kernel.importing import ImportResult
from tests.imports.conftest import EXAMPLE_FILES, example

pytestmark = pytest.mark.django_db

SOURCES = "code,name,kind\nsmart-belgium,Smart Belgium,parent_support\nfiare,Fiare Banca Etica,loan\n"
ADMINS = {
    "funding-sources": "funding_fundingsource",
    "funding-receipts": "funding_fundingreceipt",
    "expenses": "funding_expense",
    "invoices": "services_invoice",
    "payments": "services_payment",
    "refunds": "services_refund",
    "member-turnover": "services_memberturnover",
}


def url(kind: str, view: str) -> str:
    return reverse(f"admin:{ADMINS[kind]}_{view}")


def upload(client: Client, kind: str, content: bytes, name: str = "file.csv") -> Any:
    """Upload a file and follow to its preview job's page (the job runs inline in the tests)."""
    return client.post(url(kind, "import"), {"import_file": io.BytesIO(content) | _named(name)}, follow=True)


class _named:
    """`BytesIO(...) | _named("x.csv")`: a file object with a name, as Django's test client wants."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __ror__(self, stream: io.BytesIO) -> io.BytesIO:
        stream.name = self.name
        return stream


def test_staff_see_the_import_and_export_buttons_on_the_seven_lists(staff_client: Client) -> None:
    for kind in ADMINS:
        page = staff_client.get(url(kind, "changelist"))
        assert page.status_code == 200
        assert url(kind, "import").encode() in page.content, kind
        assert url(kind, "export").encode() in page.content, kind


def test_board_members_get_no_import_nor_export(board_client: Client) -> None:
    for kind in ADMINS:
        page = board_client.get(url(kind, "changelist"))
        assert page.status_code == 200
        assert url(kind, "import").encode() not in page.content
        assert url(kind, "export").encode() not in page.content
        assert board_client.get(url(kind, "import")).status_code == 403
        assert board_client.get(url(kind, "export")).status_code == 403
    response = board_client.post(
        url("funding-sources", "import"), {"import_file": io.BytesIO(b"x") | _named("a.csv")}
    )
    assert response.status_code == 403
    assert FundingSource.objects.count() == 0


def test_the_expense_list_keeps_its_filtered_total_under_the_buttons(staff_client: Client) -> None:
    page = staff_client.get(url("expenses", "changelist"))
    assert b"filtered-total" in page.content or "filtered_total" in page.context


def test_the_preview_shows_new_and_changed_rows_and_writes_nothing(
    staff_client: Client, run: Callable[..., ImportResult]
) -> None:
    assert run("funding-sources", "code,name,kind\nfiare,Fiare,loan\n").ok
    page = upload(staff_client, "funding-sources", SOURCES.encode())
    assert page.status_code == 200
    result = page.context["result"]
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    html = page.content.decode()
    assert 'class="import-created"' in html and 'class="import-updated"' in html
    assert "Fiare Banca Etica" in html  # the change, before → after
    assert "Confirm the import" in html
    assert list(FundingSource.objects.values_list("code", "name")) == [("fiare", "Fiare")]


def test_the_preview_shows_each_rows_amount_as_the_reader_writes_it(staff_client: Client) -> None:
    file = "date,category,supplier,amount,reference\n2024-02-01,premises,Casero SL,1234.50,ALQ-2024-02\n"
    page = upload(staff_client, "expenses", file.encode())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="import-created"' in html
    assert "€1,234.50" in html  # the file's "1234.50", written the English admin's way


def test_confirming_the_preview_imports_the_file_as_the_staff_user(
    staff_client: Client, staff_user: Any
) -> None:
    page = upload(staff_client, "funding-sources", SOURCES.encode(), "sources.csv")
    preview = page.context["job"]
    response = staff_client.post(url("funding-sources", "process_import"), {"job": preview.pk})
    assert response.status_code == 302
    done = staff_client.get(response["Location"])
    assert 'data-outcome="imported"' in done.content.decode()
    assert "sources.csv imported: 2 created, 0 updated, 0 unchanged." in done.content.decode()
    assert url("funding-sources", "changelist") in done.content.decode()
    assert FundingSource.objects.count() == 2
    history = FundingSource.history.filter(code="smart-belgium").get()
    assert history.history_type == "+"
    assert history.history_user == staff_user
    # The upload is used up: confirming twice writes nothing more and says why.
    again = staff_client.post(url("funding-sources", "process_import"), {"job": preview.pk})
    assert "already been confirmed" in again.content.decode()
    assert FundingSource.objects.count() == 2


def test_a_refused_file_lists_every_error_with_its_row_and_column_and_offers_no_confirm(
    staff_client: Client,
) -> None:
    content = b"code,name,kind\nok,Fine,grant\nbad,,grant\nworse,Worse,lottery\n"
    page = upload(staff_client, "funding-sources", content)
    html = page.content.decode()
    errors = [(e.row, e.column) for e in page.context["result"].errors]
    assert errors == [(3, "name"), (4, "kind")]
    assert 'id="refused-rows"' in html
    assert "Confirm the import" not in html
    assert FundingSource.objects.count() == 0


def test_an_unreadable_upload_gets_one_clear_message(staff_client: Client) -> None:
    page = upload(staff_client, "expenses", b"\x00\x01\x02 not a table")
    assert page.context["result"].unreadable
    assert 'data-outcome="unreadable"' in page.content.decode()
    assert "Traceback" not in page.content.decode()


def test_the_admin_refuses_what_the_command_refuses_with_the_same_messages(
    staff_client: Client, run: Callable[..., ImportResult]
) -> None:
    content = (
        b"date,category,supplier,amount,reference\n2024-01-05,nope,Acme,-3,E-1\n2024-13-01,it,Acme,1,E-2\n"
    )
    command = run("expenses", content)
    page = upload(staff_client, "expenses", content)
    assert [str(e) for e in page.context["result"].errors] == command.error_lines()
    assert len(command.errors) == 3


def test_export_to_csv_then_import_changes_nothing(
    staff_client: Client, imported_examples: dict[str, ImportResult], run: Callable[..., ImportResult]
) -> None:
    for kind in EXAMPLE_FILES:
        response = staff_client.post(url(kind, "export"), {"format": "0", "resource": "0"})
        assert response.status_code == 200, kind
        again = run(kind, response.getvalue())
        assert again.ok, (kind, again.error_lines())
        assert (again.created, again.updated, again.unchanged) == (0, 0, imported_examples[kind].created), (
            kind
        )


def test_export_to_xlsx_then_import_changes_nothing(
    staff_client: Client, imported_examples: dict[str, ImportResult], run: Callable[..., ImportResult]
) -> None:
    for kind in EXAMPLE_FILES:
        response = staff_client.post(url(kind, "export"), {"format": "1", "resource": "0"})
        assert response.status_code == 200, kind
        content = response.getvalue()  # streamed: it can be read once only
        assert load_workbook(io.BytesIO(content)).active.max_row == imported_examples[kind].created + 1
        again = run(kind, content)
        assert again.ok, (kind, again.error_lines())
        assert (again.created, again.updated, again.unchanged) == (0, 0, imported_examples[kind].created), (
            kind
        )


def test_exported_invoices_name_the_columns_of_the_import(
    staff_client: Client, imported_examples: dict[str, ImportResult]
) -> None:
    response = staff_client.post(url("invoices", "export"), {"format": "0", "resource": "0"})
    header, *rows = response.getvalue().decode("utf-8-sig").splitlines()
    assert header == example("invoices").read_text().splitlines()[0]
    assert len(rows) == Invoice.objects.exclude(status="draft").count()


def test_the_resource_import_delegates_to_the_importer(imported_examples: dict[str, ImportResult]) -> None:
    import tablib

    from funding.resources import ExpenseResource

    dataset = tablib.Dataset(headers=["date", "category", "supplier", "amount", "reference"])
    dataset.append(["2024-01-05", "it", "Acme", "12,50", "E-NEW"])
    dataset.append(["2024-01-06", "it", "Acme", "0", "E-ZERO"])
    result = ExpenseResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [3]
    assert not Expense.objects.filter(reference__startswith="E-").exists()
    dataset.pop()
    result = ExpenseResource().import_data(dataset, dry_run=False)
    assert not result.has_validation_errors()
    assert Expense.objects.get(reference="E-NEW").amount == Decimal("12.50")


def test_previews_never_confirmed_are_removed_after_a_day(staff_client: Client) -> None:
    import os
    import time

    from smartiberica.kernel.import_admin import UPLOAD_DIR

    page = upload(staff_client, "funding-sources", SOURCES.encode())
    stale = UPLOAD_DIR / page.context["job"].token
    assert stale.is_file()
    old = time.time() - 2 * 24 * 3600
    os.utime(stale, (old, old))
    fresh = upload(staff_client, "funding-sources", SOURCES.encode())
    assert not stale.exists()
    assert (UPLOAD_DIR / fresh.context["job"].token).is_file()
