"""The ageing of receivables (issue 22): buckets of days past due and the shapes the reads return.

Definitions (docs/figures.md, "Receivables"):

- amount due of an invoice at date D: `services.settlement`.
- days past due = D − due date (the invoice's due date: its own, or the issue date plus the
  client's payment terms, set when the invoice is written).
- buckets: "not due" when D ≤ due date (0 days past due or fewer, the due date itself
  included); "0–30" from 1 to 30 days past due; "31–60" from 31 to 60; "61–90" from 61 to 90;
  "over 90" from 91 days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from smartiberica.kernel.money import ZERO

# The ageing buckets, in order: their keys name the fields of `ClientReceivables`.
BUCKETS = ("not_due", "days_0_30", "days_31_60", "days_61_90", "days_over_90")


def bucket_of(days_past_due: int) -> str:
    """The ageing bucket of a receivable so many days past its due date (≤ 0: not yet due)."""
    if days_past_due <= 0:
        return "not_due"
    if days_past_due <= 30:
        return "days_0_30"
    if days_past_due <= 60:
        return "days_31_60"
    if days_past_due <= 90:
        return "days_61_90"
    return "days_over_90"


@dataclass(frozen=True)
class AgeingBuckets:
    """Amounts due by age; `total` is their sum."""

    not_due: Decimal = ZERO
    days_0_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    days_over_90: Decimal = ZERO
    total: Decimal = ZERO

    @property
    def overdue(self) -> Decimal:
        return self.total - self.not_due

    @property
    def amounts(self) -> tuple[Decimal, ...]:
        """The buckets from not yet due to over 90 days, then the total: a table's row."""
        return (self.not_due, self.days_0_30, self.days_31_60, self.days_61_90, self.days_over_90, self.total)


@dataclass(frozen=True)
class ClientReceivables:
    """What one client owes at a date, by age."""

    client_id: int
    client_name: str
    client_tax_id: str
    not_due: Decimal
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    total: Decimal

    @property
    def buckets(self) -> AgeingBuckets:
        return AgeingBuckets(**{name: getattr(self, name) for name in (*BUCKETS, "total")})


def add_buckets(rows: Iterable[ClientReceivables | AgeingBuckets]) -> AgeingBuckets:
    """The sums of some rows' buckets (the totals, or the clients beyond a top list)."""
    sums = dict.fromkeys((*BUCKETS, "total"), ZERO)
    for row in rows:
        for name in sums:
            sums[name] += getattr(row, name)
    return AgeingBuckets(**sums)


@dataclass(frozen=True)
class Receivables:
    """The clients owing something at `on`, largest totals first (then by name), and the totals.

    When only the largest debtors were asked for, `clients` holds them and `others` the
    buckets of the `other_clients` others together.
    """

    on: date
    clients: tuple[ClientReceivables, ...]
    totals: AgeingBuckets
    others: AgeingBuckets = AgeingBuckets()
    other_clients: int = 0


@dataclass(frozen=True)
class ClientOverdue:
    """What a client owes on the invoices more than some days past due (helper A's alerts)."""

    client_id: int
    client_name: str
    amount: Decimal
    invoices: int
    oldest_due_date: date


@dataclass(frozen=True)
class OverdueClients:
    """The `clients` owing the most on invoices overdue by more than some days, and the others
    together: how many (`other_clients`), how much on how many invoices, the oldest due date."""

    clients: tuple[ClientOverdue, ...]
    other_clients: int = 0
    other_amount: Decimal = ZERO
    other_invoices: int = 0
    other_oldest_due_date: date | None = None


def overdue_rank(rows: Iterable[ClientOverdue]) -> list[ClientOverdue]:
    """Largest amounts first, then by name (and id)."""
    return sorted(rows, key=lambda row: (-row.amount, row.client_name, row.client_id))


# The money fields of an ageing row, in order (the buckets, then their total).
SNAPSHOT_FIELDS = (*BUCKETS, "total")

# The first day past due of each bucket but the last, counted back from the ageing day: a
# receivable due before `on - LIMITS[-1]` is over 90 days past due.
LIMITS = (("not_due", 0), ("days_0_30", 30), ("days_31_60", 60), ("days_61_90", 90))


def client_row(
    client_id: int, name: str, tax_id: str, total: Decimal, recent: dict[str, Decimal]
) -> ClientReceivables:
    """A client's buckets from its total and its sums in the recent buckets (the rest is over 90)."""
    sums = {bucket: recent.get(bucket, ZERO) for bucket, _days in LIMITS}
    over = total - sum(sums.values(), ZERO)
    return ClientReceivables(
        client_id=client_id,
        client_name=name,
        client_tax_id=tax_id,
        days_over_90=over,
        total=total,
        **sums,
    )


def rank(rows: Iterable[ClientReceivables]) -> list[ClientReceivables]:
    """Largest totals first, then by name (and id)."""
    return sorted(rows, key=lambda row: (-row.total, row.client_name, row.client_id))
