from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from services import actions
from services.models import Client, MarginRule
from services.selectors import ClientRevenue, ServicesYear, services_years, services_years_with_data
from smartiberica.kernel.basis import Basis
from tests.services.factories import (
    line,
    make_client,
    make_contract,
    make_invoice,
    make_member_turnover,
    make_payment,
    service,
)


def services_year(*, year: int, basis: Basis = "accrual") -> ServicesYear:
    """One year of the batched selector: the one computation of the services figures."""
    return services_years(years=[year], basis=basis)[year]


pytestmark = pytest.mark.django_db
D = Decimal
CODES = {"project-support", "it-licensing", "prl-training", "admin-services", "crowdfunding"}


@pytest.fixture
def year_2024(acme: Client, hachette: Client) -> dict[str, Any]:
    """Issued, draft, cancelled invoices and a credit note, with payments across years."""
    make_invoice(client=acme, issue_date=date(2023, 12, 31), lines=[line("5000.00")])
    teams = make_invoice(
        client=acme, issue_date=date(2024, 1, 10), lines=[line("12.00", quantity="40")]
    )  # 480
    support = make_invoice(
        client=hachette,
        service_line=service("project-support"),
        issue_date=date(2024, 3, 5),
        lines=[line("2000.00")],
    )
    make_invoice(client=hachette, issue_date=date(2024, 3, 6), status="draft", lines=[line("999.00")])
    make_invoice(client=acme, issue_date=date(2024, 4, 1), status="cancelled", lines=[line("777.00")])
    actions.credit_note_create(
        invoice=support, issue_date=date(2024, 12, 31), lines=[line("-500.00")], status="issued"
    )
    make_payment(invoice=support, date=date(2024, 4, 1), amount=D("1210.00"))  # net 1000
    make_payment(invoice=support, date=date(2025, 1, 2), amount=D("605.00"))  # net 500, next year
    make_payment(invoice=teams, date=date(2024, 2, 1), amount=D("100.00"))  # net 82.64
    return {"teams": teams, "support": support}


def test_accrual_revenue_is_the_net_of_issued_invoices_with_credit_notes_negative(
    year_2024: dict[str, Any],
) -> None:
    figures = services_year(year=2024)
    assert figures.basis == "accrual"
    assert figures.services_revenue == D("1980.00")  # 480 + 2000 − 500; drafts, cancelled and 2023 left out
    assert figures.revenue_by_service == {
        "admin-services": D("0.00"),
        "crowdfunding": D("0.00"),
        "it-licensing": D("480.00"),
        "prl-training": D("0.00"),
        "project-support": D("1500.00"),
    }
    assert figures.revenue_by_month == {m: D("0.00") for m in range(1, 13)} | {
        1: D("480.00"),
        3: D("2000.00"),
        12: D("-500.00"),
    }
    assert sum(figures.revenue_by_month.values()) == figures.services_revenue


def test_revenue_by_client_is_sorted_by_amount_then_name(year_2024: dict[str, Any], acme: Client) -> None:
    figures = services_year(year=2024)
    assert [(c.name, c.amount) for c in figures.revenue_by_client] == [
        ("Hachette Livre España", D("1500.00")),
        ("Acme Ediciones SL", D("480.00")),
    ]
    assert figures.revenue_by_client[1] == ClientRevenue(
        client_id=acme.pk, name="Acme Ediciones SL", tax_id="B58818501", amount=D("480.00")
    )


def test_clients_with_equal_revenue_are_sorted_by_name_and_zero_revenue_is_left_out() -> None:
    for name in ("Zeta", "Alfa", "Media"):
        make_invoice(client=make_client(name=name), issue_date=date(2022, 5, 1))
    zero = make_invoice(client=make_client(name="Cero"), issue_date=date(2022, 5, 1))
    actions.credit_note_create(invoice=zero, issue_date=date(2022, 5, 2), status="issued")
    assert [c.name for c in services_year(year=2022).revenue_by_client] == ["Alfa", "Media", "Zeta"]


def test_cash_revenue_is_the_net_part_of_the_payments_of_the_year(year_2024: dict[str, Any]) -> None:
    figures = services_year(year=2024, basis="cash")
    assert figures.basis == "cash"
    assert figures.services_revenue == D("1082.64")
    assert figures.revenue_by_service["project-support"] == D("1000.00")
    assert figures.revenue_by_service["it-licensing"] == D("82.64")
    assert figures.revenue_by_month[2] == D("82.64")
    assert figures.revenue_by_month[4] == D("1000.00")
    assert services_year(year=2025, basis="cash").services_revenue == D("500.00")


def test_an_empty_year_is_all_zeros_with_every_service_code() -> None:
    figures = services_year(year=2031)
    assert figures.services_revenue == D("0.00")
    assert set(figures.revenue_by_service) == CODES
    assert set(figures.revenue_by_service.values()) == {D("0.00")}
    assert figures.revenue_by_client == []
    assert figures.revenue_by_month == {m: D("0.00") for m in range(1, 13)}
    assert (figures.member_margin, figures.guarantee_fund, figures.expected_contract_revenue) == (
        D("0.00"),
        D("0.00"),
        D("0.00"),
    )
    assert figures.revenue_targets == {}


