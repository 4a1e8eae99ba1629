"""The year page's "Cash" card on the plan seen on 15 July 2025 (tests/board/projection/plan.py)
with its bank account (tests/board/cash/bank.py): the cash at the start of the year and today,
the month-end balances (recorded, then projected), the projected cash at year end and the runway.

The plan's cash flows from July to December (docs/forecast.md, "Cash flows"): in, the margin and
guarantee fund of the projected turnover (10,000.00 × 1.1667 = 11,667.00 a month: 641.69 +
233.34 = 875.03), Hachette's quarterly 150.00 in July and October, Smart Belgium's 3,000.00 in
September and December, Tierra Viva's 2,000.00 in September, the Junta's 1,000.00 in October;
out, 2,166.32 a month (staff 1,100.00, premises 50.00, the loan's 1,016.32 instalment). Nets:
−1,141.29, −1,291.29, +3,708.71, −141.29, −1,291.29, +1,708.71.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smartiberica.board.scenario_actions import scenario_create
from tests.board.cash.bank import follow, open_fiare
from tests.board.projection.plan import Plan

NBSP = "\u00a0"


def money(text: str) -> str:
    """An amount as the Spanish pages write it: "4.052,26 €" with a no-break space."""
    return text.replace(" ", NBSP)


def card(html: str) -> str:
    return html.split('id="cash-title"')[1].split("</section>")[0]


def cash_row(html: str, key: str) -> str:
    """The amount (or text) of a row of the card's first table."""
    row = card(html).split(f'data-cash="{key}"')[1].split("</tr>")[0]
    cell = row.split('<td class="num">')[1].rsplit("</td>", 1)[0]
    return re.sub(r"<[^>]+>", "", cell).strip()


def month_rows(html: str) -> dict[str, list[str]]:
    """The month-end table: each day (YYYY-MM-DD) with its recorded and projected cells."""
    table = card(html).split('data-table="cash-months"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-day="([\d-]+)">(.*?)</tr>', table, re.S)
    return {
        day: [c.strip() for c in re.findall(r'<td class="num">([^<]*)</td>', cells)] for day, cells in rows
    }


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def fiare(plan: Plan) -> Plan:
    open_fiare()
    return plan


@pytest.fixture
def without_smart(plan: Plan, board_user: Any) -> None:
    scenario_create(
        author=board_user,
        slug="sin-smart",
        name="Sin Smart Belgium",
        stopped_source_id=plan.smart.pk,
        source_stops_on=date(2025, 7, 1),
    )


@pytest.mark.usefixtures("fiare")
def test_the_year_in_progress_shows_its_cash_at_the_start_today_and_projected_at_year_end(
    board_client: Client,
) -> None:
    response = board_client.get("/years/2025/")
    html = response.content.decode()
    assert cash_row(html, "start") == money("1.000,00 €")
    # 2,500.00 on 30 June, less the 1,016.32 instalment of 10 July.
    assert cash_row(html, "end") == money("1.483,68 €")
    assert cash_row(html, "as_of") == money("2.500,00 €")
    # 2,500.00 + (−1,141.29 − 1,291.29 + 3,708.71 − 141.29 − 1,291.29 + 1,708.71) = 4,052.26.
    assert cash_row(html, "year_end") == money("4.052,26 €")
    # Lowest at the end of August (67.42), then the year's run-rate is positive: (34,500.18 −
    # 24,679.52) / 12 = 818.39 a month, so the cash never falls below zero.
    assert 'data-runway="beyond"' in card(html)
    assert f"+{money('818,39 €')}" in card(html)
    outlook = response.context["page"].cash.outlook
    assert (outlook.as_of, outlook.run_rate) == (date(2025, 6, 30), Decimal("818.39"))


@pytest.mark.usefixtures("fiare")
def test_the_month_ends_are_recorded_up_to_today_and_projected_from_the_projections_day(
    board_client: Client,
) -> None:
    html = board_client.get("/years/2025/").content.decode()
    rows = month_rows(html)
    assert list(rows) == [
        "2024-12-31",
        *(f"2025-{m:02d}-{d}" for m, d in ((1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30))),
        *(f"2025-{m:02d}-{d}" for m, d in ((7, 31), (8, 31), (9, 30), (10, 31), (11, 30), (12, 31))),
    ]
    assert rows["2024-12-31"] == [money("1.000,00 €"), ""]
    assert rows["2025-03-31"] == [money("16.000,00 €"), ""]
    # The dashes start on 30 June, where the recorded line ends.
    assert rows["2025-06-30"] == [money("2.500,00 €"), money("2.500,00 €")]
    assert [rows[day][1] for day in list(rows)[7:]] == [
        money("1.358,71 €"),
        money("67,42 €"),
        money("3.776,13 €"),
        money("3.634,84 €"),
        money("2.343,55 €"),
        money("4.052,26 €"),
    ]
    chart = card(html).split('<figure class="chart')[1].split("</figure>")[0]
    assert re.findall(r'<span class="swatch line (\w+)"', chart) == ["solid", "dashed"]


