"""The receivables rollups (`services.models.receivables`), recomputed by every action that moves them.

An action that writes an issued invoice, a credit note, a payment or a refund names the invoices
it touched (`rollups_touch(…, invoices=…)`). Their `InvoiceSettlement` rows (and those of the
invoices their credit notes correct) are replaced by one `INSERT … SELECT` over the records,
with the definition of `services.settlement`; then the `ReceivableCell` rows of their clients on
their due dates (old and new) are summed again from those rows, the `ReceivableClient` and
`ReceivableDate` rows from the cells, and the `PaymentDaysYear` rows of those clients in the years
touched from their payments. All in the action's transaction, under row locks on the clients
then on the due dates (each in key order, after the years' locks of the revenue rollups): two
transactions refreshing the same client or day do it one after the other, and the last one sees
every committed write. Recomputing rather than adding deltas keeps the rows exact whatever the
order of the writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TypeVar

from django.db import connection
from django.db.models import Count, Max, Min, Sum

from smartiberica.kernel.closed_years import closed_years
from smartiberica.kernel.money import ZERO, round_money

from ..ageing import SNAPSHOT_FIELDS
from ..models import (
    AgeingSnapshot,
    Client,
    Invoice,
    InvoiceSettlement,
    Payment,
    PaymentDaysYear,
    ReceivableCell,
    ReceivableClient,
    ReceivableDate,
)
from ..payment_days import payment_days_sums, years_window
from ..receivables import receivables_from_records
from ..settlement import last_movement, receivable_invoices, settled_amount_due

# Ids per statement: well below SQLite's limit of bound parameters.
CHUNK = 5000
T = TypeVar("T")


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    ordered = sorted(items)  # type: ignore[type-var]
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _settle(invoice_ids: Sequence[int] | None) -> None:
    """Replace the settlement rows of `invoice_ids` (None: every invoice) by their values now."""
    stale = InvoiceSettlement.objects.all()
    rows = receivable_invoices()
    if invoice_ids is not None:
        stale, rows = stale.filter(invoice_id__in=invoice_ids), rows.filter(pk__in=invoice_ids)
    stale.delete()
    select = (
        rows.order_by()
        .annotate(due=settled_amount_due(), last=last_movement())
        .values_list("pk", "client_id", "due_date", "due", "last")
    )
    sql, params = select.query.sql_with_params()
    table = connection.ops.quote_name(InvoiceSettlement._meta.db_table)
    with connection.cursor() as cursor:
        # One statement: the rows never travel through Python (a rebuild writes millions).
        cursor.execute(
            f"INSERT INTO {table} (invoice_id, client_id, due_date, amount_due, last_event_on) {sql}", params
        )


def _refresh_cells(client_ids: Sequence[int] | None, days: Sequence[date] | None = None) -> None:
    """Sum again the `ReceivableCell` rows of `client_ids` on `days` (None: all of them), from the
    settlement rows: one `INSERT … SELECT`."""
    stale = ReceivableCell.objects.all()
    open_rows = InvoiceSettlement.objects.filter(amount_due__gt=0)
    if client_ids is not None:
        stale, open_rows = stale.filter(client_id__in=client_ids), open_rows.filter(client_id__in=client_ids)
    if days is not None:
        stale, open_rows = stale.filter(due_date__in=days), open_rows.filter(due_date__in=days)
    stale.delete()
    select = (
        open_rows.order_by()
        .values_list("client_id", "due_date")
        .annotate(total=Sum("amount_due"), count=Count("pk"))
    )
    sql, params = select.query.sql_with_params()
    table = connection.ops.quote_name(ReceivableCell._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (client_id, due_date, amount, invoices) {sql}", params)


def _refresh_clients(client_ids: Sequence[int] | None) -> None:
    """Sum again the `ReceivableClient` rows of `client_ids` (None: every client), from the cells."""
    stale = ReceivableClient.objects.all()
    cells = ReceivableCell.objects.all()
    if client_ids is not None:
        stale, cells = stale.filter(client_id__in=client_ids), cells.filter(client_id__in=client_ids)
    stale.delete()
    sums = (
        cells.order_by()
        .values_list("client_id")
        .annotate(total=Sum("amount"), count=Sum("invoices"), oldest=Min("due_date"))
    )
    ReceivableClient.objects.bulk_create(
        [
            ReceivableClient(client_id=pk, amount=round_money(total), invoices=count, oldest_due_date=oldest)
            for pk, total, count, oldest in sums
        ],
        batch_size=1000,
    )


def _refresh_payment_days(years: Iterable[int], client_ids: Sequence[int] | None) -> None:
    """Sum again the `PaymentDaysYear` rows of `client_ids` (None: every client) in `years`."""
    wanted = sorted(set(years))
    if not wanted:
        return
    stale = PaymentDaysYear.objects.filter(year__in=wanted)
    payments = Payment.objects.filter(years_window(wanted))
    if client_ids is not None:
        stale, payments = (
            stale.filter(client_id__in=client_ids),
            payments.filter(invoice__client_id__in=client_ids),
        )
    stale.delete()
    PaymentDaysYear.objects.bulk_create(
        [
            PaymentDaysYear(
                year=year, client_id=client, amount=s.amount, amount_days=s.amount_days, payments=s.payments
            )
            for (year, client), s in sorted(payment_days_sums(payments).items())
        ],
        batch_size=1000,
    )


def _lock_dates(days: set[date]) -> None:
    """Create the due dates' rows if missing, then lock them in date order (after the clients)."""
    ReceivableDate.objects.bulk_create(
        [ReceivableDate(due_date=day, amount=ZERO, invoices=0) for day in sorted(days)], ignore_conflicts=True
    )
    for chunk in _chunks(days):
        list(ReceivableDate.objects.select_for_update().filter(due_date__in=chunk).order_by("due_date"))


