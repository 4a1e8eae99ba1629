"""The margin simulator: what another margin rule would have charged on the members' turnover
recorded, year by year, and what it would have done to the self-financing ratio.

Every recorded month is priced twice: as it was charged (`services.selectors.month_margin`: its own
rates or the rule in force) and by the simulated rule (`simulated_margin`), applied to every month,
also to the months that had rates of their own, so that the difference is the rule's alone.
Services revenue and total costs are the yearly figures' (`yearly_figures_many`, accrual basis):
own revenue = services revenue + margin, SFR = own revenue / total costs (None when the costs are
not positive), charged and simulated alike.

The page costs a fixed number of queries whatever the number of years or months: the years with
turnover (two), the months and every rule with its bands (three), the yearly figures (fixed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import QueryDict

from services.selectors import (
    MarginDrop,
    MarginHistory,
    MonthMargin,
    SimulatedRule,
    margin_history,
    member_turnover_years,
    rule_drops,
    simulated_margin,
)
from smartiberica.board.figures import YearlyFigures, positive_ratio, yearly_figures_many
from smartiberica.board.simulator_forms import RulePickerForm, SimulatorForm, rows_asked, rule_data
from smartiberica.kernel.money import ZERO, round_money

# The years ticked when none are asked for: the last three with member turnover.
DEFAULT_YEARS = 3


@dataclass(frozen=True)
class MarginComparison:
    """One year's (or the total's: `year` None) margin as charged and as simulated."""

    year: int | None
    months: int
    turnover: Decimal
    margin_charged: Decimal
    margin_simulated: Decimal
    fund_charged: Decimal
    fund_simulated: Decimal
    services_revenue: Decimal
    total_costs: Decimal

    @property
    def margin_difference(self) -> Decimal:
        return self.margin_simulated - self.margin_charged

    @property
    def fund_difference(self) -> Decimal:
        return self.fund_simulated - self.fund_charged

    @property
    def sfr_charged(self) -> Decimal | None:
        return positive_ratio(self.services_revenue + self.margin_charged, self.total_costs)

    @property
    def sfr_simulated(self) -> Decimal | None:
        return positive_ratio(self.services_revenue + self.margin_simulated, self.total_costs)

    @property
    def sfr_change(self) -> Decimal | None:
        charged, simulated = self.sfr_charged, self.sfr_simulated
        return None if charged is None or simulated is None else simulated - charged


@dataclass(frozen=True)
class Simulation:
    rule: SimulatedRule
    years: tuple[MarginComparison, ...]
    total: MarginComparison
    # Where the rule gives less margin for more turnover (banded rules only).
    drops: tuple[MarginDrop, ...]


def _year(
    year: int, rule: SimulatedRule, months: Sequence[MonthMargin], figures: YearlyFigures
) -> MarginComparison:
    simulated = [simulated_margin(rule, month.turnover) for month in months]
    return MarginComparison(
        year=year,
        months=len(months),
        turnover=round_money(sum((m.turnover for m in months), ZERO)),
        margin_charged=round_money(sum((m.member_margin for m in months), ZERO)),
        margin_simulated=round_money(sum((margin for margin, _fund in simulated), ZERO)),
        fund_charged=round_money(sum((m.guarantee_fund for m in months), ZERO)),
        fund_simulated=round_money(sum((fund for _margin, fund in simulated), ZERO)),
        services_revenue=figures.services_revenue,
        total_costs=figures.total_costs,
    )


def _total(years: Iterable[MarginComparison]) -> MarginComparison:
    rows = list(years)

    def total(name: str) -> Decimal:
        return round_money(sum((getattr(row, name) for row in rows), ZERO))

    return MarginComparison(
        year=None,
        months=sum(row.months for row in rows),
        turnover=total("turnover"),
        margin_charged=total("margin_charged"),
        margin_simulated=total("margin_simulated"),
        fund_charged=total("fund_charged"),
        fund_simulated=total("fund_simulated"),
        services_revenue=total("services_revenue"),
        total_costs=total("total_costs"),
    )


def compare(
    rule: SimulatedRule,
    months: Mapping[int, Sequence[MonthMargin]],
    figures: Mapping[int, YearlyFigures],
) -> Simulation:
    """The simulation of `rule` on the months of each year of `figures` (pure arithmetic)."""
    years = tuple(_year(year, rule, months.get(year, ()), figures[year]) for year in sorted(figures))
    return Simulation(rule=rule, years=years, total=_total(years), drops=tuple(rule_drops(rule)))


@dataclass(frozen=True)
class SimulatorPage:
    form: SimulatorForm
    picker: RulePickerForm
    # The years ticked in the form (what the picker keeps when it loads a rule).
    years: list[int]
    simulation: Simulation | None


def _asked_years(query: QueryDict, available: list[int]) -> list[int]:
    """The years the query ticks (those with turnover), or the last ones with turnover."""
    if "years" not in query and "kind" not in query:
        return available[-DEFAULT_YEARS:]
    return [year for year in available if str(year) in query.getlist("years")]


def _form_data(
    query: QueryDict, picker: RulePickerForm, history: MarginHistory, years: list[int]
) -> QueryDict | None:
    """The form's data: the query; a stored rule's when the picker asks for one; the newest
    rule's on a first visit (the page opens on the rule in force, ready to be changed)."""
    if picker.is_bound:
        return rule_data(history.rules[picker.cleaned_data["rule"]], years) if picker.is_valid() else None
    if "kind" in query:
        return query
    newest = next(iter(history.rules.values()), None)
    return None if newest is None else rule_data(newest, years)


def simulator_page(*, query: QueryDict) -> SimulatorPage:
    """The form read from the query (or prefilled), and the simulation when it is valid."""
    available = member_turnover_years()
    years = _asked_years(query, available)
    history = margin_history(years=years)
    picker = RulePickerForm(query if "rule" in query else None, rules=history.rules)
    data = _form_data(query, picker, history, years)
    rows = rows_asked(data) if data is not None else rows_asked(query)
    form = SimulatorForm(data, years=available, rows=rows, initial={"years": [str(y) for y in years]})
    simulation = None
    if form.is_valid():
        chosen: list[int] = form.cleaned_data["years"]
        figures = yearly_figures_many(years=chosen, clients="top")
        simulation = compare(form.rule(), history.months, figures)
    return SimulatorPage(form=form, picker=picker, years=years, simulation=simulation)
