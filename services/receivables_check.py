"""The oracle of the receivables rollups, the partner shares and the contracts' months (issue 17):
recompute them from the records and list every row that differs. `check_rollups` prints them;
the tests call it after random writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Max, Min, Sum
from django.db.models.functions import TruncMonth

from smartiberica.kernel.basis import BASES
from smartiberica.kernel.money import ZERO, round_money

from .ageing import SNAPSHOT_FIELDS
from .choices import InvoiceStatus
from .models import (
    AgeingSnapshot,
    Invoice,
    InvoiceSettlement,
    Payment,
    PaymentDaysYear,
    ReceivableCell,
    ReceivableClient,
    ReceivableDate,
    RevenueContractMonth,
)
from .partner_shares import partner_shares_by_line
from .payment_days import payment_days_sums
from .receivables import receivables_from_records
from .settlement import last_movement, receivable_invoices, settled_amount_due


@dataclass(frozen=True)
class RollupDifference:
    """A rollup row (`table`, `key`) whose value differs from the records' (None: no row)."""

    table: str
    key: str
    records: Any
    rollups: Any


def _compare(table: str, records: dict[Any, Any], rollups: dict[Any, Any]) -> list[RollupDifference]:
    return [
        RollupDifference(table, str(key), records.get(key), rollups.get(key))
        for key in sorted(records.keys() | rollups.keys(), key=str)
        if records.get(key) != rollups.get(key)
    ]


def _settlements() -> list[RollupDifference]:
    expected = {
        pk: (client, due_date, round_money(due), last)
        for pk, client, due_date, due, last in receivable_invoices()
        .order_by()
        .annotate(due=settled_amount_due(), last=last_movement())
        .values_list("pk", "client_id", "due_date", "due", "last")
        .iterator(chunk_size=10_000)
    }
    stored = {
        pk: (client, due_date, round_money(due), last)
        for pk, client, due_date, due, last in InvoiceSettlement.objects.values_list(
            "invoice_id", "client_id", "due_date", "amount_due", "last_event_on"
        ).iterator(chunk_size=10_000)
    }
    found = _compare("settlement", expected, stored)
    clients: dict[int, tuple[Decimal, int, date]] = {}
    for client, due_date, due, _last in expected.values():
        if due > 0:
            amount, count, oldest = clients.get(client, (ZERO, 0, due_date))
            clients[client] = (amount + due, count + 1, min(oldest, due_date))
    rows = {
        pk: (round_money(amount), count, oldest)
        for pk, amount, count, oldest in ReceivableClient.objects.values_list(
            "client_id", "amount", "invoices", "oldest_due_date"
        )
    }
    dates: dict[date, tuple[Decimal, int]] = {}
    cells: dict[tuple[int, date], tuple[Decimal, int]] = {}
    for client, due_date, due, _last in expected.values():
        if due > 0:
            amount, count = dates.get(due_date, (ZERO, 0))
            dates[due_date] = (amount + due, count + 1)
            amount, count = cells.get((client, due_date), (ZERO, 0))
            cells[client, due_date] = (amount + due, count + 1)
    by_cell = {
        (client, day): (round_money(amount), count)
        for client, day, amount, count in ReceivableCell.objects.values_list(
            "client_id", "due_date", "amount", "invoices"
        )
    }
    by_date = {
        day: (round_money(amount), count)
        for day, amount, count in ReceivableDate.objects.exclude(invoices=0).values_list(
            "due_date", "amount", "invoices"
        )
    }
    return (
        found
        + _compare("receivable_cell", cells, by_cell)
        + _compare("receivable_client", clients, rows)
        + _compare("receivable_date", dates, by_date)
    )


def _payment_days() -> list[RollupDifference]:
    expected = {
        key: (s.amount, s.amount_days, s.payments)
        for key, s in payment_days_sums(Payment.objects.all()).items()
    }
    stored = {
        (year, client): (round_money(amount), round_money(days), count)
        for year, client, amount, days, count in PaymentDaysYear.objects.values_list(
            "year", "client_id", "amount", "amount_days", "payments"
        )
    }
    return _compare("payment_days", expected, stored)


def _partner_shares(years: list[int]) -> list[RollupDifference]:
    found = []
    for basis in BASES:
        raw = partner_shares_by_line(years=years, basis=basis, source="raw")
        rolled = partner_shares_by_line(years=years, basis=basis, source="rollups")
        found += _compare(f"partner_shares_{basis}", raw, rolled)
    return found


def _contract_months() -> list[RollupDifference]:
    # Grouped by the month's first day (not by the year-and-month number the refresh groups by).
    sums = (
        Invoice.objects.filter(status=InvoiceStatus.ISSUED, contract__isnull=False)
        .order_by()
        .annotate(first_day=TruncMonth("issue_date"))
        .values_list("first_day", "contract_id")
        .annotate(total=Sum("net_amount"))
    )
    expected = {(month, contract): round_money(total) for month, contract, total in sums if total != 0}
    rows = RevenueContractMonth.objects.values_list("month", "contract_id", "amount")
    stored = {(month, contract): round_money(amount) for month, contract, amount in rows}
    return _compare("contract_month", expected, stored)


def _snapshots() -> list[RollupDifference]:
    found = []
    for on in AgeingSnapshot.objects.order_by("on").values_list("on", flat=True).distinct():
        records = receivables_from_records(on)
        expected: dict[int | None, tuple[Decimal, ...]] = {
            row.client_id: tuple(getattr(row, n) for n in SNAPSHOT_FIELDS) for row in records.clients
        }
        expected[None] = tuple(getattr(records.totals, n) for n in SNAPSHOT_FIELDS)
        kept = {
            pk: tuple(round_money(v) for v in values)
            for pk, *values in AgeingSnapshot.objects.filter(on=on).values_list("client_id", *SNAPSHOT_FIELDS)
        }
        found += _compare(f"ageing {on.isoformat()}", expected, kept)
    return found


def _years() -> list[int]:
    bounds: list[date] = []
    for queryset, field in ((receivable_invoices(), "issue_date"), (Payment.objects.all(), "date")):
        found = queryset.order_by().aggregate(first=Min(field), last=Max(field))
        bounds += [day for day in found.values() if day is not None]
    return list(range(min(bounds).year, max(bounds).year + 1)) if bounds else []


def receivables_rollup_differences(years: Iterable[int] | None = None) -> list[RollupDifference]:
    """Every receivables rollup row, partner share of a year and line, contract's month and kept
    ageing that differs from the records."""
    wanted = _years() if years is None else sorted(set(years))
    return _settlements() + _payment_days() + _partner_shares(wanted) + _contract_months() + _snapshots()
