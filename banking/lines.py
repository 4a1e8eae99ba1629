"""Reads of bank lines for the reconciliation (issue 20); re-exported by `banking.selectors`.

A fixed number of queries each, whatever the number of lines: the board reads the lines left to
reconcile a page or a batch at a time, asks which records are reconciled already (one query for a
whole batch), and what the bank's other reconciled lines say about a counterparty's IBAN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Max, Q, QuerySet

from banking.choices import MatchKind
from banking.models import StatementLine
from smartiberica.kernel.money import round_money
from smartiberica.kernel.record_links import LinkedBankLine

# What money in and money out may be once reconciled.
MONEY_IN_KINDS = frozenset({MatchKind.PAYMENT, MatchKind.RECEIPT})
MONEY_OUT_KINDS = frozenset({MatchKind.REFUND, MatchKind.REPAYMENT, MatchKind.EXPENSE})


@dataclass(frozen=True)
class BankLine:
    """A bank line as the reconciliation reads it."""

    id: int
    account_id: int
    account_name: str
    account_iban: str
    booking_date: date
    value_date: date
    amount: Decimal  # money in +, money out −
    reference: str
    end_to_end: str
    description: str
    counterparty_name: str
    counterparty_iban: str
    bank_code: str
    matched_kind: str | None
    matched_id: int | None
    matched_at: datetime | None
    matched_by: str

    @property
    def money_in(self) -> bool:
        return self.amount > 0

    @property
    def reconciled(self) -> bool:
        return self.matched_kind is not None

    def age_days(self, on: date) -> int:
        """Days from its booking to `on`."""
        return (on - self.booking_date).days


@dataclass(frozen=True)
class LinePage:
    """One page of the lines left to reconcile, oldest first."""

    lines: tuple[BankLine, ...]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


_FIELDS = (
    "pk",
    "account_id",
    "account__name",
    "account__iban",
    "booking_date",
    "value_date",
    "amount",
    "reference",
    "end_to_end",
    "description",
    "counterparty_name",
    "counterparty_iban",
    "bank_code",
    "matched_kind",
    "matched_id",
    "matched_at",
    "matched_by__username",
)


def _lines(rows: QuerySet[StatementLine]) -> tuple[BankLine, ...]:
    found = []
    for row in rows.values_list(*_FIELDS):
        values = dict(zip(_FIELDS, row, strict=True))
        found.append(
            BankLine(
                id=values["pk"],
                account_id=values["account_id"],
                account_name=values["account__name"],
                account_iban=values["account__iban"],
                booking_date=values["booking_date"],
                value_date=values["value_date"],
                amount=round_money(values["amount"]),
                reference=values["reference"],
                end_to_end=values["end_to_end"],
                description=values["description"],
                counterparty_name=values["counterparty_name"],
                counterparty_iban=values["counterparty_iban"],
                bank_code=values["bank_code"],
                matched_kind=values["matched_kind"],
                matched_id=values["matched_id"],
                matched_at=values["matched_at"],
                matched_by=values["matched_by__username"] or "",
            )
        )
    return tuple(found)


def unmatched_page(*, number: int = 1, per_page: int = 50) -> LinePage:
    """The `number`-th page of the lines left to reconcile, oldest first (two queries)."""
    rows = StatementLine.objects.unmatched()
    total = rows.count()
    pages = max(1, -(-total // per_page))
    number = min(max(1, number), pages)
    start = (number - 1) * per_page
    lines = _lines(rows.order_by("booking_date", "pk")[start : start + per_page])
    return LinePage(lines=lines, total=total, number=number, per_page=per_page)


def unmatched_batch(*, after: tuple[date, int] | None = None, size: int = 500) -> tuple[BankLine, ...]:
    """The next `size` lines left to reconcile after (booking date, id) `after`, oldest first: a
    batch of a walk over all of them (one query; keyset, so the 20th batch costs the first's)."""
    rows = StatementLine.objects.unmatched()
    if after is not None:
        day, pk = after
        rows = rows.filter(Q(booking_date__gt=day) | Q(booking_date=day, pk__gt=pk))
    return _lines(rows.order_by("booking_date", "pk")[:size])


def bank_lines(*, ids: Iterable[int]) -> tuple[BankLine, ...]:
    """The lines with these ids, oldest first (one query)."""
    return _lines(StatementLine.objects.filter(pk__in=set(ids)).order_by("booking_date", "pk"))


def bank_line(*, line_id: int) -> BankLine | None:
    found = bank_lines(ids=[line_id])
    return found[0] if found else None


def reconciled_records(*, records: Mapping[str, Iterable[int]]) -> set[tuple[str, int]]:
    """Which of these records (ids by kind) a bank line is reconciled with already (one query)."""
    wanted = Q()
    for kind, ids in records.items():
        id_set = set(ids)
        if id_set:
            wanted |= Q(matched_kind=kind, matched_id__in=id_set)
    if not wanted:
        return set()
    rows = StatementLine.objects.filter(wanted).values_list("matched_kind", "matched_id")
    return {(kind, record_id) for kind, record_id in rows if kind is not None and record_id is not None}


def last_records_by_iban(*, ibans: Iterable[str]) -> dict[str, tuple[str, int]]:
    """For each counterparty IBAN, the record its latest reconciled line was (kind, id): what the
    bank taught about who pays from, or is paid to, that account. Two queries."""
    wanted = {iban for iban in ibans if iban}
    if not wanted:
        return {}
    latest = (
        StatementLine.objects.matched()
        .filter(counterparty_iban__in=wanted)
        .values("counterparty_iban")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    rows = StatementLine.objects.filter(pk__in=list(latest)).values_list(
        "counterparty_iban", "matched_kind", "matched_id"
    )
    return {iban: (kind, record_id) for iban, kind, record_id in rows if kind and record_id}


def line_of_record(kind: str, record_id: int) -> LinkedBankLine | None:
    """The bank line reconciled with a record, as the records' admin pages show it (one query);
    registered with the kernel (`smartiberica.kernel.record_links`) when the app is ready."""
    row = (
        StatementLine.objects.filter(matched_kind=kind, matched_id=record_id)
        .values_list("pk", "booking_date", "amount", "account__name")
        .first()
    )
    if row is None:
        return None
    pk, booked, amount, account = row
    return LinkedBankLine(line_id=pk, booking_date=booked, amount=round_money(amount), account=account)
