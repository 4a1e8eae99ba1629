"""The year-end projection (public contract 4): a year's figures as they will stand on 31 December.

Months up to `as_of` (the last day of the latest month that has ended) are what the records say;
later months are projected from the contracts, the members' turnover a year before, the margin
rules, the expected tranches, the loan schedule and the cost budget (docs/forecast.md states each
formula), and changed by a scenario if one is chosen. The months' pieces are added up into the
same inputs the recorded years have, and `figures.combine()` defines every figure, so a projected
year and a recorded one can never be computed two ways. A year that is over is its yearly figures
(the approved snapshot when closed), with its twelve months beside them.

The reads: `funding_months` and `services_months`, a fixed number of queries whatever the volume.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.utils.translation import gettext_lazy as _

from funding.selectors import FundingMonths, FundingYear, funding_months
from services.selectors import ServicesMonths, ServicesYear, services_months
from smartiberica.board.figures import YearlyFigures, combine, without_clients, yearly_figures_many
from smartiberica.board.projection_months import MONTHS, MonthPieces, month_end, project, trailing_growth
from smartiberica.board.scenario_params import BASELINE, ScenarioParams
from smartiberica.kernel.basis import BASES, LISTED, Basis, Clients
from smartiberica.kernel.dates import today
from smartiberica.kernel.money import ZERO, round_money

ERR_AS_OF_NOT_MONTH_END = _("The projection is seen from the last day of a month.")
ERR_AS_OF_IN_FUTURE = _("The projection cannot be seen from a month that has not ended.")


class ProjectionError(ValueError):
    """A projection that cannot be asked for (its message is translated, for the user)."""


@dataclass(frozen=True)
class ForecastMonth:
    month: date
    actual: bool
    services_revenue: Decimal
    member_margin: Decimal
    own_revenue: Decimal
    external_support: Decimal
    total_costs: Decimal
    cash_in: Decimal
    cash_out: Decimal
    turnover: Decimal


@dataclass(frozen=True)
class Forecast:
    """A year's figures at year end under a scenario, with its twelve months."""

    figures: YearlyFigures
    as_of: date
    scenario: ScenarioParams
    months: tuple[ForecastMonth, ...]
    # The growth of the members' turnover applied to the projected months (a fraction).
    turnover_growth: Decimal
    # The structure rate (percent) applied to the year's last month: the rate in force at year end.
    structure_rate_at_year_end: Decimal | None

    @property
    def cash_in(self) -> Decimal:
        return sum((m.cash_in for m in self.months), ZERO)

    @property
    def cash_out(self) -> Decimal:
        return sum((m.cash_out for m in self.months), ZERO)

    @property
    def projected_months(self) -> int:
        return sum(1 for m in self.months if not m.actual)

    def as_json(self) -> dict[str, Any]:
        """Public contract 4: contract 1's keys, `as_of`, `scenario`, the cash flows and `months`."""
        return {
            **self.figures.as_json(),
            "as_of": self.as_of.isoformat(),
            "scenario": self.scenario.slug,
            "cash_in": str(round_money(self.cash_in)),
            "cash_out": str(round_money(self.cash_out)),
            "months": [
                {
                    "month": f"{m.month:%Y-%m}",
                    "actual": m.actual,
                    "own_revenue": str(round_money(m.own_revenue)),
                    "external_support": str(round_money(m.external_support)),
                    "total_costs": str(round_money(m.total_costs)),
                    "cash_in": str(round_money(m.cash_in)),
                    "cash_out": str(round_money(m.cash_out)),
                }
                for m in self.months
            ],
        }


def latest_as_of(*, year: int, on: date | None = None) -> date:
    """The last day of the latest month that has ended on `on` (today), or 31 December of a year
    that is over."""
    day = on or today()
    ended = day.replace(day=1) - timedelta(days=1)
    return min(ended, date(year, 12, 31))


def _as_of(*, year: int, asked: date | None, scenario: ScenarioParams, on: date | None) -> date:
    latest = latest_as_of(year=year, on=on)
    if asked is None:
        if scenario.seen_from is None:
            return latest
        seen = scenario.seen_from
        # A what-if seen from a day sees the months that had ended by then.
        asked = seen if month_end(seen) == seen else seen.replace(day=1) - timedelta(days=1)
        return min(asked, latest)
    if month_end(asked) != asked:
        raise ProjectionError(ERR_AS_OF_NOT_MONTH_END)
    if asked > (on or today()).replace(day=1) - timedelta(days=1):
        raise ProjectionError(ERR_AS_OF_IN_FUTURE)
    return min(asked, date(year, 12, 31))


