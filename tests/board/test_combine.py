"""The engine's definitions, one by one, on hand-built selector results (no database)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from smartiberica.board.figures import combine, herfindahl
from tests.board.inputs import CATEGORIES, SERVICES, ZERO, client, funding_inputs, services_inputs

D = Decimal


def a_year() -> tuple[SimpleNamespace, SimpleNamespace]:
    services = services_inputs(
        revenue_by_service={
            **dict.fromkeys(SERVICES, ZERO),
            "project-support": D("500.00"),
            "it-licensing": D("300.00"),
        },
        revenue_by_client=[
            client(1, "Hachette", "FR40303265045", "600.00"),
            client(2, "Ayto. Sevilla", "P4109100J", "200.00"),
        ],
        member_margin=D("200.00"),
        guarantee_fund=D("72.73"),
    )
    funding = funding_inputs(
        external_receipts_by_source={"smart-belgium": D("300.00")},
        in_kind_by_source={"andalusian-coops": D("200.00")},
        loan_interest=D("50.00"),
        costs_by_category={**dict.fromkeys(CATEGORIES, ZERO), "staff": D("1000.00"), "premises": D("200.00")},
        budgeted_costs=D("1000.00"),
        source_names={"smart-belgium": "Smart Belgium", "andalusian-coops": "Cooperativas andaluzas"},
    )
    return funding, services


def test_an_empty_year_gives_zeros_and_no_ratio() -> None:
    figures = combine(funding_inputs(), services_inputs(), basis="accrual")
    assert figures.own_revenue == ZERO
    assert figures.total_costs == ZERO
    assert figures.funding_gap == ZERO
    assert figures.top_funder is None
    assert figures.budgeted_costs is None
    assert figures.external_support_by_source == {}
    assert all(getattr(figures.ratios, name) is None for name in vars(figures.ratios))


def test_own_revenue_is_services_revenue_plus_member_margin() -> None:
    figures = combine(*a_year(), basis="accrual")
    assert figures.services_revenue == D("800.00")
    assert figures.own_revenue == D("1000.00")
    assert figures.guarantee_fund == D("72.73")


def test_total_costs_are_expenses_plus_loan_interest_plus_in_kind_shared_services() -> None:
    figures = combine(*a_year(), basis="accrual")
    # v2: 1,200 expenses + 50 interest + 200 donated services (a cost as well as a resource).
    assert figures.total_costs == D("1450.00")
    assert figures.funding_gap == D("450.00")
    assert figures.total_costs == (
        sum(figures.costs_by_category.values(), ZERO)
        + figures.loan_interest
        + figures.in_kind_shared_services
    )


def test_the_self_financing_ratio_is_own_revenue_over_total_costs() -> None:
    assert combine(*a_year(), basis="accrual").ratios.self_financing == D("0.6897")  # 1,000 / 1,450


def test_loan_interest_is_the_interest_due_on_accrual_and_the_interest_paid_on_cash() -> None:
    funding = funding_inputs(loan_interest_due=D("240.00"), loan_interest_paid=D("120.00"))
    accrual = combine(funding, services_inputs(), basis="accrual")
    cash = combine(funding, services_inputs(basis="cash"), basis="cash")
    assert (accrual.loan_interest, accrual.total_costs) == (D("240.00"), D("240.00"))
    assert (cash.loan_interest, cash.total_costs) == (D("120.00"), D("120.00"))


def test_external_support_adds_receipts_and_in_kind_shared_services() -> None:
    figures = combine(*a_year(), basis="accrual")
    assert figures.external_support == D("500.00")
    assert figures.in_kind_shared_services == D("200.00")
    assert figures.external_support_by_source == {
        "andalusian-coops": D("200.00"),
        "smart-belgium": D("300.00"),
    }
    assert figures.ratios.own_revenue_share == D("0.6667")


def test_the_top_funder_is_the_largest_external_source() -> None:
    figures = combine(*a_year(), basis="accrual")
    assert figures.top_funder == "smart-belgium"
    assert figures.ratios.top_funder_share == D("0.2000")


def test_a_top_funder_tie_goes_to_the_first_code() -> None:
    funding = funding_inputs(external_receipts_by_source={"zeta": D("10.00"), "alpha": D("10.00")})
    assert combine(funding, services_inputs(), basis="accrual").top_funder == "alpha"


def test_without_external_support_the_top_funder_share_is_a_real_zero() -> None:
    services = services_inputs(
        revenue_by_service={**dict.fromkeys(SERVICES, ZERO), "crowdfunding": D("10.00")}
    )
    figures = combine(funding_inputs(), services, basis="accrual")
    assert figures.top_funder is None
    assert figures.ratios.top_funder_share == D("0.0000")


def test_hhi_counts_streams_by_kind_of_source() -> None:
    figures = combine(*a_year(), basis="accrual")
    # v2: services revenue is one stream whatever its service lines: 800 (services), 200 (margin),
    # 300 and 200 (the two sources) over 1,500; (800² + 200² + 300² + 200²) / 1,500² = 0.36.
    assert figures.ratios.hhi == D("0.3600")
    assert figures.effective_sources == D("2.7778")


def test_hhi_merges_receipts_and_in_kind_of_one_source_and_leaves_out_negative_streams() -> None:
    funding = funding_inputs(
        external_receipts_by_source={"coops": D("100.00")}, in_kind_by_source={"coops": D("100.00")}
    )
    services = services_inputs(
        revenue_by_service={**dict.fromkeys(SERVICES, ZERO), "crowdfunding": D("-50.00")},
        member_margin=D("200.00"),
    )
    # Streams: services −50 (counted as 0), margin 200, coops 200: (200² + 200²) / 400² = 0.5.
    assert combine(funding, services, basis="accrual").ratios.hhi == D("0.5000")


def test_hhi_ignores_negative_and_zero_streams() -> None:
    assert herfindahl([D("100.00"), D("-50.00"), ZERO]) == D("1.0000")
    assert herfindahl([ZERO, D("-1.00")]) is None
    assert herfindahl([D("1.00"), D("1.00"), D("1.00")]) == D("0.3333")


def test_budget_execution_leaves_the_in_kind_shared_services_out() -> None:
    # v2: (1,450 total costs − 200 in kind) / 1,000 budgeted.
    assert combine(*a_year(), basis="accrual").ratios.budget_execution == D("1.2500")


def test_ratios_are_null_when_their_denominator_is_negative() -> None:
    services = services_inputs(
        revenue_by_service={**dict.fromkeys(SERVICES, ZERO), "project-support": D("-300.00")},
        revenue_by_client=[client(1, "Hachette", "FR40303265045", "-300.00")],
        member_margin=D("100.00"),
    )
    funding = funding_inputs(costs_by_category={**dict.fromkeys(CATEGORIES, ZERO), "staff": D("10.00")})
    ratios = combine(funding, services, basis="accrual").ratios
    # own revenue −200 + no support: resources −200; services revenue −300.
    assert ratios.own_revenue_share is None
    assert ratios.top_funder_share is None
    assert ratios.client_concentration is None
    assert ratios.self_financing == D("-20.0000")  # its denominator, the costs, is positive


@pytest.mark.parametrize(
    ("costs", "services_revenue", "turnover", "rate"),
    [
        ("1450.00", "800.00", "10000.00", "6.50"),  # 650 / 10,000 × 100 exactly
        ("1000.01", "0.00", "30000.00", "3.34"),  # 3.33336… rounded up, not to the nearest
        ("1000.00", "0.00", "30000.00", "3.34"),  # 3.3333… rounded up
        ("500.00", "800.00", "10000.00", "0.00"),  # services revenue alone covers the costs
        ("500.00", "500.00", "10000.00", "0.00"),
        ("500.00", "0.00", "0.00", None),  # no turnover: no rate could cover anything
    ],
)
def test_the_break_even_structure_rate_is_rounded_up(
    costs: str, services_revenue: str, turnover: str, rate: str | None
) -> None:
    funding = funding_inputs(costs_by_category={**dict.fromkeys(CATEGORIES, ZERO), "staff": D(costs)})
    services = services_inputs(
        revenue_by_service={**dict.fromkeys(SERVICES, ZERO), "project-support": D(services_revenue)},
        member_turnover=D(turnover),
    )
    figures = combine(funding, services, basis="accrual")
    assert figures.break_even_structure_rate == (None if rate is None else D(rate))
    assert figures.as_json()["break_even_structure_rate"] == rate


def test_budget_execution_is_none_without_an_approved_budget_or_with_a_zero_one() -> None:
    funding, services = a_year()
    funding.budgeted_costs = None
    assert combine(funding, services, basis="accrual").ratios.budget_execution is None
    funding.budgeted_costs = ZERO
    assert combine(funding, services, basis="accrual").ratios.budget_execution is None


def test_client_concentration_is_the_largest_clients_share_of_services_revenue() -> None:
    assert combine(*a_year(), basis="accrual").ratios.client_concentration == D("0.7500")


def test_a_source_with_a_zero_amount_is_left_out() -> None:
    funding = funding_inputs(external_receipts_by_source={"smart-belgium": ZERO, "grant-x": D("5.00")})
    assert combine(funding, services_inputs(), basis="accrual").external_support_by_source == {
        "grant-x": D("5.00")
    }


def test_the_json_follows_the_public_contract_key_for_key() -> None:
    data = combine(*a_year(), basis="cash").as_json()
    assert list(data) == [
        "year", "basis", "currency", "own_revenue", "services_revenue", "member_margin", "guarantee_fund",
        "revenue_by_service", "revenue_by_client", "external_support", "external_support_by_source",
        "in_kind_shared_services", "loan_drawdowns", "loan_interest", "loan_principal_repaid",
        "loan_outstanding_year_end", "total_costs", "costs_by_category", "budgeted_costs", "funding_gap",
        "top_funder", "break_even_structure_rate", "status", "approved", "ratios",
    ]  # fmt: skip
    assert data["basis"] == "cash"
    assert data["currency"] == "EUR"
    assert data["own_revenue"] == "1000.00"
    assert data["revenue_by_service"]["crowdfunding"] == "0.00"
    assert data["revenue_by_client"][0] == {
        "client": "Hachette",
        "tax_id": "FR40303265045",
        "amount": "600.00",
    }
    assert data["costs_by_category"]["travel"] == "0.00"
    assert data["budgeted_costs"] == "1000.00"
    assert data["break_even_structure_rate"] is None  # no member turnover
    assert (data["status"], data["approved"]) == ("open", None)
    assert data["ratios"] == {
        "self_financing": "0.6897",
        "own_revenue_share": "0.6667",
        "top_funder_share": "0.2000",
        "hhi": "0.3600",
        "budget_execution": "1.2500",
        "client_concentration": "0.7500",
    }


def test_the_json_of_an_empty_year_has_nulls_not_zeros_for_ratios() -> None:
    data = combine(funding_inputs(), services_inputs(), basis="accrual").as_json()
    assert data["budgeted_costs"] is None
    assert data["top_funder"] is None
    assert set(data["ratios"].values()) == {None}


@pytest.mark.parametrize("bad", [0.5, 1.0])
def test_the_engine_refuses_float_money(bad: float) -> None:
    with pytest.raises(TypeError):
        combine(funding_inputs(loan_interest=bad), services_inputs(), basis="accrual")
