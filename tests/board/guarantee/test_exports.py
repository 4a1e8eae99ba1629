"""The year's guarantee fund ledger in the exports: a sheet of the workbook, a block of CSV rows
(the 2024 ledger of tests/board/guarantee/conftest.py)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from smartiberica.board import exports
from smartiberica.board.export_tables import BUILDERS, year_tables
from smartiberica.board.figures import yearly_figures
from smartiberica.board.guarantee_fund import guarantee_fund_table

D = Decimal


def test_the_ledger_is_a_registered_export_table() -> None:
    assert guarantee_fund_table in BUILDERS


def test_the_csv_carries_the_ledger_keyed_by_line(fund: None, board_client: Client) -> None:
    text = board_client.get("/years/2024/export.csv").content.decode("utf-8-sig")

    rows = [row for row in csv.reader(io.StringIO(text)) if row[2] == "guarantee_fund_ledger"]
    assert [(row[0], row[1], row[3], row[5]) for row in rows] == [
        ("2024", "accrual", "opening_balance.amount", "346.91"),
        ("2024", "accrual", "inflows.amount", "400.00"),
        ("2024", "accrual", "advances_paid.amount", "300.00"),
        ("2024", "accrual", "recoveries.amount", "500.00"),
        ("2024", "accrual", "closing_balance.amount", "946.91"),
        ("2024", "accrual", "outstanding_advances.amount", "300.00"),
    ]


def test_the_workbook_has_a_sheet_of_the_ledger_with_money_cells(fund: None) -> None:
    with translation.override("en"):
        figures = yearly_figures(year=2023)
        book = load_workbook(io.BytesIO(exports.to_xlsx(figures, year_tables(figures))))

    sheet = book["Guarantee fund 2023"]
    assert [cell.value for cell in sheet[1]] == ["Guarantee fund ledger", "Amount"]
    assert [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=2)] == [
        ("Balance at 1 January", 0),
        ("Inflows: the fund's part of the member margin", 846.91),
        ("Advances paid to members", 621),
        ("Advances recovered", 121),
        ("Balance at 31 December", 346.91),
        ("Advances outstanding at 31 December", 500),
    ]
    assert sheet["B2"].number_format == exports.MONEY_FORMAT