def test_a_new_service_line_appears_with_zero() -> None:
    from services.models import ServiceLine

    ServiceLine.objects.create(code="server-rental", name_es="Alquiler de servidores")
    figures = services_year(year=2024)
    assert figures.revenue_by_service["server-rental"] == D("0.00")
    assert figures.service_names["server-rental"] == "Alquiler de servidores"


def test_service_names_follow_the_active_language() -> None:
    with translation.override("fr"):
        names = services_year(year=2024).service_names
    assert names["crowdfunding"] == "Conseil en financement participatif"
    with translation.override("en"):
        assert services_year(year=2024).service_names["prl-training"] == (
            "Occupational-risk-prevention training platforms"
        )


def test_targets_and_expected_contract_revenue_are_reported(acme: Client) -> None:
    actions.revenue_target_set(service_line=service("it-licensing"), year=2024, amount=D("6000"))
    actions.revenue_target_set(service_line=service("it-licensing"), year=2024, amount=D("7000"))
    actions.revenue_target_set(service_line=service("crowdfunding"), year=2025, amount=D("100"))
    make_contract(client=acme, start_date=date(2024, 7, 1))  # 6 × 480
    figures = services_year(year=2024)
    assert figures.revenue_targets == {"it-licensing": D("7000.00")}
    assert figures.expected_contract_revenue == D("2880.00")


def test_member_figures_are_included(historical_rule: MarginRule) -> None:
    make_member_turnover(month=date(2024, 1, 1), turnover=D("10000.00"))
    actions.member_turnover_record(month=date(2024, 2, 1), turnover=D("20000.00"))
    actions.member_turnover_record(month=date(2025, 1, 1), turnover=D("99999.00"))
    figures = services_year(year=2024, basis="cash")
    assert (figures.member_turnover, figures.member_margin, figures.guarantee_fund) == (
        D("30000.00"),
        D("1650.00"),
        D("600.00"),
    )


def test_an_unknown_basis_is_refused() -> None:
    with pytest.raises(ValueError, match="basis"):
        services_year(year=2024, basis="invented")  # type: ignore[arg-type]


def make_volume(n: int, historical_rule: MarginRule) -> None:
    clients = [make_client() for _ in range(n)]
    for i, client in enumerate(clients):
        month = 1 + i * 12 // n  # in date order, as the series is numbered
        invoice = make_invoice(client=client, issue_date=date(2024, month, 1))
        make_payment(invoice=invoice, date=date(2024, month, 20), amount=D("121.00"))
        make_contract(client=client)
        actions.revenue_target_set(service_line=service(), year=2024 - i, amount=D("1"))
        actions.member_turnover_record(month=date(2024, month, 1), turnover=D("1000"))
    historical_rule.valid_to = date(2024, 12, 31)
    historical_rule.save()
    actions.margin_rule_create(
        name="Later",
        valid_from=date(2025, 1, 1),
        bands=[(D("0"), D("5"), D("2")), (D("1000"), D("4"), D("1"))],
    )


@pytest.mark.parametrize("basis", ["accrual", "cash"])
@pytest.mark.parametrize("volume", [1, 30])
def test_services_year_runs_a_fixed_number_of_queries(
    basis: str, volume: int, historical_rule: MarginRule, django_assert_max_num_queries: Any
) -> None:
    make_volume(volume, historical_rule)
    # Since issue 17 both bases read the monthly rollups, whose cash rows have the refunds taken
    # off already: the cash basis no longer reads the refunds (one query fewer than before).
    with django_assert_max_num_queries(9):
        figures = services_year(year=2024, basis=basis)  # type: ignore[arg-type]
    assert figures.services_revenue == D("100.00") * volume
    # The raw records (the oracle): the cash basis reads the refunds too, whatever their number.
    with django_assert_max_num_queries(9 if basis == "accrual" else 10):
        raw = services_years(years=[2024], basis=basis, source="raw")[2024]  # type: ignore[arg-type]
    assert raw == figures


def test_years_with_data_come_from_issued_invoices_payments_and_member_turnover(
    acme: Client, historical_rule: MarginRule
) -> None:
    invoice = make_invoice(client=acme, issue_date=date(2021, 6, 1))
    make_invoice(client=acme, issue_date=date(2019, 6, 1), status="draft")
    make_payment(invoice=invoice, date=date(2023, 1, 5), amount=D("1.00"))
    actions.member_turnover_record(month=date(2020, 3, 1), turnover=D("1"))
    assert services_years_with_data() == [2020, 2021, 2023]


def test_service_lines_by_code_returns_every_line() -> None:
    lines = services_lines()
    assert set(lines) == CODES
    assert lines["crowdfunding"].code == "crowdfunding"


def services_lines() -> dict[str, Any]:
    from services.selectors import service_lines_by_code

    return service_lines_by_code()
