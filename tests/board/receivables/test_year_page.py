"""The year page's receivables: the ageing at 31 December (today for the year in progress) of the
ten largest debtors, the others and the total, linked to their invoices; and the days to payment
(the debts of tests/board/receivables/conftest.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import translation

from smartiberica.board.receivables import receivables_card
from tests.board.receivables.conftest import Debts
from tests.services.factories import make_client, make_invoice

D = Decimal
EMPTY = "€0.00"


def english(client: HttpClient, url: str) -> str:
    """A page read in English (its words are msgids until the catalogs have them)."""
    with translation.override("en"):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def section(html: str) -> str:
    return html.split('data-section="receivables"')[1].split("</section>")[0]


def cells(html: str, key: str) -> list[str]:
    """A row of the ageing table: its label, then its amounts as the page writes them."""
    table = section(html).split('data-table="receivables"')[1].split("</table>")[0]
    row = table.split(f'data-client="{key}"')[1].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]


def test_the_year_page_ages_what_clients_owed_at_31_december(debts: Debts, board_client: HttpClient) -> None:
    html = english(board_client, "/years/2024/")

    caption = section(html).split("</caption>")[0]
    assert "What clients owed on Dec. 31, 2024, by days past the due date" in caption
    # Columns: not yet due, 0–30, 31–60, 61–90, over 90 days past due, total.
    assert cells(html, "FR04602060147") == ["Hachette Livre", *[EMPTY] * 4, "€2,000.00", "€2,000.00"]
    assert cells(html, "B58818501") == ["Acme Ediciones SL", EMPTY, "€1,210.00", *[EMPTY] * 3, "€1,210.00"]
    assert cells(html, "others") == ["3 other clients", "€363.00", *[EMPTY] * 4, "€363.00"]
    assert cells(html, "total") == ["Total", "€1,331.00", "€1,210.00", EMPTY, EMPTY, "€2,000.00", "€4,541.00"]


def test_the_ten_largest_debtors_are_listed_then_the_others_together(debts: Debts, board_client: Any) -> None:
    page = board_client.get("/years/2024/").context["page"]

    card = page.receivables
    names = [row.label for row in card.rows]
    assert names[:2] == ["Hachette Livre", "Acme Ediciones SL"]
    assert names[2:10] == [f"Cliente {n:02d}" for n in range(1, 9)]
    assert [row.kind for row in card.rows][-1] == "others"
    assert card.rows[-1].buckets.total == D("363.00")
    assert card.total.buckets.total == D("4541.00")


def test_each_row_links_to_the_invoices_open_on_the_day(debts: Debts, staff_client: HttpClient) -> None:
    card = receivables_card(year=2024)
    hachette_url = card.rows[0].url

    assert (
        hachette_url == f"/admin/services/invoice/?open_on=2024-12-31&client__id__exact={debts.hachette.pk}"
    )
    listed = staff_client.get(hachette_url).context["cl"].result_list
    assert [invoice.pk for invoice in listed] == [debts.hachette_open.pk]  # its paid one is not
    assert len(staff_client.get(card.total.url).context["cl"].result_list) == 13


def test_the_days_to_payment_are_weighted_by_the_amounts(debts: Debts, board_client: HttpClient) -> None:
    html = english(board_client, "/years/2024/")

    table = section(html).split('data-table="days-to-payment"')[1].split("</table>")[0]
    assert re.search(r'Hachette Livre</th><td class="num">75.0</td><td class="num">€2,000.00</td>', table)
    assert re.search(r'Acme Ediciones SL</th><td class="num">30.0</td><td class="num">€1,210.00</td>', table)
    assert re.search(r'data-days="all">.*?<td class="num">58.0</td>', table)


def test_the_year_in_progress_is_aged_today(debts: Debts, board_client: HttpClient) -> None:
    with translation.override("en"):
        card = receivables_card(year=2025)

    assert (card.on, card.in_progress) == (date(2025, 3, 15), True)
    # On 15 March 2025 Acme's F4 (due 1 December) is 104 days past due, the small invoices (due
    # 9 January) 65 days, Hachette's F3 196 days.
    assert (card.total.buckets.days_over_90, card.total.buckets.days_61_90) == (D("3210.00"), D("1331.00"))
    assert card.payment_days == () and card.average_days is None  # nothing paid in 2025 yet
    html = english(board_client, "/years/2025/")
    assert "What clients owe today (March 15, 2025)" in section(html).split("</caption>")[0]


def test_the_section_costs_eight_queries_whatever_the_clients(
    debts: Debts, django_assert_num_queries: Any
) -> None:
    # No ageing kept for 31 December (1), the ten largest debtors and the others together from
    # the rollups (5), the payers of the year and their average (2).
    with django_assert_num_queries(8):
        receivables_card(year=2024)
    for n in range(5):
        make_invoice(client=make_client(), issue_date=date(2024, 12, 20), number=f"IMP-{n}")
    with django_assert_num_queries(8):
        card = receivables_card(year=2024)
    assert card.total.buckets.total == D("4541.00") + 5 * D("121.00")


@pytest.mark.usefixtures("in_march_2025")
def test_a_year_without_receivables_says_so(board_client: HttpClient) -> None:
    html = english(board_client, "/years/2024/")

    assert "No client owed anything on that day." in section(html)
    assert "No payment received this year." in section(html)
