"""Receivables (issue 22): what clients owe at a date, aged by days past due. Re-exported by
`services.selectors`, where the board reads them.

Definitions: `services.settlement` (amount due at a day) and `services.ageing` (buckets);
docs/figures.md, "Receivables". Reads go through the rollups (`services.receivables_rollup`)
when they can, through the records otherwise; both give the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from smartiberica.kernel.dates import today
from smartiberica.kernel.money import ZERO, round_money

from .ageing import (
    BUCKETS,
    AgeingBuckets,
    ClientOverdue,
    ClientReceivables,
    OverdueClients,
    Receivables,
    add_buckets,
    bucket_of,
    overdue_rank,
    rank,
)
from .models import Invoice
from .receivables_rollup import kept_ageing, moved_clients, oldest_due_date, overdue_rolled_up, rolled_up
from .settlement import open_on


@dataclass(frozen=True)
class _Due:
    client_id: int
    client_name: str
    client_tax_id: str
    due_date: date
    amount: Decimal


def _amounts_due(
    on: date, *, due_before: date | None = None, clients: frozenset[int] | None = None
) -> list[_Due]:
    """The invoices with something due at `on`, summed from the records (one query);
    `due_before`: only those due before it; `clients`: only theirs."""
    invoices = Invoice.objects.all()
    if due_before is not None:
        invoices = invoices.filter(due_date__lt=due_before)
    if clients is not None:
        invoices = invoices.filter(client_id__in=clients)
    # (django-stubs cannot see the field `open_on()` annotates.)
    rows = (
        open_on(invoices, on)
        .order_by()
        .values_list("client_id", "client__name", "client__tax_id", "due_date", "due_at")  # type: ignore[misc]
    )
    return [_Due(pk, name, tax_id, due, round_money(amount)) for pk, name, tax_id, due, amount in rows]


def _from_records(on: date, clients: frozenset[int] | None = None) -> list[ClientReceivables]:
    """Every client (of `clients`) owing something at `on`, from the records."""
    by_client: dict[int, dict[str, Decimal]] = {}
    names: dict[int, tuple[str, str]] = {}
    for due in _amounts_due(on, clients=clients):
        sums = by_client.setdefault(due.client_id, dict.fromkeys(BUCKETS, ZERO))
        sums[bucket_of((on - due.due_date).days)] += due.amount
        names[due.client_id] = (due.client_name, due.client_tax_id)
    return [
        ClientReceivables(
            client_id=pk,
            client_name=names[pk][0],
            client_tax_id=names[pk][1],
            total=sum(sums.values(), ZERO),
            **sums,
        )
        for pk, sums in by_client.items()
    ]


def receivables_from_records(on: date) -> Receivables:
    """Every client owing something at `on`, summed from the records (one query)."""
    clients = rank(_from_records(on))
    return Receivables(on=on, clients=tuple(clients), totals=add_buckets(clients))


def receivables(*, on: date, top: int | None = None) -> Receivables:
    """The ageing of what every client owes at `on`: the `top` largest debtors and the others
    together, or every client (`top=None`).

    From the ageing kept for that day (an approved year's end: three queries); else from the
    rollups when few invoices moved after `on` (a few small queries, whatever the size of
    history); else from the records (one query over the invoices open at `on`).
    """
    kept = kept_ageing(on, top=top) if on < today() else None
    if kept is not None:
        return kept
    moved = moved_clients(on)
    if moved is None:
        found = receivables_from_records(on)
        clients, totals, count = list(found.clients), found.totals, len(found.clients)
    else:
        clients, totals, count = rolled_up(on, moved=moved, top=top)
        exact = _from_records(on, moved) if moved else []
        clients = rank([*clients, *exact])
        totals, count = add_buckets([totals, *exact]), count + len(exact)
    if top is None:
        return Receivables(on=on, clients=tuple(clients), totals=totals)
    shown = clients[:top]
    return Receivables(
        on=on,
        clients=tuple(shown),
        totals=totals,
        others=_minus(totals, add_buckets(shown)),
        other_clients=count - len(shown),
    )


def _minus(whole: AgeingBuckets, part: AgeingBuckets) -> AgeingBuckets:
    return AgeingBuckets(**{name: getattr(whole, name) - getattr(part, name) for name in (*BUCKETS, "total")})


def _overdue_from_records(on: date, before: date, clients: frozenset[int] | None) -> list[ClientOverdue]:
    by_client: dict[int, list[_Due]] = {}
    for due in _amounts_due(on, due_before=before, clients=clients):
        by_client.setdefault(due.client_id, []).append(due)
    return [
        ClientOverdue(
            client_id=pk,
            client_name=dues[0].client_name,
            amount=sum((d.amount for d in dues), ZERO),
            invoices=len(dues),
            oldest_due_date=min(d.due_date for d in dues),
        )
        for pk, dues in by_client.items()
    ]


def overdue_by_client(*, on: date, more_than_days: int, top: int | None = None) -> OverdueClients:
    """Per client, what is due at `on` on invoices more than `more_than_days` days past due: the
    `top` largest (every client when None), largest amounts first then by name, and the others
    together.

    61 days past due counts for `more_than_days=60`, 60 does not. From the rollups when few
    invoices moved after `on` (three or four queries), else from the records (one).
    """
    before = on - timedelta(days=more_than_days)
    moved = moved_clients(on)
    if moved is None:
        every = overdue_rank(_overdue_from_records(on, before, None))
        shown, others = every if top is None else every[:top], every[len(every) if top is None else top :]
        return OverdueClients(
            clients=tuple(shown),
            other_clients=len(others),
            other_amount=sum((row.amount for row in others), ZERO),
            other_invoices=sum(row.invoices for row in others),
            other_oldest_due_date=min((row.oldest_due_date for row in others), default=None),
        )
    rolled, sums = overdue_rolled_up(before=before, moved=moved, top=top)
    exact = _overdue_from_records(on, before, moved) if moved else []
    ranked = overdue_rank([*rolled, *exact])
    shown = ranked if top is None else ranked[:top]
    count = sums.clients + len(exact) - len(shown)
    if count == 0:
        return OverdueClients(clients=tuple(shown))
    # The others: every client less the ones shown; the oldest due date of those left out of the
    # rolled-up top, or of the moved clients not shown.
    kept = {row.client_id for row in shown}
    # Nothing moved: the clients shown are the rolled-up ones, whose sums know the others' oldest.
    others_oldest = (
        sums.oldest_unlisted if not moved else oldest_due_date(before=before, leaving=moved | kept)
    )
    oldest = [
        day
        for day in (others_oldest, *(row.oldest_due_date for row in exact if row.client_id not in kept))
        if day is not None
    ]
    return OverdueClients(
        clients=tuple(shown),
        other_clients=count,
        other_amount=sums.amount
        + sum((r.amount for r in exact), ZERO)
        - sum((r.amount for r in shown), ZERO),
        other_invoices=sums.invoices + sum(r.invoices for r in exact) - sum(r.invoices for r in shown),
        other_oldest_due_date=min(oldest, default=None),
    )
