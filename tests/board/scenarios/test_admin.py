"""The scenario admin (staff): a form layer over the scenario actions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import ExpenseCategory
from services.models import ServiceLine
from smartiberica.board import scenario_validation as sv
from smartiberica.board.models import Scenario, ScenarioCost, ScenarioRevenue
from tests.board.scenarios.helpers import make_scenario

pytestmark = pytest.mark.django_db
D = Decimal
ADD = reverse("admin:board_scenario_add")


def inline(prefix: str, *rows: dict[str, str], initial: int = 0) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def scenario_form(**fields: str) -> dict[str, str]:
    return {
        "slug": "admin-plan",
        "name": "Admin plan",
        **inline("extra_revenue"),
        **inline("extra_costs"),
        **fields,
    }


def test_staff_add_a_scenario_with_its_rows_and_the_action_names_them_author(
    staff_client: WebClient, staff_user: Any, support: ServiceLine, it_costs: ExpenseCategory
) -> None:
    data = scenario_form(structure_rate="8,50", fund_rate="2,00", rates_from="2025-01-01")
    data.update(inline("extra_revenue", {"service_line": str(support.pk), "monthly_amount": "1500,50"}))
    data.update(inline("extra_costs", {"category": str(it_costs.pk), "monthly_amount": "20,00"}))
    response = staff_client.post(ADD, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    scenario = Scenario.objects.get(slug="admin-plan")
    assert scenario.author == staff_user  # only the action sets the author
    assert scenario.structure_rate == D("8.50")
    assert ScenarioRevenue.objects.get().monthly_amount == D("1500.50")
    assert ScenarioCost.objects.get().category == it_costs


def test_the_actions_refusal_is_shown_on_the_admin_form(staff_client: WebClient) -> None:
    response = staff_client.post(ADD, scenario_form(rates_from="2025-01-01"))
    assert response.status_code == 200
    assert str(sv.ERR_RATES_INCOMPLETE) in str(response.context["errors"])
    assert not Scenario.objects.exists()


def test_changing_keeps_the_untouched_rows_and_drops_the_ticked_ones(
    staff_client: WebClient,
    board_user: Any,
    support: ServiceLine,
    licences: ServiceLine,
    it_costs: ExpenseCategory,
) -> None:
    scenario = make_scenario(
        board_user,
        slug="kept",
        extra_revenue={support.pk: D("10.00"), licences.pk: D("20.00")},
        extra_costs={it_costs.pk: D("5.00")},
    )
    revenue = {r.service_line_id: r.pk for r in ScenarioRevenue.objects.all()}
    cost = ScenarioCost.objects.get()
    data = scenario_form(slug="kept", name="Kept")
    data.update(
        inline(
            "extra_revenue",
            {
                "id": str(revenue[support.pk]),
                "scenario": str(scenario.pk),
                "service_line": str(support.pk),
                "monthly_amount": "10,00",
            },
            {
                "id": str(revenue[licences.pk]),
                "scenario": str(scenario.pk),
                "service_line": str(licences.pk),
                "monthly_amount": "20,00",
                "DELETE": "on",
            },
            initial=2,
        )
    )
    data.update(
        inline(
            "extra_costs",
            {
                "id": str(cost.pk),
                "scenario": str(scenario.pk),
                "category": str(it_costs.pk),
                "monthly_amount": "7,50",
            },
            initial=1,
        )
    )
    response = staff_client.post(reverse("admin:board_scenario_change", args=[scenario.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    scenario.refresh_from_db()
    assert scenario.name == "Kept" and scenario.author == board_user
    assert dict(ScenarioRevenue.objects.values_list("service_line_id", "monthly_amount")) == {
        support.pk: D("10.00")
    }
    assert ScenarioCost.objects.get().monthly_amount == D("7.50")


def test_staff_delete_a_scenario_from_the_admin(staff_client: WebClient, board_user: Any) -> None:
    scenario = make_scenario(board_user)
    response = staff_client.post(reverse("admin:board_scenario_delete", args=[scenario.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Scenario.objects.exists()


def test_the_board_reads_scenarios_in_the_admin_but_writes_them_on_the_pages(
    board_client: WebClient, board_user: Any
) -> None:
    scenario = make_scenario(board_user)
    assert board_client.get(reverse("admin:board_scenario_changelist")).status_code == 200
    assert board_client.get(reverse("admin:board_scenario_change", args=[scenario.pk])).status_code == 200
    assert board_client.get(reverse("admin:board_scenario_history", args=[scenario.pk])).status_code == 200
    assert board_client.get(ADD).status_code == 403
    assert (
        board_client.post(
            reverse("admin:board_scenario_delete", args=[scenario.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Scenario.objects.exists()


def test_the_admin_lists_scenarios_in_the_same_number_of_queries_for_one_and_many(
    staff_client: WebClient, board_user: Any
) -> None:
    url = reverse("admin:board_scenario_changelist")
    make_scenario(board_user, slug="one", seen_from=date(2025, 1, 1))
    with CaptureQueriesContext(connection) as one:
        staff_client.get(url)
    for n in range(5):
        make_scenario(board_user, slug=f"more-{n}")
    with CaptureQueriesContext(connection) as many:
        staff_client.get(url)
    assert len(many) == len(one)