def _refresh_dates(days: Sequence[date] | None) -> None:
    """Sum again the `ReceivableDate` rows of `days` (None: every due date), from the cells."""
    rows = ReceivableCell.objects.all()
    if days is not None:
        rows = rows.filter(due_date__in=days)
    sums = {
        day: (round_money(total), count)
        for day, total, count in rows.order_by()
        .values_list("due_date")
        .annotate(total=Sum("amount"), count=Sum("invoices"))
    }
    if days is None:
        ReceivableDate.objects.all().delete()
        ReceivableDate.objects.bulk_create(
            [ReceivableDate(due_date=day, amount=a, invoices=n) for day, (a, n) in sorted(sums.items())],
            batch_size=1000,
        )
        return
    stale = ReceivableDate.objects.filter(due_date__in=days)
    stale.exclude(due_date__in=sums).update(amount=ZERO, invoices=0)
    for day, (amount, count) in sums.items():
        ReceivableDate.objects.filter(due_date=day).update(amount=amount, invoices=count)


def _due_dates(ids: Iterable[int]) -> set[date]:
    found: set[date] = set()
    for chunk in _chunks(ids):
        found |= set(
            InvoiceSettlement.objects.filter(invoice_id__in=chunk).values_list("due_date", flat=True)
        )
        found |= set(receivable_invoices().filter(pk__in=chunk).values_list("due_date", flat=True))
    return found


def receivables_refresh(*, invoices: Iterable[int], years: Iterable[int]) -> None:
    """Recompute the receivables rows of `invoices` (and of the invoices their credit notes
    correct), of their clients and due dates, and of those clients' payments in `years`. Inside
    the caller's transaction; locks: the clients, then the due dates."""
    ids = set(invoices)
    for chunk in _chunks(ids):
        ids |= {pk for pk in Invoice.objects.filter(pk__in=chunk).values_list("corrects_id", flat=True) if pk}
    clients: set[int] = set()
    for chunk in _chunks(ids):
        clients |= set(Invoice.objects.filter(pk__in=chunk).values_list("client_id", flat=True))
        clients |= set(
            InvoiceSettlement.objects.filter(invoice_id__in=chunk).values_list("client_id", flat=True)
        )
    for chunk in _chunks(clients):
        list(
            Client.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    days = _due_dates(ids)
    _lock_dates(days)
    for chunk in _chunks(ids):
        _settle(chunk)
    for chunk in _chunks(clients):
        # The cells of these clients on these days: a superset of those the invoices moved.
        for dates in _chunks(days):
            _refresh_cells(chunk, dates)
        _refresh_clients(chunk)
        _refresh_payment_days(years, chunk)
    for dates in _chunks(days):
        _refresh_dates(dates)


def receivables_rebuild() -> None:
    """Recompute every receivables row from the records (after a bulk load), then keep the ageing
    of the approved years' ends."""
    _settle(None)
    _refresh_cells(None)
    _refresh_clients(None)
    _refresh_dates(None)
    PaymentDaysYear.objects.all().delete()
    first_last = Payment.objects.order_by().aggregate(first=Min("date"), last=Max("date"))
    if first_last["first"] is not None:
        for year in range(first_last["first"].year, first_last["last"].year + 1):
            _refresh_payment_days([year], None)
    ageing_snapshots_rebuild()


def receivables_rows_wiped() -> None:
    """Delete every receivables row (the records they sum are being deleted)."""
    AgeingSnapshot.objects.all().delete()
    PaymentDaysYear.objects.all().delete()
    ReceivableClient.objects.all().delete()
    ReceivableDate.objects.all().delete()
    ReceivableCell.objects.all().delete()
    InvoiceSettlement.objects.all().delete()


def receivables_freeze(*, on: date) -> None:
    """Keep the ageing of the day `on`, computed from the records now (`AgeingSnapshot`): the
    reads of that day use it until a write dated on or before it deletes it."""
    found = receivables_from_records(on)
    AgeingSnapshot.objects.filter(on=on).delete()
    AgeingSnapshot.objects.bulk_create(
        [
            AgeingSnapshot(on=on, client_id=row.client_id, **{n: getattr(row, n) for n in SNAPSHOT_FIELDS})
            for row in found.clients
        ]
        + [AgeingSnapshot(on=on, client=None, **{n: getattr(found.totals, n) for n in SNAPSHOT_FIELDS})],
        batch_size=1000,
    )


def ageing_snapshots_outdated(*, since: date) -> None:
    """Delete the kept ageings of the days on or after `since` (a write dated then moved them)."""
    AgeingSnapshot.objects.filter(on__gte=since).delete()


def ageing_snapshots_rebuild() -> None:
    """Keep again the ageing of 31 December of every approved year."""
    AgeingSnapshot.objects.all().delete()
    for year in sorted(closed_years()):
        receivables_freeze(on=date(year, 12, 31))
