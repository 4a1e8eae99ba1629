"""Reading scenarios: as the projection reads them (`ScenarioParams`), for pickers and for the list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from funding.models import ExpenseCategory, FundingSource
from services.models import Client, ServiceLine
from smartiberica.board.scenario_params import BASELINE, ScenarioParams
from smartiberica.board.scenarios import (
    ScenarioNotFound,
    scenario_choices,
    scenario_list,
    scenario_overview,
    scenario_params,
)
from tests.board.scenarios.helpers import make_scenario
from tests.services.factories import service

pytestmark = pytest.mark.django_db
D = Decimal
DAY = date(2025, 1, 1)


@pytest.fixture
def full(
    board_user: Any,
    belgium: FundingSource,
    hachette: Client,
    support: ServiceLine,
    licences: ServiceLine,
    it_costs: ExpenseCategory,
    staff_costs: ExpenseCategory,
) -> None:
    make_scenario(
        board_user,
        slug="full",
        name="Full",
        seen_from=date(2024, 12, 31),
        stopped_source_id=belgium.pk,
        source_stops_on=DAY,
        structure_rate=D("8.00"),
        fund_rate=D("2.00"),
        rates_from=DAY,
        turnover_growth=D("-12.50"),
        lost_client_id=hachette.pk,
        client_lost_on=DAY,
        extra_revenue={support.pk: D("1500.00"), licences.pk: D("99.99")},
        extra_costs={it_costs.pk: D("250.50"), staff_costs.pk: D("2000.00")},
    )


def test_the_projection_reads_a_scenario_with_codes_in_place_of_foreign_keys(
    full: None, hachette: Client
) -> None:
    assert scenario_params(slug="full") == ScenarioParams(
        slug="full",
        name="Full",
        seen_from=date(2024, 12, 31),
        stopped_source="smart-belgium",
        source_stops_on=DAY,
        structure_rate=D("8.00"),
        fund_rate=D("2.00"),
        rates_from=DAY,
        turnover_growth=D("-12.50"),
        lost_client_id=hachette.pk,
        client_lost_on=DAY,
        extra_revenue={"it-licensing": D("99.99"), "project-support": D("1500.00")},
        extra_cost={"it": D("250.50"), "staff": D("2000.00")},
    )


def test_reading_a_scenario_for_the_projection_takes_three_queries(
    full: None, django_assert_num_queries: Callable[..., Any]
) -> None:
    with django_assert_num_queries(3):
        params = scenario_params(slug="full")
    assert not params.is_baseline


def test_baseline_is_the_projection_without_scenario_and_reads_nothing(
    django_assert_num_queries: Callable[..., Any],
) -> None:
    with django_assert_num_queries(0):
        assert scenario_params(slug="baseline") is BASELINE


def test_an_unknown_slug_is_not_found(db: None) -> None:
    with pytest.raises(ScenarioNotFound) as caught:
        scenario_params(slug="nowhere")
    assert caught.value.slug == "nowhere"


def test_a_scenario_changing_nothing_reads_as_empty_parameters(board_user: Any) -> None:
    make_scenario(board_user, slug="nothing", name="Nothing")
    params = scenario_params(slug="nothing")
    assert params == ScenarioParams(slug="nothing", name="Nothing")
    assert (params.extra_revenue, params.extra_cost) == ({}, {})


def test_the_picker_lists_every_scenario_by_name_in_one_query(
    make_user: Callable[..., Any], django_assert_num_queries: Callable[..., Any]
) -> None:
    named = make_user("ana", group="Board")
    named.first_name, named.last_name = "Ana", "Ruiz"
    named.save()
    anonymous = make_user("pepe", group="Staff")
    make_scenario(named, slug="b", name="Beta", description="Second")
    make_scenario(anonymous, slug="a", name="Alpha")
    with django_assert_num_queries(1):
        summaries = scenario_list()
    assert [(s.slug, s.name, s.description, s.author) for s in summaries] == [
        ("a", "Alpha", "", "pepe"),
        ("b", "Beta", "Second", "Ana Ruiz"),
    ]
    assert all(s.updated_at is not None for s in summaries)


def test_the_list_page_reads_every_scenario_with_names_in_three_queries_however_many(
    full: None, board_user: Any, support: ServiceLine, django_assert_num_queries: Callable[..., Any]
) -> None:
    for n in range(3):
        make_scenario(board_user, slug=f"more-{n}", extra_revenue={support.pk: D("1.00")})
    with django_assert_num_queries(3):
        rows = scenario_overview()
    assert len(rows) == 4
    full_row = next(row for row in rows if row.summary.slug == "full")
    assert (full_row.stopped_source, full_row.lost_client) == ("Smart Belgium", "Hachette Livre")
    assert sorted(amount for _name, amount in full_row.extra_revenue) == [D("99.99"), D("1500.00")]
    assert {name for name, _amount in full_row.extra_revenue} == {str(support), str(service("it-licensing"))}
    assert {amount for _name, amount in full_row.extra_costs} == {D("250.50"), D("2000.00")}
    assert not full_row.changes_nothing


def test_a_scenario_that_changes_nothing_says_so(board_user: Any) -> None:
    make_scenario(board_user)
    [row] = scenario_overview()
    assert row.changes_nothing


def test_the_form_offers_sources_clients_lines_and_categories_in_four_queries(
    belgium: FundingSource, hachette: Client, django_assert_num_queries: Callable[..., Any]
) -> None:
    with django_assert_num_queries(4):
        choices = scenario_choices()
    assert (belgium.pk, "Smart Belgium") in choices.sources
    assert (hachette.pk, "Hachette Livre (FR04602060147)") in choices.clients
    assert {pk for pk, _label in choices.service_lines} == set(
        ServiceLine.objects.values_list("pk", flat=True)
    )
    assert {pk for pk, _label in choices.categories} == set(
        ExpenseCategory.objects.values_list("pk", flat=True)
    )
