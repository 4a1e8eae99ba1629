"""The contribution margin of each service line (issue 22): does a line pay for itself?

For a service line and a year, on a basis:

- revenue: the line's services revenue, as the yearly figures hold it (`revenue_by_service`);
- partner shares: the partners' parts of that revenue (`services.selectors.partner_shares_by_line`);
- direct costs: the expenses dated in the year that name the line (`funding.selectors.
  direct_costs_by_line`, the same on both bases);
- contribution = revenue − partner shares − direct costs; margin rate = contribution / revenue,
  None (shown "—") when the revenue is 0 or negative.

Every line with revenue, a partner share or a direct cost is listed, then a total row. The
revenue is never recomputed: the callers pass the yearly figures they already have (a closed
year's come from its snapshot; its expenses and invoices can no longer change, so its shares and
costs are read from the records like an open year's). Three queries at most, whatever the years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from funding.selectors import direct_costs_by_line
from services.selectors import partner_shares_by_line
from smartiberica.board import drilldown
from smartiberica.board.figures import YearlyFigures, positive_ratio
from smartiberica.kernel.basis import Basis
from smartiberica.kernel.money import ZERO, round_money

if TYPE_CHECKING:
    from smartiberica.board.export_tables import ExportTable

TOTAL = "total"


@dataclass(frozen=True)
class ContributionLine:
    code: str  # the service line's code, or "total"
    name: str
    revenue: Decimal
    partner_shares: Decimal
    direct_costs: Decimal
    contribution: Decimal
    margin_rate: Decimal | None

    @property
    def is_empty(self) -> bool:
        return not (self.revenue or self.partner_shares or self.direct_costs)


def contribution_line(
    *, code: str, name: str, revenue: Decimal, partner_shares: Decimal, direct_costs: Decimal
) -> ContributionLine:
    contribution = round_money(revenue - partner_shares - direct_costs)
    return ContributionLine(
        code=code,
        name=name,
        revenue=revenue,
        partner_shares=partner_shares,
        direct_costs=direct_costs,
        contribution=contribution,
        margin_rate=positive_ratio(contribution, revenue),
    )


@dataclass(frozen=True)
class YearContribution:
    year: int
    basis: Basis
    lines: tuple[ContributionLine, ...]  # by service line code
    total: ContributionLine


def _total(lines: Sequence[ContributionLine]) -> ContributionLine:
    return contribution_line(
        code=TOTAL,
        name=_("Total"),
        revenue=sum((line.revenue for line in lines), ZERO),
        partner_shares=sum((line.partner_shares for line in lines), ZERO),
        direct_costs=sum((line.direct_costs for line in lines), ZERO),
    )


def _year(figures: YearlyFigures, shares: dict[str, Decimal], costs: dict[str, Decimal]) -> YearContribution:
    codes = sorted({*figures.revenue_by_service, *shares, *costs})
    every = (
        contribution_line(
            code=code,
            name=figures.service_names.get(code, code),
            revenue=figures.revenue_by_service.get(code, ZERO),
            partner_shares=shares.get(code, ZERO),
            direct_costs=costs.get(code, ZERO),
        )
        for code in codes
    )
    lines = tuple(line for line in every if not line.is_empty)
    return YearContribution(year=figures.year, basis=figures.basis, lines=lines, total=_total(lines))


def contribution_by_line(*, figures: Sequence[YearlyFigures]) -> dict[int, YearContribution]:
    """The contribution of each line in each year of `figures` (computed on one basis), batched:
    one query for the direct costs, one or two (cash) for the partner shares."""
    if not figures:
        return {}
    bases = {f.basis for f in figures}
    if len(bases) != 1:
        raise ValueError(f"the figures must share one basis, not {sorted(bases)}")
    years = [f.year for f in figures]
    shares = partner_shares_by_line(years=years, basis=figures[0].basis)
    costs = direct_costs_by_line(years=years)
    return {f.year: _year(f, shares[f.year], costs[f.year]) for f in figures}


# --- The year page's section --------------------------------------------------------------------


def partner_contracts_url(code: str) -> str:
    """The contracts of a line that share its revenue with a partner: who takes the partner shares,
    and their percentage. (Not one of `drilldown`'s figure lists: those land on a money total, and
    a contract list has none.)"""
    query = urlencode({"service_line__code__exact": code, "partner__isempty": 0})
    return f"{reverse('admin:services_contract_changelist')}?{query}"


@dataclass(frozen=True)
class ContributionRow:
    """A line of the year page's table with the records behind each amount (empty: none)."""

    line: ContributionLine
    revenue_url: str
    partner_shares_url: str
    direct_costs_url: str


@dataclass(frozen=True)
class ContributionSection:
    year: int
    rows: tuple[ContributionRow, ...]
    total: ContributionLine


