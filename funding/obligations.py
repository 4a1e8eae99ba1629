"""Reads of the obligations owed to funders (reports, audits, covenants), for the board's calendar
and alerts: one query each, frozen dataclasses of plain values.

`funding.selectors` re-exports them; the board reads them there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from funding.choices import ObligationStatus
from funding.models import Obligation, ObligationQuerySet
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.dates import today


@dataclass(frozen=True)
class ObligationDue:
    id: int
    source_code: str
    source_name: str
    kind: str  # an ObligationKind value
    description: str
    due_date: date
    document_reference: str
    overdue: bool  # still pending and due before the day asked about (never for a done or waived one)
    status: str  # an ObligationStatus value


_COLUMNS = (
    "pk",
    "source__code",
    "source__name",
    "kind",
    "description",
    "due_date",
    "document_reference",
    "status",
)


def _read(rows: list[tuple[Any, ...]], *, on: date) -> list[ObligationDue]:
    """The obligations read (by due date, then id, their source joined) as `ObligationDue`s."""
    return [
        ObligationDue(
            id=pk,
            source_code=code,
            source_name=name,
            kind=kind,
            description=description,
            due_date=due_date,
            document_reference=reference,
            overdue=status == ObligationStatus.PENDING and due_date < on,
            status=status,
        )
        for pk, code, name, kind, description, due_date, reference, status in rows
    ]


def _ordered(obligations: ObligationQuerySet) -> QuerySet[Any, Any]:
    return obligations.order_by("due_date", "pk").values_list(*_COLUMNS)


@compiled_read
def _needing_attention(on: date, within_days: int) -> QuerySet[Any, Any]:
    return _ordered(Obligation.objects.needing_attention(on=on, days=within_days))


def obligations_due(*, on: date, within_days: int) -> list[ObligationDue]:
    """Pending obligations overdue or due within `within_days` days of `on`, by due date then id. One query.

    Due exactly `within_days` days after `on` is in; a day later is out. Overdue means due before `on`.
    """
    return _read(_needing_attention(on, within_days), on=on)


def obligations_between(*, first: date, last: date) -> list[ObligationDue]:
    """Every obligation due from `first` to `last` (both included), whatever its status, by due date
    then id; overdue ones are pending and due before today. One query."""
    return _read(list(_ordered(Obligation.objects.filter(due_date__range=(first, last)))), on=today())
