"""The database holds every rule of a scenario, whatever path writes it (validation bypassed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from funding.models import ExpenseCategory, FundingSource
from services.models import Client, ServiceLine
from smartiberica.board.models import Scenario, ScenarioCost, ScenarioRevenue

pytestmark = pytest.mark.django_db
D = Decimal
DAY = date(2025, 1, 1)


def insert(author: Any, **fields: Any) -> Scenario:
    """A row written straight to the table: no rule of the app runs."""
    fields = {"slug": "raw", "name": "Raw", **fields}
    with transaction.atomic():
        return Scenario.objects.create(author=author, **fields)


def test_a_scenario_inserted_straight_with_consistent_values_is_accepted(
    board_user: Any, belgium: FundingSource, hachette: Client
) -> None:
    scenario = insert(
        board_user,
        stopped_source=belgium,
        source_stops_on=DAY,
        structure_rate=D("8.00"),
        fund_rate=D("2.00"),
        rates_from=DAY,
        turnover_growth=D("-99.99"),
        lost_client=hachette,
        client_lost_on=DAY,
    )
    assert Scenario.objects.get(pk=scenario.pk).turnover_growth == D("-99.99")


@pytest.mark.parametrize(
    ("case", "fields"),
    [
        ("slug baseline", {"slug": "baseline"}),
        ("stop date without source", {"source_stops_on": DAY}),
        ("structure rate alone", {"structure_rate": D("8.00")}),
        ("rates without date", {"structure_rate": D("8.00"), "fund_rate": D("2.00")}),
        ("fund rate and date without structure", {"fund_rate": D("2.00"), "rates_from": DAY}),
        ("date without rates", {"rates_from": DAY}),
        (
            "structure rate over 100",
            {"structure_rate": D("100.01"), "fund_rate": D("2.00"), "rates_from": DAY},
        ),
        ("negative fund rate", {"structure_rate": D("8.00"), "fund_rate": D("-0.01"), "rates_from": DAY}),
        ("growth of -100", {"turnover_growth": D("-100.00")}),
        ("loss date without client", {"client_lost_on": DAY}),
        ("seen from before 1990", {"seen_from": date(1989, 12, 31)}),
        (
            "rates from before 1990",
            {"structure_rate": D(8), "fund_rate": D(2), "rates_from": date(1989, 1, 1)},
        ),
    ],
)
def test_the_database_refuses_a_scenario_that_breaks_a_rule(
    case: str, fields: dict[str, Any], board_user: Any
) -> None:
    with pytest.raises(IntegrityError):
        insert(board_user, **fields)
    assert not Scenario.objects.exists(), case


def test_the_database_refuses_a_stopped_source_without_its_date(
    board_user: Any, belgium: FundingSource
) -> None:
    with pytest.raises(IntegrityError):
        insert(board_user, stopped_source=belgium)


def test_the_database_refuses_a_lost_client_without_its_date(board_user: Any, hachette: Client) -> None:
    with pytest.raises(IntegrityError):
        insert(board_user, lost_client=hachette)


def test_the_database_refuses_a_stop_or_loss_date_before_1990(
    board_user: Any, belgium: FundingSource, hachette: Client
) -> None:
    with pytest.raises(IntegrityError):
        insert(board_user, stopped_source=belgium, source_stops_on=date(1980, 1, 1))
    with pytest.raises(IntegrityError):
        insert(board_user, lost_client=hachette, client_lost_on=date(1980, 1, 1))


def test_two_scenarios_cannot_share_a_slug_in_the_database(board_user: Any) -> None:
    insert(board_user, slug="same")
    with pytest.raises(IntegrityError):
        insert(board_user, slug="same")


@pytest.mark.parametrize("amount", [D("0.00"), D("-1.00")])
def test_the_database_refuses_extra_revenue_or_cost_that_is_not_positive(
    amount: Decimal, board_user: Any, support: ServiceLine, it_costs: ExpenseCategory
) -> None:
    scenario = insert(board_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScenarioRevenue.objects.create(scenario=scenario, service_line=support, monthly_amount=amount)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScenarioCost.objects.create(scenario=scenario, category=it_costs, monthly_amount=amount)
    assert not ScenarioRevenue.objects.exists() and not ScenarioCost.objects.exists()


def test_the_database_refuses_a_second_row_for_the_same_line_or_category(
    board_user: Any, support: ServiceLine, it_costs: ExpenseCategory
) -> None:
    scenario = insert(board_user)
    ScenarioRevenue.objects.create(scenario=scenario, service_line=support, monthly_amount=D("10.00"))
    ScenarioCost.objects.create(scenario=scenario, category=it_costs, monthly_amount=D("10.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ScenarioRevenue.objects.create(scenario=scenario, service_line=support, monthly_amount=D("20.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ScenarioCost.objects.create(scenario=scenario, category=it_costs, monthly_amount=D("20.00"))
    assert ScenarioRevenue.objects.count() == ScenarioCost.objects.count() == 1


def test_a_funding_source_or_client_named_by_a_scenario_cannot_be_deleted_from_under_it(
    board_user: Any, belgium: FundingSource, hachette: Client
) -> None:
    insert(board_user, stopped_source=belgium, source_stops_on=DAY, lost_client=hachette, client_lost_on=DAY)
    with pytest.raises(ProtectedError):
        belgium.delete()
    with pytest.raises(ProtectedError):
        hachette.delete()
