"""The twelve months of a projected year: actual up to `as_of`, projected after it (pure arithmetic).

`project()` takes what the two apps' monthly reads return and a scenario's parameters, and gives
each month's pieces (revenue by service line and client, margin, receipts by source, expenses by
category, loan interest and principal, in-kind support). `smartiberica.board.projection` adds
them up into the year's inputs and lets `figures.combine()` define every figure, as it does for a
recorded year. docs/forecast.md states each formula; no database access here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from funding.selectors import FundingMonths
from services.selectors import ClientRevenue, ServicesMonths
from smartiberica.board.scenario_params import ScenarioParams
from smartiberica.kernel.allocation import allocate, split_evenly
from smartiberica.kernel.dates import add_months
from smartiberica.kernel.money import RATIO_QUANTUM, ZERO, round_money

MONTHS = range(1, 13)


@dataclass
class MonthPieces:
    """Everything one month contributes to the year's figures (money rounded to the cent)."""

    month: date
    actual: bool
    revenue_by_service: dict[str, Decimal] = field(default_factory=dict)
    revenue_by_client: dict[int, ClientRevenue] = field(default_factory=dict)
    cash_revenue: Decimal = ZERO  # services revenue received (net of VAT), for the cash flows
    turnover: Decimal = ZERO
    structure_rate: Decimal | None = None  # the rate applied to the month's turnover, if known
    member_margin: Decimal = ZERO
    guarantee_fund: Decimal = ZERO
    external_by_source: dict[str, Decimal] = field(default_factory=dict)
    drawdowns: Decimal = ZERO
    expenses_by_category: dict[str, Decimal] = field(default_factory=dict)
    interest: Decimal = ZERO  # loan interest on the basis asked for (a cost)
    interest_paid: Decimal = ZERO  # loan interest paid (cash out)
    principal_repaid: Decimal = ZERO
    in_kind_by_source: dict[str, Decimal] = field(default_factory=dict)

    @property
    def services_revenue(self) -> Decimal:
        return sum(self.revenue_by_service.values(), ZERO)

    @property
    def own_revenue(self) -> Decimal:
        return self.services_revenue + self.member_margin

    @property
    def in_kind(self) -> Decimal:
        return sum(self.in_kind_by_source.values(), ZERO)

    @property
    def external_support(self) -> Decimal:
        return sum(self.external_by_source.values(), ZERO) + self.in_kind

    @property
    def expenses(self) -> Decimal:
        return sum(self.expenses_by_category.values(), ZERO)

    @property
    def total_costs(self) -> Decimal:
        return self.expenses + self.interest + self.in_kind

    @property
    def cash_in(self) -> Decimal:
        """Money received: services revenue (net of VAT), the members' margin and guarantee fund,
        every funding receipt (support and loan drawdowns). In-kind support moves no money."""
        receipts = sum(self.external_by_source.values(), ZERO) + self.drawdowns
        return self.cash_revenue + self.member_margin + self.guarantee_fund + receipts

    @property
    def cash_out(self) -> Decimal:
        """Money paid: expenses (as booked, net of VAT) and loan repayments (interest and principal)."""
        return self.expenses + self.interest_paid + self.principal_repaid


def _add(amounts: dict[str, Decimal], key: str, amount: Decimal) -> None:
    if amount:
        amounts[key] = amounts.get(key, ZERO) + amount


def _add_client(clients: dict[int, ClientRevenue], client: ClientRevenue, amount: Decimal) -> None:
    before = clients.get(client.client_id)
    total = (before.amount if before else ZERO) + amount
    clients[client.client_id] = ClientRevenue(client.client_id, client.name, client.tax_id, total)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def trailing_growth(history: dict[date, Decimal], as_of: date) -> Decimal:
    """Turnover of the twelve months up to `as_of` over the twelve before, minus one (a fraction,
    4 places); 0 when the earlier twelve months have no turnover."""
    last = as_of.replace(day=1)
    recent = sum((history.get(add_months(last, -k), ZERO) for k in range(12)), ZERO)
    before = sum((history.get(add_months(last, -k), ZERO) for k in range(12, 24)), ZERO)
    if before <= 0:
        return Decimal("0.0000")
    return (recent / before - 1).quantize(RATIO_QUANTUM)


def planned_expenses(funding: FundingMonths) -> dict[str, list[Decimal]]:
    """Each category's expenses month by month as planned for the year (twelve amounts).

    With an approved budget, each line is spread over the months in the proportions of last
    year's expenses of its category (evenly when it had none), to the cent and adding up to the
    line exactly. Without one, each month repeats the same month of last year.
    """
    planned: dict[str, list[Decimal]] = {}
    last_year = funding.last_year_expenses
    if funding.budgeted_costs is None:
        for code in funding.category_names:
            planned[code] = [last_year.get(m, {}).get(code, ZERO) for m in MONTHS]
        return planned
    for code in funding.category_names:
        amount = funding.budgeted_by_category.get(code, ZERO)
        weights = [last_year.get(m, {}).get(code, ZERO) for m in MONTHS]
        if sum(weights, ZERO) <= 0:
            weights = [Decimal(1)] * 12
        planned[code] = allocate(amount, weights)
    return planned


