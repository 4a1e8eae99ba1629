"""Every figure of the engine on records written through the apps' actions."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartiberica.board.figures import yearly_figures, years_with_data
from tests.board.story import Story, build
from tests.board.volume import add_volume

D = Decimal


def test_2024_on_the_accrual_basis(story: Story) -> None:
    f = yearly_figures(year=2024)
    # Cancelled invoices and drafts are out; the credit note counts negative.
    assert f.services_revenue == D("27000.00")
    assert f.revenue_by_service["project-support"] == D("19000.00")
    assert f.revenue_by_service["it-licensing"] == D("8000.00")
    assert f.revenue_by_service["crowdfunding"] == D("0.00")
    # 120,000 × 6 % (the month's own rates) + 80,000 × 5.5 % (the rule in force).
    assert f.member_margin == D("11600.00")
    assert f.guarantee_fund == D("4000.00")
    assert f.own_revenue == D("38600.00")
    assert f.external_support == D("5000.00")
    assert f.external_support_by_source == {"junta": D("5000.00")}
    assert f.loan_drawdowns == D("0.00")
    # v2: the interest of the schedule rows due in 2024 (instalments 12 to 23), not the 200.00 repaid.
    assert f.loan_interest == D("191.00")
    assert f.loan_principal_repaid == D("3000.00")
    assert f.loan_outstanding_year_end == D("15000.00")
    assert f.total_costs == D("40191.00")
    assert f.costs_by_category["it"] == D("2000.00")
    assert f.costs_by_category["travel"] == D("0.00")
    # The approved version counts, not the later draft.
    assert f.budgeted_costs == D("37000.00")
    assert f.funding_gap == D("1591.00")
    # v2: (40,191 − 27,000) / 200,000 turnover × 100 = 6.5955 %, rounded up.
    assert f.break_even_structure_rate == D("6.60")
    assert f.top_funder == "junta"
    assert [(c.name, c.amount) for c in f.revenue_by_client] == [
        ("Hachette Livre", D("19000.00")),
        ("Cooperativa Tierra Viva", D("8000.00")),
    ]


def test_2024_ratios(story: Story) -> None:
    r = yearly_figures(year=2024).ratios
    assert r.self_financing == D("0.9604")  # 38,600 / 40,191
    assert r.own_revenue_share == D("0.8853")  # 38,600 / 43,600
    assert r.top_funder_share == D("0.1147")  # 5,000 / 43,600
    # v2, by kind of source: (27,000² + 11,600² + 5,000²) / 43,600²
    assert r.hhi == D("0.4674")
    assert r.budget_execution == D("1.0862")  # 40,191 / 37,000
    assert r.client_concentration == D("0.7037")  # 19,000 / 27,000


def test_2024_on_the_cash_basis_counts_the_net_share_of_payments(story: Story) -> None:
    f = yearly_figures(year=2024, basis="cash")
    # A December 2023 invoice paid in January 2024 (2,000 net) + half of a 2024 invoice (10,000 net).
    assert f.services_revenue == D("12000.00")
    assert f.revenue_by_service["it-licensing"] == D("2000.00")
    assert f.member_margin == D("11600.00")
    assert f.own_revenue == D("23600.00")
    assert f.basis == "cash"
    # v2: on the cash basis the interest is the one repaid in 2024.
    assert f.loan_interest == D("200.00")
    assert f.total_costs == D("40200.00")
    assert f.break_even_structure_rate == D("14.10")  # (40,200 − 12,000) / 200,000 × 100


def test_2023_counts_shared_services_in_kind_and_the_drawdown_as_financing(story: Story) -> None:
    f = yearly_figures(year=2023)
    assert f.services_revenue == D("12000.00")
    assert f.member_margin == D("5500.00")
    assert f.in_kind_shared_services == D("550.00")
    assert f.external_support == D("10550.00")
    assert f.external_support_by_source == {"coops": D("550.00"), "smart-belgium": D("10000.00")}
    assert f.loan_drawdowns == D("20000.00")
    # v2: 36,250 expenses + 437.84 interest due (instalments 1 to 11) + 550 in kind.
    assert f.loan_interest == D("437.84")
    assert f.total_costs == D("37237.84")
    assert f.loan_outstanding_year_end == D("18000.00")
    assert f.budgeted_costs is None
    assert f.ratios.budget_execution is None
    assert f.ratios.self_financing == D("0.4700")  # 17,500 / 37,237.84
    assert f.break_even_structure_rate == D("25.24")  # 25,237.84 / 100,000 × 100 = 25.2378


def test_an_empty_year_is_zeros_and_no_ratio(story: Story) -> None:
    f = yearly_figures(year=2010)
    data = f.as_json()
    assert data["own_revenue"] == "0.00"
    assert data["total_costs"] == "0.00"
    assert data["loan_outstanding_year_end"] == "0.00"
    assert data["revenue_by_client"] == []
    assert set(data["ratios"].values()) == {None}
    assert set(data["revenue_by_service"]) == {
        "project-support",
        "it-licensing",
        "prl-training",
        "admin-services",
        "crowdfunding",
    }


def test_the_years_with_data_come_from_both_apps(story: Story) -> None:
    assert years_with_data() == [2023, 2024]


@pytest.mark.django_db
def test_the_engine_makes_the_same_number_of_queries_at_two_volumes() -> None:
    build()
    with CaptureQueriesContext(connection) as small:
        yearly_figures(year=2024)
        yearly_figures(year=2024, basis="cash")
    add_volume(year=2024, times=10)  # ten more invoices, payments and expenses in 2024
    with CaptureQueriesContext(connection) as large:
        yearly_figures(year=2024)
        yearly_figures(year=2024, basis="cash")
    assert len(large) == len(small)
    # 7 funding + 9 services queries for each year and basis (one path: the batched selectors asked
    # for one year), and one per call for the approved snapshots of closed years (issue 15). Since
    # issue 17 the services revenue comes from the monthly rollups, whose cash rows have the refunds
    # taken off already: no more query for the refunds on the cash basis.
    assert len(small) == 2 * (16 + 1)