def year_section(figures: YearlyFigures) -> ContributionSection:
    """The year page's "Contribution by service line", with its drill-down links."""
    year = contribution_by_line(figures=[figures])[figures.year]
    rows = tuple(
        ContributionRow(
            line=line,
            revenue_url=drilldown.revenue(year.year, year.basis, service=line.code) if line.revenue else "",
            partner_shares_url=partner_contracts_url(line.code) if line.partner_shares else "",
            direct_costs_url=drilldown.expenses(year.year, service=line.code) if line.direct_costs else "",
        )
        for line in year.lines
    )
    return ContributionSection(year=year.year, rows=rows, total=year.total)


# --- The multi-year table ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendColumn:
    year: int  # (named `year`: the print copy groups the columns with `year_groups`)


@dataclass(frozen=True)
class TrendRow:
    """A line across the years (a cell is None in a year it has nothing), and the change of its
    contribution and revenue between the two years compared."""

    code: str
    name: str
    cells: tuple[ContributionLine | None, ...]
    change: Decimal | None
    revenue_change: Decimal | None

    @property
    def arrow(self) -> str:
        if not self.change:
            return ""
        return "▲" if self.change > 0 else "▼"

    @property
    def revenue_up_contribution_down(self) -> bool:
        """The line sells more but keeps less: what the board should look at first."""
        return (self.revenue_change or ZERO) > 0 and (self.change or ZERO) < 0


@dataclass(frozen=True)
class ContributionTrend:
    columns: tuple[TrendColumn, ...]
    rows: tuple[TrendRow, ...]
    total: TrendRow
    compared: tuple[int, int] | None  # (the year before, the year) of the change; None: no pair


def _compared(years: Sequence[int], current_year: int) -> tuple[int, int] | None:
    """The last two years that are over: a year in progress would read as a fall."""
    over = [year for year in years if year < current_year]
    return (over[-2], over[-1]) if len(over) >= 2 else None


def _trend_row(
    code: str, name: str, cells: tuple[ContributionLine | None, ...], at: tuple[int, int] | None
) -> TrendRow:
    if at is None or cells[at[0]] is None or cells[at[1]] is None:
        return TrendRow(code=code, name=name, cells=cells, change=None, revenue_change=None)
    before, after = cells[at[0]], cells[at[1]]
    assert before is not None and after is not None
    return TrendRow(
        code=code,
        name=name,
        cells=cells,
        change=after.contribution - before.contribution,
        revenue_change=after.revenue - before.revenue,
    )


def years_table(series: Sequence[YearlyFigures], *, current_year: int) -> ContributionTrend:
    """One row per line and one column per year with something to show (the years before the
    first line sold or spent are left out), the change between the last two years that are over."""
    by_year = contribution_by_line(figures=series)
    years = [f.year for f in series if by_year[f.year].lines]
    compared = _compared(years, current_year)
    at = None if compared is None else (years.index(compared[0]), years.index(compared[1]))
    names = {line.code: line.name for year in years for line in by_year[year].lines}
    rows = []
    for code in sorted(names):
        cells = tuple(next((x for x in by_year[year].lines if x.code == code), None) for year in years)
        rows.append(_trend_row(code, names[code], cells, at))
    total = _trend_row(TOTAL, _("Total"), tuple(by_year[year].total for year in years), at)
    return ContributionTrend(
        columns=tuple(TrendColumn(year) for year in years), rows=tuple(rows), total=total, compared=compared
    )


# --- The exports ------------------------------------------------------------------------------------


def export_table(figures: YearlyFigures) -> ExportTable:
    """The year's contribution as an export table (`export_tables.BUILDERS`): a sheet, CSV rows
    `contribution_by_service,<code>.<column>`."""
    # Imported here: export_tables registers this builder, so it imports this module first.
    from smartiberica.board.export_tables import ExportColumn, ExportRow, ExportTable

    year = contribution_by_line(figures=[figures])[figures.year]
    return ExportTable(
        section="contribution_by_service",
        title=_("Contribution"),
        row_header=_("Service line"),
        columns=(
            ExportColumn(key="revenue", label=_("Revenue (€)"), kind="money"),
            ExportColumn(key="partner_shares", label=_("Partner shares (€)"), kind="money"),
            ExportColumn(key="direct_costs", label=_("Direct costs (€)"), kind="money"),
            ExportColumn(key="contribution", label=_("Contribution (€)"), kind="money"),
            ExportColumn(key="margin_rate", label=_("Margin rate"), kind="ratio"),
        ),
        rows=tuple(
            ExportRow(
                key=line.code,
                label=line.name,
                values=(
                    line.revenue,
                    line.partner_shares,
                    line.direct_costs,
                    line.contribution,
                    line.margin_rate,
                ),
            )
            for line in (*year.lines, year.total)
        ),
    )
