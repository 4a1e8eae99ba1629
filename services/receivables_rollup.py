"""Receivables at a day read from the rollups (issue 17): a handful of small queries at any size.

On a day D on or after every movement of an invoice, the invoice owes its `InvoiceSettlement`
amount; a client none of whose invoices moved after D owes its `ReceivableClient` total, of which
the invoices due in the last 90 days (and those not yet due) are read row by row, by bucket, and
the rest is over 90 days past due. The clients whose invoices moved after D (a payment dated
tomorrow, an invoice issued next week) are summed from the records (`services.receivables`).
That is what makes a today's ageing cost the same at 10 k and 10 M invoices; on a day long past,
almost every invoice moved since, and the records are read instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value, When

from smartiberica.kernel.compiled_reads import aggregated, compiled_read
from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.shared_reads import shared_read

from .ageing import (
    LIMITS,
    SNAPSHOT_FIELDS,
    AgeingBuckets,
    ClientOverdue,
    ClientReceivables,
    Receivables,
    add_buckets,
    client_row,
    overdue_rank,
)
from .models import (
    AgeingSnapshot,
    Client,
    InvoiceSettlement,
    ReceivableCell,
    ReceivableClient,
    ReceivableDate,
)

# Above this many invoices (or clients) moved after the day, the records are read instead.
MOVED_INVOICES = 2000
MOVED_CLIENTS = 200


@shared_read
def moved_clients(on: date) -> frozenset[int] | None:
    """The clients of the invoices that moved after `on`, or None when they are too many for the
    rollups to pay (one query that stops at the limit; the receivables card and the overdue
    alerts of a page share it, `shared_reads`)."""
    ids = _moved(on, MOVED_INVOICES + 1)
    if len(ids) > MOVED_INVOICES or len(set(ids)) > MOVED_CLIENTS:
        return None
    return frozenset(ids)


@compiled_read
def _moved(on: date, most: int) -> QuerySet[Any, Any]:
    """The clients of the invoices that moved after `on`, one per invoice, `most` at most."""
    moved = InvoiceSettlement.objects.filter(last_event_on__gt=on).order_by()
    return moved.values_list("client_id", flat=True)[:most]


def _bucket(on: date) -> Case:
    return Case(
        *[When(due_date__gte=on - timedelta(days=days), then=Value(bucket)) for bucket, days in LIMITS],
        default=Value("days_over_90"),
        output_field=CharField(),
    )


def _of(clients: tuple[int, ...], *, but: bool) -> Q:
    """The rows of `clients`, or (`but`) of every other client."""
    return ~Q(client_id__in=clients) if but else Q(client_id__in=clients)


def _recent(on: date, clients: tuple[int, ...], *, but: bool) -> QuerySet[ReceivableCell]:
    """The cells due in the last 90 days or later (of `clients`, or `but` them), with their bucket."""
    return (
        ReceivableCell.objects.filter(_of(clients, but=but), due_date__gte=on - timedelta(days=LIMITS[-1][1]))
        .order_by()
        .annotate(bucket=_bucket(on))
    )


def _buckets(rows: list[tuple[str, Decimal]]) -> dict[str, Decimal]:
    return {bucket: round_money(total) for bucket, total in rows}


@compiled_read
def _recent_by_bucket(on: date, clients: tuple[int, ...], but: bool) -> QuerySet[Any, Any]:
    return _recent(on, clients, but=but).values_list("bucket").annotate(total=Sum("amount"))  # type: ignore[misc]


@compiled_read
def _recent_by_client(on: date, clients: tuple[int, ...], but: bool) -> QuerySet[Any, Any]:
    grouped = _recent(on, clients, but=but).values_list("client_id", "bucket")  # type: ignore[misc]
    return grouped.annotate(total=Sum("amount"))


@compiled_read
def _dates_by_bucket(on: date) -> QuerySet[Any, Any]:
    since = on - timedelta(days=LIMITS[-1][1])
    dates = ReceivableDate.objects.filter(due_date__gte=since).annotate(bucket=_bucket(on))
    return dates.values_list("bucket").annotate(total=Sum("amount"))


def _clients(
    on: date, rows: list[tuple[int, str, str, Decimal]], of: tuple[int, ...], *, but: bool
) -> list[ClientReceivables]:
    """Each client of `rows` (id, name, tax id, total; `of` and `but` select them) with its
    buckets: one grouped query."""
    recent: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for client_id, bucket, total in _recent_by_client(on, of, but):
        recent[client_id][bucket] = round_money(total)
    return [client_row(pk, name, tax_id, round_money(total), recent[pk]) for pk, name, tax_id, total in rows]


def _less(whole: dict[str, Decimal], part: dict[str, Decimal]) -> dict[str, Decimal]:
    return {key: whole.get(key, ZERO) - part.get(key, ZERO) for key in whole.keys() | part.keys()}


_OWING = ("client_id", "client__name", "client__tax_id", "amount")


def _others(moved: tuple[int, ...]) -> QuerySet[ReceivableClient]:
    return ReceivableClient.objects.exclude(client_id__in=moved)


@compiled_read
def _owing(moved: tuple[int, ...]) -> QuerySet[Any, Any]:
    return _others(moved).values_list(*_OWING)


@compiled_read
def _largest_owing(moved: tuple[int, ...], top: int) -> QuerySet[Any, Any]:
    owing = _others(moved)
    # Ties at the last place are all kept: the caller ranks them by name.
    last = owing.order_by("-amount").values_list("amount", flat=True)[top - 1 : top]
    shown = owing.filter(amount__gte=last) if top > 0 else owing.none()
    # A few rows: each client's name by its key. A join would hash every client first (the
    # planner expects a third of them), which cost more than the rest of the read.
    client = Client.objects.filter(pk=OuterRef("client_id"))
    named = shown.annotate(name=Subquery(client.values("name")), tax_id=Subquery(client.values("tax_id")))
    return named.values_list("client_id", "name", "tax_id", "amount")


@compiled_read
def _owing_sums(moved: tuple[int, ...]) -> QuerySet[Any, Any]:
    return aggregated(_others(moved), total=Sum("amount"), count=Count("pk"))


def rolled_up(
    on: date, *, moved: frozenset[int], top: int | None
) -> tuple[list[ClientReceivables], AgeingBuckets, int]:
    """The clients but `moved`: the `top` largest (all when None), the buckets of all of them
    together, and how many they are. Two queries without `top`; with it four, and one more when
    some clients moved: the buckets of everyone come from the due dates' rows."""
    leaving = tuple(sorted(moved))
    if top is None:
        clients = _clients(on, _owing(leaving), leaving, but=True)
        return clients, add_buckets(clients), len(clients)
    rows = _largest_owing(leaving, top)
    clients = _clients(on, rows, tuple(sorted(row[0] for row in rows)), but=False)
    [(total, count)] = _owing_sums(leaving)
    buckets = _buckets(_dates_by_bucket(on))
    if moved:
        buckets = _less(buckets, _buckets(_recent_by_bucket(on, leaving, False)))
    everyone = client_row(0, "", "", round_money(total or ZERO), buckets)
    return clients, everyone.buckets, count


