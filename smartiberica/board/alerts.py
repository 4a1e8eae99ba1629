"""The alert engine: which of the enabled rules (`AlertRule`) a year, or today, breaks.

- `alerts_for_year(year=, basis=, on=)`: what the "Attention" panel of a year's page shows. A
  year that is over (or still to come) is held to the year-level rules only (top funder share,
  self-financing, client concentration); the year of `on` also to the rules of the day (costs
  ahead of the pro-rata budget, obligations due, invoices overdue, runway), and its
  self-financing is the one projected at year end (the baseline projection, whatever scenario a
  page shows: an alert is about the records, not a what-if).
- `alerts_now(on=)`: the same for the year of `on` on the accrual basis: what the digest sends.
- `page_alerts(page, on=)`: the year page's panel, reusing what the page computed already
  (figures, projection, cash outlook): the rules (one query), and for the year in progress the
  obligations (one) and the overdue invoices (one); a page showing a scenario also projects the
  baseline (the projection's queries and the cash on its day).
- `year_marks(page, rules=)`: the year-level alerts of each year of the multi-year page.

Rules are read once (`enabled_rules`, one query) and evaluated by `alert_rules`' pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from funding.selectors import obligations_due
from services.selectors import overdue_by_client
from smartiberica.board import alert_rules
from smartiberica.board import alert_validation as av
from smartiberica.board.alert_models import AlertRule
from smartiberica.board.alert_rules import Alert
from smartiberica.board.cash_outlook import Runway, cash_on, forecast_outlook
from smartiberica.board.dashboard import YearPage, YearsPage, YearToDate, year_to_date
from smartiberica.board.figures import YearlyFigures, yearly_figures_many
from smartiberica.board.projection import Forecast, forecast
from smartiberica.kernel.basis import Basis

# The thresholds of the enabled rules, by rule key.
Rules = dict[str, Decimal]


def enabled_rules() -> Rules:
    """`{rule: threshold}` of the rules that are on. One query."""
    return dict(AlertRule.objects.enabled().values_list("rule", "threshold"))


@dataclass(frozen=True)
class YearInputs:
    """What the rules read of a year (and, for the year in progress, of the day)."""

    figures: YearlyFigures
    # The year in progress only: its baseline projection at year end, the costs against the
    # pro-rata budget, and the runway of the cash in the bank (None without an account).
    projected: YearlyFigures | None = None
    to_date: YearToDate | None = None
    runway: Runway | None = None


def year_level(inputs: YearInputs, rules: Rules) -> list[Alert]:
    """The alerts of the rules that judge a whole year: no query."""
    figures = inputs.figures
    found: list[Alert | None] = []
    if av.TOP_FUNDER_SHARE in rules:
        found.append(alert_rules.top_funder_share(figures, threshold=rules[av.TOP_FUNDER_SHARE]))
    if av.SELF_FINANCING in rules:
        found.append(
            alert_rules.self_financing(
                figures, threshold=rules[av.SELF_FINANCING], projected=inputs.projected
            )
        )
    if av.CLIENT_CONCENTRATION in rules:
        found.append(alert_rules.client_concentration(figures, threshold=rules[av.CLIENT_CONCENTRATION]))
    return [alert for alert in found if alert is not None]


# The largest debtors with invoices far overdue each get an alert; the others share one.
OVERDUE_CLIENTS_SHOWN = 10


def _whole(threshold: Decimal) -> int:
    return int(threshold)  # days are whole numbers (`alert_validation`)


def of_the_day(inputs: YearInputs, rules: Rules, *, on: date) -> list[Alert]:
    """The alerts of the rules that judge the day: one query for the obligations, one for the
    overdue invoices (none for a rule that is off)."""
    year = inputs.figures.year
    found: list[Alert | None] = []
    if av.BUDGET_TO_DATE in rules and inputs.to_date is not None:
        found.append(
            alert_rules.budget_to_date(
                year=year,
                execution=inputs.to_date.execution,
                budget=inputs.to_date.budget,
                threshold=rules[av.BUDGET_TO_DATE],
            )
        )
    if av.OBLIGATION_DUE in rules:
        threshold = rules[av.OBLIGATION_DUE]
        found += [
            alert_rules.obligation(item, on=on, threshold=threshold)
            for item in obligations_due(on=on, within_days=_whole(threshold))
        ]
    if av.OVERDUE_INVOICES in rules:
        threshold = rules[av.OVERDUE_INVOICES]
        overdue = overdue_by_client(on=on, more_than_days=_whole(threshold), top=OVERDUE_CLIENTS_SHOWN)
        found += [alert_rules.overdue_client(item, threshold=threshold) for item in overdue.clients]
        if overdue.other_clients:
            found.append(alert_rules.overdue_others(overdue, threshold=threshold))
    if av.RUNWAY in rules:
        found.append(alert_rules.runway(year=year, found=inputs.runway, threshold=rules[av.RUNWAY]))
    return [alert for alert in found if alert is not None]


def evaluate(inputs: YearInputs, rules: Rules, *, on: date) -> list[Alert]:
    """Every alert of the year of `inputs`, in the order of the rules (docs/alerts.md)."""
    alerts = year_level(inputs, rules)
    if inputs.figures.year == on.year:
        alerts += of_the_day(inputs, rules, on=on)
    order = list(av.RULES)
    return sorted(alerts, key=lambda alert: order.index(alert.rule))


def _runway(projected: Forecast) -> Runway | None:
    """The runway of the cash in the bank under `projected` (None without an account then). One query."""
    if projected.projected_months == 0:
        return None
    return forecast_outlook(projected, cash_on(projected.as_of)).runway


def _inputs(*, year: int, basis: Basis, on: date) -> YearInputs:
    figures = yearly_figures_many(years=[year], basis=basis, clients="top")[year]
    if year != on.year:
        return YearInputs(figures=figures)
    projected = forecast(year=year, basis=basis, on=on, clients="top")
    return YearInputs(
        figures=figures,
        projected=projected.figures if projected.projected_months > 0 else None,
        to_date=year_to_date(figures, on=on),
        runway=_runway(projected),
    )


def alerts_for_year(*, year: int, basis: Basis, on: date) -> list[Alert]:
    """The alerts of `year` judged on the day `on` (see the module's docstring)."""
    rules = enabled_rules()
    if not rules:
        return []
    return evaluate(_inputs(year=year, basis=basis, on=on), rules, on=on)


def alerts_now(*, on: date) -> list[Alert]:
    """The alerts of the day `on`: its year's, on the accrual basis (what the digest sends)."""
    return alerts_for_year(year=on.year, basis="accrual", on=on)


def page_alerts(page: YearPage, *, on: date) -> list[Alert]:
    """The "Attention" panel of a year's page, from what the page computed (see the docstring)."""
    rules = enabled_rules()
    if not rules:
        return []
    figures = page.figures
    if figures.year != on.year:
        return evaluate(YearInputs(figures=figures), rules, on=on)
    projected, runway = page.projection, None
    if projected is not None and not projected.scenario.is_baseline:
        projected = forecast(year=figures.year, basis=figures.basis, on=on, clients="top")
        runway = _runway(projected)
    elif page.cash is not None and page.cash.outlook is not None:
        runway = page.cash.outlook.runway
    inputs = YearInputs(
        figures=figures,
        projected=projected.figures if projected is not None else None,
        to_date=page.to_date,
        runway=runway,
    )
    return evaluate(inputs, rules, on=on)


@dataclass(frozen=True)
class YearMark:
    """The year-level alerts of one year of the multi-year page."""

    year: int
    alerts: list[Alert]


def year_marks(page: YearsPage, *, rules: Rules) -> list[YearMark]:
    """The year-level alerts of each year of the multi-year page, in its order (the current year's
    self-financing as projected at year end); an empty list when no year broke a rule. No query."""
    projected = page.projection.figures if page.projection is not None else None
    marks = [
        YearMark(
            year=f.year,
            alerts=year_level(
                YearInputs(
                    figures=f, projected=projected if projected and projected.year == f.year else None
                ),
                rules,
            ),
        )
        for f in page.series
    ]
    return marks if any(mark.alerts for mark in marks) else []
