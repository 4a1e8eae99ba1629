"""The sums the yearly revenue figures are read from: one query each, compiled once per arguments.

Over the monthly and yearly rollups (`source="rollups"`, the pages) or over the records themselves
(`"raw"`, the oracle `check_rollups` compares the rollups with); `selectors.services_years` shapes
them into figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from smartiberica.kernel.basis import BASES, TOP_CLIENTS, Basis, Clients, Source
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.periods import YearMonthOf, YearOf

from .choices import InvoiceStatus
from .models import Client, Invoice, Payment, RevenueClientYear, RevenueLineMonth

# Below every amount a money field holds (14 digits, 2 of them decimals).
BELOW_ANY_AMOUNT = Decimal("-1000000000000.00")


@dataclass(frozen=True)
class _RevenueRows:
    """The rows whose amounts are the revenue on a basis; the paths to their date, line, amount."""

    rows: QuerySet[Any]
    date_field: str
    service_path: str
    amount_field: str = "net_amount"


@dataclass(frozen=True)
class _ClientRows:
    """The records whose amounts are the revenue by client; their date and client paths."""

    rows: QuerySet[Any]
    date_field: str
    client_path: str


def _revenue_rows(basis: Basis, first: date, last: date) -> tuple[_RevenueRows, _ClientRows]:
    """Issued invoices (accrual) or payments (cash) dated between two dates; not read yet."""
    if basis == "accrual":
        invoices = Invoice.objects.filter(status=InvoiceStatus.ISSUED, issue_date__range=(first, last))
        return (
            _RevenueRows(invoices, "issue_date", "service_line_id"),
            _ClientRows(invoices, "issue_date", "client"),
        )
    if basis == "cash":
        payments = Payment.objects.filter(date__range=(first, last))
        return (
            _RevenueRows(payments, "date", "invoice__service_line_id"),
            _ClientRows(payments, "date", "invoice__client"),
        )
    raise ValueError(f"basis must be one of {BASES}, not {basis!r}")


def _rollup_rows(basis: Basis, first: date, last: date) -> _RevenueRows:
    """The month-and-line rollup rows of a basis between two dates (refunds already taken off)."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    lines = RevenueLineMonth.objects.filter(basis=basis, month__range=(first, last))
    return _RevenueRows(lines, "month", "service_line_id", amount_field="amount")


def _revenue_source(basis: Basis, source: Source, first: date, last: date) -> _RevenueRows:
    """The rows the revenue of a basis is summed from: the rollups, or the records themselves."""
    if source == "rollups":
        return _rollup_rows(basis, first, last)
    if source == "raw":
        return _revenue_rows(basis, first, last)[0]
    raise ValueError(f"source must be rollups or raw, not {source!r}")


@compiled_read
def month_sums(basis: Basis, source: Source, first: date, last: date) -> QuerySet[Any, Any]:
    rows = _revenue_source(basis, source, first, last)
    return (
        rows.rows.order_by()
        .annotate(ym=YearMonthOf(rows.date_field))
        .values_list("ym")
        .annotate(total=Sum(rows.amount_field))
    )


@compiled_read
def service_sums(basis: Basis, source: Source, first: date, last: date) -> QuerySet[Any, Any]:
    rows = _revenue_source(basis, source, first, last)
    return (
        rows.rows.order_by()
        .annotate(y=YearOf(rows.date_field))
        .values_list("y", rows.service_path)
        .annotate(amount=Sum(rows.amount_field))
    )


@compiled_read
def raw_client_sums(basis: Basis, first: date, last: date) -> QuerySet[Any, Any]:
    rows = _revenue_rows(basis, first, last)[1]
    path = rows.client_path
    return (
        rows.rows.order_by()
        .annotate(y=YearOf(rows.date_field))
        .values_list("y", f"{path}_id", f"{path}__name", f"{path}__tax_id")
        .annotate(amount=Sum("net_amount"))
    )


@compiled_read
def client_year_rows(basis: Basis, wanted: tuple[int, ...], scope: Clients) -> QuerySet[Any, Any]:
    rows = RevenueClientYear.objects.filter(basis=basis, year__in=wanted)
    if scope == "none":
        rows = rows.none()
    elif scope == "top":
        top = Q()
        for year in wanted:
            edge = (
                RevenueClientYear.objects.filter(basis=basis, year=year)
                .order_by("-amount")
                .values("amount")[TOP_CLIENTS - 1 : TOP_CLIENTS]
            )
            # Fewer clients than that: every row (no amount is below the money fields' bound).
            top |= Q(year=year, amount__gte=Coalesce(Subquery(edge), Value(BELOW_ANY_AMOUNT)))
        # A few rows a year: each client's name by its key. A join would hash every client first
        # (the planner expects hundreds of rows), which cost 2 ms with 5,000 clients.
        client = Client.objects.filter(pk=OuterRef("client_id"))
        rows = rows.filter(top).annotate(
            client_name=Subquery(client.values("name")), client_tax_id=Subquery(client.values("tax_id"))
        )
        return rows.values_list("year", "client_id", "client_name", "client_tax_id", "amount")
    # Largest first, as the caller lists them (`_client_revenue`): its sort then checks an order.
    ranked = rows.order_by("year", "-amount", "client_id")
    return ranked.values_list("year", "client_id", "client__name", "client__tax_id", "amount")
