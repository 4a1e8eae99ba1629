"""The receivables page: every client's ageing on any day (the debts of
tests/board/receivables/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as HttpClient
from django.utils import translation

from tests.board.receivables.conftest import Debts
from tests.board.receivables.test_year_page import cells

URL = "/receivables/"


def english(client: HttpClient, url: str) -> Any:
    with translation.override("en"):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def test_it_lists_every_client_on_the_day_chosen(debts: Debts, board_client: HttpClient) -> None:
    response = english(board_client, f"{URL}?on=2024-12-31")

    page = response.context["page"]
    assert len(page.rows) == 13 and {row.kind for row in page.rows} == {"client"}
    html = response.content.decode()
    assert cells(html, "FR04602060147")[-1] == "€2,000.00"
    assert cells(html, "total")[1:] == ["€1,331.00", "€1,210.00", "€0.00", "€0.00", "€2,000.00", "€4,541.00"]
    assert 'value="2024-12-31"' in html  # the date picker keeps the day


def test_an_earlier_day_counts_only_what_was_issued_by_then(debts: Debts, board_client: HttpClient) -> None:
    page = english(board_client, f"{URL}?on=2024-08-31").context["page"]

    # Hachette's F3 (2,000.00, due that day: not yet due) is the only invoice open on 31 August.
    assert [(row.label, row.buckets.not_due, row.buckets.total) for row in page.rows] == [
        ("Hachette Livre", 2000, 2000)
    ]


def test_without_a_day_it_shows_today_and_a_bad_day_is_said_and_replaced_by_today(
    debts: Debts, board_client: HttpClient
) -> None:
    today = english(board_client, URL).context["page"]
    refused = english(board_client, f"{URL}?on=31/12/2024")

    assert today.on.isoformat() == "2025-03-15"
    assert refused.context["page"].on == today.on
    assert "“31/12/2024” is not a date: today is shown instead." in refused.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("outsider", 403), ("board", 200), ("staff", 200)]
)
def test_it_needs_the_dashboard_permission(
    db: None, role: str, status: int, board_client: HttpClient, staff_client: HttpClient
) -> None:
    clients = {"anonymous": HttpClient(), "board": board_client, "staff": staff_client}
    if role == "outsider":
        clients["outsider"] = HttpClient()
        clients["outsider"].force_login(get_user_model().objects.create_user("otto", password="x"))

    assert clients[role].get(URL).status_code == status


def test_the_navigation_and_the_year_page_link_to_it(debts: Debts, board_client: HttpClient) -> None:
    html = english(board_client, "/years/2024/").content.decode()

    assert f'href="{URL}"' in html
    assert f'href="{URL}?on=2024-12-31"' in html


def test_it_runs_a_fixed_number_of_queries(
    debts: Debts, board_client: HttpClient, django_assert_num_queries: Any
) -> None:
    board_client.get(URL)  # the session is read once
    # Session and user (2), permissions (2), the demo flag (1), the ageing: none kept for the day
    # (1), the invoices moved since (1), then the rollups' clients and buckets (2).
    with django_assert_num_queries(9):
        board_client.get(f"{URL}?on=2024-12-31")