@dataclass(frozen=True)
class OverdueSums:
    """How many clients owe something overdue, how much, on how many invoices."""

    clients: int = 0
    amount: Decimal = ZERO
    invoices: int = 0
    # The oldest due date of what the clients owe before the day, the clients listed left out.
    oldest_unlisted: date | None = None


# The largest debtors are read by batches of this many, until no other can be larger.
BATCH = 50


@compiled_read
def _later_by_client(before: date, clients: tuple[int, ...], but: bool) -> QuerySet[Any, Any]:
    return (
        ReceivableCell.objects.filter(_of(clients, but=but), due_date__gte=before)
        .order_by()
        .values_list("client_id")
        .annotate(total=Sum("amount"), count=Sum("invoices"))
    )


def _later(before: date, clients: tuple[int, ...], *, but: bool = False) -> dict[int, tuple[Decimal, int]]:
    """What `clients` (or `but` them, every other) owe on their invoices due on or after `before`:
    one grouped query."""
    return {pk: (round_money(total), count) for pk, total, count in _later_by_client(before, clients, but)}


def _overdue_rows(
    rows: list[tuple[int, str, Decimal, int, date]], later: dict[int, tuple[Decimal, int]]
) -> list[ClientOverdue]:
    found = []
    for pk, name, amount, invoices, oldest in rows:
        total, count = later.get(pk, (ZERO, 0))
        if invoices > count:
            found.append(ClientOverdue(pk, name, round_money(amount) - total, invoices - count, oldest))
    return found


_OVERDUE = ("client_id", "client__name", "amount", "invoices", "oldest_due_date")


def _owing_before(moved: tuple[int, ...], before: date) -> QuerySet[ReceivableClient]:
    return _others(moved).filter(oldest_due_date__lt=before)


@compiled_read
def _owing_before_rows(moved: tuple[int, ...], before: date) -> QuerySet[Any, Any]:
    return _owing_before(moved, before).values_list(*_OVERDUE)


@compiled_read
def _owing_before_batch(moved: tuple[int, ...], before: date, start: int, size: int) -> QuerySet[Any, Any]:
    """`size` clients by decreasing totals from `start`, and the next one."""
    ordered = _owing_before(moved, before).order_by("-amount", "client_id")
    return ordered[start : start + size + 1].values_list(*_OVERDUE)


