"""Writing scenarios: create, rewrite and delete, by whom, and what the rows become."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from funding import actions as funding_actions
from funding.models import ExpenseCategory, FundingSource
from services.models import Client, ServiceLine
from smartiberica.board import scenario_validation as sv
from smartiberica.board.models import Scenario, ScenarioCost, ScenarioRevenue
from smartiberica.board.scenario_actions import scenario_delete, scenario_update, scenarios_wipe
from smartiberica.kernel.roles import BOARD, STAFF
from tests.board.scenarios.helpers import make_scenario

pytestmark = pytest.mark.django_db
D = Decimal
DAY = date(2025, 1, 1)


def rows(scenario: Scenario) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    revenue = dict(
        ScenarioRevenue.objects.filter(scenario=scenario).values_list("service_line_id", "monthly_amount")
    )
    costs = dict(ScenarioCost.objects.filter(scenario=scenario).values_list("category_id", "monthly_amount"))
    return revenue, costs


def test_a_board_member_creates_a_scenario_with_every_parameter_and_its_rows(
    board_user: Any,
    belgium: FundingSource,
    hachette: Client,
    support: ServiceLine,
    it_costs: ExpenseCategory,
) -> None:
    scenario = make_scenario(
        board_user,
        slug="all-at-once",
        name="  Todo a la vez  ",
        description="Un plan.",
        seen_from=date(2024, 12, 31),
        stopped_source_id=belgium.pk,
        source_stops_on=DAY,
        structure_rate=D("8.00"),
        fund_rate=D("2.00"),
        rates_from=DAY,
        turnover_growth=D("5.50"),
        lost_client_id=hachette.pk,
        client_lost_on=DAY,
        extra_revenue={support.pk: D("1500.00")},
        extra_costs={it_costs.pk: D("250.50")},
    )
    stored = Scenario.objects.get(slug="all-at-once")
    assert stored.name == "Todo a la vez"  # trimmed
    assert stored.author == board_user
    assert (stored.stopped_source, stored.lost_client) == (belgium, hachette)
    assert (stored.structure_rate, stored.fund_rate, stored.turnover_growth) == (
        D("8.00"),
        D("2.00"),
        D("5.50"),
    )
    assert rows(scenario) == ({support.pk: D("1500.00")}, {it_costs.pk: D("250.50")})


def test_staff_may_create_scenarios_too(staff_user: Any) -> None:
    assert make_scenario(staff_user).author == staff_user


def test_someone_who_may_only_read_the_dashboards_may_not_create_a_scenario(reader: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        make_scenario(reader)
    assert caught.value.messages == [str(sv.ERR_MAY_NOT_EDIT_SCENARIOS)]
    assert not Scenario.objects.exists()


def test_an_inactive_board_member_may_not_create_a_scenario(make_user: Callable[..., Any]) -> None:
    gone = make_user("gone", group=BOARD)
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError):
        make_scenario(gone)


def test_an_update_rewrites_the_scenario_whole_and_keeps_its_author(
    board_user: Any,
    staff_user: Any,
    belgium: FundingSource,
    support: ServiceLine,
    licences: ServiceLine,
    it_costs: ExpenseCategory,
) -> None:
    scenario = make_scenario(
        board_user,
        stopped_source_id=belgium.pk,
        source_stops_on=DAY,
        extra_revenue={support.pk: D("100.00")},
        extra_costs={it_costs.pk: D("50.00")},
    )
    updated = scenario_update(
        scenario=scenario,
        user=staff_user,
        slug="renamed",
        name="Renamed",
        turnover_growth=D("-10.00"),
        extra_revenue={licences.pk: D("300.00")},
    )
    stored = Scenario.objects.get(pk=scenario.pk)
    assert (updated.slug, stored.slug, stored.name) == ("renamed", "renamed", "Renamed")
    assert stored.author == board_user
    # Left out: cleared.
    assert stored.stopped_source is None and stored.source_stops_on is None
    assert stored.turnover_growth == D("-10.00")
    assert rows(stored) == ({licences.pk: D("300.00")}, {})
    assert stored.updated_at >= stored.created_at


def test_a_refused_update_changes_nothing(board_user: Any, support: ServiceLine) -> None:
    scenario = make_scenario(board_user, name="Before", extra_revenue={support.pk: D("100.00")})
    with pytest.raises(ValidationError):
        scenario_update(
            scenario=scenario,
            user=board_user,
            slug=scenario.slug,
            name="After",
            rates_from=DAY,
            extra_revenue={support.pk: D("999.00")},
        )
    stored = Scenario.objects.get(pk=scenario.pk)
    assert stored.name == "Before"
    assert rows(stored) == ({support.pk: D("100.00")}, {})


def test_an_update_may_keep_the_same_slug(board_user: Any) -> None:
    scenario = make_scenario(board_user, slug="same")
    scenario_update(scenario=scenario, user=board_user, slug="same", name="Same again")
    assert Scenario.objects.get().name == "Same again"


def test_a_reader_may_not_update_or_delete_a_scenario(board_user: Any, reader: Any) -> None:
    scenario = make_scenario(board_user)
    with pytest.raises(ValidationError):
        scenario_update(scenario=scenario, user=reader, slug="x", name="X")
    with pytest.raises(ValidationError):
        scenario_delete(scenario=scenario, user=reader)
    assert Scenario.objects.get().slug == "what-if"


def test_deleting_a_scenario_deletes_its_rows(
    board_user: Any, support: ServiceLine, it_costs: ExpenseCategory
) -> None:
    scenario = make_scenario(
        board_user, extra_revenue={support.pk: D("1.00")}, extra_costs={it_costs.pk: D("1.00")}
    )
    scenario_delete(scenario=scenario, user=board_user)
    assert not Scenario.objects.exists()
    assert not ScenarioRevenue.objects.exists() and not ScenarioCost.objects.exists()


def test_a_funding_source_named_by_a_scenario_is_refused_deletion_with_a_message(
    board_user: Any, belgium: FundingSource
) -> None:
    make_scenario(board_user, stopped_source_id=belgium.pk, source_stops_on=DAY)
    with pytest.raises(ValidationError):
        funding_actions.source_delete(source=belgium)
    assert FundingSource.objects.filter(pk=belgium.pk).exists()


def test_wiping_forgets_every_scenario(board_user: Any, make_user: Callable[..., Any]) -> None:
    make_scenario(board_user, slug="one")
    make_scenario(make_user("sol", group=STAFF), slug="two")
    scenarios_wipe()
    assert not Scenario.objects.exists()


def test_every_write_keeps_a_history(board_user: Any) -> None:
    scenario = make_scenario(board_user)
    scenario_update(scenario=scenario, user=board_user, slug="what-if", name="Changed")
    versions = Scenario.history.filter(id=scenario.pk).order_by("history_id")
    assert [version.name for version in versions] == ["What if", "Changed"]
