"""Two years of the guarantee fund, with known ledgers (the fund takes 2 % of the turnover):

- 2023: inflows 600.00 + 246.91 (30,000.00 and 12,345.67 of turnover) = 846.91; advance A 500.00
  on 15 March (back 10 February 2024), advance B 121.00 on 20 November (back 20 December).
  Closing 0 + 846.91 − 621.00 + 121.00 = 346.91; outstanding 500.00: above the balance.
- 2024: inflows 400.00 (20,000.00); advance C 300.00 on 5 May, still out; A back.
  Closing 346.91 + 400.00 − 300.00 + 500.00 = 946.91; outstanding 300.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services import actions
from tests.services.guarantee.two_years import record_two_years

D = Decimal


@pytest.fixture
def fund(db: None) -> None:
    actions.margin_rule_create(
        name="Historical 7.5 %", valid_from=date(2015, 1, 1), structure_rate=D("5.50"), fund_rate=D("2.00")
    )
    record_two_years()
