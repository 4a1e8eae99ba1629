"""Receivables on the board (issue 22): the year page's section, the receivables page, the exports.

The year page shows what clients owed at 31 December (today for the year in progress), aged by
days past due (`services.selectors.receivables`), for the ten largest debtors, the others together
and the total, each linked to the invoices behind it in the admin (`?open_on=` the day); and how
long each client took to pay in the year (`services.selectors.days_to_payment`). The receivables
page shows every client at any day. Two queries each, whatever the records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from services.selectors import (
    AgeingBuckets,
    ClientPaymentDays,
    Receivables,
    average_days,
    days_to_payment,
    payment_days_top,
    receivables,
)
from smartiberica.board import drilldown
from smartiberica.board.figures import YearlyFigures
from smartiberica.kernel.basis import TOP_CLIENTS
from smartiberica.kernel.dates import today

if TYPE_CHECKING:
    from smartiberica.board.export_tables import ExportColumn, ExportTable

RowKind = Literal["client", "others", "total"]


@dataclass(frozen=True)
class AgeingRow:
    kind: RowKind
    key: str  # the client's tax id, "others" or "total"
    label: str
    url: str  # the invoices open on the day, in the admin
    buckets: AgeingBuckets


@dataclass(frozen=True)
class PaymentDaysRow:
    label: str
    days: Decimal | None
    amount: Decimal
    payments: int


@dataclass(frozen=True)
class ReceivablesCard:
    year: int
    on: date
    in_progress: bool  # today, the year not being over
    rows: tuple[AgeingRow, ...]  # the largest debtors, then the others together
    total: AgeingRow
    payment_days: tuple[PaymentDaysRow, ...]  # the clients who paid the most in the year
    average_days: Decimal | None  # over every client's payments of the year


def ageing_day(year: int) -> date:
    """The day a year's receivables are read at: 31 December, or today while the year runs."""
    return min(date(year, 12, 31), today())


def ageing_rows(found: Receivables) -> tuple[tuple[AgeingRow, ...], AgeingRow]:
    """The clients found (the largest, the others together when a top was asked), and the
    total, linked."""
    on = found.on
    rows = [
        AgeingRow(
            "client",
            c.client_tax_id,
            c.client_name,
            drilldown.open_invoices(on, client_id=c.client_id),
            c.buckets,
        )
        for c in found.clients
    ]
    if found.other_clients:
        count = found.other_clients
        label = ngettext("%(count)d other client", "%(count)d other clients", count) % {"count": count}
        rows.append(AgeingRow("others", "others", label, drilldown.open_invoices(on), found.others))
    total = AgeingRow("total", "total", _("Total"), drilldown.open_invoices(on), found.totals)
    return tuple(rows), total


def _payment_rows(clients: Iterable[ClientPaymentDays]) -> tuple[PaymentDaysRow, ...]:
    return tuple(PaymentDaysRow(c.client_name, c.days, c.amount, c.payments) for c in clients)


def receivables_card(*, year: int) -> ReceivablesCard:
    """The year page's section (two queries)."""
    on = ageing_day(year)
    rows, total = ageing_rows(receivables(on=on, top=TOP_CLIENTS))
    paid = payment_days_top(year=year, top=TOP_CLIENTS)
    return ReceivablesCard(
        year=year,
        on=on,
        in_progress=on < date(year, 12, 31),
        rows=rows,
        total=total,
        payment_days=_payment_rows(paid.clients),
        average_days=paid.average,
    )


@dataclass(frozen=True)
class ReceivablesPage:
    on: date
    refused: str  # the `on` given, when it was not a date (today is shown instead)
    rows: tuple[AgeingRow, ...]  # every client
    total: AgeingRow


def receivables_page(*, on: str) -> ReceivablesPage:
    """Every client's receivables at the ISO day `on` (today when empty or not a date). One query."""
    try:
        day, refused = (date.fromisoformat(on), "") if on else (today(), "")
    except ValueError:
        day, refused = today(), on[:40]
    rows, total = ageing_rows(receivables(on=day))
    return ReceivablesPage(on=day, refused=refused, rows=rows, total=total)


# --- Exports -----------------------------------------------------------------------------------


def bucket_labels() -> dict[str, str]:
    """The ageing columns' headers: days past the due date."""
    return {
        "not_due": _("Not yet due"),
        "days_0_30": _("0–30 days"),
        "days_31_60": _("31–60 days"),
        "days_61_90": _("61–90 days"),
        "days_over_90": _("Over 90 days"),
        "total": _("Total"),
    }


def receivables_table(figures: YearlyFigures) -> ExportTable:
    """What every client owed at the year's ageing day, by days past due (one query)."""
    # Imported here: export_tables registers this builder, so it imports this module first.
    from smartiberica.board.export_tables import ExportColumn, ExportRow, ExportTable

    on = ageing_day(figures.year)
    rows, total = ageing_rows(receivables(on=on))
    columns: tuple[ExportColumn, ...] = tuple(
        ExportColumn(key=key, label=label, kind="money") for key, label in bucket_labels().items()
    )
    return ExportTable(
        section="receivables",
        title=_("Receivables %(year)s") % {"year": figures.year},
        row_header=_("Client (on %(day)s)") % {"day": date_format(on, "SHORT_DATE_FORMAT")},
        columns=columns,
        rows=tuple(
            ExportRow(
                key=row.key, label=row.label, values=tuple(getattr(row.buckets, c.key) for c in columns)
            )
            for row in (*rows, total)
        ),
    )


def payment_days_table(figures: YearlyFigures) -> ExportTable:
    """How long every client took to pay in the year, and the average over all of them (one query)."""
    from smartiberica.board.export_tables import ExportColumn, ExportRow, ExportTable

    paid = days_to_payment(years=[figures.year])[figures.year]
    every = ExportRow(
        key="total",
        label=_("All clients"),
        values=(
            average_days(paid),
            sum((c.amount for c in paid), Decimal("0.00")),
            sum(c.payments for c in paid),
        ),
    )
    return ExportTable(
        section="days_to_payment",
        title=_("Days to payment %(year)s") % {"year": figures.year},
        row_header=_("Client"),
        columns=(
            ExportColumn(key="days", label=_("Average days to payment"), kind="number"),
            ExportColumn(key="amount", label=_("Amount paid"), kind="money"),
            ExportColumn(key="payments", label=_("Payments"), kind="number"),
        ),
        rows=(
            *(
                ExportRow(key=c.client_tax_id, label=c.client_name, values=(c.days, c.amount, c.payments))
                for c in paid
            ),
            every,
        ),
    )
