"""The revenue rollups (`services.models.rollups`), recomputed by every action that writes what they sum.

An action that writes an issued invoice, a payment or a refund calls `rollups_touch` with the
dates it touched (old and new): their months' detail rows (`RevenueMonth`) are recomputed from
the records, then the month-and-line rows of those months and the year rows of the clients whose
detail changed are recomputed from the detail, and the months' contract rows
(`RevenueContractMonth`) from the invoices. All in the action's transaction, under the years'
lock rows (`RevenueMonthLock`), so two transactions refreshing the same year do it one after the
other and the last one sees every committed write (READ COMMITTED on PostgreSQL; SQLite
serializes writers anyway). Recomputing rather than adding deltas makes the rows exact by
construction, whatever the order of the writes.

The same hook carries the invoices a write touched: their receivables rows are recomputed
after the months (`receivable_rollups`), and the ageings kept for days on or after the earliest
month touched are dropped.

A batch (an import, `invoices_save_batch`) defers the refreshes of the actions it calls and
refreshes once, with the months and invoices touched (`services_rollups_batch`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Min, QuerySet, Sum

from smartiberica.kernel.basis import Basis
from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.months import lock_months, month_of, month_runs, within_runs
from smartiberica.kernel.periods import YearMonthOf

from ..choices import InvoiceStatus
from ..models import (
    Invoice,
    Payment,
    Refund,
    RevenueClientYear,
    RevenueContractMonth,
    RevenueLineMonth,
    RevenueMonth,
    RevenueMonthLock,
)
from ..partner_shares import partner_parts
from .contract_expectations import contract_expectations_rebuild
from .receivable_rollups import ageing_snapshots_outdated, receivables_rebuild, receivables_refresh


@dataclass
class Touched:
    """What a batch's writes touched, refreshed once at its end: the months of the revenue
    rollups, and the invoices whose receivables rows (`receivable_rollups`) may have moved."""

    months: set[date] = dataclass_field(default_factory=set)
    invoices: set[int] = dataclass_field(default_factory=set)

    def clear(self) -> None:
        self.months.clear()
        self.invoices.clear()


# What the writes inside a batch touched; None: refresh at once.
_deferred: ContextVar[Touched | None] = ContextVar("services_rollups_deferred", default=None)

# A bucket of the rollups: basis, first day of the month, service line id, client id.
Bucket = tuple[Basis, date, int, int]
# Above this many clients changed in a year, its client rows are all recomputed in one grouped
# query rather than filtered by a long list of ids (a rebuild, a big import).
MANY_CLIENTS = 500


def _grouped(rows: QuerySet[Any], date_field: str, relation: str) -> Iterator[tuple[date, int, int, Decimal]]:
    """Σ net amount of `rows` by month, service line and client: one grouped query."""
    line, client = f"{relation}service_line_id", f"{relation}client_id"
    for row in (
        rows.order_by()
        .annotate(ym=YearMonthOf(date_field))
        .values("ym", line, client)
        .annotate(total=Sum("net_amount"))
    ):
        year, month = divmod(row["ym"], 100)
        yield date(year, month, 1), row[line], row[client], round_money(row["total"])


def _recomputed(runs: list[tuple[date, date]]) -> list[RevenueMonth]:
    """The rollup rows of the months in `runs`, from the records (see `services.selectors` and
    `services.partner_shares`)."""
    totals: dict[Bucket, Decimal] = defaultdict(lambda: ZERO)
    issued = Invoice.objects.filter(within_runs("issue_date", runs), status=InvoiceStatus.ISSUED)
    for month, line, client, amount in _grouped(issued, "issue_date", ""):
        totals["accrual", month, line, client] += amount
    payments = Payment.objects.filter(within_runs("date", runs))
    for month, line, client, amount in _grouped(payments, "date", "invoice__"):
        totals["cash", month, line, client] += amount
    refunds = Refund.objects.filter(within_runs("date", runs))
    for month, line, client, amount in _grouped(refunds, "date", "invoice__"):
        totals["cash", month, line, client] -= amount
    parts = {**partner_parts(runs=runs, basis="accrual"), **partner_parts(runs=runs, basis="cash")}
    return [
        RevenueMonth(
            basis=basis,
            month=month,
            service_line_id=line,
            client_id=client,
            amount=totals.get(key, ZERO),
            partner_shares=parts.get(key, ZERO),
        )
        for key in sorted(totals.keys() | parts.keys())
        for basis, month, line, client in [key]
        if totals.get(key, ZERO) != 0 or key in parts
    ]


# No savepoint of its own: called at the end of the action that wrote the records, whose
# transaction it shares (a failure here fails that action as a whole).
@transaction.atomic(savepoint=False)
def services_rollups_refresh(*, months: Iterable[date], invoices: Iterable[int] = ()) -> None:
    """Recompute the rollup rows of the months of `months` (any day of each month will do), and
    the receivables rows of `invoices` (`receivable_rollups`, their clients' payment days in the
    years of `months`).

    The years' lock rows are created if missing, then locked in order (two refreshes never
    deadlock); then the months' detail rows are replaced (one grouped query per kind of record),
    their month-and-line rows rebuilt from them, the months' contract rows from the invoices, and
    the year rows of the clients whose detail changed summed again from the detail.
    """
    months = set(months)
    _refresh_months(months)
    if months:
        ageing_snapshots_outdated(since=min(months))
    if invoices:
        receivables_refresh(invoices=invoices, years={month.year for month in months})


def _refresh_months(months: set[date]) -> None:
    wanted = sorted({month_of(day) for day in months})
    if not wanted:
        return
    lock_months(RevenueMonthLock, sorted({date(month.year, 1, 1) for month in wanted}))
    runs = month_runs(wanted)
    detail = RevenueMonth.objects.filter(within_runs("month", runs))
    before = {
        (row.basis, row.month, row.service_line_id, row.client_id): (row.amount, row.partner_shares)
        for row in detail.only("basis", "month", "service_line_id", "client_id", "amount", "partner_shares")
    }
    rows = _recomputed(runs)
    after = {
        (row.basis, row.month, row.service_line_id, row.client_id): (row.amount, row.partner_shares)
        for row in rows
    }
    detail.delete()
    RevenueMonth.objects.bulk_create(rows, batch_size=1000)
    _refresh_lines(runs, after)
    _refresh_contracts(runs)
    changed: dict[int, set[int]] = defaultdict(set)
    for key in before.keys() | after.keys():
        if before.get(key, (ZERO, ZERO))[0] != after.get(key, (ZERO, ZERO))[0]:
            changed[key[1].year].add(key[3])
    for year, clients in sorted(changed.items()):
        _refresh_clients(year, clients)


def _refresh_lines(
    runs: list[tuple[date, date]], detail: dict[tuple[str, date, int, int], tuple[Decimal, Decimal]]
) -> None:
    """Replace the month-and-line rows of the months in `runs` by the sums of their detail."""
    totals: dict[tuple[str, date, int], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for (basis, month, line, _client), (amount, shares) in detail.items():
        sums = totals[basis, month, line]
        sums[0] += amount
        sums[1] += shares
    RevenueLineMonth.objects.filter(within_runs("month", runs)).delete()
    RevenueLineMonth.objects.bulk_create(
        [
            RevenueLineMonth(
                basis=basis, month=month, service_line_id=line, amount=amount, partner_shares=shares
            )
            for (basis, month, line), (amount, shares) in sorted(totals.items())
            if amount != 0 or shares != 0
        ],
        batch_size=1000,
    )


def _contract_sums(runs: list[tuple[date, date]]) -> dict[tuple[date, int], Decimal]:
    """Σ net amount of the issued invoices with a contract in the months of `runs`, by (first day
    of month, contract id), non-zero only: one grouped query."""
    issued = Invoice.objects.filter(
        within_runs("issue_date", runs), status=InvoiceStatus.ISSUED, contract__isnull=False
    )
    found = {}
    for ym, contract, total in (
        issued.order_by()
        .annotate(ym=YearMonthOf("issue_date"))
        .values("ym", "contract_id")
        .annotate(total=Sum("net_amount"))
        .values_list("ym", "contract_id", "total")
    ):
        if (amount := round_money(total)) != 0:
            year, month = divmod(ym, 100)
            found[date(year, month, 1), contract] = amount
    return found


def _refresh_contracts(runs: list[tuple[date, date]]) -> None:
    """Replace the contract rows of the months in `runs` by the sums of their invoices."""
    RevenueContractMonth.objects.filter(within_runs("month", runs)).delete()
    RevenueContractMonth.objects.bulk_create(
        [
            RevenueContractMonth(month=month, contract_id=contract, amount=amount)
            for (month, contract), amount in sorted(_contract_sums(runs).items())
        ],
        batch_size=1000,
    )


def _refresh_clients(year: int, clients: set[int]) -> None:
    """Sum again, from the detail rows, the year rows of `clients` in `year` (both bases)."""
    detail = RevenueMonth.objects.filter(month__gte=date(year, 1, 1), month__lt=date(year + 1, 1, 1))
    stale = RevenueClientYear.objects.filter(year=year)
    if len(clients) <= MANY_CLIENTS:
        detail = detail.filter(client_id__in=clients)
        stale = stale.filter(client_id__in=clients)
    stale.delete()
    sums = detail.order_by().values("basis", "client_id").annotate(total=Sum("amount"))
    RevenueClientYear.objects.bulk_create(
        [
            RevenueClientYear(basis=row["basis"], year=year, client_id=row["client_id"], amount=amount)
            for row in sums
            if (amount := round_money(row["total"])) != 0
        ],
        batch_size=1000,
    )


def services_rollups_rebuild() -> None:
    """Recompute every rollup row from the records, a year at a time (for bulk loads).

    Each year is refreshed in its own transaction (unless the caller holds one), so a rebuild
    of a large history never holds every month's lock at once.
    """
    years = _record_years()
    for model in (RevenueMonth, RevenueLineMonth, RevenueContractMonth):
        stale = model.objects.all()
        if years:
            stale = stale.exclude(month__range=(date(years[0], 1, 1), date(years[-1], 12, 31)))
        stale.delete()
    clients = RevenueClientYear.objects.all()
    if years:
        clients = clients.exclude(year__range=(years[0], years[-1]))
    clients.delete()
    for year in years:
        services_rollups_refresh(months=[date(year, month, 1) for month in range(1, 13)])
    receivables_rebuild()
    contract_expectations_rebuild()


def _record_years() -> list[int]:
    """Every year from the first record's to the last one's (MIN/MAX over the date indexes)."""
    found: list[date] = []
    for queryset, field in (
        (Invoice.objects.order_by(), "issue_date"),
        (Payment.objects.order_by(), "date"),
        (Refund.objects.order_by(), "date"),
    ):
        bounds = queryset.aggregate(first=Min(field), last=Max(field))
        found += [day for day in bounds.values() if day is not None]
    return list(range(min(found).year, max(found).year + 1)) if found else []


def rollups_touch(days: Iterable[date | None], *, invoices: Iterable[int | None] = ()) -> None:
    """The actions' hook after a write: refresh the months of `days` and the receivables rows of
    `invoices` now, or at the end of the batch."""
    months = {month_of(day) for day in days if day is not None}
    ids = {pk for pk in invoices if pk is not None}
    pending = _deferred.get()
    if pending is None:
        services_rollups_refresh(months=months, invoices=ids)
    else:
        pending.months |= months
        pending.invoices |= ids


def invoice_months(invoice: Invoice) -> set[date]:
    """The months whose rollups count an invoice: its issue month, its payments' and refunds'."""
    dates = {invoice.issue_date}
    dates.update(Payment.objects.filter(invoice=invoice).values_list("date", flat=True).distinct())
    dates.update(Refund.objects.filter(invoice=invoice).values_list("date", flat=True).distinct())
    return {month_of(day) for day in dates}


@contextmanager
def services_rollups_deferred(touched: Touched) -> Iterator[None]:
    """Inside, the actions add what they touch to `touched` instead of refreshing it.

    The caller must refresh it (`services_rollups_refresh`) before its transaction ends; an
    importer does it in its `flush()`. `services_rollups_batch` does both for a block.
    """
    token = _deferred.set(touched)
    try:
        yield
    finally:
        _deferred.reset(token)


@contextmanager
def services_rollups_batch() -> Iterator[None]:
    """The actions of the block refresh nothing; at its end, one refresh of everything they touched."""
    touched = Touched()
    with services_rollups_deferred(touched):
        yield
    rollups_touch(touched.months, invoices=touched.invoices)
