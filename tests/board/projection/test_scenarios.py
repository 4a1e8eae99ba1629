"""What each parameter of a scenario changes in the projection of the plan, to the cent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from smartiberica.board.projection import forecast
from smartiberica.board.scenario_params import BASELINE, ScenarioParams
from tests.board.projection.plan import Plan

D = Decimal
WHAT_IF = ScenarioParams(slug="what-if", name="What if")


def cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_a_scenario_changes_no_month_up_to_as_of(plan: Plan) -> None:
    baseline = forecast(year=2025)
    changed = forecast(
        year=2025,
        scenario=replace(WHAT_IF, structure_rate=D("9.00"), fund_rate=D("1.00"), rates_from=date(2025, 1, 1)),
    )
    assert changed.months[:6] == baseline.months[:6]
    assert changed.months[6:] != baseline.months[6:]
    assert changed.as_json()["scenario"] == "what-if"


def test_stopping_a_source_removes_exactly_its_projected_receipts(plan: Plan) -> None:
    baseline = forecast(year=2025).figures
    stopped = forecast(
        year=2025, scenario=replace(WHAT_IF, stopped_source="smart-belgium", source_stops_on=date(2025, 7, 1))
    ).figures
    # The September and December tranches (3,000.00 each) go; March's receipt stays.
    assert baseline.external_support - stopped.external_support == D("6000.00")
    assert stopped.external_support_by_source["smart-belgium"] == D("3000.00")
    assert stopped.external_support_by_source["junta"] == D("1000.00")
    later = forecast(
        year=2025,
        scenario=replace(WHAT_IF, stopped_source="smart-belgium", source_stops_on=date(2025, 10, 1)),
    ).figures
    assert baseline.external_support - later.external_support == D("3000.00")


def test_one_more_point_of_structure_rate_adds_a_hundredth_of_each_projected_turnover(plan: Plan) -> None:
    at = replace(WHAT_IF, structure_rate=D("5.50"), fund_rate=D("2.00"), rates_from=date(2025, 7, 1))
    base = forecast(year=2025, scenario=at)
    more = forecast(year=2025, scenario=replace(at, structure_rate=D("6.50")))
    projected = [m for m in base.months if not m.actual]
    added = sum((cents(m.turnover * 1 / 100) for m in projected), D("0.00"))
    assert added == D("116.67") * 6
    assert more.figures.member_margin - base.figures.member_margin == added
    assert more.figures.guarantee_fund == base.figures.guarantee_fund
    assert more.structure_rate_at_year_end == D("6.50")


def test_rates_from_a_later_month_leave_the_months_before_it(plan: Plan) -> None:
    changed = forecast(
        year=2025,
        scenario=replace(
            WHAT_IF, structure_rate=D("8.00"), fund_rate=D("2.00"), rates_from=date(2025, 10, 15)
        ),
    )
    # July to September under the rule (5.5 %); October to December at 8 % (the month of the date on).
    assert [m.member_margin for m in changed.months[6:]] == [D("641.69")] * 3 + [D("933.36")] * 3


def test_a_growth_replaces_the_trailing_one(plan: Plan) -> None:
    grown = forecast(year=2025, scenario=replace(WHAT_IF, turnover_growth=D("10")))
    assert grown.turnover_growth == D("0.1")
    assert [m.turnover for m in grown.months[6:]] == [D("11000.00")] * 6
    assert grown.figures.member_margin == D("605.00") * 12
    shrunk = forecast(year=2025, scenario=replace(WHAT_IF, turnover_growth=D("-50")))
    assert [m.turnover for m in shrunk.months[6:]] == [D("5000.00")] * 6


def test_a_lost_client_brings_nothing_from_the_date(plan: Plan) -> None:
    lost = forecast(
        year=2025,
        scenario=replace(WHAT_IF, lost_client_id=plan.hachette.pk, client_lost_on=date(2025, 10, 1)),
    ).figures
    # Its July licence period stays, October's goes; what it was invoiced stays.
    assert lost.revenue_by_service["it-licensing"] == D("150.00")
    hachette = next(c for c in lost.revenue_by_client if c.client_id == plan.hachette.pk)
    assert hachette.amount == D("1150.00")


def test_extra_revenue_and_extra_costs_come_every_projected_month(plan: Plan) -> None:
    baseline = forecast(year=2025).figures
    extra = forecast(
        year=2025,
        scenario=replace(
            WHAT_IF, extra_revenue={"prl-training": D("500.00")}, extra_cost={"travel": D("200.00")}
        ),
    ).figures
    assert extra.revenue_by_service["prl-training"] == D("3000.00")
    assert extra.own_revenue - baseline.own_revenue == D("3000.00")
    assert extra.costs_by_category["travel"] == D("1200.00")
    assert extra.total_costs - baseline.total_costs == D("1200.00")
    # No client is named: the clients' list is the baseline's.
    assert extra.revenue_by_client == baseline.revenue_by_client


def test_an_unknown_code_is_refused(plan: Plan) -> None:
    with pytest.raises(ValueError, match="service line"):
        forecast(year=2025, scenario=replace(WHAT_IF, extra_revenue={"nope": D("1.00")}))
    with pytest.raises(ValueError, match="expense category"):
        forecast(year=2025, scenario=replace(WHAT_IF, extra_cost={"nope": D("1.00")}))


def test_a_scenario_seen_from_an_earlier_day_sees_the_months_ended_by_then(plan: Plan) -> None:
    seen = forecast(year=2025, scenario=replace(WHAT_IF, seen_from=date(2025, 3, 15)))
    assert seen.as_of == date(2025, 2, 28)
    assert seen.as_json()["as_of"] == "2025-02-28"
    assert forecast(year=2025, scenario=replace(WHAT_IF, seen_from=date(2025, 3, 31))).as_of == date(
        2025, 3, 31
    )
    # A day after the latest month ended changes nothing.
    assert forecast(year=2025, scenario=replace(WHAT_IF, seen_from=date(2025, 7, 10))).as_of == date(
        2025, 6, 30
    )


def test_the_break_even_rate_is_the_projected_years(plan: Plan) -> None:
    figures = forecast(year=2025, scenario=BASELINE).figures
    uncovered = figures.total_costs - figures.services_revenue
    assert figures.break_even_structure_rate is not None
    assert figures.break_even_structure_rate >= uncovered / figures.member_turnover * 100
    assert figures.break_even_structure_rate - D("0.01") < uncovered / figures.member_turnover * 100
