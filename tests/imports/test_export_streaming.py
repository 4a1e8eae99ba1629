"""Staff exports of any size download within the worker timeout: streamed, read in key chunks."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from services.models import Invoice
from smartiberica.kernel import export_streaming
from smartiberica.kernel.export_streaming import iter_by_key_chunks
from smartiberica.kernel.importing import ImportResult
from tests.imports.test_admin import url

pytestmark = pytest.mark.django_db


def test_the_csv_export_is_streamed_row_by_row(
    staff_client: Client, imported_examples: dict[str, ImportResult]
) -> None:
    response = staff_client.post(url("invoices", "export"), {"format": "0", "resource": "0"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="Invoice-')
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == Invoice.objects.exclude(status="draft").count() > 0


def test_the_xlsx_export_is_streamed_from_a_file(
    staff_client: Client, imported_examples: dict[str, ImportResult]
) -> None:
    response = staff_client.post(url("invoices", "export"), {"format": "1", "resource": "0"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.max_row == Invoice.objects.exclude(status="draft").count() + 1


def test_the_export_reads_records_in_chunks_whatever_their_order(
    staff_client: Client, imported_examples: dict[str, ImportResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    # One query for the ordered keys, then one per chunk (plus its prefetch): linear in the rows,
    # where OFFSET pages re-sorted and re-annotated the whole list for each page.
    monkeypatch.setattr(export_streaming, "CHUNK_ROWS", 2)
    expected = list(Invoice.objects.exclude(status="draft").order_by("corrects_id", "issue_date", "number"))
    with CaptureQueriesContext(connection) as queries:
        body = staff_client.post(url("invoices", "export"), {"format": "0", "resource": "0"}).getvalue()
    numbers = [row["number"] for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))]
    assert numbers == [invoice.number for invoice in expected]
    offsets = [
        q["sql"] for q in queries.captured_queries if "OFFSET" in q["sql"] and "services_invoice" in q["sql"]
    ]
    assert offsets == []


def test_chunks_keep_the_order_of_the_queryset(imported_examples: dict[str, ImportResult]) -> None:
    queryset = Invoice.objects.order_by("-number")
    numbers = list(queryset.values_list("number", flat=True))
    assert len(numbers) >= 3
    assert [i.number for i in iter_by_key_chunks(queryset, chunk_rows=2)] == numbers
    assert list(iter_by_key_chunks(Invoice.objects.none())) == []


def test_the_export_keeps_the_filters_of_the_list(
    staff_client: Client, imported_examples: dict[str, ImportResult]
) -> None:
    cancelled = set(Invoice.objects.filter(status="cancelled").values_list("number", flat=True))
    assert cancelled and Invoice.objects.exclude(status="cancelled").exists()
    body = staff_client.post(
        url("invoices", "export") + "?status__exact=cancelled", {"format": "0", "resource": "0"}
    ).getvalue()
    assert {row["number"] for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))} == cancelled
