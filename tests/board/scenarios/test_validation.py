"""Each rule of a scenario refuses with its own words, on the field it concerns, and writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from funding.models import ExpenseCategory, FundingSource
from services.models import Client, ServiceLine
from smartiberica.board import scenario_validation as sv
from smartiberica.board.models import Scenario, ScenarioRevenue
from smartiberica.kernel.dates import planned_date_range_message
from smartiberica.kernel.rates import ERR_RATE_OUT_OF_RANGE
from smartiberica.kernel.text import ERR_CONTROL_CHARACTER
from tests.board.scenarios.helpers import make_scenario, messages_of

pytestmark = pytest.mark.django_db
D = Decimal
DAY = date(2025, 1, 1)


def refusal(author: Any, **params: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        make_scenario(author, **params)
    assert not Scenario.objects.exists()
    return caught.value


def test_the_slug_baseline_is_refused_since_it_names_the_projection_without_scenario(board_user: Any) -> None:
    error = refusal(board_user, slug="baseline")
    assert messages_of(error, "slug") == [str(sv.ERR_SLUG_RESERVED)]


def test_a_slug_already_taken_is_refused_with_its_own_words(board_user: Any) -> None:
    make_scenario(board_user, slug="taken")
    with pytest.raises(ValidationError) as caught:
        make_scenario(board_user, slug="taken", name="Another")
    assert messages_of(caught.value, "slug") == [str(sv.ERR_SLUG_TAKEN)]
    assert Scenario.objects.count() == 1


def test_a_stopped_source_without_its_date_is_refused_on_the_date(
    board_user: Any, belgium: FundingSource
) -> None:
    error = refusal(board_user, stopped_source_id=belgium.pk)
    assert messages_of(error, "source_stops_on") == [str(sv.ERR_SOURCE_WITHOUT_DATE)]


def test_a_stop_date_without_its_source_is_refused_on_the_source(board_user: Any) -> None:
    error = refusal(board_user, source_stops_on=DAY)
    assert messages_of(error, "stopped_source") == [str(sv.ERR_STOP_DATE_WITHOUT_SOURCE)]


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"structure_rate": D("8.00")}, ["fund_rate", "rates_from"]),
        ({"structure_rate": D("8.00"), "fund_rate": D("2.00")}, ["rates_from"]),
        ({"rates_from": DAY}, ["structure_rate", "fund_rate"]),
        ({"fund_rate": D("2.00"), "rates_from": DAY}, ["structure_rate"]),
    ],
)
def test_rates_come_with_each_other_and_their_date_or_not_at_all(
    given: dict[str, Any], missing: list[str], board_user: Any
) -> None:
    error = refusal(board_user, **given)
    assert sorted(error.error_dict) == sorted(missing)
    for field in missing:
        assert messages_of(error, field) == [str(sv.ERR_RATES_INCOMPLETE)]


@pytest.mark.parametrize(("field", "value"), [("structure_rate", D("100.01")), ("fund_rate", D("-0.50"))])
def test_a_rate_outside_0_to_100_is_refused_with_the_rate_rule(
    field: str, value: Decimal, board_user: Any
) -> None:
    rates = {"structure_rate": D("8.00"), "fund_rate": D("2.00"), "rates_from": DAY, field: value}
    error = refusal(board_user, **rates)
    assert messages_of(error, field) == [str(ERR_RATE_OUT_OF_RANGE)]


def test_a_growth_of_minus_100_or_less_is_refused_and_just_above_is_accepted(board_user: Any) -> None:
    error = refusal(board_user, turnover_growth=D("-100.00"))
    assert messages_of(error, "turnover_growth") == [str(sv.ERR_GROWTH_TOO_LOW)]
    assert make_scenario(board_user, turnover_growth=D("-99.99")).turnover_growth == D("-99.99")


def test_a_lost_client_without_its_date_is_refused_on_the_date(board_user: Any, hachette: Client) -> None:
    error = refusal(board_user, lost_client_id=hachette.pk)
    assert messages_of(error, "client_lost_on") == [str(sv.ERR_CLIENT_WITHOUT_DATE)]


def test_a_loss_date_without_its_client_is_refused_on_the_client(board_user: Any) -> None:
    error = refusal(board_user, client_lost_on=DAY)
    assert messages_of(error, "lost_client") == [str(sv.ERR_LOSS_DATE_WITHOUT_CLIENT)]


def test_a_date_past_2099_is_refused_with_the_planned_date_range(board_user: Any) -> None:
    error = refusal(board_user, seen_from=date(2100, 1, 1))
    assert messages_of(error, "seen_from") == [planned_date_range_message()]


def test_a_name_with_a_control_character_is_refused(board_user: Any) -> None:
    error = refusal(board_user, name="What\x00if")
    assert messages_of(error, "name") == [str(ERR_CONTROL_CHARACTER % {"character": "U+0000"})]


def test_a_blank_name_is_refused(board_user: Any) -> None:
    error = refusal(board_user, name="   ")
    assert list(error.error_dict) == ["name"]


@pytest.mark.parametrize("amount", [D("0.00"), D("-5.00")])
def test_extra_revenue_or_cost_must_be_positive_and_the_refusal_names_its_row(
    amount: Decimal, board_user: Any, support: ServiceLine, it_costs: ExpenseCategory
) -> None:
    error = refusal(board_user, extra_revenue={support.pk: amount}, extra_costs={it_costs.pk: amount})
    for field, key in (("extra_revenue", support.pk), ("extra_costs", it_costs.pk)):
        [row_error] = error.error_dict[field]
        assert row_error.messages == [str(sv.ERR_MONTHLY_AMOUNT_NOT_POSITIVE)]
        assert row_error.params == {"key": key}
    assert not ScenarioRevenue.objects.exists()


def test_an_unknown_service_line_is_refused_on_its_row_and_nothing_is_written(board_user: Any) -> None:
    error = refusal(board_user, extra_revenue={999999: D("10.00")})
    [row_error] = error.error_dict["extra_revenue"]
    assert row_error.params == {"key": 999999}


def test_every_broken_rule_is_reported_at_once(board_user: Any, support: ServiceLine) -> None:
    error = refusal(
        board_user,
        slug="baseline",
        source_stops_on=DAY,
        turnover_growth=D("-150"),
        extra_revenue={support.pk: D("0.00")},
    )
    assert set(error.error_dict) == {"slug", "stopped_source", "turnover_growth", "extra_revenue"}


def test_the_rules_are_plain_functions_the_actions_call() -> None:
    with pytest.raises(ValidationError) as caught:
        sv.validate_scenario_pairs(
            stopped_source_id=1,
            source_stops_on=None,
            structure_rate=None,
            fund_rate=None,
            rates_from=None,
            lost_client_id=None,
            client_lost_on=DAY,
        )
    assert set(caught.value.error_dict) == {"source_stops_on", "lost_client"}
    sv.validate_scenario_slug("smart-belgium-stops-2021")
    sv.validate_growth(None)
    sv.validate_monthly_amount(D("0.01"))
