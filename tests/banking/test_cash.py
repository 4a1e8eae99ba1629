"""The cash in the bank at any date: per account and in total, and at each month end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from banking.actions import account_create
from banking.selectors import cash_position, month_end_balances
from tests.banking.factories import CAJA_IBAN, FIARE_IBAN, april, import_statements, march

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def _on_10_may_2026() -> Iterator[None]:
    with time_machine.travel("2026-05-10 12:00:00+02:00", tick=False):
        yield


@pytest.fixture
def two_accounts() -> None:
    """Fiare from its March and April statements (opens 1 March at 1,000.00); Caja Rural typed by
    hand, opened on 15 April with 500.00 and no statement yet."""
    import_statements(march(), april())
    account_create(
        name="Caja Rural", iban=CAJA_IBAN, opening_date=date(2026, 4, 15), opening_balance=D("500.00")
    )


def balances(day: date) -> list[tuple[str, Decimal]]:
    return [(a.name, a.balance) for a in cash_position(on=day).accounts]


def cash_json(*args: str) -> object:
    out = StringIO()
    call_command("cash_position", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.usefixtures("two_accounts")
def test_the_cash_position_counts_the_lines_booked_up_to_the_end_of_the_day() -> None:
    fiare = "SMART IBERICA S.COOP.AND."
    assert balances(date(2026, 2, 28)) == []  # before either account opened
    assert balances(date(2026, 3, 1)) == [(fiare, D("1000.00"))]
    assert balances(date(2026, 3, 4)) == [(fiare, D("2210.00"))]
    assert balances(date(2026, 3, 31)) == [(fiare, D("2360.00"))]
    # Caja Rural opened later: left out until its opening date, then with its opening balance.
    assert balances(date(2026, 4, 14)) == [(fiare, D("2360.00"))]
    assert balances(date(2026, 4, 15)) == [("Caja Rural", D("500.00")), (fiare, D("1760.00"))]
    assert cash_position(on=date(2026, 4, 15)).total == D("2260.00")


@pytest.mark.usefixtures("two_accounts")
def test_the_command_prints_the_cash_position_as_the_contract_says() -> None:
    assert cash_json("--date", "2026-04-15", "--format", "json") == {
        "date": "2026-04-15",
        "accounts": [
            {"iban": CAJA_IBAN, "name": "Caja Rural", "balance": "500.00"},
            {"iban": FIARE_IBAN, "name": "SMART IBERICA S.COOP.AND.", "balance": "1760.00"},
        ],
        "total": "2260.00",
    }


@pytest.mark.usefixtures("two_accounts")
def test_without_a_date_the_command_prints_today() -> None:
    printed = cash_json("--format", "json")
    assert isinstance(printed, dict)
    assert (printed["date"], printed["total"]) == ("2026-05-10", "2260.00")


def test_with_no_account_the_command_prints_an_empty_position() -> None:
    assert cash_json("--date", "2026-01-01") == {"date": "2026-01-01", "accounts": [], "total": "0.00"}


def test_the_command_refuses_a_date_it_cannot_read() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        cash_json("--date", "15/04/2026")


@pytest.mark.usefixtures("two_accounts")
def test_month_end_balances_give_the_total_cash_at_each_month_end_up_to_today() -> None:
    assert month_end_balances(year=2026) == {
        date(2025, 12, 31): D("0.00"),
        date(2026, 1, 31): D("0.00"),
        date(2026, 2, 28): D("0.00"),
        date(2026, 3, 31): D("2360.00"),
        date(2026, 4, 30): D("2260.00"),
    }


@pytest.mark.usefixtures("two_accounts")
def test_a_year_before_any_account_opened_has_no_month_end_balances() -> None:
    assert month_end_balances(year=2025) is None
