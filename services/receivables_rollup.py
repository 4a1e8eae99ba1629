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

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from smartiberica.kernel.money import MONEY, ZERO, round_money

from .ageing import (
    LIMITS,
    SNAPSHOT_FIELDS,
    AgeingBuckets,
    ClientOverdue,
    ClientReceivables,
    Receivables,
    add_buckets,
    client_row,
)
from .models import AgeingSnapshot, InvoiceSettlement, ReceivableClient

# Above this many invoices (or clients) moved after the day, the records are read instead.
MOVED_INVOICES = 2000
MOVED_CLIENTS = 200


def moved_clients(on: date) -> set[int] | None:
    """The clients of the invoices that moved after `on`, or None when they are too many for the
    rollups to pay (one query that stops at the limit)."""
    ids = list(
        InvoiceSettlement.objects.filter(last_event_on__gt=on)
        .order_by()
        .values_list("client_id", flat=True)[: MOVED_INVOICES + 1]
    )
    if len(ids) > MOVED_INVOICES or len(set(ids)) > MOVED_CLIENTS:
        return None
    return set(ids)


def _bucket(on: date) -> Case:
    return Case(
        *[When(due_date__gte=on - timedelta(days=days), then=Value(bucket)) for bucket, days in LIMITS],
        default=Value("days_over_90"),
        output_field=CharField(),
    )


def _recent(on: date, *, of: Q) -> QuerySet[InvoiceSettlement]:
    """The open rows due in the last 90 days or later (`of`: whose clients), with their bucket."""
    return (
        InvoiceSettlement.objects.filter(
            of, amount_due__gt=0, due_date__gte=on - timedelta(days=LIMITS[-1][1])
        )
        .order_by()
        .annotate(bucket=_bucket(on))
    )


def _clients(on: date, rows: list[tuple[int, str, str, Decimal]], *, of: Q) -> list[ClientReceivables]:
    """Each client of `rows` (id, name, tax id, total; `of` selects them) with its buckets: one
    grouped query."""
    recent: dict[int, dict[str, Decimal]] = defaultdict(dict)
    grouped = (
        _recent(on, of=of)
        .values_list("client_id", "bucket")  # type: ignore[misc]
        .annotate(total=Sum("amount_due"))
    )
    for client_id, bucket, total in grouped:
        recent[client_id][bucket] = round_money(total)
    return [client_row(pk, name, tax_id, round_money(total), recent[pk]) for pk, name, tax_id, total in rows]


def rolled_up(
    on: date, *, moved: set[int], top: int | None
) -> tuple[list[ClientReceivables], AgeingBuckets, int]:
    """The clients but `moved`: the `top` largest (all when None), the buckets of all of them
    together, and how many they are. Four queries with `top`, two without."""
    owing = ReceivableClient.objects.exclude(client_id__in=moved)
    columns = ("client_id", "client__name", "client__tax_id", "amount")
    if top is None:
        clients = _clients(on, list(owing.values_list(*columns)), of=~Q(client_id__in=moved))
        return clients, add_buckets(clients), len(clients)
    # Ties at the last place are all kept: the caller ranks them by name.
    last = owing.order_by("-amount").values_list("amount", flat=True)[top - 1 : top]
    shown = owing.filter(amount__gte=last) if top > 0 else owing.none()
    rows = list(shown.values_list(*columns))
    clients = _clients(on, rows, of=Q(client_id__in=[row[0] for row in rows]))
    whole = owing.aggregate(total=Sum("amount"), count=Count("pk"))
    buckets: dict[str, Decimal] = {
        bucket: round_money(total)
        for bucket, total in _recent(on, of=~Q(client_id__in=moved))
        .values_list("bucket")  # type: ignore[misc]
        .annotate(total=Sum("amount_due"))
    }
    total = round_money(whole["total"] or ZERO)
    everyone = client_row(0, "", "", total, buckets)
    return clients, everyone.buckets, whole["count"]


def _overdue(before: date, moved: set[int]) -> QuerySet[ReceivableClient]:
    """The clients but `moved` owing something due before `before`, annotated with what they owe
    on those invoices (`over`, `over_invoices`): their totals less their invoices due later."""
    later = InvoiceSettlement.objects.filter(
        client_id=OuterRef("client_id"), amount_due__gt=0, due_date__gte=before
    ).order_by()
    money: DecimalField[Decimal, Decimal] = DecimalField(**MONEY)
    later_amount = later.values("client_id").annotate(t=Sum("amount_due")).values("t")
    later_count = later.values("client_id").annotate(n=Count("pk")).values("n")
    return (
        ReceivableClient.objects.exclude(client_id__in=moved)
        .filter(oldest_due_date__lt=before)
        .annotate(
            over=ExpressionWrapper(
                F("amount") - Coalesce(Subquery(later_amount, output_field=money), Value(ZERO)),
                output_field=money,
            ),
            over_invoices=ExpressionWrapper(
                F("invoices") - Coalesce(Subquery(later_count, output_field=IntegerField()), Value(0)),
                output_field=IntegerField(),
            ),
        )
    )


@dataclass(frozen=True)
class OverdueSums:
    """How many clients owe something overdue, how much, on how many invoices."""

    clients: int = 0
    amount: Decimal = ZERO
    invoices: int = 0


def overdue_rolled_up(
    *, before: date, moved: set[int], top: int | None
) -> tuple[list[ClientOverdue], OverdueSums]:
    """The clients but `moved` owing something due before `before`: the `top` largest (all when
    None), and the sums over all of them. Two queries (one without `top`)."""
    owing = _overdue(before, moved)
    ranked = owing.order_by("-over", "client__name", "client_id")
    columns = ("client_id", "client__name", "over", "over_invoices", "oldest_due_date")
    shown = [
        ClientOverdue(pk, name, round_money(amount), invoices, oldest)
        for pk, name, amount, invoices, oldest in (ranked if top is None else ranked[:top]).values_list(
            *columns
        )
    ]
    if top is None:
        return shown, OverdueSums(
            len(shown), sum((r.amount for r in shown), ZERO), sum(r.invoices for r in shown)
        )
    sums = owing.aggregate(amount=Sum("over"), invoices=Sum("over_invoices"), count=Count("pk"))
    return shown, OverdueSums(sums["count"], round_money(sums["amount"] or ZERO), sums["invoices"] or 0)


def oldest_due_date(*, before: date, leaving: set[int]) -> date | None:
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
