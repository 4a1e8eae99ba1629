"""The year in progress on the year page and the multi-year page: its headlines projected at year
end, under a scenario picked on the page, and the dashed end of the multi-year chart.

The plan is seen on 30 June 2025 (tests/board/projection/plan.py): 2025 is the year in progress,
2024 a year that is over.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smartiberica.board import dashboard
from smartiberica.board import figure_registry as registry
from smartiberica.board.scenario_actions import scenario_create
from tests.board.projection.plan import Plan
from tests.board.projection.test_queries import ON_A_PAGE, WITHOUT_CLIENTS, more_records

NBSP = "\u00a0"


@pytest.fixture
def without_smart(plan: Plan, board_user: Any) -> None:
    scenario_create(
        author=board_user,
        slug="sin-smart",
        name="Sin Smart Belgium",
        stopped_source_id=plan.smart.pk,
        source_stops_on=date(2025, 7, 1),
    )


def projected(html: str, key: str) -> str:
    """What a headline card says the figure will be at year end."""
    card = html.split(f'data-figure="{key}"')[1].split("</article>")[0]
    match = re.search(r'<p class="projected">[^<]*<strong>([^<]*)</strong>([^<]*)</p>', card)
    assert match, card
    return match.group(1) + match.group(2)


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.usefixtures("plan")
def test_each_headline_of_the_year_in_progress_says_where_it_is_projected_at_its_end(
    board_client: Client,
) -> None:
    response = board_client.get("/years/2025/")
    html = response.content.decode()
    assert html.count('<p class="projected">') == len(registry.headline_figures())
    # 10,780.14 / 14,893.34; 12,000.00 drawn less 10,986.18 repaid by December.
    assert projected(html, "self_financing") == f"72,4{NBSP}%"
    assert projected(html, "loan_outstanding_year_end") == f"1.013,82{NBSP}€"
    assert projected(html, "funding_gap") == f"4.113,20{NBSP}€"
    assert projected(html, "break_even_structure_rate") == f"8,53{NBSP}%"
    page = response.context["page"]
    assert page.projection.as_of == date(2025, 6, 30) and page.projection.projected_months == 6
    assert page.picker.is_baseline
    # No stored scenario: nothing to pick, only the way to the comparison.
    assert 'id="projection-scenario"' not in html and 'href="/years/2025/scenarios/?basis=accrual"' in html


@pytest.mark.usefixtures("without_smart")
def test_the_picker_projects_under_a_stored_scenario_and_keeps_it_across_the_basis(
    board_client: Client,
) -> None:
    html = board_client.get("/years/2025/?scenario=sin-smart").content.decode()
    # 10,780.14 / (10,780.14 + 5,200.00): Smart Belgium's later tranches are gone.
    assert projected(html, "own_revenue_share") == f"67,5{NBSP}%"
    assert '<option value="sin-smart" selected>' in html
    assert 'href="?scenario=sin-smart&amp;basis=cash"' in html
    assert 'href="/years/2025/scenarios/?basis=accrual&amp;compare=sin-smart"' in html
    cash = board_client.get("/years/2025/?scenario=sin-smart&basis=cash")
    page = cash.context["page"]
    assert page.projection.scenario.slug == "sin-smart" and page.projection.figures.basis == "cash"
    assert '<input type="hidden" name="basis" value="cash">' in cash.content.decode()


@pytest.mark.usefixtures("plan")
def test_an_unknown_scenario_projects_the_baseline_and_says_so(board_client: Client) -> None:
    response = board_client.get("/years/2025/?scenario=borrado")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.picker.unknown == "borrado" and page.picker.is_baseline
    assert page.projection.scenario.is_baseline
    assert "borrado" in response.content.decode().split('id="projection-title"')[1].split("</section>")[0]


@pytest.mark.usefixtures("plan")
def test_a_year_that_is_over_has_no_projection(board_client: Client) -> None:
    response = board_client.get("/years/2024/?scenario=sin-smart")
    html = response.content.decode()
    assert response.context["page"].projection is None
    assert 'class="projected"' not in html and 'id="projection-title"' not in html


@pytest.mark.usefixtures("without_smart")
def test_the_projection_adds_the_scenarios_and_one_projection_to_the_current_years_queries(
    plan: Plan, board_client: Client
) -> None:
    past = queries(board_client, "/years/2024/")
    # The stored scenarios (1) and the projection (ON_A_PAGE); a stored scenario, its parameters (3).
    # Both pages read the month-end balances of the cash card (1, no bank account here); with an
    # account the year in progress reads 2 more than a year that is over (tests/board/cash).
    # Its "Attention" panel reads the obligations due (1) and the clients far overdue (4: the
    # clients whose invoices moved are the receivables card's, a shared read); under a
    # scenario it also projects the baseline (ON_A_PAGE) and reads the cash on its day (1):
    # alerts judge the records, not a what-if (tests/board/alerts/test_panel.py). The receivables
    # of the year that is over read 3 more: whether its ageing was kept, and the clients whose
    # invoices moved since 31 December (their buckets, their invoices).
    panel, moved_since = 5, 3
    assert queries(board_client, "/years/2025/") == past - moved_since + 1 + ON_A_PAGE + panel
    assert queries(board_client, "/years/2025/?scenario=sin-smart") == (
        past - moved_since + 1 + 3 + ON_A_PAGE + panel + ON_A_PAGE + 1
    )
    more_records(plan, 12)
    past = queries(board_client, "/years/2024/")
    assert queries(board_client, "/years/2025/") == past - moved_since + 1 + ON_A_PAGE + panel


@pytest.mark.usefixtures("plan")
def test_the_multi_year_page_ends_the_current_year_dashed_to_its_projection(board_client: Client) -> None:
    html = board_client.get("/years/").content.decode()
    projected_row = html.split('<tr data-figure="self_financing_projected">')[1].split("</tr>")[0]
    # 2023, 2024: no projection; 2025: 10,780.14 / 14,893.34.
    assert re.findall(r'<td class="num">([^<]*)</td>', projected_row) == ["", "", f"72,4{NBSP}%"]
    chart = html.split('id="trends-title"')[1].split("</figure>")[0]
    assert "stroke-dasharray:none" in chart and "fill:#fff" in chart  # the hollow marker
    legend = re.findall(r'<span class="swatch line (\w+)"[^>]*></span>([^<]*)</li>', chart)
    label = projected_row.split('<th scope="row">')[1].split("</th>")[0]
    assert legend[-1] == ("dashed", label)


@pytest.mark.usefixtures("plan")
def test_the_multi_year_page_adds_one_projection_and_no_query_with_more_data(
    plan: Plan, board_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_projection = queries(board_client, "/years/")
    monkeypatch.setattr(dashboard, "_current_projection", lambda series, basis: None)
    without = queries(board_client, "/years/")
    assert with_projection == without + WITHOUT_CLIENTS
    monkeypatch.undo()
    more_records(plan, 12)
    assert queries(board_client, "/years/") == with_projection
