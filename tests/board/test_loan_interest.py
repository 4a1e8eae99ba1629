"""Version 2 of loan interest: due on the schedule (accrual basis), paid by repayments (cash basis)."""

from datetime import date
from decimal import Decimal

import pytest

from funding import actions as funding
from smartiberica.board.figures import yearly_figures

D = Decimal


@pytest.fixture
def grace_loan(db: None) -> object:
    """12,000 at 12 % a year (1 % a month), 4 monthly instalments, the first 3 interest-only.

    Every instalment's interest is 12,000 × 1 % = 120.00: two fall due in 2023 (15 Nov, 15 Dec),
    two in 2024 (15 Jan, 15 Feb). Only instalment 1 is paid on time; instalment 2 is paid late,
    in January 2024; 3 and 4 are not paid yet.
    """
    lender = funding.source_create(code="fiare", name="Fiare Banca Etica", kind="loan")
    funding.receipt_create(source=lender, date=date(2023, 10, 15), amount=D("12000.00"), reference="F-1")
    loan = funding.loan_create(
        source=lender,
        reference="FIARE-G",
        principal=D("12000.00"),
        annual_rate=D("12.00"),
        term_instalments=4,
        grace_instalments=3,
        start_date=date(2023, 10, 15),
    )
    funding.loan_pay_instalment(loan=loan, number=1)
    funding.loan_pay_instalment(loan=loan, number=2, on=date(2024, 1, 5))
    return loan


def test_accrual_interest_is_the_interest_of_the_schedule_rows_due_in_the_year(grace_loan: object) -> None:
    assert yearly_figures(year=2023).loan_interest == D("240.00")
    assert yearly_figures(year=2024).loan_interest == D("240.00")  # due, whether paid or not


def test_cash_interest_is_the_interest_of_the_repayments_dated_in_the_year(grace_loan: object) -> None:
    assert yearly_figures(year=2023, basis="cash").loan_interest == D("120.00")
    assert yearly_figures(year=2024, basis="cash").loan_interest == D("120.00")


def test_the_interest_of_the_basis_counts_in_total_costs(grace_loan: object) -> None:
    assert yearly_figures(year=2024).total_costs == D("240.00")
    assert yearly_figures(year=2024, basis="cash").total_costs == D("120.00")
