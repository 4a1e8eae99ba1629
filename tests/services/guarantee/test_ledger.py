"""The guarantee fund's ledger, year by year, computed by hand.

The fund takes 2 % of the members' turnover (the historical rule: 5.50 % structure + 2.00 % fund):

- 2023: January 30,000.00 → 600.00; June 12,345.67 → 246.9134 → 246.91; inflows 846.91.
  Advance A, 500.00 on 15 March, recovered 10 February 2024; advance B, 121.00 on 20 November,
  recovered 20 December. Paid 621.00, recovered 121.00:
  closing = 0 + 846.91 − 621.00 + 121.00 = 346.91; outstanding at 31 December: A, 500.00.
- 2024: March 20,000.00 → 400.00. Advance C, 300.00 on 5 May, not recovered; A comes back.
  closing = 346.91 + 400.00 − 300.00 + 500.00 = 946.91; outstanding: C, 300.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.guarantee import GuaranteeYear
from services.models import MarginRule
from services.selectors import guarantee_ledger
from tests.services.factories import make_advance, make_invoice
from tests.services.guarantee.two_years import record_two_years

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(historical_rule: MarginRule) -> None:
    record_two_years()


def test_the_balance_carries_from_one_year_to_the_next(two_years: None) -> None:
    ledger = guarantee_ledger(years=[2023, 2024])

    assert ledger[2023] == GuaranteeYear(
        year=2023,
        opening_balance=D("0.00"),
        inflows=D("846.91"),
        advances_paid=D("621.00"),
        recoveries=D("121.00"),
        closing_balance=D("346.91"),
        outstanding_advances=D("500.00"),
    )
    assert ledger[2024] == GuaranteeYear(
        year=2024,
        opening_balance=D("346.91"),
        inflows=D("400.00"),
        advances_paid=D("300.00"),
        recoveries=D("500.00"),
        closing_balance=D("946.91"),
        outstanding_advances=D("300.00"),
    )


def test_the_inflows_are_the_yearly_guarantee_fund_figure(two_years: None) -> None:
    from services.selectors import services_years

    figures = services_years(years=[2023, 2024])
    ledger = guarantee_ledger(years=[2023, 2024])

    assert [ledger[y].inflows for y in (2023, 2024)] == [figures[y].guarantee_fund for y in (2023, 2024)]


def test_one_year_asked_alone_opens_with_the_balance_of_the_years_before(two_years: None) -> None:
    assert guarantee_ledger(years=[2024])[2024].opening_balance == D("346.91")


def test_a_later_year_without_movements_keeps_the_balance_and_the_advances_out(two_years: None) -> None:
    later = guarantee_ledger(years=[2026])[2026]

    assert (later.opening_balance, later.closing_balance) == (D("946.91"), D("946.91"))
    assert (later.inflows, later.advances_paid, later.recoveries) == (D("0.00"), D("0.00"), D("0.00"))
    assert later.outstanding_advances == D("300.00")


def test_a_year_before_any_record_is_empty(two_years: None) -> None:
    empty = guarantee_ledger(years=[2022])[2022]

    assert empty.is_empty
    assert empty.closing_balance == D("0.00")


def test_a_recovery_after_the_years_asked_for_leaves_the_advance_outstanding(two_years: None) -> None:
    # Advance A is recovered in 2024: at the end of 2023 it is still out.
    assert guarantee_ledger(years=[2023])[2023].outstanding_advances == D("500.00")


def test_the_warning_is_for_advances_out_above_the_balance_not_equal_to_it() -> None:
    def year(closing: str, outstanding: str) -> GuaranteeYear:
        zero = D("0.00")
        return GuaranteeYear(2024, zero, zero, zero, zero, D(closing), D(outstanding))

    assert year(closing="346.91", outstanding="500.00").advances_exceed_balance
    assert not year(closing="100.00", outstanding="100.00").advances_exceed_balance
    assert not year(closing="100.01", outstanding="100.00").advances_exceed_balance


def test_it_reads_in_four_queries_whatever_the_years_and_the_records(
    two_years: None, django_assert_num_queries: Any
) -> None:
    # The margin rules, their bands, the turnover months since 1990, the advances by pair of years.
    with django_assert_num_queries(4):
        guarantee_ledger(years=[2023])
    invoice = make_invoice(issue_date=date(2024, 6, 1))
    for n in range(10):
        make_advance(
            invoice=invoice,
            amount=D("1.00"),
            date=date(2024, 6, n + 2),
            recovered_on=date(2025, 1, n + 1) if n % 2 else None,
        )
    with django_assert_num_queries(4):
        guarantee_ledger(years=range(2017, 2027))


def test_no_year_asked_for_is_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert guarantee_ledger(years=[]) == {}
