"""The contribution margin by service line on the book of conftest.py, every figure by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from funding import actions as funding_actions
from funding.selectors import direct_costs_by_line
from services import actions as services_actions
from services.selectors import partner_shares_by_line
from smartiberica.board.closing import year_close
from smartiberica.board.contribution import ContributionLine, contribution_by_line
from smartiberica.board.figures import yearly_figures, yearly_figures_many
from tests.board.contribution.conftest import Book, crowdfunding_contract, direct_cost
from tests.services.factories import line, make_invoice, service

D = Decimal
pytestmark = pytest.mark.django_db


def amounts(line: ContributionLine) -> tuple[object, ...]:
    return (
        line.code,
        line.revenue,
        line.partner_shares,
        line.direct_costs,
        line.contribution,
        line.margin_rate,
    )


def test_the_selectors_give_the_shares_and_direct_costs_of_each_line_and_year(book: Book) -> None:
    # Accrual: F1 720.00, its credit note −120.00, F2 and F3 300.02 each (300.015 rounded half up).
    assert partner_shares_by_line(years=[2023, 2024, 2025]) == {
        2023: {},
        2024: {"crowdfunding": D("1200.04")},
        2025: {},
    }
    # Cash: 1,000.00 paid → 300.00, twice 1,000.05 → 300.02, 100.00 refunded → −30.00; 2025's 1,100.00.
    assert partner_shares_by_line(years=[2024, 2025], basis="cash") == {
        2024: {"crowdfunding": D("870.04")},
        2025: {"crowdfunding": D("330.00")},
    }
    assert direct_costs_by_line(years=[2023, 2024, 2025]) == {
        2023: {"it-licensing": D("50.00")},
        2024: {"it-licensing": D("750.50"), "crowdfunding": D("100.00")},
        2025: {},
    }


def test_the_accrual_contribution_takes_the_shares_and_direct_costs_off_the_revenue(book: Book) -> None:
    year = contribution_by_line(figures=[yearly_figures(year=2024)])[2024]

    # Crowdfunding: 2,400.00 − 400.00 + 2 × 1,000.05 + 600.00 (no partner) = 4,600.10;
    # 4,600.10 − 1,200.04 − 100.00 = 3,300.06, 3,300.06 / 4,600.10 = 71.74 %.
    assert [amounts(line) for line in year.lines] == [
        ("crowdfunding", D("4600.10"), D("1200.04"), D("100.00"), D("3300.06"), D("0.7174")),
        ("it-licensing", D("1000.00"), D("0.00"), D("750.50"), D("249.50"), D("0.2495")),
    ]
    assert amounts(year.total) == (
        "total",
        D("5600.10"),
        D("1200.04"),
        D("850.50"),
        D("3549.56"),
        D("0.6338"),
    )


def test_the_cash_contribution_follows_the_payments_and_refunds(book: Book) -> None:
    years = contribution_by_line(figures=list(yearly_figures_many(years=[2024, 2025], basis="cash").values()))

    # 2024: paid 1,000.00 + 2 × 1,000.05 − 100.00 refunded = 2,900.10; − 870.04 − 100.00 = 1,930.06.
    # IT licensing's invoice is unpaid: no revenue, its direct costs make a loss without a rate.
    assert [amounts(line) for line in years[2024].lines] == [
        ("crowdfunding", D("2900.10"), D("870.04"), D("100.00"), D("1930.06"), D("0.6655")),
        ("it-licensing", D("0.00"), D("0.00"), D("750.50"), D("-750.50"), None),
    ]
    assert amounts(years[2024].total) == (
        "total",
        D("2900.10"),
        D("870.04"),
        D("850.50"),
        D("1179.56"),
        D("0.4067"),
    )
    # 2025: F1's last 1,331.00 has a net part of 1,100.00, Nanoma's 330.00.
    assert [amounts(line) for line in years[2025].lines] == [
        ("crowdfunding", D("1100.00"), D("330.00"), D("0.00"), D("770.00"), D("0.7000")),
    ]


def test_a_line_with_only_direct_costs_shows_with_no_margin_rate(book: Book) -> None:
    year = contribution_by_line(figures=[yearly_figures(year=2023)])[2023]

    assert [amounts(line) for line in year.lines] == [
        ("it-licensing", D("0.00"), D("0.00"), D("50.00"), D("-50.00"), None),
    ]
    assert year.total.margin_rate is None


def test_a_year_with_nothing_lists_no_line_and_a_total_of_zeros(book: Book) -> None:
    year = contribution_by_line(figures=[yearly_figures(year=2025)])[2025]

    assert year.lines == ()
    assert amounts(year.total) == ("total", D("0.00"), D("0.00"), D("0.00"), D("0.00"), None)


def test_a_credit_note_alone_in_its_year_takes_its_share_back_and_leaves_no_rate(db: None) -> None:
    contract = crowdfunding_contract()
    invoice = make_invoice(
        client=contract.client,
        service_line=service("crowdfunding"),
        issue_date=date(2024, 12, 1),
        lines=[line("2000.00")],
        contract=contract,
    )
    services_actions.invoice_issue(
        invoice=services_actions.credit_note_create(invoice=invoice, issue_date=date(2025, 1, 5))
    )

    year = contribution_by_line(figures=[yearly_figures(year=2025)])[2025]

    # −2,000.00 of revenue, −600.00 of Nanoma's share: −1,400.00, no rate on a negative revenue.
    assert [amounts(line) for line in year.lines] == [
        ("crowdfunding", D("-2000.00"), D("-600.00"), D("0.00"), D("-1400.00"), None),
    ]


def test_a_credit_note_without_a_contract_takes_the_share_of_the_invoice_it_corrects(db: None) -> None:
    contract = crowdfunding_contract()
    client, crowd = contract.client, service("crowdfunding")
    invoice = make_invoice(
        client=client,
        service_line=crowd,
        issue_date=date(2024, 3, 1),
        lines=[line("1000.00")],
        contract=contract,
    )
    services_actions.invoice_create(
        client=client,
        service_line=crowd,
        issue_date=date(2024, 3, 20),
        lines=[services_actions.LineInput("Abono", D("-1"), D("250.00"), D("21.00"))],
        corrects=invoice,
        status="issued",
    )

    assert partner_shares_by_line(years=[2024]) == {2024: {"crowdfunding": D("225.00")}}  # 300 − 75


def test_an_expense_taken_off_its_line_no_longer_counts(book: Book) -> None:
    funding_actions.expense_update(expense=book.licences[0], service_line=None)

    assert direct_costs_by_line(years=[2024])[2024] == {
        "it-licensing": D("450.50"),
        "crowdfunding": D("100.00"),
    }


def test_it_reads_two_queries_on_either_basis_whatever_the_years(
    book: Book, django_assert_num_queries: Any
) -> None:
    accrual = list(yearly_figures_many(years=[2023, 2024, 2025]).values())
    cash = list(yearly_figures_many(years=[2023, 2024, 2025], basis="cash").values())
    with django_assert_num_queries(2):
        contribution_by_line(figures=accrual)
    with django_assert_num_queries(2):
        contribution_by_line(figures=cash)
    for day in range(1, 8):
        direct_cost("prl-training", "10.00", date(2024, 2, day))
    with django_assert_num_queries(2):
        assert contribution_by_line(figures=accrual)[2024].total.direct_costs == D("920.50")


def test_figures_on_two_bases_are_refused(book: Book) -> None:
    with pytest.raises(ValueError, match="one basis"):
        contribution_by_line(figures=[yearly_figures(year=2024), yearly_figures(year=2025, basis="cash")])


def test_a_closed_year_gives_the_same_contribution_from_its_snapshot(book: Book, board_user: Any) -> None:
    before = contribution_by_line(figures=[yearly_figures(year=2024)])[2024]
    year_close(year=2024, user=board_user)

    closed = yearly_figures(year=2024)
    assert closed.approval is not None
    assert contribution_by_line(figures=[closed])[2024] == before
