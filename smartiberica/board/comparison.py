"""The scenario comparison page: a year's end under the baseline and up to four stored scenarios,
side by side, every column seen from the same month end.

A scenario changes only the months after the projection's `as_of`, so columns seen from different
days would differ by what was recorded as well as by what the scenarios change. One `as_of` serves
them all: the one asked for; else the one `forecast` gives the chosen scenario seen from the
earliest day (a what-if "seen from 31/12/2020"), the others and the baseline then seen from it too;
else the latest month ended. The figures are the engine's (`projection.forecast`); this module
only lines them up, subtracts the baseline and draws the months.

Queries: the stored scenarios (one), then per column its parameters (three, none for the baseline)
and its projection (a fixed number): they grow with the number of columns, at most five, never
with the records; and the cash in the bank on the `as_of` the columns share (one), from which
each column's cash is projected (smartiberica/board/cash_outlook.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartiberica.board import charts
from smartiberica.board import figure_registry as registry
from smartiberica.board.cash_outlook import HORIZON, CashOutlook, Runway, cash_on, forecast_outlook
from smartiberica.board.projection import Forecast, forecast, latest_as_of
from smartiberica.board.projection_months import month_end
from smartiberica.board.scenario_params import BASELINE, BASELINE_SLUG, ScenarioParams
from smartiberica.board.scenarios import ScenarioSummary, scenario_list, scenario_params
from smartiberica.kernel.basis import BASES, Basis
from smartiberica.kernel.money import round_money

# Four scenarios and the baseline still fit a laptop's width, and the page's cost stays bounded.
MAX_COMPARED = 4

ERR_TOO_MANY = gettext_lazy("Compare at most %(most)d scenarios at once.")

RowKind = Literal["money", "ratio", "rate", "runway"]

# The rows of the comparison, in the order a board member reads them (registry keys, except the
# rate in force, which is the projection's and sits next to the break-even rate).
FIGURE_ROWS = (
    "self_financing",
    "funding_gap",
    "own_revenue_share",
    "top_funder_share",
    "own_revenue",
    "external_support",
    "total_costs",
    "break_even_structure_rate",
)
RATE_IN_FORCE = "structure_rate_at_year_end"
# The cash rows, after the figures (docs/forecast.md, "Cash and runway").
CASH_YEAR_END = "cash_year_end"
RUNWAY = "runway"
MONTHLY = ("own_revenue", "total_costs")


class CompareForm(forms.Form):
    """What to compare: stored scenarios (checkboxes) and, optionally, the month end seen from."""

    compare = forms.MultipleChoiceField(
        label=gettext_lazy("Scenarios to compare"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline-choices"}),
    )
    as_of = forms.TypedChoiceField(
        label=gettext_lazy("Seen from the end of"),
        required=False,
        coerce=date.fromisoformat,
        empty_value=None,
    )

    def __init__(self, data: QueryDict, *, scenarios: list[ScenarioSummary], month_ends: list[date]) -> None:
        super().__init__(data)
        compare: Any = self.fields["compare"]
        compare.choices = [(s.slug, s.name) for s in scenarios]
        as_of: Any = self.fields["as_of"]
        as_of.choices = [("", _("the latest month ended")), *((d.isoformat(), _month(d)) for d in month_ends)]

    def clean_compare(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["compare"]
        if len(chosen) > MAX_COMPARED:
            raise ValidationError(ERR_TOO_MANY, params={"most": MAX_COMPARED})
        return chosen


def _month(day: date) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def month_ends(year: int, *, on: date | None = None) -> list[date]:
    """The month ends a comparison of `year` may be seen from: 31 December of the year before (the
    whole year projected) to the latest month that has ended, or to 31 December of `year`."""
    latest = latest_as_of(year=year, on=on)
    ends = [date(year - 1, 12, 31), *(month_end(date(year, month, 1)) for month in range(1, 13))]
    return [day for day in ends if day <= latest]


@dataclass(frozen=True)
class Column:
    slug: str
    name: str
    description: str
    forecast: Forecast
    # Its projected cash, from the cash in the bank on the `as_of` every column shares.
    cash: CashOutlook

    @property
    def is_baseline(self) -> bool:
        return self.slug == BASELINE_SLUG


@dataclass(frozen=True)
class Cell:
    value: Decimal | None
    # Money rows of a scenario column: the value less the baseline's (None in the baseline column).
    difference: Decimal | None = None
    # Whether the difference reads as good news (the registry's polarity), None when neutral.
    good: bool | None = None
    detail: str = ""  # the top funder's name
    runway: Runway | None = None  # the runway row's cells


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    kind: RowKind
    definition: str
    cells: tuple[Cell, ...]


def _value(key: str, projected: Forecast) -> Decimal | None:
    if key == RATE_IN_FORCE:
        return projected.structure_rate_at_year_end
    return registry.figure(key).value(projected.figures)


def _detail(key: str, projected: Forecast) -> str:
    figures = projected.figures
    if key == "top_funder_share" and figures.top_funder:
        return figures.source_names.get(figures.top_funder, figures.top_funder)
    return ""


def _row(key: str, columns: tuple[Column, ...]) -> Row:
    if key == RATE_IN_FORCE:
        label = _("Structure rate in force at year end")
        kind: RowKind = "rate"
        definition = _(
            "The structure rate applied to December's turnover: the scenario's rate, or the margin rule's."
        )
    else:
        figure = registry.figure(key)
        label, kind, definition = str(figure.label), figure.kind, str(figure.definition)
    base = _value(key, columns[0].forecast)
    cells = []
    for column in columns:
        value = _value(key, column.forecast)
        difference, good = None, None
        if kind == "money" and not column.is_baseline and value is not None and base is not None:
            difference = value - base
            good = registry.figure(key).change_is_good(difference)
        cells.append(Cell(value, difference, good, _detail(key, column.forecast)))
    return Row(key=key, label=label, kind=kind, definition=definition, cells=tuple(cells))


def cash_rows(columns: tuple[Column, ...]) -> tuple[Row, Row]:
    """The cash projected at year end (with its difference with the baseline: more is better) and
    the runway, a cell per column; "—" in every column when the cash cannot be projected."""
    base = columns[0].cash.year_end
    cells = []
    for column in columns:
        value = column.cash.year_end
        difference = None if column.is_baseline or value is None or base is None else value - base
        good = None if not difference else difference > 0
        cells.append(Cell(value, difference, good))
    cash = Row(
        key=CASH_YEAR_END,
        label=_("Projected cash at year end"),
        kind="money",
        definition=_(
            "The cash in the bank on the day the columns are seen from, plus the expected cash in less "
            "cash out of each month still to come (VAT excluded)."
        ),
        cells=tuple(cells),
    )
    runway = Row(
        key=RUNWAY,
        label=_("Runway"),
        kind="runway",
        definition=_(
            "The months from that day until the cash falls below zero: through December with the "
            "projected months, then at the year's average monthly net cash flow; “more than "
            "%(months)d months” when it stays at zero or above."
        )
        % {"months": HORIZON},
        cells=tuple(Cell(None, runway=column.cash.runway) for column in columns),
    )
    return cash, runway


def comparison_rows(columns: tuple[Column, ...]) -> tuple[Row, ...]:
    """The figures at year end, a column per projection; the baseline is the first column; then
    the projected cash and the runway."""
    keys = [*FIGURE_ROWS, RATE_IN_FORCE]
    return (*(_row(key, columns) for key in keys), *cash_rows(columns))


@dataclass(frozen=True)
class MonthRow:
    month: date
    actual: bool
    values: tuple[Decimal, ...]  # one per column


@dataclass(frozen=True)
class Monthly:
    """One figure month by month in every column: a chart and its table."""

    key: str
    label: str
    rows: tuple[MonthRow, ...]
    totals: tuple[Decimal, ...]  # the year's figure in each column
    chart: str


def _monthly(key: str, columns: tuple[Column, ...]) -> Monthly:
    label = str(registry.figure(key).label)
    months = columns[0].forecast.months
    rows = tuple(
        MonthRow(
            month=month.month,
            actual=month.actual,
            values=tuple(round_money(getattr(c.forecast.months[i], key)) for c in columns),
        )
        for i, month in enumerate(months)
    )
    chart = charts.monthly_projection(
        title=_("%(figure)s by month") % {"figure": label},
        # Whole month names, as the table beside the chart writes them ("enero de 2025").
        months=[date_format(m.month, "F") for m in months],
        actual=[m.actual for m in months],
        recorded=_("Recorded"),
        columns=[(c.name, [getattr(m, key) for m in c.forecast.months]) for c in columns],
    )
    totals = tuple(getattr(c.forecast.figures, key) for c in columns)
    return Monthly(key=key, label=label, rows=rows, totals=totals, chart=chart)


def projections(
    *, year: int, basis: Basis, scenarios: list[ScenarioParams], as_of: date | None = None
) -> list[Forecast]:
    """The baseline's projection of `year`, then each scenario's, all seen from one `as_of`: the
    one given; else the one `forecast` gives the scenario seen from the earliest day; else the
    default (the latest month ended)."""
    done: dict[str, Forecast] = {}
    if as_of is None:
        seen = [s for s in scenarios if s.seen_from is not None]
        lead = min(seen, key=lambda s: s.seen_from or date.max) if seen else BASELINE
        first = forecast(year=year, basis=basis, scenario=lead, clients="top")
        done[lead.slug], as_of = first, first.as_of
    return [
        done.get(params.slug) or forecast(year=year, basis=basis, scenario=params, as_of=as_of, clients="top")
        for params in (BASELINE, *scenarios)
    ]


@dataclass(frozen=True)
class ComparisonPage:
    year: int
    basis: Basis
    form: CompareForm
    has_scenarios: bool
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    monthly: tuple[Monthly, ...]
    # The query without its basis: the basis toggle's links keep the rest of the comparison.
    keep: str

    @property
    def baseline(self) -> Forecast:
        return self.columns[0].forecast

    @property
    def as_of(self) -> date:
        return self.baseline.as_of

    @property
    def projected_months(self) -> int:
        return self.baseline.projected_months

    @property
    def over(self) -> bool:
        """Every month is recorded: a scenario has nothing left to change."""
        return self.projected_months == 0

    @property
    def seen_before_the_year(self) -> bool:
        return self.as_of < date(self.year, 1, 1)

    @property
    def scenarios(self) -> tuple[Column, ...]:
        return self.columns[1:]

    @property
    def cash(self) -> CashOutlook:
        """The baseline's projected cash: its `unavailable` says why no column has any."""
        return self.columns[0].cash

    @property
    def most(self) -> int:
        return MAX_COMPARED


