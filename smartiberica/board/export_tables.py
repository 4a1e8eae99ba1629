"""Tables the exports carry beside the yearly figures: one XLSX sheet and a block of CSV rows each.

A board module that shows a table on the year page (contribution by service line, receivables,
the guarantee fund's ledger...) describes it once as an `ExportTable` and registers its builder in
`BUILDERS`; `exports.to_xlsx` and `exports.to_csv` write every registered table the same way, so a
new table needs no change to the export code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from smartiberica.board.contribution import export_table as contribution_table
from smartiberica.board.figures import YearlyFigures
from smartiberica.board.guarantee_fund import guarantee_fund_table
from smartiberica.board.receivables import payment_days_table, receivables_table

ColumnKind = Literal["money", "ratio", "rate", "number", "text"]


@dataclass(frozen=True)
class ExportColumn:
    key: str  # the CSV key part, stable and untranslated: "revenue", "margin_rate"
    label: str  # the sheet's header, translated
    kind: ColumnKind


@dataclass(frozen=True)
class ExportRow:
    key: str  # a stable code (service line code, client tax id, "total")
    label: str
    values: tuple[object, ...]  # one per column


@dataclass(frozen=True)
class ExportTable:
    section: str  # the CSV section, e.g. "contribution_by_service"
    title: str  # the sheet's title, translated
    row_header: str  # the first column's header, translated
    columns: tuple[ExportColumn, ...]
    rows: tuple[ExportRow, ...]


Builder = Callable[[YearlyFigures], ExportTable]

# Each builder reads the year (and basis) from the figures and may query what it needs.
BUILDERS: tuple[Builder, ...] = (
    contribution_table,
    guarantee_fund_table,
    receivables_table,
    payment_days_table,
)


def year_tables(figures: YearlyFigures, builders: Sequence[Builder] = BUILDERS) -> list[ExportTable]:
    return [build(figures) for build in builders]
