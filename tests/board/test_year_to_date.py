"""The year in progress is labelled "year to date", and its budget execution is also measured pro rata.

Before: the current year's page read like a finished year's, and its costs so far were set
against the whole year's budget (40 % in April looked like an underspend).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from smartiberica.board.dashboard import year_to_date
from smartiberica.board.figures import yearly_figures
from smartiberica.kernel.money import ratio
from smartiberica.kernel.templatetags.money import percent
from tests.board.story import Story

D = Decimal
YTD_MSGID = "year to date"  # compared through gettext: the catalogs may translate it


def ytd(language: str = "es") -> str:
    with translation.override(language):
        return translation.gettext(YTD_MSGID)


@pytest.fixture
def april_2024() -> Iterator[None]:
    """1 April 2024: day 92 of a 366-day year."""
    with time_machine.travel("2024-04-01 10:00:00+02:00", tick=False):
        yield


@pytest.mark.usefixtures("april_2024")
def test_the_current_year_is_labelled_year_to_date_in_its_title_and_heading(
    story: Story, board_client: Client
) -> None:
    html = board_client.get("/years/2024/").content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    heading = html.split("<h1")[1].split("</h1>")[0]
    assert ytd() in title
    assert ytd() in heading


@pytest.mark.usefixtures("april_2024")
def test_a_finished_year_is_not_labelled_year_to_date(story: Story, board_client: Client) -> None:
    response = board_client.get("/years/2023/")
    assert response.context["page"].to_date is None
    assert ytd() not in response.content.decode()


@pytest.mark.usefixtures("april_2024")
def test_budget_execution_to_date_is_measured_against_the_pro_rata_budget(
    story: Story, board_client: Client
) -> None:
    figures = yearly_figures(year=2024)
    response = board_client.get("/years/2024/")
    to_date = response.context["page"].to_date
    assert (to_date.days_elapsed, to_date.days_in_year) == (92, 366)
    # 37,000.00 × 92 ÷ 366 = 9,300.546… → 9,300.55
    assert to_date.budget == D("9300.55")
    spent = figures.total_costs - figures.in_kind_shared_services
    assert to_date.execution == ratio(spent, D("9300.55"))
    # Beside the full-year figure, which stays as it is.
    assert figures.ratios.budget_execution == ratio(spent, D("37000.00"))
    html = response.content.decode()
    row = html.split('data-figure="budget_execution_to_date"')[1].split("</tr>")[0]
    assert "9.300,55" in row and percent(to_date.execution) in row
    card = html.split('data-figure="budget_execution"')[1].split("</article>")[0]
    assert percent(figures.ratios.budget_execution) in card and percent(to_date.execution) in card


def test_the_pro_rata_budget_rounds_half_up_to_the_cent() -> None:
    # Day 183 of 2024 is half the year: 1,000.01 ÷ 2 = 500.005 → 500.01 (never a float, never to even).
    figures: Any = SimpleNamespace(
        year=2024, budgeted_costs=D("1000.01"), total_costs=D("600.00"), in_kind_shared_services=D("100.00")
    )
    to_date = year_to_date(figures, on=date(2024, 7, 1))
    assert to_date is not None
    assert to_date.budget == D("500.01")
    assert to_date.execution == ratio(D("500.00"), D("500.01"))


def test_a_year_without_budget_has_no_execution_to_date() -> None:
    figures: Any = SimpleNamespace(
        year=2024, budgeted_costs=None, total_costs=D("600.00"), in_kind_shared_services=D("0.00")
    )
    to_date = year_to_date(figures, on=date(2024, 1, 1))
    assert to_date is not None and to_date.days_elapsed == 1
    assert to_date.budget is None and to_date.execution is None
    assert year_to_date(figures, on=date(2025, 1, 1)) is None  # a finished year


@pytest.mark.usefixtures("april_2024")
def test_the_all_years_page_marks_the_current_years_column(story: Story, board_client: Client) -> None:
    html = board_client.get("/years/").content.decode()
    head = html.split("<thead>")[1].split("</thead>")[0]
    column_2024 = head.split(">2024<")[1].split("</th>")[0]
    column_2023 = head.split(">2023<")[1].split("</th>")[0]
    assert ytd() in column_2024
    assert ytd() not in column_2023


@pytest.mark.usefixtures("april_2024")
def test_the_json_contract_keeps_the_full_year_budget_execution(story: Story, board_client: Client) -> None:
    data = board_client.get("/api/years/2024/").json()
    figures = yearly_figures(year=2024)
    spent = figures.total_costs - figures.in_kind_shared_services
    assert data["ratios"]["budget_execution"] == str(ratio(spent, D("37000.00")))
    assert "year_to_date" not in data and "budget_execution_to_date" not in data["ratios"]