def _actual_month(pieces: MonthPieces, funding: FundingMonths, services: ServicesMonths) -> None:
    m = pieces.month.month
    recorded = services.actuals.get(m)
    if recorded is not None:
        pieces.revenue_by_service = dict(recorded.revenue_by_service)
        pieces.cash_revenue = recorded.cash_revenue
        pieces.turnover = recorded.turnover
        pieces.structure_rate = recorded.structure_rate
        pieces.member_margin = recorded.member_margin
        pieces.guarantee_fund = recorded.guarantee_fund
    pieces.external_by_source = dict(funding.external_by_month.get(m, {}))
    pieces.drawdowns = funding.drawdowns_by_month.get(m, ZERO)
    pieces.expenses_by_category = dict(funding.expenses_by_month.get(m, {}))
    pieces.interest_paid = funding.interest_paid_by_month.get(m, ZERO)
    pieces.principal_repaid = funding.principal_repaid_by_month.get(m, ZERO)
    due = sum((i.interest for i in funding.instalments if i.due_date.month == m), ZERO)
    pieces.interest = pieces.interest_paid if services.basis == "cash" else due


def _from(day: date | None, when: date) -> bool:
    """Whether a scenario's change dated `day` applies on `when` (never without a date)."""
    return day is not None and when >= day


def _projected_revenue(pieces: MonthPieces, services: ServicesMonths, scenario: ScenarioParams) -> None:
    """The contracts' invoices expected in the month (less a lost client's), and extra revenue."""
    lost_on = scenario.client_lost_on
    for invoice in services.expected:
        if invoice.date.month != pieces.month.month:
            continue
        if invoice.client.client_id == scenario.lost_client_id and _from(lost_on, invoice.date):
            continue
        _add(pieces.revenue_by_service, invoice.service, invoice.client.amount)
        _add_client(pieces.revenue_by_client, invoice.client, invoice.client.amount)
    for code, amount in scenario.extra_revenue.items():
        if code not in services.service_names:
            raise ValueError(f"unknown service line {code!r}")
        _add(pieces.revenue_by_service, code, round_money(amount))
    # Invoices are assumed paid in the month they are issued.
    pieces.cash_revenue = pieces.services_revenue


def _projected_margin(
    pieces: MonthPieces, services: ServicesMonths, scenario: ScenarioParams, growth: Decimal
) -> None:
    """The same month's turnover a year before × (1 + growth), under the rule in force or the
    scenario's flat rates."""
    start = pieces.month
    base = services.turnover_history.get(add_months(start, -12))
    pieces.turnover = round_money(base * (1 + growth)) if base is not None else ZERO
    structure, fund = scenario.structure_rate, scenario.fund_rate
    rates_from = scenario.rates_from.replace(day=1) if scenario.rates_from else None
    if structure is not None and fund is not None and _from(rates_from, start):
        pieces.structure_rate = structure
        pieces.member_margin = round_money(pieces.turnover * structure / 100)
        pieces.guarantee_fund = round_money(pieces.turnover * fund / 100)
        return
    rates = services.rules.margin(start, pieces.turnover)
    pieces.structure_rate = rates.structure_rate
    pieces.member_margin, pieces.guarantee_fund = rates.member_margin, rates.guarantee_fund


def _projected_funding(
    pieces: MonthPieces, funding: FundingMonths, scenario: ScenarioParams, planned: dict[str, list[Decimal]]
) -> None:
    """Expected tranches (less a stopped source's), planned expenses and extra costs, the loan
    schedule's instalments not repaid yet."""
    m = pieces.month.month
    for receipt in funding.expected_receipts:
        if receipt.date.month != m:
            continue
        if receipt.source == scenario.stopped_source and _from(scenario.source_stops_on, receipt.date):
            continue
        _add(pieces.external_by_source, receipt.source, receipt.amount)
    for code, amounts in planned.items():
        _add(pieces.expenses_by_category, code, amounts[m - 1])
    for code, amount in scenario.extra_cost.items():
        if code not in funding.category_names:
            raise ValueError(f"unknown expense category {code!r}")
        _add(pieces.expenses_by_category, code, round_money(amount))
    due = [i for i in funding.instalments if i.due_date.month == m]
    unpaid = [i for i in due if not i.paid]
    pieces.interest_paid = sum((i.interest for i in unpaid), ZERO)
    pieces.principal_repaid = sum((i.principal for i in unpaid), ZERO)


def project(
    *, funding: FundingMonths, services: ServicesMonths, scenario: ScenarioParams, growth: Decimal
) -> list[MonthPieces]:
    """The twelve months of the year: recorded up to `as_of`, projected after it under `scenario`.

    `growth` is the fraction by which each projected month's turnover exceeds the same month a year
    before. In-kind support of the year is spread evenly over its twelve months, actual or not.
    """
    year, as_of = funding.year, funding.as_of
    planned = planned_expenses(funding)
    in_kind = {code: split_evenly(amount, 12) for code, amount in funding.in_kind_by_source.items()}
    months = []
    for m in MONTHS:
        start = date(year, m, 1)
        pieces = MonthPieces(month=start, actual=start <= as_of)
        if pieces.actual:
            _actual_month(pieces, funding, services)
        else:
            _projected_revenue(pieces, services, scenario)
            _projected_margin(pieces, services, scenario, growth)
            _projected_funding(pieces, funding, scenario, planned)
            # Accrual: the schedule's interest falls due whether paid or not; cash: what is paid.
            accrued = sum((i.interest for i in funding.instalments if i.due_date.month == m), ZERO)
            pieces.interest = pieces.interest_paid if services.basis == "cash" else accrued
        for code, shares in in_kind.items():
            _add(pieces.in_kind_by_source, code, shares[m - 1])
        months.append(pieces)
    return months