def _basis(query: QueryDict) -> Basis:
    value = query.get("basis", "accrual")
    return next((basis for basis in BASES if basis == value), "accrual")


def comparison_page(*, year: int, query: QueryDict) -> ComparisonPage:
    """The comparison the query asks for; an invalid query shows its errors beside the baseline."""
    basis = _basis(query)
    stored = scenario_list()
    form = CompareForm(query, scenarios=stored, month_ends=month_ends(year))
    # What is valid is compared even when the rest of the query is not (the errors are shown).
    form.is_valid()
    chosen, as_of = form.cleaned_data.get("compare", []), form.cleaned_data.get("as_of")
    by_slug = {s.slug: s for s in stored}
    # In the order of the checkboxes, whatever the order of the query.
    slugs = [s.slug for s in stored if s.slug in chosen]
    params = [scenario_params(slug=slug) for slug in slugs]
    projected = projections(year=year, basis=basis, scenarios=params, as_of=as_of)
    # Every column is seen from the same day: one read of the cash in the bank on it.
    cash = cash_on(projected[0].as_of)
    baseline = projected[0]
    columns = (
        Column(
            BASELINE_SLUG,
            _("Baseline"),
            _("The projection without a scenario."),
            baseline,
            forecast_outlook(baseline, cash),
        ),
        *(
            Column(
                slug, by_slug[slug].name, by_slug[slug].description, result, forecast_outlook(result, cash)
            )
            for slug, result in zip(slugs, projected[1:], strict=True)
        ),
    )
    keep = query.copy()
    keep.pop("basis", None)
    return ComparisonPage(
        year=year,
        basis=basis,
        form=form,
        has_scenarios=bool(stored),
        columns=columns,
        rows=comparison_rows(columns),
        monthly=tuple(_monthly(key, columns) for key in MONTHLY),
        keep=keep.urlencode(),
    )
