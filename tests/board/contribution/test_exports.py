"""The year's exports carry the contribution by service line: a sheet, and CSV rows keyed
"<line code>.<column>" (the book of conftest.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from smartiberica.board import exports
from smartiberica.board.contribution import export_table
from smartiberica.board.export_tables import BUILDERS
from smartiberica.board.figures import yearly_figures
from tests.board.contribution.conftest import Book

pytestmark = pytest.mark.django_db


def test_the_contribution_table_is_registered_with_the_exports() -> None:
    assert export_table in BUILDERS


def test_the_workbook_has_a_contribution_sheet(book: Book, board_client: Client) -> None:
    with translation.override("en"):
        content = exports.to_xlsx(yearly_figures(year=2024), [export_table(yearly_figures(year=2024))])

    sheet = load_workbook(io.BytesIO(content))["Contribution"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [
        [
            "Service line",
            "Revenue (€)",
            "Partner shares (€)",
            "Direct costs (€)",
            "Contribution (€)",
            "Margin rate",
        ],
        ["Crowdfunding advice", 4600.1, 1200.04, 100, 3300.06, 0.7174],
        ["Server rental and MS Teams licences", 1000, 0, 750.5, 249.5, 0.2495],
        ["Total", 5600.1, 1200.04, 850.5, 3549.56, 0.6338],
    ]
    assert sheet["B2"].number_format == exports.MONEY_FORMAT
    assert sheet["F2"].number_format == exports.PERCENT_FORMAT


def test_the_downloaded_workbook_and_csv_carry_the_table(book: Book, board_client: Client) -> None:
    board_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    workbook = load_workbook(io.BytesIO(board_client.get("/years/2024/export.xlsx").content))
    assert workbook.sheetnames[-len(BUILDERS) :][BUILDERS.index(export_table)] == "Contribution"
    assert workbook["Contribution"]["E4"].value == 3549.56  # the total's contribution

    text = board_client.get("/years/2024/export.csv?basis=cash").content.decode("utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(text)) if row[2] == "contribution_by_service"]
    assert [(row[0], row[1], row[3], row[5]) for row in rows if row[3].startswith("it-licensing.")] == [
        ("2024", "cash", "it-licensing.revenue", "0.00"),
        ("2024", "cash", "it-licensing.partner_shares", "0.00"),
        ("2024", "cash", "it-licensing.direct_costs", "750.50"),
        ("2024", "cash", "it-licensing.contribution", "-750.50"),
        ("2024", "cash", "it-licensing.margin_rate", ""),
    ]
    totals = {row[3]: row[5] for row in rows if row[3].startswith("total.")}
    assert totals == {
        "total.revenue": "2900.10",
        "total.partner_shares": "870.04",
        "total.direct_costs": "850.50",
        "total.contribution": "1179.56",
        "total.margin_rate": "0.4067",
    }
