"""A year's figures as a spreadsheet (XLSX, for people) and as CSV (for programs).

Both are built from the same `YearlyFigures` as the page and the API, plus the tables of
`export_tables` (one sheet each; CSV rows keyed "<row key>.<column key>"). Money
cells are numbers with a number format, never text; ratios are fractions with a
percentage format. The CSV is UTF-8 with a byte-order mark (so Excel reads the
accents), comma-separated, with dot decimals: one row per figure.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from smartiberica.board import figure_registry as registry
from smartiberica.board.export_tables import ExportTable
from smartiberica.board.figures import RATIO_NAMES, YearlyFigures
from smartiberica.kernel.money import ratio
from smartiberica.kernel.spreadsheet_safety import escape_csv_text, xlsx_cell

MONEY_FORMAT = '#,##0.00 "€";-#,##0.00 "€"'
PERCENT_FORMAT = "0.0%"
INDEX_FORMAT = "0.0000"
RATE_FORMAT = '0.00" %"'  # a rate already in percent: 6.60 reads "6.60 %"
BOLD = Font(bold=True)

Row = tuple[str, str, str, Decimal | str | None, str]  # section, key, label, value, kind


def _labels() -> dict[str, str]:
    # The registry's labels: the same words as the pages.
    return registry.labels()


SUMMARY_MONEY = (
    "own_revenue",
    "services_revenue",
    "member_margin",
    "guarantee_fund",
    "external_support",
    "in_kind_shared_services",
    "loan_drawdowns",
    "loan_interest",
    "loan_principal_repaid",
    "loan_outstanding_year_end",
    "total_costs",
    "budgeted_costs",
    "funding_gap",
)


def rows(figures: YearlyFigures) -> Iterator[Row]:
    """Every figure of the year as (section, key, label, value, kind) rows."""
    labels = _labels()
    for key in SUMMARY_MONEY:
        yield "summary", key, labels[key], getattr(figures, key), "money"
    yield (
        "summary",
        "break_even_structure_rate",
        labels["break_even_structure_rate"],
        figures.break_even_structure_rate,
        "rate",
    )
    for key in RATIO_NAMES:
        yield "ratios", key, labels[key], getattr(figures.ratios, key), "index" if key == "hhi" else "ratio"
    yield "ratios", "top_funder", _("Top funder"), figures.top_funder or "", "text"
    for code, amount in figures.revenue_by_service.items():
        yield "revenue_by_service", code, figures.service_names.get(code, code), amount, "money"
    for client in figures.revenue_by_client:
        yield "revenue_by_client", client.tax_id, client.name, client.amount, "money"
    for code, amount in figures.external_support_by_source.items():
        yield "external_support_by_source", code, figures.source_names.get(code, code), amount, "money"
    for code, amount in figures.costs_by_category.items():
        yield "costs_by_category", code, figures.category_names.get(code, code), amount, "money"
    for code, amount in figures.budgeted_by_category.items():
        yield "budget_by_category", code, figures.category_names.get(code, code), amount, "money"
    for month, amount in sorted(figures.revenue_by_month.items()):
        yield (
            "revenue_by_month",
            f"{figures.year}-{month:02d}",
            f"{figures.year}-{month:02d}",
            amount,
            "money",
        )


def table_rows(table: ExportTable) -> Iterator[Row]:
    """A table as figure rows: one per cell, keyed "<row key>.<column key>"."""
    for row in table.rows:
        for column, value in zip(table.columns, row.values, strict=True):
            yield table.section, f"{row.key}.{column.key}", row.label, _csv_value(value), column.kind


def _csv_value(value: object) -> Decimal | str | None:
    if value is None or isinstance(value, Decimal):
        return value
    return str(value)


def to_csv(figures: YearlyFigures, tables: Sequence[ExportTable] = ()) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["year", "basis", "section", "key", "label", "value"])
    every_row = [*rows(figures), *(row for table in tables for row in table_rows(table))]
    for section, key, label, value, _kind in every_row:
        cells = [figures.year, figures.basis, section, key, label, "" if value is None else value]
        writer.writerow([escape_csv_text(cell) for cell in cells])
    return buffer.getvalue()


def _sheet(workbook: Workbook, title: str, widths: Sequence[int]) -> Any:
    # Write-only sheets stream their rows: column widths must be set before any row.
    sheet = workbook.create_sheet(title[:31])
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    return sheet


def _row(
    sheet: Any, values: Sequence[object], formats: Sequence[str | None] = (), *, bold: bool = False
) -> None:
    cells = []
    for index, value in enumerate(values):
        cell = xlsx_cell(sheet, value)
        number_format = formats[index] if index < len(formats) else None
        if number_format and value is not None:
            cell.number_format = number_format
        if bold:
            cell.font = BOLD
        cells.append(cell)
    sheet.append(cells)


def _table(
    sheet: Any, header: Sequence[str], body: Sequence[Sequence[object]], formats: Sequence[str | None]
) -> None:
    _row(sheet, header, bold=True)
    for values in body:
        _row(sheet, values, formats)


COLUMN_FORMATS: dict[str, str | None] = {
    "money": MONEY_FORMAT,
    "ratio": PERCENT_FORMAT,
    "rate": RATE_FORMAT,
    "number": None,
    "text": None,
}


def _export_table(workbook: Workbook, table: ExportTable) -> None:
    sheet = _sheet(workbook, table.title, [42] + [18] * len(table.columns))
    _table(
        sheet,
        [table.row_header, *(column.label for column in table.columns)],
        [[row.label, *row.values] for row in table.rows],
        [None, *(COLUMN_FORMATS[column.kind] for column in table.columns)],
    )


def to_xlsx(figures: YearlyFigures, tables: Sequence[ExportTable] = ()) -> bytes:
    """The year as a workbook, written in write-only (streaming) mode."""
    labels = _labels()
    names = {**figures.service_names, **figures.source_names, **figures.category_names}
    workbook = Workbook(write_only=True)

    summary = _sheet(workbook, _("Summary"), [42, 18])
    _row(summary, [_("Yearly figures %(year)s") % {"year": figures.year}], bold=True)
    _row(summary, [_("accrual basis") if figures.basis == "accrual" else _("cash basis")])
    _row(summary, [])
    _table(
        summary,
        [_("Figure"), _("Amount (€)")],
        [[labels[key], getattr(figures, key)] for key in SUMMARY_MONEY],
        [None, MONEY_FORMAT],
    )
    _row(
        summary,
        [labels["break_even_structure_rate"], figures.break_even_structure_rate],
        [None, RATE_FORMAT],
    )
    _row(summary, [])
    _row(summary, [_("Ratio"), _("Value")], bold=True)
    for key in RATIO_NAMES:
        _row(
            summary,
            [labels[key], getattr(figures.ratios, key)],
            [None, INDEX_FORMAT if key == "hhi" else PERCENT_FORMAT],
        )
    _row(summary, [_("Top funder"), names.get(figures.top_funder or "", figures.top_funder or "")])

    revenue = _sheet(workbook, _("Revenue"), [42, 18, 18, 18])
    targets = figures.revenue_targets
    body: list[list[object]] = [
        [
            names.get(code, code),
            amount,
            targets.get(code),
            ratio(amount, targets[code]) if targets.get(code) else None,
        ]
        for code, amount in figures.revenue_by_service.items()
    ]
    body.append([_("Member margin"), figures.member_margin, None, None])
    _table(
        revenue,
        [_("Service line"), _("Revenue (€)"), _("Target (€)"), _("Achieved")],
        body,
        [None, MONEY_FORMAT, MONEY_FORMAT, PERCENT_FORMAT],
    )
    chart = BarChart()
    chart.type = "bar"
    chart.title = _("Revenue by service line")
    chart.add_data(Reference(revenue, min_col=2, min_row=1, max_row=len(body) + 1), titles_from_data=True)
    chart.set_categories(Reference(revenue, min_col=1, min_row=2, max_row=len(body) + 1))
    chart.height, chart.width = 8, 16
    revenue.add_chart(chart, "F2")

    clients = _sheet(workbook, _("Clients"), [42, 18, 18, 12])
    _table(
        clients,
        [_("Client"), _("Tax id"), _("Revenue (€)"), _("Share")],
        [
            [c.name, c.tax_id, c.amount, ratio(c.amount, figures.services_revenue)]
            for c in figures.revenue_by_client
        ],
        [None, None, MONEY_FORMAT, PERCENT_FORMAT],
    )

    support = _sheet(workbook, _("External support"), [42, 18])
    _table(
        support,
        [_("Source"), _("Amount (€)")],
        [[names.get(code, code), amount] for code, amount in figures.external_support_by_source.items()]
        + [[_("Loan drawdowns (financing)"), figures.loan_drawdowns]],
        [None, MONEY_FORMAT],
    )

    costs = _sheet(workbook, _("Costs"), [42, 18, 18, 18, 12])
    cost_rows: list[list[object]] = []
    for code, actual in figures.costs_by_category.items():
        budget = figures.budgeted_by_category.get(code)
        variance = None if budget is None else actual - budget
        share = None if budget is None else ratio(actual - budget, budget)
        cost_rows.append([names.get(code, code), budget, actual, variance, share])
    cost_rows.append([labels["loan_interest"], None, figures.loan_interest, None, None])
    cost_rows.append([labels["in_kind_shared_services"], None, figures.in_kind_shared_services, None, None])
    cost_rows.append([labels["total_costs"], figures.budgeted_costs, figures.total_costs, None, None])
    _table(
        costs,
        [_("Category"), _("Budget (€)"), _("Actual (€)"), _("Variance (€)"), _("Variance")],
        cost_rows,
        [None, MONEY_FORMAT, MONEY_FORMAT, MONEY_FORMAT, PERCENT_FORMAT],
    )

    loan = _sheet(workbook, _("Loan"), [42, 18])
    loan_keys = ("loan_drawdowns", "loan_interest", "loan_principal_repaid", "loan_outstanding_year_end")
    _table(
        loan,
        [_("Figure"), _("Amount (€)")],
        [[labels[k], getattr(figures, k)] for k in loan_keys],
        [None, MONEY_FORMAT],
    )

    months = _sheet(workbook, _("Months"), [18, 22])
    _table(
        months,
        [_("Month"), _("Services revenue (€)")],
        [[f"{figures.year}-{m:02d}", a] for m, a in sorted(figures.revenue_by_month.items())],
        [None, MONEY_FORMAT],
    )
    for table in tables:
        _export_table(workbook, table)

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
