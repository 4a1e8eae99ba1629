"""What the board's pages show, assembled from the yearly-figures engine.

Views call one function here and render what it returns: every query runs
before the template, and the number of queries depends on the number of years
shown, never on the number of records behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartiberica.board import charts, drilldown
from smartiberica.board import figure_registry as registry
from smartiberica.board.cash_card import CashCard, cash_card
from smartiberica.board.contribution import ContributionSection, ContributionTrend, year_section, years_table
from smartiberica.board.figures import YearlyFigures, yearly_figures_many, years_with_data
from smartiberica.board.guarantee_fund import GuaranteeCard, GuaranteeYear, guarantee_card, guarantee_years
from smartiberica.board.projection import Forecast, forecast
from smartiberica.board.receivables import ReceivablesCard, receivables_card
from smartiberica.board.scenario_params import BASELINE_SLUG
from smartiberica.board.year_projection import ScenarioPicker, year_projection
from smartiberica.kernel.basis import TOP_CLIENTS, Basis
from smartiberica.kernel.dates import current_year, today, year_bounds
from smartiberica.kernel.money import format_number, ratio, round_money

Kind = Literal["ratio", "money", "index", "rate"]


def _kind(figure: registry.Figure) -> Kind:
    return "index" if figure.index else figure.kind


# The definitions listed under the resources table, in the registry's words.
MONEY_DEFINITIONS: list[tuple[Promise, Promise]] = [
    (registry.figure(key).label, registry.figure(key).definition)
    for key in (
        "own_revenue",
        "services_revenue",
        "member_margin",
        "guarantee_fund",
        "external_support",
        "in_kind_shared_services",
        "total_costs",
        "loan_interest",
        "loan_drawdowns",
    )
]


@dataclass(frozen=True)
class Headline:
    key: str
    label: Promise
    kind: Kind
    definition: Promise
    value: Decimal | None
    previous: Decimal | None
    change: Decimal | None
    detail: str = ""
    # The same figure in the year-end projection (the year in progress only; see YearPage), and
    # the top funder projected when it is not the one of the year so far.
    projected: Decimal | None = None
    projected_detail: str = ""

    @property
    def change_is_good(self) -> bool | None:
        """Whether the change reads as good news, for colour and arrow (None when neutral)."""
        return registry.figure(self.key).change_is_good(self.change)

    @property
    def arrow(self) -> str:
        if self.change is None or self.change == 0:
            return ""
        return "▲" if self.change > 0 else "▼"


def _projected_funder(key: str, figures: YearlyFigures, projected: YearlyFigures | None) -> str:
    code = projected.top_funder if projected is not None and key == "top_funder_share" else None
    if projected is None or code is None or code == figures.top_funder:
        return ""
    return projected.source_names.get(code, code)


def headlines(
    figures: YearlyFigures, previous: YearlyFigures | None, projected: YearlyFigures | None = None
) -> list[Headline]:
    rows = []
    for definition in registry.headline_figures():
        key = definition.key
        value = definition.value(figures)
        at_year_end = definition.value(projected) if projected is not None else None
        before = definition.value(previous) if previous is not None else None
        change = value - before if value is not None and before is not None else None
        detail = ""
        if key == "top_funder_share" and figures.top_funder:
            detail = figures.source_names.get(figures.top_funder, figures.top_funder)
        elif key == "hhi" and figures.effective_sources is not None:
            detail = format_number(figures.effective_sources, places=1)  # "≈ 2,8 effective sources"
        rows.append(
            Headline(
                key=key,
                label=definition.label,
                kind=_kind(definition),
                definition=definition.definition,
                value=value,
                previous=before,
                change=change,
                detail=detail,
                projected=at_year_end,
                projected_detail=_projected_funder(key, figures, projected),
            )
        )
    return rows


@dataclass(frozen=True)
class MoneyChange:
    value: Decimal
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.value - self.previous


@dataclass(frozen=True)
class Line:
    """One row of a page table: a label, an amount, what it compares with, a link."""

    label: str
    amount: Decimal | None
    url: str = ""
    compared: Decimal | None = None  # target or budget

    @property
    def variance(self) -> Decimal | None:
        return None if self.compared is None or self.amount is None else self.amount - self.compared

    @property
    def achieved(self) -> Decimal | None:
        return None if self.compared is None or self.amount is None else ratio(self.amount, self.compared)

    @property
    def variance_share(self) -> Decimal | None:
        variance = self.variance
        return None if variance is None or self.compared is None else ratio(variance, self.compared)


def revenue_lines(figures: YearlyFigures) -> list[Line]:
    year = figures.year
    return [
        Line(
            label=figures.service_names.get(code, code),
            amount=amount,
            url=drilldown.revenue(year, figures.basis, service=code),
            compared=figures.revenue_targets.get(code),
        )
        for code, amount in figures.revenue_by_service.items()
    ]


def support_lines(figures: YearlyFigures) -> list[Line]:
    year = figures.year
    return [
        Line(
            label=figures.source_names.get(code, code),
            amount=amount,
            # A source of donated services opens its shared-service costs, not its (absent) receipts.
            url=(
                drilldown.shared_service_costs(year, source=code)
                if code in figures.in_kind_by_source
                else drilldown.receipts(year, source=code)
            ),
        )
        for code, amount in figures.external_support_by_source.items()
    ]


def cost_lines(figures: YearlyFigures) -> list[Line]:
    year = figures.year
    has_budget = figures.budgeted_costs is not None
    return [
        Line(
            label=figures.category_names.get(code, code),
            amount=amount,
            url=drilldown.expenses(year, category=code),
            compared=figures.budgeted_by_category.get(code, Decimal("0.00")) if has_budget else None,
        )
        for code, amount in figures.costs_by_category.items()
    ]


def client_lines(figures: YearlyFigures, limit: int = TOP_CLIENTS) -> list[Line]:
    return [
        Line(
            label=c.name,
            amount=c.amount,
            url=drilldown.revenue(figures.year, figures.basis, client_id=c.client_id),
        )
        for c in figures.revenue_by_client[:limit]
    ]


@dataclass(frozen=True)
class YearToDate:
    """The year in progress: its budget pro rata to the days elapsed, and the execution against it.

    A page-level extra beside the full-year figures (the engine's `budget_execution` stays the
    full-year ratio): budget to date = budgeted costs × days elapsed ÷ days in the year, the
    day itself counted (1 January is day 1), rounded to the cent by `round_money`; execution to
    date = (total costs − in-kind shared services) ÷ budget to date, the v2 numerator. See
    docs/figures.md.
    """

    on: date
    days_elapsed: int
    days_in_year: int
    budget: Decimal | None
    execution: Decimal | None


def year_to_date(figures: YearlyFigures, *, on: date) -> YearToDate | None:
    """The year-to-date view of `figures` on the day `on`; None unless `on` falls in that year."""
    if on.year != figures.year:
        return None
    first, last = year_bounds(figures.year)
    elapsed, in_year = (on - first).days + 1, (last - first).days + 1
    budgeted = figures.budgeted_costs
    # Exact: the product is exact, and the quotient (28 digits) is rounded once, half up.
    budget = None if budgeted is None else round_money(budgeted * elapsed / in_year)
    spent = figures.total_costs - figures.in_kind_shared_services
    execution = None if budget is None or budget <= 0 else ratio(spent, budget)
    return YearToDate(on=on, days_elapsed=elapsed, days_in_year=in_year, budget=budget, execution=execution)


@dataclass(frozen=True)
class YearPage:
    figures: YearlyFigures
    previous: YearlyFigures | None
    years: list[int]
    series: list[YearlyFigures]
    headlines: list[Headline]
    money: dict[str, MoneyChange]
    category_names: dict[str, str]
    charts: dict[str, str]
    mix: list[MixRow]
    revenue: list[Line]
    support: list[Line]
    costs: list[Line]
    clients: list[Line]
    links: dict[str, str]
    labels: dict[str, str]
    to_date: YearToDate | None = None  # the year in progress only
    # The year in progress only: its figures projected at year end, and the scenario picker.
    projection: Forecast | None = None
    picker: ScenarioPicker | None = None
    # The cash in the bank (None without an account), projected with the projection above.
    cash: CashCard | None = None
    # The contribution margin of each service line (issue 22).
    contribution: ContributionSection | None = None
    # The guarantee fund's ledger of the year (None before the fund had anything).
    guarantee: GuaranteeCard | None = None
    # What clients owed at 31 December (today for the year in progress), by age (issue 22).
    receivables: ReceivablesCard | None = None

    @property
    def year(self) -> int:
        return self.figures.year


def latest_year() -> int:
    """The latest year with records, not counting years still to come (a draft budget)."""
    years = years_with_data()
    past = [year for year in years if year <= current_year()]
    return (past or years or [current_year()])[-1]


@dataclass(frozen=True)
class MixRow:
    label: str
    amounts: list[Decimal]
    external: bool = False


def mix_rows(series: list[YearlyFigures]) -> list[MixRow]:
    """The resources of each year, stream by stream: the resources-mix chart and its table."""
    names: dict[str, str] = {}
    for f in series:
        names.update(f.service_names)
        names.update(f.source_names)
    zero = Decimal("0.00")
    rows = []
    for code in sorted({code for f in series for code in f.revenue_by_service}):
        amounts = [f.revenue_by_service.get(code, zero) for f in series]
        if any(amounts):
            rows.append(MixRow(names.get(code, code), amounts))
    rows.append(MixRow(str(_("Member margin")), [f.member_margin for f in series]))
    for code in sorted({code for f in series for code in f.external_support_by_source}):
        amounts = [f.external_support_by_source.get(code, zero) for f in series]
        rows.append(MixRow(names.get(code, code), amounts, external=True))
    return rows


def _mix_chart(series: list[YearlyFigures], rows: list[MixRow]) -> str:
    labelled = [
        (str(_("%(source)s (external)") % {"source": row.label}) if row.external else row.label, row.amounts)
        for row in rows
    ]
    return charts.resources_mix([f.year for f in series], labelled)


def _page_years(year: int) -> list[int]:
    """The year pills: the years with records, the current year (in progress) and the year shown."""
    return sorted({*years_with_data(), current_year(), year})


def year_page(*, year: int, basis: Basis, scenario: str = BASELINE_SLUG) -> YearPage:
    """The year's page; the year in progress also shows its projection under `scenario` (a slug)."""
    years = _page_years(year)
    by_year = yearly_figures_many(years=[y for y in years if y <= year], basis=basis, clients="top")
    figures = by_year[year]
    previous = by_year.get(year - 1)
    series = [by_year[y] for y in sorted(by_year)]
    category_names = figures.category_names
    mix = mix_rows(series)
    money = {
        key: MoneyChange(getattr(figures, key), getattr(previous, key) if previous else None)
        for key in (
            "own_revenue",
            "services_revenue",
            "member_margin",
            "guarantee_fund",
            "external_support",
            "total_costs",
            "loan_drawdowns",
            "loan_interest",
            "loan_principal_repaid",
        )
    }
    projection = year_projection(year=year, basis=basis, scenario=scenario)
    return YearPage(
        figures=figures,
        previous=previous,
        years=years,
        series=series,
        headlines=headlines(figures, previous, projection.forecast.figures if projection else None),
        money=money,
        category_names=category_names,
        charts={
            "resources_mix": _mix_chart(series, mix),
            "costs": charts.costs_budget_vs_actual(figures, category_names),
            "self_financing": charts.self_financing_trend(series),
            "loan": charts.loan_outstanding(series),
            "clients": charts.top_clients(figures),
        },
        mix=mix,
        revenue=revenue_lines(figures),
        support=support_lines(figures),
        costs=cost_lines(figures),
        clients=client_lines(figures),
        # Every link follows the basis (v2): on the cash basis revenue opens the payments (and the
        # refunds), and total costs open the expenses, never the budgets.
        links={
            **{f.key: f.url(year, basis) for f in registry.FIGURES},
            "refunds": drilldown.refunds(year) if basis == "cash" else "",
            "receipts": drilldown.receipts(year),
            "total_costs": drilldown.expenses(year),
        },
        labels=registry.labels(),
        to_date=year_to_date(figures, on=today()),
        projection=projection.forecast if projection else None,
        picker=projection.picker if projection else None,
        cash=cash_card(year=year, projection=projection.forecast if projection else None),
        contribution=year_section(figures),
        guarantee=guarantee_card(year=year),
        receivables=receivables_card(year=year),
    )


