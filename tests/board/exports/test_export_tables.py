"""Registered tables reach both exports: a sheet each in the workbook, a block of rows in the CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from smartiberica.board import exports
from smartiberica.board.export_tables import ExportColumn, ExportRow, ExportTable, year_tables
from smartiberica.board.figures import YearlyFigures, yearly_figures


def _lines_table(figures: YearlyFigures) -> ExportTable:
    return ExportTable(
        section="lines",
        title=f"Lines {figures.year}",
        row_header="Line",
        columns=(
            ExportColumn(key="revenue", label="Revenue (€)", kind="money"),
            ExportColumn(key="margin_rate", label="Margin rate", kind="ratio"),
        ),
        rows=(
            ExportRow(
                key="crowdfunding", label="Crowdfunding", values=(Decimal("1200.50"), Decimal("0.2500"))
            ),
            ExportRow(key="total", label="Total", values=(Decimal("1200.50"), None)),
        ),
    )


def test_each_builder_gives_one_table_for_the_year(db: None) -> None:
    figures = yearly_figures(year=2024)

    tables = year_tables(figures, builders=(_lines_table,))

    assert [table.title for table in tables] == ["Lines 2024"]


def test_a_table_becomes_a_sheet_with_number_formats(db: None) -> None:
    figures = yearly_figures(year=2024)

    book = load_workbook(io.BytesIO(exports.to_xlsx(figures, year_tables(figures, builders=(_lines_table,)))))

    sheet = book["Lines 2024"]
    assert [cell.value for cell in sheet[1]] == ["Line", "Revenue (€)", "Margin rate"]
    assert [cell.value for cell in sheet[2]] == ["Crowdfunding", 1200.5, 0.25]
    assert sheet["B2"].number_format == exports.MONEY_FORMAT
    assert sheet["C2"].number_format == exports.PERCENT_FORMAT
    assert sheet["C3"].value is None


def test_a_table_becomes_csv_rows_keyed_by_row_and_column(db: None) -> None:
    figures = yearly_figures(year=2024)

    text = exports.to_csv(figures, year_tables(figures, builders=(_lines_table,)))

    rows = [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if row[2] == "lines"]
    assert rows == [
        ["2024", "accrual", "lines", "crowdfunding.revenue", "Crowdfunding", "1200.50"],
        ["2024", "accrual", "lines", "crowdfunding.margin_rate", "Crowdfunding", "0.2500"],
        ["2024", "accrual", "lines", "total.revenue", "Total", "1200.50"],
        ["2024", "accrual", "lines", "total.margin_rate", "Total", ""],
    ]
