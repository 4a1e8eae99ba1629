"""Public contract 4 over HTTP and on the command line: the same object either way."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from smartiberica.board.scenario_actions import scenario_create
from tests.board.projection.plan import Plan

D = Decimal
CONTRACT_1_KEYS = {
    "year", "basis", "currency", "own_revenue", "services_revenue", "member_margin", "guarantee_fund",
    "revenue_by_service", "revenue_by_client", "external_support", "external_support_by_source",
    "in_kind_shared_services", "loan_drawdowns", "loan_interest", "loan_principal_repaid",
    "loan_outstanding_year_end", "total_costs", "costs_by_category", "budgeted_costs", "funding_gap",
    "top_funder", "break_even_structure_rate", "status", "approved", "ratios",
}  # fmt: skip
MONTH_KEYS = {"month", "actual", "own_revenue", "external_support", "total_costs", "cash_in", "cash_out"}


def command(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("forecast", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_api_answers_contract_4(plan: Plan, board_client: Client) -> None:
    response = board_client.get("/api/years/2025/forecast/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == CONTRACT_1_KEYS | {"as_of", "scenario", "cash_in", "cash_out", "months"}
    assert data["as_of"] == "2025-06-30" and data["scenario"] == "baseline"
    assert len(data["months"]) == 12 and all(set(m) == MONTH_KEYS for m in data["months"])
    assert data["services_revenue"] == "3300.00"


def test_the_command_prints_what_the_api_answers(plan: Plan, board_client: Client) -> None:
    for basis in ("accrual", "cash"):
        answered = board_client.get(f"/api/years/2025/forecast/?basis={basis}").json()
        assert command("2025", "--basis", basis) == answered


def test_a_stored_scenario_is_asked_for_by_its_slug(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    scenario_create(
        author=board_user,
        slug="sin-smart",
        name="Sin Smart Belgium",
        stopped_source_id=plan.smart.pk,
        source_stops_on=date(2025, 7, 1),
    )
    data = board_client.get("/api/years/2025/forecast/?scenario=sin-smart").json()
    assert data["scenario"] == "sin-smart"
    assert data["external_support_by_source"]["smart-belgium"] == "3000.00"
    assert command("2025", "--scenario", "sin-smart") == data


def test_an_earlier_as_of_is_asked_for_as_a_date(plan: Plan, board_client: Client) -> None:
    data = board_client.get("/api/years/2025/forecast/?as_of=2025-02-28").json()
    assert data["as_of"] == "2025-02-28"
    assert [m["actual"] for m in data["months"]] == [True] * 2 + [False] * 10
    assert command("2025", "--as-of", "2025-02-28") == data


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?basis=both", 400, "basis must be accrual or cash."),
        ("?scenario=nope", 404, "No scenario named “nope”."),
        ("?as_of=30/06/2025", 400, "as_of must be a date written YYYY-MM-DD."),
        ("?as_of=2025-06-15", 400, "The projection is seen from the last day of a month."),
        ("?as_of=2025-07-31", 400, "The projection cannot be seen from a month that has not ended."),
    ],
)
def test_the_api_says_what_is_wrong_with_a_request(
    plan: Plan, board_client: Client, query: str, status: int, message: str
) -> None:
    response = board_client.get(f"/api/years/2025/forecast/{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert response.json() == {"error": message}


def test_the_api_wants_a_login(plan: Plan, client: Client) -> None:
    assert client.get("/api/years/2025/forecast/").status_code == 401


def test_the_command_says_what_is_wrong(plan: Plan) -> None:
    with pytest.raises(CommandError, match="No scenario 'nope'"):
        command("2025", "--scenario", "nope")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        command("2025", "--as-of", "junio")
