"""The scenario comparison page's cash rows on the plan seen on 15 July 2025, with the bank account
of tests/board/cash/bank.py (2,500.00 on 30 June, the day every column is seen from): the cash
projected at year end and the runway in every column (hand computed in test_year_page.py)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartiberica.board import comparison
from smartiberica.board.cash_outlook import Runway
from tests.board.cash.bank import open_fiare
from tests.board.projection.plan import Plan
from tests.board.projection.test_pages import differences, page_of, row, row_html, values, without_smart

NBSP = "\u00a0"
URL = reverse("year-scenarios", args=[2025])


def money(text: str) -> str:
    return text.replace(" ", NBSP)


def runways(html: str) -> list[str]:
    return re.findall(r'data-runway="(\w+)"', row_html(html, comparison.RUNWAY))


@pytest.fixture
def compared(plan: Plan, board_user: Any) -> Plan:
    without_smart(plan, board_user)
    return plan


@pytest.mark.usefixtures("compared")
def test_stopping_smart_belgium_leaves_less_cash_at_year_end_and_shortens_the_runway(
    board_client: Client,
) -> None:
    open_fiare()
    response = board_client.get(f"{URL}?compare=sin-smart")
    html = response.content.decode()
    # 2,500.00 + 1,552.26; without the 3,000.00 of September and of December: 6,000.00 less.
    assert values(html, comparison.CASH_YEAR_END) == [money("4.052,26 €"), money("-1.947,74 €")]
    assert differences(html, comparison.CASH_YEAR_END) == [money("-6.000,00 €")]
    assert 'class="diff bad"' in row_html(html, comparison.CASH_YEAR_END)
    # The baseline never falls below zero (its run-rate is +818.39 a month); without Smart
    # Belgium the cash is −656.45 at the end of November, the fifth month after 30 June.
    assert runways(html) == ["beyond", "5"]
    baseline, scenario = (cell.runway for cell in row(page_of(response), comparison.RUNWAY))
    assert scenario == Runway(months=5, below_zero_by=date(2025, 11, 30))
    assert baseline is not None and scenario.shorter_than(baseline)


@pytest.mark.usefixtures("compared")
def test_without_an_account_open_on_the_columns_day_the_cash_rows_say_so(board_client: Client) -> None:
    open_fiare(opened=date(2025, 7, 1), movements=())
    html = board_client.get(f"{URL}?compare=sin-smart").content.decode()
    assert values(html, comparison.CASH_YEAR_END) == ["—", "—"]
    assert values(html, comparison.RUNWAY) == ["—", "—"]
    assert 'data-cash-unavailable="no_account"' in html


@pytest.mark.usefixtures("compared")
def test_the_cash_rows_cost_one_query_whatever_the_columns_and_the_bank_lines(board_client: Client) -> None:
    def queries(query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert board_client.get(f"{URL}?{query}").status_code == 200
        return len(captured)

    without_bank = [queries(""), queries("compare=sin-smart")]
    open_fiare()
    # The cash on the day every column is seen from: one query, with or without an account.
    assert [queries(""), queries("compare=sin-smart")] == without_bank