@dataclass(frozen=True)
class FigureRow:
    """One row of the multi-year table: a registry figure across the years."""

    key: str
    label: str
    kind: Kind
    values: list[Decimal | None]


YEARS_TABLE = (
    "own_revenue",
    "services_revenue",
    "member_margin",
    "guarantee_fund",
    "external_support",
    "in_kind_shared_services",
    "total_costs",
    "budgeted_costs",
    "funding_gap",
    "break_even_structure_rate",
    "loan_drawdowns",
    "loan_interest",
    "loan_outstanding_year_end",
    "self_financing",
    "own_revenue_share",
    "top_funder_share",
    "hhi",
    "budget_execution",
    "client_concentration",
)


def figure_rows(series: list[YearlyFigures]) -> list[FigureRow]:
    rows = []
    for key in YEARS_TABLE:
        definition = registry.figure(key)
        rows.append(
            FigureRow(key, str(definition.label), _kind(definition), [definition.value(f) for f in series])
        )
    return rows


@dataclass(frozen=True)
class YearsPage:
    series: list[YearlyFigures]
    mix: list[MixRow]
    charts: dict[str, str]
    rows: list[FigureRow]
    current_year: int  # its column is labelled "year to date"
    # The current year's self-financing ratio projected at its end, when the last column is the
    # year in progress (its months still to come projected).
    projection: Forecast | None = None
    # The contribution of each service line, year by year (issue 22).
    contribution: ContributionTrend | None = None
    # The guarantee fund's ledger of each year shown (empty before the fund had anything).
    guarantee: tuple[GuaranteeYear, ...] = ()

    @property
    def projected_self_financing(self) -> Decimal | None:
        return None if self.projection is None else self.projection.figures.ratios.self_financing


def _current_projection(series: list[YearlyFigures], basis: Basis) -> Forecast | None:
    """The year in progress projected at its end, when it is the last year shown (one forecast).
    The page shows only its self-financing ratio: no client is read."""
    if not series or series[-1].year != current_year():
        return None
    projected = forecast(year=series[-1].year, basis=basis, clients="none")
    return projected if projected.projected_months > 0 else None


def years_page(*, basis: Basis) -> YearsPage:
    years = years_with_data() or [current_year()]
    by_year = yearly_figures_many(years=years, basis=basis, clients="top")
    series = [by_year[y] for y in years]
    mix = mix_rows(series)
    projection = _current_projection(series, basis)
    projected = projection.figures.ratios.self_financing if projection else None
    return YearsPage(
        series=series,
        mix=mix,
        rows=figure_rows(series),
        current_year=current_year(),
        projection=projection,
        contribution=years_table(series, current_year=current_year()),
        guarantee=guarantee_years(years),
        charts={
            "self_financing": charts.self_financing_trend(series, projected=projected),
            "resources_mix": _mix_chart(series, mix),
            "loan": charts.loan_outstanding(series),
        },
    )
