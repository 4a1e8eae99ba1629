"""The admin lists staff reconcile with: amounts in view, and the totals of every filtered record.

Before: the invoice and drill-down lists put their amounts last (cut off at 1280 px behind the
long text columns), and the member turnover, shared-service and budget lists had no total, so a
figure of the board could not be matched with the records behind it.
"""

from __future__ import annotations

import inspect
import re
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from funding import actions as funding_actions
from smartiberica.board import drilldown
from smartiberica.board.figures import yearly_figures
from smartiberica.kernel.admin_totals import TotalChangeListMixin
from tests.conftest import DB_VENDOR
from tests.funding.factories import (
    category,
    make_approved_budget,
    make_budget,
    make_budget_line,
    make_expense,
    make_shared_cost,
)
from tests.services.factories import make_client, make_invoice, make_member_turnover

pytestmark = pytest.mark.django_db
D = Decimal


def drilldown_targets() -> dict[str, str]:
    """Every changelist a figure of the board links to: {drill-down function: its URL path}."""
    targets = {}
    for name, function in inspect.getmembers(drilldown, inspect.isfunction):
        if name.startswith("_") or function.__module__ != drilldown.__name__:
            continue
        if name == "revenue":
            url = function(2024, "accrual")
        elif name == "open_invoices":  # the receivables' drill-down takes a day
            url = function(date(2024, 12, 31))
        else:
            url = function(2024)
        targets[name] = urlsplit(url).path
    return targets


def admin_of(path: str) -> admin.ModelAdmin:
    return resolve(path).func.model_admin  # type: ignore[attr-defined]


# Where staff reconcile a figure: every drill-down target, and the money lists entered by hand.
RECONCILED = sorted(
    {admin_of(path).model._meta.model_name for path in drilldown_targets().values()}
    | {"invoice", "payment", "refund", "expense", "fundingreceipt"}
)


def changelist_admin(model_name: str) -> Any:
    services = {"invoice", "payment", "refund", "memberturnover", "guaranteeadvance"}
    app = "services" if model_name in services else "funding"
    return admin_of(reverse(f"admin:{app}_{model_name}_changelist"))


def test_the_drill_down_targets_are_all_found() -> None:
    assert len(drilldown_targets()) >= 10
    assert {"memberturnover", "sharedservicecost", "costbudget", "loanscheduleentry"} <= set(RECONCILED)


@pytest.mark.parametrize("model_name", RECONCILED)
def test_it_totals_every_list_a_figure_opens(model_name: str) -> None:
    assert isinstance(changelist_admin(model_name), TotalChangeListMixin)


def _is_text_column(model: type[models.Model], column: Any) -> bool:
    if getattr(column, "short_text", False):
        return True
    if not isinstance(column, str):
        return False
    try:
        field: Any = model._meta.get_field(column)
    except Exception:  # a display method: judged by its marker above
        return False
    text = isinstance(field, models.CharField | models.TextField | models.ForeignKey)
    return text and not field.choices


@pytest.mark.parametrize("model_name", RECONCILED)
def test_it_shows_the_amount_columns_early_and_before_any_text_column(model_name: str) -> None:
    model_admin = changelist_admin(model_name)
    columns = list(model_admin.list_display)
    names = [c if isinstance(c, str) else c.__name__ for c in columns]
    amounts = [names.index(model_admin.total_column(field)) for field, _label in model_admin.total_fields]
    texts = [i for i, column in enumerate(columns) if _is_text_column(model_admin.model, column)]
    assert min(amounts) <= 2, names  # the main figure right after the date or number
    assert not texts or max(amounts) < min(texts), names


def test_it_cuts_a_long_description_in_the_list_and_keeps_it_whole_in_the_tooltip(
    staff_client: Client,
) -> None:
    long_text = "Mantenimiento anual de servidores y copias de seguridad " * 4
    make_expense(description=long_text.strip(), supplier="Proveedor " + "x" * 150)
    page = staff_client.get(reverse("admin:funding_expense_changelist")).content.decode()
    assert f'title="{long_text.strip()}"' in page
    cell = re.search(r'<td class="field-description_short">(.*?)</td>', page, re.S)
    assert cell is not None
    shown = re.sub(r"<[^>]+>", "", cell.group(1))
    assert shown.endswith("…") and len(shown) <= 40


def totals_row(page: str) -> list[str]:
    """The contents of the cells of the table's totals row."""
    footer = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S)
    assert footer is not None, "no totals row"
    return re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", footer.group(1), re.S)


