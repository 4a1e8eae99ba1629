"""Year choices list the years with records, plus the current one: the admin's filters and the board's pills.

Before: every admin year filter offered each year from 2015 to next year, and a click on most of
them gave an empty list; the board's pills had no pill for the year in progress until a record
was dated in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services import actions as services_actions
from tests.funding.factories import make_budget, make_expense, make_shared_cost
from tests.services.factories import make_invoice, service

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _in_march_2026() -> Iterator[None]:
    with time_machine.travel("2026-03-01 12:00:00+01:00", tick=False):
        yield


def filter_years(client: Client, url: str, parameter: str) -> list[str]:
    """The years a list's year filter offers, in the order shown."""
    html = client.get(url).content.decode()
    return re.findall(rf'href="\?{parameter}=(\d{{4}})"', html)


def test_the_date_year_filter_offers_the_years_with_records_and_the_current_year(
    staff_client: Client,
) -> None:
    make_expense(date=date(2019, 5, 1))
    make_expense(date=date(2022, 5, 1))
    years = filter_years(staff_client, reverse("admin:funding_expense_changelist"), "date_year")
    assert years == ["2026", "2022", "2019"]


def test_each_list_offers_the_years_of_its_own_records(staff_client: Client) -> None:
    make_expense(date=date(2019, 5, 1))
    make_invoice(issue_date=date(2021, 2, 1))
    url = reverse("admin:services_invoice_changelist")
    assert filter_years(staff_client, url, "issue_date_year") == ["2026", "2021"]


def test_an_empty_list_offers_the_current_year_only(staff_client: Client) -> None:
    url = reverse("admin:funding_fundingreceipt_changelist")
    assert filter_years(staff_client, url, "date_year") == ["2026"]


def test_the_integer_year_filters_offer_the_years_with_records(staff_client: Client) -> None:
    make_shared_cost(year=2018)
    make_budget(year=2027)  # next year's draft: a year with a record
    services_actions.revenue_target_set(service_line=service(), year=2020, amount=D("1000.00"))
    shared = reverse("admin:funding_sharedservicecost_changelist")
    budgets = reverse("admin:funding_costbudget_changelist")
    targets = reverse("admin:services_revenuetarget_changelist")
    assert filter_years(staff_client, shared, "year") == ["2026", "2018"]
    assert filter_years(staff_client, budgets, "year") == ["2027", "2026"]
    assert filter_years(staff_client, targets, "year") == ["2026", "2020"]


def test_the_year_choices_never_scan_the_table_for_distinct_years(staff_client: Client) -> None:
    for year in (2019, 2020, 2022):
        make_expense(date=date(year, 5, 1))
    url = reverse("admin:funding_expense_changelist")
    staff_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert filter_years(staff_client, url, "date_year") == ["2026", "2022", "2020", "2019"]
    assert not any("DISTINCT" in q["sql"].upper() for q in queries.captured_queries)


def test_the_board_pills_list_the_years_with_records_and_the_current_year(board_client: Client) -> None:
    make_expense(date=date(2019, 5, 1))
    make_expense(date=date(2023, 5, 1))
    html = board_client.get("/years/2023/").content.decode()
    nav = html.split('class="year-nav')[1].split("</nav>")[0]
    assert re.findall(r">(\d{4})</a>", nav) == ["2019", "2023", "2026"]
