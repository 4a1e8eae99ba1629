"""The projection runs in a fixed number of queries, whatever the volume of records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from funding import actions as funding
from funding.selectors import categories_by_code
from services import actions as services
from services.selectors import service_lines_by_code
from smartiberica.board.projection import forecast
from tests.board.projection.plan import Plan

D = Decimal
# funding_months: sources, receipts, repayments, schedule, categories, expenses, in kind, budget,
# tranches, agreements' receipts; services_months: lines, revenue, clients (three: what is dated
# after `as_of`, the year's amounts, the names), turnover, rules, bands, contracts.
QUERIES = 19
# The pages' projection (`clients="top"`) reads the largest clients first, then those above the
# bound they give (services/monthly.py, `_top_to_date`): one more, and fewer rows and names.
PAGE_QUERIES = QUERIES + 1
# On the year and multi-year pages the yearly figures have read the turnover months, the margin
# rules and their bands, the service lines, the expense categories, the shared services' costs
# and the approved budgets already: the projection takes them from the page's shared reads
# (smartiberica/kernel/shared_reads.py).
ON_A_PAGE = PAGE_QUERIES - 7
# The multi-year page shows only the projected self-financing ratio: its projection reads no
# client (`clients="none"`), the four reads of the top clients left out.
WITHOUT_CLIENTS = ON_A_PAGE - 4


def more_records(plan: Plan, n: int) -> None:
    lines = service_lines_by_code()
    categories = categories_by_code()
    for k in range(n):
        client, _ = services.client_get_or_create(name=f"Cliente {k}", tax_id=f"ZZ-{k}", is_foreign=True)
        services.contract_create(
            client=client,
            service_line=lines["admin-services"],
            reference=f"ADM-{k}",
            start_date=date(2025, 2, 1),
            kind="recurring",
            billing_period="monthly",
            quantity=D("1"),
            unit_price=D("90.00"),
        )
        invoice = services.invoice_create(
            client=client,
            service_line=lines["admin-services"],
            issue_date=date(2025, 5, 2),
            lines=[services.LineInput("Gestoría", D(1), D("90.00"), D("21.00"))],
        )
        services.payment_record(
            invoice=services.invoice_issue(invoice=invoice), date=date(2025, 6, 1), amount=D("108.90")
        )
        funding.expense_create(
            date=date(2025, 4, 1 + k),
            category=categories["travel"],
            supplier="Renfe",
            amount=D("40.00"),
            reference=f"viaje-{k}",
        )


def test_it_runs_in_a_fixed_number_of_queries(plan: Plan, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(QUERIES):
        forecast(year=2025)
    more_records(plan, 12)
    with django_assert_num_queries(QUERIES):
        projected = forecast(year=2025)
    # The twelve monthly contracts bring 90.00 in each of the six projected months.
    assert projected.figures.revenue_by_service["admin-services"] == D("90.00") * 12 + D("90.00") * 12 * 6


def test_the_cash_basis_runs_in_as_many_queries(plan: Plan, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(QUERIES):
        forecast(year=2025, basis="cash")


def test_the_pages_projection_runs_in_a_fixed_number_of_queries_too(
    plan: Plan, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(PAGE_QUERIES):
        forecast(year=2025, clients="top")
    more_records(plan, 12)
    with django_assert_num_queries(PAGE_QUERIES):
        forecast(year=2025, clients="top")
