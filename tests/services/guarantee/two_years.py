"""Two years of the guarantee fund's records, shared by the ledger's and the year page's tests
(their docstrings give the hand-computed ledgers). Needs a margin rule with a 2 % fund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services import actions
from tests.services.factories import line, make_advance, make_invoice

D = Decimal


def record_two_years() -> None:
    actions.member_turnover_record(month=date(2023, 1, 1), turnover=D("30000.00"))
    actions.member_turnover_record(month=date(2023, 6, 1), turnover=D("12345.67"))
    actions.member_turnover_record(month=date(2024, 3, 1), turnover=D("20000.00"))
    make_advance(
        invoice=make_invoice(issue_date=date(2023, 2, 1), lines=[line("1000.00")]),
        amount=D("500.00"),
        date=date(2023, 3, 15),
        recovered_on=date(2024, 2, 10),
    )
    make_advance(
        invoice=make_invoice(issue_date=date(2023, 10, 1)),
        amount=D("121.00"),
        date=date(2023, 11, 20),
        recovered_on=date(2023, 12, 20),
    )
    make_advance(
        invoice=make_invoice(issue_date=date(2024, 4, 1), lines=[line("1000.00")]),
        amount=D("300.00"),
        date=date(2024, 5, 5),
    )