def header_classes(page: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", page, re.S)
    assert head is not None
    return re.findall(r'<th scope="col" class="([^"]*)"', head.group(1))


def test_it_puts_the_totals_row_under_the_amount_columns(staff_client: Client) -> None:
    acme = make_client(name="Acme Ediciones SL")
    make_invoice(client=acme)
    make_invoice(client=acme, issue_date=date(2024, 3, 2))
    page = staff_client.get(reverse("admin:services_invoice_changelist"), {"issue_date_year": "2024"})
    html = page.content.decode()
    headers = header_classes(html)
    cells = totals_row(html)
    assert len(cells) == len(headers)
    columns = [next((c for c in h.split() if c.startswith("column-")), h) for h in headers]
    by_column = dict(zip(columns, cells, strict=True))
    assert "200,00" in by_column["column-net_amount"]
    assert "42,00" in by_column["column-vat_amount"]
    assert "242,00" in by_column["column-gross_amount"]
    assert by_column["column-number_display"] == "Total"


def test_an_expense_list_with_its_totals_makes_a_pinned_number_of_queries(staff_client: Client) -> None:
    for day in (1, 2, 3):
        make_expense(date=date(2024, 3, day), category=category("it"))
    url = drilldown.expenses(2024, category="it")
    staff_client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(url)
    assert response.context["filtered_total"] == D("300.00")
    sums = [q["sql"] for q in queries.captured_queries if '"total_' in q["sql"]]
    assert len(sums) == 1
    # The demo flag, session, user, permissions (2), the years with records (one query), the
    # category and service line filters' choices (one each), the page's count and rows, and the
    # totals (one query); PostgreSQL first asks the planner's estimate of the count (EXPLAIN, the
    # paginator's).
    expected = 11 + (DB_VENDOR == "postgresql")
    assert len(queries) == expected, [q["sql"][:80] for q in queries.captured_queries]


def totals_by_field(response: Any) -> dict[str, Decimal]:
    return {total.field: total.value for total in response.context["filtered_totals"]}


def test_the_member_turnover_totals_land_on_the_years_margin_and_fund(staff_client: Client) -> None:
    make_member_turnover(month=date(2024, 1, 1), turnover=D("10000.33"))
    make_member_turnover(month=date(2024, 2, 1), turnover=D("12345.67"), structure_rate=D("6.25"))
    make_member_turnover(month=date(2023, 12, 1), turnover=D("999.00"))
    response = staff_client.get(drilldown.member_turnover(2024))
    figures = yearly_figures(year=2024)
    totals = totals_by_field(response)
    assert totals["member_margin"] == figures.member_margin
    assert totals["guarantee_fund"] == figures.guarantee_fund
    assert totals["turnover"] == D("22346.00")


def test_the_shared_service_totals_land_on_the_years_in_kind_support(staff_client: Client) -> None:
    make_shared_cost(year=2024, standalone_cost=D("20000.00"), share_paid=D("8000.00"))
    make_shared_cost(year=2024, standalone_cost=D("5000.50"), share_paid=D("1000.25"))
    make_shared_cost(year=2023)
    response = staff_client.get(drilldown.shared_service_costs(2024))
    totals = totals_by_field(response)
    assert totals["avoided"] == yearly_figures(year=2024).in_kind_shared_services == D("16000.25")
    assert response.context["filtered_total"] == totals["avoided"]


def test_the_budget_list_total_is_the_latest_approved_budget_of_the_year(staff_client: Client) -> None:
    first = make_approved_budget(year=2024)
    make_budget_line(budget=first, amount=D("10000.00"))
    second = make_budget(year=2024)
    make_budget_line(budget=second, amount=D("12000.00"))
    make_budget_line(budget=second, category=category("it"), amount=D("500.00"))
    funding_actions.budget_approve(budget=second, on=date(2024, 6, 1))
    draft = make_budget(year=2024)
    make_budget_line(budget=draft, amount=D("99999.00"))
    response = staff_client.get(drilldown.cost_budgets(2024))
    assert len(response.context["cl"].result_list) == 3
    assert response.context["filtered_total"] == yearly_figures(year=2024).budgeted_costs == D("12500.00")


def test_the_member_turnover_totals_cost_the_same_queries_for_one_month_or_two_years(
    staff_client: Client,
) -> None:
    url = reverse("admin:services_memberturnover_changelist")
    make_member_turnover(month=date(2023, 1, 1))
    staff_client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one:
        staff_client.get(url)
    for month in range(2, 13):
        make_member_turnover(month=date(2023, month, 1))
    for month in range(1, 13):
        make_member_turnover(month=date(2024, month, 1))
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)
    assert len(response.context["cl"].result_list) == 24
    assert len(many) == len(one), [q["sql"][:80] for q in many.captured_queries]
    assert totals_by_field(response)["turnover"] == D("240000.00")
