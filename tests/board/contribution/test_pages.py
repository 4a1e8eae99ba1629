"""The contribution on the year page (with its drill-down) and the multi-year page, on the book of
conftest.py, read in English ("€4,600.10")."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smartiberica.board import drilldown
from smartiberica.board.contribution import partner_contracts_url
from tests.board.contribution.conftest import Book, direct_cost
from tests.services.factories import line, make_invoice, service

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seen_in_march_2026() -> Iterator[None]:
    # 2024 and 2025 are over, 2026 is the year in progress.
    with time_machine.travel("2026-03-02 10:00:00+01:00", tick=False):
        yield


@pytest.fixture
def english(board_client: Client) -> Client:
    board_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return board_client


def section(html: str) -> str:
    return html.split('id="contribution-title"')[1].split("</section>")[0]


def row(html: str, code: str) -> str:
    return section(html).split(f'data-line="{code}"')[1].split("</tr>")[0]


def cells(row_html: str) -> list[str]:
    found = re.findall(r'<td class="num">(.*?)</td>', row_html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in found]


def links(row_html: str) -> list[str]:
    return [html_lib.unescape(href) for href in re.findall(r'href="([^"]+)"', row_html)]


def test_the_year_page_shows_each_lines_contribution_and_the_total(book: Book, english: Client) -> None:
    html = english.get("/years/2024/").content.decode()

    assert "<caption>What each service line keeps in 2024" in section(html)
    assert cells(row(html, "crowdfunding")) == ["€4,600.10", "€1,200.04", "€100.00", "€3,300.06", "71.7%"]
    assert cells(row(html, "it-licensing")) == ["€1,000.00", "€0.00", "€750.50", "€249.50", "25.0%"]
    assert cells(row(html, "total")) == ["€5,600.10", "€1,200.04", "€850.50", "€3,549.56", "63.4%"]
    assert 'data-line="prl-training"' not in section(html)  # nothing sold, nothing spent


def test_each_amount_opens_the_records_behind_it(book: Book, english: Client) -> None:
    html = english.get("/years/2024/").content.decode()

    assert links(row(html, "crowdfunding")) == [
        drilldown.issued_invoices(2024, service="crowdfunding"),
        "/admin/services/contract/?service_line__code__exact=crowdfunding&partner__isempty=0",
        "/admin/funding/expense/?date_year=2024&service_line__code__exact=crowdfunding",
    ]
    # No partner on IT licensing: its zero links nowhere.
    assert links(row(html, "it-licensing")) == [
        drilldown.issued_invoices(2024, service="it-licensing"),
        drilldown.expenses(2024, service="it-licensing"),
    ]


def test_the_drill_down_lands_on_the_records_and_their_total(book: Book, english: Client) -> None:
    expenses = english.get(drilldown.expenses(2024, service="it-licensing"))
    assert expenses.status_code == 200
    assert expenses.context["filtered_total"] == D("750.50")
    assert {e.pk for e in expenses.context["cl"].result_list} == {e.pk for e in book.licences}

    contracts = english.get(partner_contracts_url("crowdfunding"))
    assert contracts.status_code == 200
    assert [c.pk for c in contracts.context["cl"].result_list] == [book.contract.pk]
    assert english.get(partner_contracts_url("it-licensing")).context["cl"].result_count == 0


def test_on_the_cash_basis_revenue_opens_the_payments(book: Book, english: Client) -> None:
    html = english.get("/years/2024/?basis=cash").content.decode()

    assert cells(row(html, "crowdfunding")) == ["€2,900.10", "€870.04", "€100.00", "€1,930.06", "66.6%"]
    assert cells(row(html, "it-licensing")) == ["€0.00", "€0.00", "€750.50", "-€750.50", "—"]
    assert links(row(html, "crowdfunding"))[0] == drilldown.payments(2024, service="crowdfunding")
    assert links(row(html, "it-licensing")) == [drilldown.expenses(2024, service="it-licensing")]


def test_a_year_without_lines_says_so(db: None, english: Client) -> None:
    html = english.get("/years/2024/").content.decode()

    assert "No service line sold or spent anything this year." in section(html)
    assert cells(row(html, "total")) == ["€0.00", "€0.00", "€0.00", "€0.00", "—"]


def test_the_section_adds_two_queries_that_do_not_grow_with_the_data(
    book: Book, board_client: Client
) -> None:
    board_client.get("/years/2024/")  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as small:
        board_client.get("/years/2024/")
    for day in range(1, 10):
        direct_cost("prl-training", "10.00", date(2024, 1, day))
    with CaptureQueriesContext(connection) as large:
        board_client.get("/years/2024/")
    assert len(large) == len(small)
    sql = [q["sql"] for q in small.captured_queries]
    assert sum('"funding_expense"."service_line_id" IS NOT NULL' in q for q in sql) == 1
    assert sum('"partner_shares"' in q for q in sql) == 1


@pytest.fixture
def grown(book: Book) -> Book:
    """2023: IT licensing sold 500.00 and spent 50.00 (450.00 kept); 2024 sells more, keeps less."""
    make_invoice(
        service_line=service("it-licensing"),
        issue_date=date(2023, 6, 1),
        lines=[line("500.00")],
        number="F2023-0001",
    )
    return book


def trend_row(html: str, code: str) -> str:
    table = html.split('id="contribution-title"')[1].split('<div class="print-only">')[0]
    return table.split(f'data-line="{code}"')[1].split("</tr>")[0]


def test_the_multi_year_table_shows_each_lines_contribution_and_rate_year_by_year(
    grown: Book, english: Client
) -> None:
    html = english.get("/years/").content.decode()
    table = html.split('id="contribution-title"')[1].split('<div class="print-only">')[0]

    # 2025 has a payment but no accrual revenue nor cost: no column for it.
    assert re.findall(r'<th scope="col" class="num">([^<]*)', table) == ["2023", "2024", "Change 2023 → 2024"]
    # 2023: 500.00 − 50.00 = 450.00 (90 %); 2024: 249.50 (25 %): revenue up, contribution down.
    licensing = trend_row(html, "it-licensing")
    assert cells(licensing) == ["€450.00 90.0%", "€249.50 25.0%", "▼ -€200.50 less"]
    assert 'data-flag="revenue-up-contribution-down"' in licensing
    assert "revenue up, contribution down" in licensing
    # Crowdfunding starts in 2024: nothing to compare with.
    crowdfunding = trend_row(html, "crowdfunding")
    assert cells(crowdfunding) == ["—", "€3,300.06 71.7%", "—"]
    assert "data-flag" not in crowdfunding
    assert cells(trend_row(html, "total")) == ["€450.00 90.0%", "€3,549.56 63.4%", "▲ +€3,099.56 more"]


def test_the_change_leaves_out_the_year_in_progress(grown: Book, english: Client) -> None:
    direct_cost("it-licensing", "80.00", date(2026, 1, 15))

    html = english.get("/years/").content.decode()

    # Columns 2023, 2024 and 2026 (to date, with its cost); the change still compares 2023 and 2024.
    table = html.split('id="contribution-title"')[1].split('<div class="print-only">')[0]
    assert '2026 <span class="muted year-to-date">(year to date)</span>' in table
    assert "Change 2023 → 2024" in table
    assert cells(trend_row(html, "it-licensing"))[2:] == ["-€80.00 —", "▼ -€200.50 less"]


def test_the_multi_year_page_adds_two_queries_whatever_the_data(grown: Book, board_client: Client) -> None:
    board_client.get("/years/")
    with CaptureQueriesContext(connection) as small:
        board_client.get("/years/")
    for day in range(1, 10):
        direct_cost("admin-services", "10.00", date(2023, 1, day))
    with CaptureQueriesContext(connection) as large:
        board_client.get("/years/")
    assert len(large) == len(small)


def test_the_print_copy_groups_the_years(grown: Book, english: Client) -> None:
    html = english.get("/years/").content.decode()
    printed = (
        html.split('id="contribution-title"')[1].split('<div class="print-only">')[1].split("</section>")[0]
    )

    assert printed.count("<table") == 1
    assert 'data-flag="revenue-up-contribution-down"' in printed
