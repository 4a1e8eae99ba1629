"""The exports carry the receivables at the year's ageing day and the days to payment of the year
(the debts of tests/board/receivables/conftest.py)."""

from __future__ import annotations

import csv
import io

from django.test import Client as HttpClient
from django.utils import translation
from openpyxl import load_workbook

from smartiberica.board import exports
from tests.board.receivables.conftest import Debts


def csv_rows(client: HttpClient, section: str) -> dict[str, tuple[str, str]]:
    text = client.get("/years/2024/export.csv").content.decode()
    return {
        row[3]: (row[4], row[5])
        for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))
        if row[2] == section
    }


def test_the_csv_carries_every_clients_ageing_keyed_by_tax_id(debts: Debts, board_client: HttpClient) -> None:
    rows = csv_rows(board_client, "receivables")

    assert rows["FR04602060147.days_over_90"] == ("Hachette Livre", "2000.00")
    assert rows["FR04602060147.not_due"] == ("Hachette Livre", "0.00")
    assert rows["B58818501.days_0_30"] == ("Acme Ediciones SL", "1210.00")
    # Every client (no "others" in an export): 13 clients and the total, six columns each.
    assert len(rows) == 14 * 6
    assert rows["total.total"][1] == "4541.00"
    assert rows["total.not_due"][1] == "1331.00"


def test_the_csv_carries_the_days_to_payment(debts: Debts, board_client: HttpClient) -> None:
    rows = csv_rows(board_client, "days_to_payment")

    assert rows["FR04602060147.days"] == ("Hachette Livre", "75.0")
    assert rows["B58818501.days"] == ("Acme Ediciones SL", "30.0")
    assert rows["B58818501.amount"][1] == "1210.00"
    assert rows["total.days"][1] == "58.0"
    assert rows["total.amount"][1] == "3210.00"
    assert rows["total.payments"][1] == "2"


def test_the_workbook_has_a_receivables_sheet_and_a_days_to_payment_sheet(
    debts: Debts, board_client: HttpClient
) -> None:
    with translation.override("en"):
        content = board_client.get("/years/2024/export.xlsx", HTTP_ACCEPT_LANGUAGE="en").content
    book = load_workbook(io.BytesIO(content))

    ageing = book["Receivables 2024"]
    assert [cell.value for cell in ageing[1]] == [
        "Client (on 12/31/2024)",
        "Not yet due",
        "0–30 days",
        "31–60 days",
        "61–90 days",
        "Over 90 days",
        "Total",
    ]
    assert [cell.value for cell in ageing[2]] == ["Hachette Livre", 0, 0, 0, 0, 2000, 2000]
    assert ageing["F2"].number_format == exports.MONEY_FORMAT
    assert [cell.value for cell in ageing[ageing.max_row]] == ["Total", 1331, 1210, 0, 0, 2000, 4541]
    days = book["Days to payment 2024"]
    assert [cell.value for cell in days[days.max_row]] == ["All clients", 58, 3210, 2]
