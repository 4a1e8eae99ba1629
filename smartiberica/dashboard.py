"""What the board's pages show, assembled from the yearly-figures engine.

Views call one function here and render what it returns: every query runs
before the template, and the number of queries depends on the number of years
shown, never on the number of records behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartiberica import charts, drilldown
from smartiberica.figures import Basis, YearlyFigures, yearly_figures_many, years_with_data
from smartiberica.lib.dates import current_year
from smartiberica.lib.money import ratio

Kind = Literal["ratio", "money", "index"]


@dataclass(frozen=True)
class FigureDefinition:
    key: str
    label: Promise
    kind: Kind
    definition: Promise


DEFINITIONS: dict[str, FigureDefinition] = {
    d.key: d
    for d in (
        FigureDefinition(
            "self_financing",
            _("Self-financing ratio"),
            "ratio",
            _(
                "Own revenue ÷ total costs. 100 % means that the cooperative's own revenue covers all "
                "its costs; below 100 % the rest comes from external support or financing."
            ),
        ),
        FigureDefinition(
            "own_revenue_share",
            _("Own-revenue share"),
            "ratio",
            _("Own revenue ÷ (own revenue + external support): the part of its resources it earns itself."),
        ),
        FigureDefinition(
            "top_funder_share",
            _("Top-funder share"),
            "ratio",
            _("Largest external source ÷ (own revenue + external support): how much rests on one funder."),
        ),
        FigureDefinition(
            "hhi",
            _("Revenue concentration (HHI)"),
            "index",
            _(
                "Herfindahl–Hirschman index: the sum of the squared shares of each revenue stream "
                "(each service line, the member margin, each external source). 1 means a single "
                "stream; 1 ÷ HHI is the effective number of sources."
            ),
        ),
        FigureDefinition(
            "funding_gap",
            _("Funding gap"),
            "money",
            _(
                "Total costs − own revenue: what external support or financing must cover. "
                "Negative means own revenue exceeds the costs."
            ),
        ),
        FigureDefinition(
            "budget_execution",
            _("Budget execution"),
            "ratio",
            _("Total costs ÷ budgeted costs (the latest approved cost budget of the year)."),
        ),
        FigureDefinition(
            "client_concentration",
            _("Client concentration"),
            "ratio",
            _("Services revenue from the largest client ÷ services revenue."),
        ),
        FigureDefinition(
            "loan_outstanding_year_end",
            _("Loan outstanding"),
            "money",
            _("Principal drawn − principal repaid up to 31 December. A drawdown is financing, not income."),
        ),
    )
}

MONEY_DEFINITIONS: list[tuple[Promise, Promise]] = [
    (_("Own revenue"), _("Services revenue + member margin.")),
    (
        _("Services revenue"),
        _(
            "Net amount (VAT excluded) of the invoices issued in the year; credit notes count negative, "
            "drafts and cancelled invoices do not count. On the cash basis: the net share of the payments "
            "received in the year, less the net share of the refunds paid in the year."
        ),
    ),
    (
        _("Member margin"),
        _("Structure margin on the members' monthly turnover (the guarantee fund is apart)."),
    ),
    (
        _("Guarantee fund"),
        _("Guarantee-fund part of the margin: earmarked to pay members on time, not own revenue."),
    ),
    (
        _("External support"),
        _(
            "Receipts from parent-support, grant and other sources, plus the in-kind value of shared "
            "services (standalone cost − share paid). Loans are not support."
        ),
    ),
    (_("Total costs"), _("Expenses of the year + loan interest. Loan principal repaid is not a cost.")),
    (_("Loan drawdowns"), _("Loan money received in the year: financing, never income.")),
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

    @property
    def change_is_good(self) -> bool | None:
        """Whether the change reads as good news, for colour only (None when neutral)."""
        if self.change is None or self.change == 0:
            return None
        higher_is_better = self.key in {"self_financing", "own_revenue_share"}
        lower_is_better = self.key in {"top_funder_share", "hhi", "funding_gap", "client_concentration"}
        if higher_is_better:
            return self.change > 0
        if lower_is_better:
            return self.change < 0
        return None


def _value(figures: YearlyFigures, key: str) -> Decimal | None:
    if hasattr(figures.ratios, key):
        value: Decimal | None = getattr(figures.ratios, key)
        return value
    return getattr(figures, key)  # type: ignore[no-any-return]


def headlines(figures: YearlyFigures, previous: YearlyFigures | None) -> list[Headline]:
    rows = []
    for key, definition in DEFINITIONS.items():
        value = _value(figures, key)
        before = _value(previous, key) if previous is not None else None
        change = value - before if value is not None and before is not None else None
        detail = ""
        if key == "top_funder_share" and figures.top_funder:
            detail = figures.source_names.get(figures.top_funder, figures.top_funder)
        elif key == "hhi" and figures.effective_sources is not None:
            detail = str(figures.effective_sources.quantize(Decimal("0.1")))
        rows.append(
            Headline(
                key=key,
                label=definition.label,
                kind=definition.kind,
                definition=definition.definition,
                value=value,
                previous=before,
                change=change,
                detail=detail,
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

    @property
    def relative(self) -> Decimal | None:
        if self.previous is None:
            return None
        return ratio(self.value - self.previous, abs(self.previous))


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
            url=drilldown.issued_invoices(year, service=code),
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
            url=drilldown.receipts(year, source=code),
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


def client_lines(figures: YearlyFigures, limit: int = 10) -> list[Line]:
    return [
        Line(
            label=c.name, amount=c.amount, url=drilldown.issued_invoices(figures.year, client_id=c.client_id)
        )
        for c in figures.revenue_by_client[:limit]
    ]


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

    @property
    def year(self) -> int:
        return self.figures.year

    @property
    def previous_year(self) -> int | None:
        earlier = [y for y in self.years if y < self.year]
        return earlier[-1] if earlier else None

    @property
    def next_year(self) -> int | None:
        later = [y for y in self.years if y > self.year]
        return later[0] if later else None


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
    years = set(years_with_data())
    years.add(year)
    return sorted(years)


def year_page(*, year: int, basis: Basis) -> YearPage:
    years = _page_years(year)
    by_year = yearly_figures_many(years=[y for y in years if y <= year], basis=basis)
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
    return YearPage(
        figures=figures,
        previous=previous,
        years=years,
        series=series,
        headlines=headlines(figures, previous),
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
        links={
            "services_revenue": drilldown.issued_invoices(year),
            "payments": drilldown.payments(year),
            "member_margin": drilldown.member_turnover(year),
            "in_kind": drilldown.shared_service_costs(year),
            "receipts": drilldown.receipts(year),
            "expenses": drilldown.expenses(year),
            "loan": drilldown.loan_repayments(year),
            "budget": drilldown.cost_budgets(year),
        },
    )


@dataclass(frozen=True)
class YearsPage:
    series: list[YearlyFigures]
    mix: list[MixRow]
    charts: dict[str, str]


def years_page(*, basis: Basis) -> YearsPage:
    years = years_with_data() or [current_year()]
    by_year = yearly_figures_many(years=years, basis=basis)
    series = [by_year[y] for y in years]
    mix = mix_rows(series)
    return YearsPage(
        series=series,
        mix=mix,
        charts={
            "self_financing": charts.self_financing_trend(series),
            "resources_mix": _mix_chart(series, mix),
            "loan": charts.loan_outstanding(series),
        },
    )