@pytest.mark.usefixtures("fiare", "without_smart")
def test_the_cash_is_projected_under_the_scenario_picked_and_its_runway_is_shorter(
    board_client: Client,
) -> None:
    html = board_client.get("/years/2025/?scenario=sin-smart").content.decode()
    # Without Smart Belgium's 3,000.00 of September and of December: 4,052.26 − 6,000.00.
    assert cash_row(html, "year_end") == money("-1.947,74 €")
    assert "Sin Smart Belgium" in card(html).split('data-cash="year_end"')[1].split("</tr>")[0]
    # 2,500.00, 1,358.71, 67.42, then 776.13 in September, 634.84 in October and −656.45 at the
    # end of November: the fifth month after 30 June.
    assert re.search(r'data-runway="5">', card(html))
    assert "noviembre de 2025" in card(html).split('data-cash="runway"')[1].split("</tr>")[0]
    assert month_rows(html)["2025-11-30"][1].startswith("-")


@pytest.mark.usefixtures("fiare", "without_smart")
def test_the_card_writes_amounts_and_months_as_the_readers_language_does(board_client: Client) -> None:
    spanish = board_client.get("/years/2025/?scenario=sin-smart").content.decode()
    assert '<html lang="es"' in spanish
    assert cash_row(spanish, "year_end") == money("-1.947,74 €")
    assert "30 de junio de 2025" in card(spanish).split('data-cash="as_of"')[1].split("</tr>")[0]
    board_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = board_client.get("/years/2025/?scenario=sin-smart").content.decode()
    assert cash_row(english, "year_end") == "-€1,947.74"
    assert cash_row(english, "runway") == "5 months (below zero at the end of November 2025)"
    assert month_rows(english)["2025-08-31"] == ["", "€67.42"]


@pytest.mark.usefixtures("fiare")
def test_a_year_that_is_over_shows_its_start_and_end_and_projects_nothing(board_client: Client) -> None:
    response = board_client.get("/years/2024/")
    html = response.content.decode()
    # Fiare opened on 31 December 2024: no account at the start of 2024.
    assert 'class="muted"' in card(html).split('data-cash="start"')[1].split("</tr>")[0]
    assert response.context["page"].cash.at_start is None
    assert cash_row(html, "end") == money("1.000,00 €")
    assert 'data-cash="year_end"' not in html and "data-runway" not in html
    rows = month_rows(html)
    assert "2023-12-31" not in rows and rows["2024-12-31"] == [money("1.000,00 €")]


@pytest.mark.usefixtures("plan")
def test_without_a_bank_account_there_is_no_cash_card(board_client: Client) -> None:
    response = board_client.get("/years/2025/")
    assert response.context["page"].cash is None
    assert 'id="cash-title"' not in response.content.decode()


@pytest.mark.usefixtures("plan")
def test_an_account_opened_after_the_projections_day_leaves_the_cash_unprojected_and_says_so(
    board_client: Client,
) -> None:
    open_fiare(opened=date(2025, 7, 1), balance="500.00", movements=())
    html = board_client.get("/years/2025/").content.decode()
    assert cash_row(html, "end") == money("500,00 €")
    assert 'data-cash-unavailable="no_account"' in card(html)
    assert 'data-cash="year_end"' not in html and "data-runway" not in html
    # Only today's balance is known; no month end of 2025 had the account open yet.
    assert month_rows(html)["2025-06-30"] == [money("0,00 €")]


@pytest.mark.usefixtures("plan")
def test_the_cash_card_adds_a_fixed_number_of_queries(board_client: Client) -> None:
    without = {year: queries(board_client, f"/years/{year}/") for year in (2024, 2025)}
    open_fiare()
    with_bank = {year: queries(board_client, f"/years/{year}/") for year in (2024, 2025)}
    # Without an account: one query (the month-end balances find none). With one: the month-end
    # balances (3) and the cash at the start of the year (1); the year in progress also reads
    # today's cash and the cash on the projection's day (1 each).
    assert with_bank == {2024: without[2024] + 3, 2025: without[2025] + 5}
    follow(date(2025, 7, 10), "1483.68", tuple((date(2025, 7, 11), "1.00", f"ABONO {n}") for n in range(40)))
    assert {year: queries(board_client, f"/years/{year}/") for year in (2024, 2025)} == with_bank
