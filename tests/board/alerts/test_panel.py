"""The "Attention" panel at the top of a year's page, and the marks of the multi-year page.

The story (tests/board/story.py) seen on 15 June 2025: in 2023 Smart Belgium brings 10,000.00 of
28,050.00 of resources (35.65 %), Hachette 10,000.00 of 12,000.00 of services revenue (83.33 %),
and own revenue covers 17,500.00 of the costs (about 47 %); in 2024 own revenue is 38,600.00 for
40,200.00 of costs (96.02 %) and Hachette brings 19,000.00 of 27,000.00 (70.37 %).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smartiberica.board import alert_validation as av
from smartiberica.board.scenario_actions import scenario_create
from tests.board.alerts.world import configure, only
from tests.board.cash.bank import open_fiare
from tests.board.projection.plan import Plan
from tests.board.story import Story, build
from tests.funding.factories import make_obligation, make_source
from tests.services.factories import line, make_client, make_invoice


@pytest.fixture
def story(june: None) -> Story:
    return build()


@pytest.fixture
def english(board_client: Client) -> Client:
    board_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return board_client


def panel(html: str) -> str:
    return html.split('aria-labelledby="attention-title"')[1].split("</section>")[0]


def items(html: str) -> list[str]:
    return re.findall(r'<li data-alert="([^"]+)"', panel(html))


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.usefixtures("story")
def test_a_year_that_broke_rules_opens_with_an_attention_panel_linking_to_the_records(
    english: Client,
) -> None:
    html = english.get("/years/2024/").content.decode()
    assert (
        '<h2 id="attention-title"><span class="attention-icon" aria-hidden="true">⚠</span> Attention</h2>'
        in html
    )
    # Before the headlines: at the top of the page.
    assert html.index('id="attention-title"') < html.index('id="headlines-title"')
    assert items(html) == ["self_financing:2024", "client_concentration:2024"]
    text = panel(html)
    assert "2024: self-financing was 96.0%, below 100%." in text
    assert "2024: Hachette Livre brings 70.3% of services revenue (alert from 40%)." in text
    assert '<a href="/years/2024/#trend-title">Self-financing over the years</a>' in text
    revenue = re.search(r'<a href="([^"]+)">Revenue from Hachette Livre</a>', text)
    assert revenue is not None
    assert revenue.group(1).startswith("/admin/services/invoice/?issue_date_year=2024")
    assert english.get(revenue.group(1).replace("&amp;", "&")).status_code == 200


@pytest.mark.usefixtures("story")
def test_a_year_that_broke_no_rule_has_no_panel(board_client: Client) -> None:
    only(av.TOP_FUNDER_SHARE)
    html = board_client.get("/years/2024/").content.decode()
    assert 'id="attention-title"' not in html
    assert board_client.get("/years/2024/").context["attention"] == []


@pytest.mark.usefixtures("story")
def test_a_year_that_is_over_is_not_told_about_todays_obligations(board_client: Client) -> None:
    make_obligation(source=make_source(), due_date=date(2025, 6, 20))
    assert not any(
        key.startswith("obligation:") for key in items(board_client.get("/years/2024/").content.decode())
    )


@pytest.mark.usefixtures("story")
def test_the_year_in_progress_lists_obligations_and_clients_far_overdue(english: Client) -> None:
    only(av.OBLIGATION_DUE, av.OVERDUE_INVOICES)
    obligation = make_obligation(
        source=make_source(name="Fiare Banca Etica"), description="Informe anual", due_date=date(2025, 6, 30)
    )
    client = make_client(name="Moroso S.L.")
    make_invoice(client=client, issue_date=date(2025, 1, 2), lines=[line("500.00")])  # due 1 February
    html = english.get("/years/2025/").content.decode()
    # The story's own clients owe 2023's and 2024's invoices too (more than Moroso: listed first).
    assert items(html)[0] == f"obligation:{obligation.pk}"
    assert items(html)[-1] == f"overdue:client-{client.pk}"
    text = panel(html)
    assert f'<a href="/admin/funding/obligation/{obligation.pk}/change/">The obligation</a>' in text
    assert (
        f'<a href="/admin/services/invoice/?client__id__exact={client.pk}&amp;payment=overdue">'
        "Overdue invoices of Moroso S.L.</a>"
    ) in text
    assert "Moroso S.L. owes €605.00 on 1 invoice overdue by more than 60 days" in text


def test_the_panel_reads_the_rules_once_and_the_year_in_progress_two_lists_in_five_queries_more(
    plan: Plan, board_client: Client
) -> None:
    past, current = queries(board_client, "/years/2024/"), queries(board_client, "/years/2025/")
    only(av.TOP_FUNDER_SHARE, av.SELF_FINANCING, av.CLIENT_CONCENTRATION, av.BUDGET_TO_DATE, av.RUNWAY)
    # Without the obligations' and the overdue invoices' rules, their lists are not read: the
    # obligations (1), and the clients far overdue (4: the largest debtors and what they owe
    # later, the sums over every client and every due date; the invoices moved since are the
    # receivables card's, a shared read).
    assert queries(board_client, "/years/2025/") == current - 5
    only()
    # No rule on: the rules are still read (one query), nothing else.
    assert (queries(board_client, "/years/2024/"), queries(board_client, "/years/2025/")) == (
        past,
        current - 5,
    )
    only(*av.RULES)
    for n in range(5):
        make_obligation(source=make_source(), due_date=date(2025, 7, 20 + n))
        # Issued from 10 March (the plan's last invoice): more than 60 days past due on 15 July.
        make_invoice(client=make_client(), issue_date=date(2025, 3, 10 + n), lines=[line("100.00")])
    assert (queries(board_client, "/years/2024/"), queries(board_client, "/years/2025/")) == (past, current)


def test_the_panel_judges_the_records_not_the_scenario_the_page_shows(plan: Plan, board_user: Any) -> None:
    open_fiare()
    scenario_create(
        author=board_user,
        slug="sin-smart",
        name="Sin Smart Belgium",
        stopped_source_id=plan.smart.pk,
        source_stops_on=date(2025, 7, 1),
    )
    client = Client()
    client.force_login(board_user)
    # Under the scenario the cash lasts 5 months (tests/board/cash/test_year_page.py), under the
    # records more than 24: no runway alert, and self-financing is the baseline's.
    response = client.get("/years/2025/?scenario=sin-smart")
    assert response.context["page"].cash.outlook.runway.months == 5
    keys = [alert.key for alert in response.context["attention"]]
    assert "runway" not in keys and "self_financing:2025" in keys
    baseline = client.get("/years/2025/").context["attention"]
    assert [a.fingerprint for a in response.context["attention"]] == [a.fingerprint for a in baseline]
    configure(av.RUNWAY, threshold="24")
    assert "runway" not in [
        alert.key for alert in client.get("/years/2025/?scenario=sin-smart").context["attention"]
    ]


# --- The multi-year page --------------------------------------------------------------------------


def marks(html: str) -> dict[str, list[str]]:
    row = html.split('<tr data-figure="alerts">')[1].split("</tr>")[0]
    cells = re.findall(r'<td data-year="(\d+)">(.*?)</td>', row, re.S)
    return {
        year: [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li [^>]*>(.*?)</li>", cell)]
        for year, cell in cells
    }


@pytest.mark.usefixtures("story")
def test_the_multi_year_page_marks_the_years_that_broke_a_year_level_rule(english: Client) -> None:
    html = english.get("/years/").content.decode()
    found = marks(html)
    assert found["2023"] == ["⚠ Top funder: 35.6%", "⚠ Self-financing: 47.0%", "⚠ Largest client: 83.3%"]
    assert found["2024"] == ["⚠ Self-financing: 96.0%", "⚠ Largest client: 70.3%"]
    assert '<a href="/years/2023/?basis=accrual#attention-title"' in html


@pytest.mark.usefixtures("story")
def test_the_multi_year_page_has_no_alert_row_when_no_year_broke_a_rule(board_client: Client) -> None:
    only(av.BUDGET_TO_DATE, av.RUNWAY)
    assert '<tr data-figure="alerts">' not in board_client.get("/years/").content.decode()


def test_the_current_year_is_marked_on_its_projected_self_financing(plan: Plan, board_client: Client) -> None:
    only(av.SELF_FINANCING)
    board_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # 2025 projected at year end: 72.38 %; the year so far covers its costs otherwise.
    assert marks(board_client.get("/years/").content.decode())["2025"] == ["⚠ Self-financing: 72.3%"]