def _total(months: list[MonthPieces], attribute: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for pieces in months:
        for code, amount in getattr(pieces, attribute).items():
            totals[code] = totals.get(code, ZERO) + amount
    return totals


def _inputs(
    months: list[MonthPieces], funding: FundingMonths, services: ServicesMonths, listed: int | None
) -> tuple[FundingYear, ServicesYear]:
    """The year's inputs to `combine()`: the sums of its months."""
    year = funding.year
    # Thousands of clients: only those with projected revenue get a new object.
    clients = {c.client_id: c for c in services.clients}
    for pieces in months:
        for client_id, projected in pieces.revenue_by_client.items():
            before = clients.get(client_id)
            amount = (before.amount if before else ZERO) + projected.amount
            clients[client_id] = replace(projected, amount=amount)
    by_client = [c for c in clients.values() if c.amount != 0]
    # Largest first, then by name and id: two stable sorts, cheaper than a tuple key per client.
    by_client.sort(key=attrgetter("name", "client_id"))
    by_client.sort(key=attrgetter("amount"), reverse=True)
    revenue = _total(months, "revenue_by_service")
    received = sorted(_total(months, "external_by_source").items())
    external = {code: amount for code, amount in received if amount}
    costs = _total(months, "expenses_by_category")
    principal_ahead = sum((p.principal_repaid for p in months if not p.actual), ZERO)
    names = {code: funding.source_names[code] for code in {*external, *funding.in_kind_by_source}}
    funding_year = FundingYear(
        year=year,
        external_receipts_by_source=external,
        in_kind_by_source=dict(funding.in_kind_by_source),
        in_kind_shared_services=round_money(sum(funding.in_kind_by_source.values(), ZERO)),
        loan_drawdowns=sum((p.drawdowns for p in months), ZERO),
        loan_interest_due=sum((p.interest for p in months), ZERO),
        loan_interest_paid=sum((p.interest for p in months), ZERO),
        loan_principal_repaid=sum((p.principal_repaid for p in months), ZERO),
        loan_outstanding_year_end=funding.outstanding_at_as_of - principal_ahead,
        costs_by_category={code: costs.get(code, ZERO) for code in funding.category_names},
        expenses_total=sum((p.expenses for p in months), ZERO),
        budgeted_costs=funding.budgeted_costs,
        budgeted_by_category=dict(funding.budgeted_by_category),
        source_names=names,
        category_names=dict(funding.category_names),
    )
    services_year = ServicesYear(
        year=year,
        basis=services.basis,
        services_revenue=sum((p.services_revenue for p in months), ZERO),
        revenue_by_service={code: revenue.get(code, ZERO) for code in sorted(services.service_names)},
        revenue_by_client=by_client[:listed],
        revenue_by_month={p.month.month: p.services_revenue for p in months},
        member_margin=sum((p.member_margin for p in months), ZERO),
        guarantee_fund=sum((p.guarantee_fund for p in months), ZERO),
        member_turnover=sum((p.turnover for p in months), ZERO),
        expected_contract_revenue=ZERO,
        revenue_targets={},
        service_names=dict(services.service_names),
    )
    return funding_year, services_year


def forecast(
    *,
    year: int,
    basis: Basis = "accrual",
    scenario: ScenarioParams = BASELINE,
    as_of: date | None = None,
    on: date | None = None,
    clients: Clients = "all",
) -> Forecast:
    """The figures of `year` at year end, seen from `as_of` (default: the latest month that has
    ended on `on`, today by default, or the scenario's `seen_from`), under `scenario`.

    `clients="top"` (the pages): `revenue_by_client` lists only the largest `TOP_CLIENTS` clients,
    read without the thousands of others (the figures are the same); `"none"` reads no client
    (`revenue_by_client` is empty, the clients' ratios None).
    Raises `ProjectionError` for an `as_of` that is not a month's last day or is in the future.
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    seen = _as_of(year=year, asked=as_of, scenario=scenario, on=on)
    funding = funding_months(year=year, as_of=seen)
    services = services_months(year=year, basis=basis, as_of=seen, clients=clients)
    growth = (
        (scenario.turnover_growth / 100).quantize(Decimal("0.000001"))
        if scenario.turnover_growth is not None
        else trailing_growth(services.turnover_history, seen)
    )
    months = project(funding=funding, services=services, scenario=scenario, growth=growth)
    if seen >= date(year, 12, 31):
        figures = yearly_figures_many(years=[year], basis=basis, clients=clients)[year]
    else:
        funding_year, services_year = _inputs(months, funding, services, LISTED[clients])
        figures = combine(funding_year, services_year, basis=basis)
    if clients == "none":
        figures = without_clients(figures)
    return Forecast(
        figures=figures,
        as_of=seen,
        scenario=scenario,
        months=tuple(
            ForecastMonth(
                month=p.month,
                actual=p.actual,
                services_revenue=p.services_revenue,
                member_margin=p.member_margin,
                own_revenue=p.own_revenue,
                external_support=p.external_support,
                total_costs=p.total_costs,
                cash_in=p.cash_in,
                cash_out=p.cash_out,
                turnover=p.turnover,
            )
            for p in months
        ),
        turnover_growth=growth,
        structure_rate_at_year_end=months[len(MONTHS) - 1].structure_rate,
    )