def _largest_overdue(moved: tuple[int, ...], before: date, top: int) -> list[ClientOverdue]:
    """The `top` clients but `moved` owing the most on invoices due before `before`.

    A client owes at most its total there: the clients are read by decreasing totals, a batch at
    a time, until the `top`-th found owes more than the next total (two queries a batch; one
    batch when the largest debts are old, as they are)."""
    best: list[ClientOverdue] = []
    start = 0
    while True:
        batch = _owing_before_batch(moved, before, start, BATCH)
        rows, following = batch[:BATCH], batch[BATCH:]
        ids = tuple(sorted(r[0] for r in rows))
        best = overdue_rank([*best, *_overdue_rows(rows, _later(before, ids))])[:top]
        if not following or (len(best) == top and best[-1].amount > following[0][2]):
            return best
        start += BATCH


@compiled_read
def _overdue_sums(moved: tuple[int, ...], before: date, shown: tuple[int, ...]) -> QuerySet[Any, Any]:
    old = Q(oldest_due_date__lt=before)
    return aggregated(
        _others(moved),
        amount=Sum("amount"),
        invoices=Sum("invoices"),
        clients=Count("pk", filter=old),
        oldest=Min("oldest_due_date", filter=old & ~Q(client_id__in=shown)),
    )


@compiled_read
def _due_from(before: date) -> QuerySet[Any, Any]:
    return aggregated(
        ReceivableDate.objects.filter(due_date__gte=before), amount=Sum("amount"), invoices=Sum("invoices")
    )


def overdue_rolled_up(
    *, before: date, moved: frozenset[int], top: int | None
) -> tuple[list[ClientOverdue], OverdueSums]:
    """The clients but `moved` owing something due before `before`: the `top` largest (all when
    None), and the sums over all of them. Without `top`, two queries; with it, those of the
    batches, one over the clients (with the oldest due date of those not listed), one over the
    due dates, and one more when some clients moved.
    """
    leaving = tuple(sorted(moved))
    if top is None:
        shown = _overdue_rows(_owing_before_rows(leaving, before), _later(before, leaving, but=True))
        return shown, OverdueSums(
            len(shown), sum((r.amount for r in shown), ZERO), sum(r.invoices for r in shown)
        )
    shown = _largest_overdue(leaving, before, top) if top > 0 else []
    # What is due before `before` = everything owed − what is due from then on; the clients owing
    # nothing that old owe only later invoices.
    [(amount, invoices, clients, oldest)] = _overdue_sums(
        leaving, before, tuple(sorted(r.client_id for r in shown))
    )
    [(later_amount, later_invoices)] = _due_from(before)
    later_amount, later_invoices = later_amount or ZERO, later_invoices or 0
    if moved:
        theirs = _later(before, leaving)
        later_amount -= sum((t for t, _n in theirs.values()), ZERO)
        later_invoices -= sum(n for _t, n in theirs.values())
    return shown, OverdueSums(
        clients, round_money((amount or ZERO) - later_amount), (invoices or 0) - later_invoices, oldest
    )


def oldest_due_date(*, before: date, leaving: frozenset[int]) -> date | None:
    """The oldest due date of what the clients but `leaving` owe on invoices due before `before`."""
    return (
        ReceivableClient.objects.exclude(client_id__in=leaving)
        .filter(oldest_due_date__lt=before)
        .aggregate(oldest=Min("oldest_due_date"))["oldest"]
    )


def kept_ageing(on: date, *, top: int | None) -> Receivables | None:
    """The ageing kept for the day `on` (`AgeingSnapshot`), or None when it is not kept. Two
    queries (three with `top`)."""
    kept = AgeingSnapshot.objects.filter(on=on)
    totals = kept.filter(client__isnull=True).values_list(*SNAPSHOT_FIELDS).first()
    if totals is None:
        return None
    rows = kept.filter(client__isnull=False).order_by("-total", "client__name", "client_id")
    columns = ("client_id", "client__name", "client__tax_id", *SNAPSHOT_FIELDS)
    shown = [
        ClientReceivables(pk, name, tax_id, *(round_money(v) for v in values))
        for pk, name, tax_id, *values in (rows if top is None else rows[:top]).values_list(*columns)
    ]
    whole = AgeingBuckets(*(round_money(v) for v in totals))
    if top is None:
        return Receivables(on=on, clients=tuple(shown), totals=whole)
    count = rows.count()
    return Receivables(
        on=on,
        clients=tuple(shown),
        totals=whole,
        others=AgeingBuckets(*(getattr(whole, n) - getattr(add_buckets(shown), n) for n in SNAPSHOT_FIELDS)),
        other_clients=count - len(shown),
    )
