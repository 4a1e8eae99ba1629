"""The year-end projection of the plan (tests/board/projection/plan.py), figure by figure.

Every expected amount is computed by hand from the plan's docstring.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from smartiberica.board.figures import yearly_figures
from smartiberica.board.projection import ProjectionError, forecast
from smartiberica.board.scenario_params import ScenarioParams
from tests.board.projection.plan import AS_OF, Plan

D = Decimal
MONEY_KEYS = ("own_revenue", "external_support", "total_costs", "cash_in", "cash_out")


def month_sums(data: dict) -> dict[str, Decimal]:
    return {key: sum((D(m[key]) for m in data["months"]), D("0.00")) for key in MONEY_KEYS}


def test_it_is_seen_from_the_last_month_that_has_ended(plan: Plan) -> None:
    projected = forecast(year=2025)
    assert projected.as_of == AS_OF
    assert [m.actual for m in projected.months] == [True] * 6 + [False] * 6
    data = projected.as_json()
    assert data["as_of"] == "2025-06-30" and data["scenario"] == "baseline"
    assert [m["month"] for m in data["months"]] == [f"2025-{m:02d}" for m in range(1, 13)]


def test_the_turnover_grows_as_the_trailing_twelve_months_did(plan: Plan) -> None:
    projected = forecast(year=2025)
    # 126,000 / 108,000 − 1
    assert projected.turnover_growth == D("0.1667")
    # 10,000.00 × 1.1667 each month from July; margin round(11,667 × 5.5 %) = 641.69.
    assert [m.turnover for m in projected.months[6:]] == [D("11667.00")] * 6
    assert [m.member_margin for m in projected.months[6:]] == [D("641.69")] * 6
    figures = projected.figures
    assert figures.member_margin == D("605.00") * 6 + D("641.69") * 6
    assert figures.guarantee_fund == D("220.00") * 6 + D("233.34") * 6
    assert projected.structure_rate_at_year_end == D("5.50")


def test_contracts_bring_their_expected_invoices_in_the_projected_months(plan: Plan) -> None:
    figures = forecast(year=2025).figures
    # 1,000.00 invoiced in March; July and October licence periods 150.00 each; the 2,000.00 fee.
    assert figures.services_revenue == D("3300.00")
    assert figures.revenue_by_service["it-licensing"] == D("300.00")
    assert figures.revenue_by_service["crowdfunding"] == D("2000.00")
    assert figures.revenue_by_service["project-support"] == D("1000.00")
    assert [(c.name, c.amount) for c in figures.revenue_by_client] == [
        ("Cooperativa Tierra Viva", D("2000.00")),
        ("Hachette Livre", D("1300.00")),
    ]
    assert figures.ratios.client_concentration == D("0.6061")


def test_expected_tranches_count_once_received_ones_never_twice(plan: Plan) -> None:
    figures = forecast(year=2025).figures
    # Smart Belgium: 3,000 received in March + September and December tranches; the Junta's
    # October tranche; the pooled services' in-kind 1,200.
    assert figures.external_support_by_source == {
        "coops": D("1200.00"),
        "junta": D("1000.00"),
        "smart-belgium": D("9000.00"),
    }
    assert figures.external_support == D("11200.00")
    assert figures.top_funder == "smart-belgium"


def test_costs_follow_the_budget_spread_as_last_year_spent(plan: Plan) -> None:
    figures = forecast(year=2025).figures
    # Staff: 13,200 in last year's even pattern = 1,100 a month from July. IT: 1,200 all in
    # March as last year, nothing left to project. Premises (no expense last year): 50 a month.
    assert figures.costs_by_category["staff"] == D("13200.00")
    assert figures.costs_by_category["it"] == D("0.00")
    assert figures.costs_by_category["premises"] == D("300.00")
    assert figures.budgeted_costs == D("15000.00")


def test_the_loan_schedule_and_the_in_kind_support_are_spread_over_the_year(plan: Plan) -> None:
    projected = forecast(year=2025)
    figures = projected.figures
    schedule = list(plan.loan.schedule.filter(due_date__year=2025))
    assert figures.loan_interest == sum((row.interest for row in schedule), D("0.00"))
    assert figures.loan_principal_repaid == sum((row.principal for row in schedule), D("0.00"))
    assert figures.loan_outstanding_year_end == D("12000.00") - figures.loan_principal_repaid
    # In kind: 1,200 a year, 100 a month, a resource and a cost alike.
    assert all(m.external_support >= D("100.00") for m in projected.months)
    assert figures.total_costs == D("13500.00") + figures.loan_interest + D("1200.00")


def test_the_months_add_up_to_the_year_on_both_bases(plan: Plan) -> None:
    for basis in ("accrual", "cash"):
        data = forecast(year=2025, basis=basis).as_json()
        sums = month_sums(data)
        assert {key: str(sums[key]) for key in MONEY_KEYS} == {key: data[key] for key in MONEY_KEYS}


def test_cash_in_counts_the_drawdown_and_cash_out_the_instalments(plan: Plan) -> None:
    projected = forecast(year=2025)
    january = projected.months[0]
    # 12,000 drawn + margin 605 + fund 220; nothing paid in January but salaries.
    assert january.cash_in == D("12825.00")
    assert january.cash_out == D("1100.00")
    instalment = plan.loan.schedule.get(number=1).instalment
    assert projected.months[1].cash_out == D("1100.00") + instalment


def test_a_year_that_is_over_is_its_yearly_figures_key_for_key(plan: Plan) -> None:
    for basis in ("accrual", "cash"):
        projected = forecast(year=2024, basis=basis)
        data = projected.as_json()
        recorded = yearly_figures(year=2024, basis=basis).as_json()
        assert {key: data[key] for key in recorded} == recorded
        assert projected.as_of == date(2024, 12, 31)
        assert all(m.actual for m in projected.months)
        assert month_sums(data)["own_revenue"] == D(recorded["own_revenue"])
        assert month_sums(data)["total_costs"] == D(recorded["total_costs"])


def test_it_refuses_an_as_of_that_is_not_the_end_of_a_month(plan: Plan) -> None:
    with translation.override("en"), pytest.raises(ProjectionError, match="last day of a month"):
        forecast(year=2025, as_of=date(2025, 6, 15))


def test_it_refuses_an_as_of_in_a_month_that_has_not_ended(plan: Plan) -> None:
    with translation.override("en"), pytest.raises(ProjectionError, match="not ended"):
        forecast(year=2025, as_of=date(2025, 7, 31))


def test_an_earlier_as_of_projects_more_months(plan: Plan) -> None:
    projected = forecast(year=2025, as_of=date(2025, 2, 28))
    assert [m.actual for m in projected.months] == [True] * 2 + [False] * 10
    # The March invoice is not known yet; the licence's April period is expected instead.
    assert projected.figures.revenue_by_service["project-support"] == D("0.00")
    assert projected.figures.revenue_by_service["it-licensing"] == D("450.00")


def test_a_year_seen_from_before_it_starts_is_all_projected(plan: Plan) -> None:
    projected = forecast(year=2025, as_of=date(2024, 12, 31))
    assert not any(m.actual for m in projected.months)
    # Growth of 2024 over 2023: 120,000 / 96,000 − 1; each month 10,000 × 1.25.
    assert projected.turnover_growth == D("0.2500")
    assert projected.figures.member_turnover == D("150000.00")
    # The loan drawn in January 2025 is not known yet.
    assert projected.figures.loan_drawdowns == D("0.00")
    assert projected.figures.loan_principal_repaid == D("0.00")
    assert projected.figures.loan_outstanding_year_end == D("0.00")


def test_a_running_time_and_materials_contract_bills_what_it_billed_a_year_before(plan: Plan) -> None:
    from services import actions as services
    from services.selectors import service_lines_by_code

    lines = service_lines_by_code()
    with time_machine.travel("2024-10-20 10:00:00+02:00", tick=False):
        contract = services.contract_create(
            client=plan.tierra,
            service_line=lines["project-support"],
            reference="TM-1",
            start_date=date(2024, 6, 1),
            kind="time_and_materials",
            estimated_amount=D("5000.00"),
        )
        for day, amount in (
            (date(2024, 7, 15), "400.00"),
            (date(2024, 9, 2), "250.00"),
            (date(2024, 9, 20), "100.00"),
        ):
            invoice = services.invoice_create(
                client=plan.tierra,
                service_line=lines["project-support"],
                issue_date=day,
                contract=contract,
                series="TM",
                lines=[services.LineInput("Horas", D(1), D(amount), D("21.00"))],
            )
            services.invoice_issue(invoice=invoice)
    figures = forecast(year=2025).figures
    # July 400.00 and September 350.00 again; the March invoice of the plan stays.
    assert figures.revenue_by_service["project-support"] == D("1000.00") + D("750.00")
    lost = forecast(
        year=2025,
        scenario=ScenarioParams(
            slug="sin-tierra", lost_client_id=plan.tierra.pk, client_lost_on=date(2025, 8, 1)
        ),
    ).figures
    assert lost.revenue_by_service["project-support"] == D("1000.00") + D("400.00")
