"""The guarantee fund's ledger on the board's pages and in the exports (issue 22).

The year page shows, beside the guarantee-fund figure, the year's ledger (opening balance, the
fund part of the member margin coming in, advances paid to members and recovered, the balance at
31 December and the advances still outstanding then), with a warning when the advances outstanding
exceed the balance; the multi-year page shows the balance at each year end. The ledger is
`services.selectors.guarantee_ledger` (four queries, whatever the years and records).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from services.selectors import GuaranteeYear, guarantee_ledger
from smartiberica.board import drilldown
from smartiberica.board.figures import YearlyFigures
from smartiberica.kernel.dates import current_year

if TYPE_CHECKING:
    from smartiberica.board.export_tables import ExportTable


@dataclass(frozen=True)
class LedgerRow:
    key: str  # the `GuaranteeYear` field
    label: str
    amount: Decimal
    url: str  # the records behind the amount ("" for a balance)


@dataclass(frozen=True)
class GuaranteeCard:
    ledger: GuaranteeYear
    in_progress: bool  # the year in progress: its balance so far, not at 31 December yet
    rows: tuple[LedgerRow, ...]

    @property
    def year(self) -> int:
        return self.ledger.year

    @property
    def warning(self) -> bool:
        return self.ledger.advances_exceed_balance


def _links(year: int) -> dict[str, str]:
    return {
        "inflows": drilldown.member_turnover(year),
        "advances_paid": drilldown.guarantee_advances_paid(year),
        "recoveries": drilldown.guarantee_advances_recovered(year),
        "outstanding_advances": drilldown.guarantee_advances_outstanding(year),
    }


def guarantee_card(*, year: int) -> GuaranteeCard | None:
    """The ledger card of `year`; None for a year still to come or when the fund never had anything."""
    if year > current_year():
        return None
    ledger = guarantee_ledger(years=[year])[year]
    if ledger.is_empty:
        return None
    in_progress = year == current_year()
    labels, links = ledger_labels(in_progress=in_progress), _links(year)
    rows = tuple(
        LedgerRow(key=key, label=labels[key], amount=getattr(ledger, key), url=links.get(key, ""))
        for key in LEDGER_LINES
    )
    return GuaranteeCard(ledger=ledger, in_progress=in_progress, rows=rows)


def guarantee_years(years: Iterable[int]) -> tuple[GuaranteeYear, ...]:
    """The ledger of each year (the multi-year page); empty when the fund never had anything."""
    ledger = guarantee_ledger(years=years)
    rows = tuple(ledger[year] for year in sorted(ledger))
    return () if all(row.is_empty for row in rows) else rows


# The ledger's lines (`GuaranteeYear` fields, the export's row keys), in the order they are shown.
LEDGER_LINES = (
    "opening_balance",
    "inflows",
    "advances_paid",
    "recoveries",
    "closing_balance",
    "outstanding_advances",
)


def ledger_labels(*, in_progress: bool) -> dict[str, str]:
    """The ledger's lines as the reader reads them; the year in progress runs to today."""
    return {
        "opening_balance": _("Balance at 1 January"),
        "inflows": _("Inflows: the fund's part of the member margin"),
        "advances_paid": _("Advances paid to members"),
        "recoveries": _("Advances recovered"),
        "closing_balance": _("Balance to date") if in_progress else _("Balance at 31 December"),
        "outstanding_advances": (
            _("Advances outstanding to date") if in_progress else _("Advances outstanding at 31 December")
        ),
    }


def guarantee_fund_table(figures: YearlyFigures) -> ExportTable:
    """The year's ledger as an export table: one row per line, keyed by the ledger's field."""
    # Imported here: export_tables registers this builder, so it imports this module.
    from smartiberica.board.export_tables import ExportColumn, ExportRow, ExportTable

    ledger = guarantee_ledger(years=[figures.year])[figures.year]
    labels = ledger_labels(in_progress=figures.year == current_year())
    return ExportTable(
        section="guarantee_fund_ledger",
        title=_("Guarantee fund %(year)s") % {"year": figures.year},
        row_header=_("Guarantee fund ledger"),
        columns=(ExportColumn(key="amount", label=_("Amount"), kind="money"),),
        rows=tuple(
            ExportRow(key=line, label=labels[line], values=(getattr(ledger, line),)) for line in LEDGER_LINES
        ),
    )
