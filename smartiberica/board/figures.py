"""The yearly-figures engine: the one place where the board's figures are defined (version 2).

Pages, the JSON API, the exports and the `yearly_figures` command all read the
`YearlyFigures` object built here, so they can never disagree. The definitions
are the ones of the domain brief (docs/figures.md repeats them for readers):

- own_revenue = services_revenue + member_margin
- external_support = receipts from parent-support, grant and other sources
  + the in-kind value of mutualised services (standalone cost − share paid)
- total_costs = expenses + loan interest + in-kind shared services (donated services are
  booked gross: a resource and a cost); loan drawdowns and principal are financing
- loan interest: accrual basis, the schedule rows due in the year; cash basis, the repayments
- ratios are fractions to 4 places, None when their denominator is 0 or negative

There is one computation path: the inputs come from the batched `funding.selectors.funding_years`
and `services.selectors.services_years` (a fixed number of queries whatever the number of years
and the volume), `combine()` is pure and does the arithmetic, and `yearly_figures(year)` is
`yearly_figures_many([year])`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any, Protocol

from services.selectors import ClientRevenue
from smartiberica.kernel.basis import BASES, Basis, Clients, Source
from smartiberica.kernel.dates import EARLIEST_RECORD_YEAR, latest_record_year
from smartiberica.kernel.money import RATIO_QUANTUM, ZERO, ratio, round_money
from smartiberica.kernel.periods import years_present_many

CURRENCY = "EUR"


class FundingInputs(Protocol):
    """What the engine reads of the funding selector's year (read-only: frozen dataclasses fit)."""

    @property
    def year(self) -> int: ...

    @property
    def external_receipts_by_source(self) -> dict[str, Decimal]: ...

    @property
    def in_kind_by_source(self) -> dict[str, Decimal]: ...

    @property
    def in_kind_shared_services(self) -> Decimal: ...

    @property
    def loan_drawdowns(self) -> Decimal: ...

    @property
    def loan_interest_due(self) -> Decimal: ...

    @property
    def loan_interest_paid(self) -> Decimal: ...

    @property
    def loan_principal_repaid(self) -> Decimal: ...

    @property
    def loan_outstanding_year_end(self) -> Decimal: ...

    @property
    def costs_by_category(self) -> dict[str, Decimal]: ...

    @property
    def expenses_total(self) -> Decimal: ...

    @property
    def budgeted_costs(self) -> Decimal | None: ...

    @property
    def budgeted_by_category(self) -> dict[str, Decimal]: ...

    @property
    def source_names(self) -> dict[str, str]: ...

    @property
    def category_names(self) -> dict[str, str]: ...


class ServicesInputs(Protocol):
    """What the engine reads of the services selector's year (read-only: frozen dataclasses fit)."""

    @property
    def year(self) -> int: ...

    @property
    def basis(self) -> Basis: ...

    @property
    def services_revenue(self) -> Decimal: ...

    @property
    def revenue_by_service(self) -> dict[str, Decimal]: ...

    @property
    def revenue_by_client(self) -> list[ClientRevenue]: ...

    @property
    def revenue_by_month(self) -> dict[int, Decimal]: ...

    @property
    def member_margin(self) -> Decimal: ...

    @property
    def guarantee_fund(self) -> Decimal: ...

    @property
    def member_turnover(self) -> Decimal: ...

    @property
    def expected_contract_revenue(self) -> Decimal: ...

    @property
    def revenue_targets(self) -> dict[str, Decimal]: ...

    @property
    def service_names(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class Ratios:
    self_financing: Decimal | None
    own_revenue_share: Decimal | None
    top_funder_share: Decimal | None
    hhi: Decimal | None
    budget_execution: Decimal | None
    client_concentration: Decimal | None


@dataclass(frozen=True)
class Approval:
    """Who approved a closed year, when, and their note (public contract 3)."""

    by: str
    at: datetime
    note: str


@dataclass(frozen=True)
class YearlyFigures:
    """Every figure of one year on one basis: money as Decimal, ratios Decimal | None."""

    year: int
    basis: Basis
    own_revenue: Decimal
    services_revenue: Decimal
    member_margin: Decimal
    guarantee_fund: Decimal
    revenue_by_service: dict[str, Decimal]
    revenue_by_client: tuple[ClientRevenue, ...]
    external_support: Decimal
    external_support_by_source: dict[str, Decimal]
    in_kind_shared_services: Decimal
    loan_drawdowns: Decimal
    loan_interest: Decimal
    loan_principal_repaid: Decimal
    loan_outstanding_year_end: Decimal
    total_costs: Decimal
    costs_by_category: dict[str, Decimal]
    budgeted_costs: Decimal | None
    funding_gap: Decimal
    top_funder: str | None
    break_even_structure_rate: Decimal | None
    ratios: Ratios
    # Context for the pages; not part of the public JSON contract.
    expenses_total: Decimal = ZERO
    revenue_by_month: dict[int, Decimal] = field(default_factory=dict)
    member_turnover: Decimal = ZERO
    expected_contract_revenue: Decimal = ZERO
    revenue_targets: dict[str, Decimal] = field(default_factory=dict)
    budgeted_by_category: dict[str, Decimal] = field(default_factory=dict)
    in_kind_by_source: dict[str, Decimal] = field(default_factory=dict)
    service_names: dict[str, str] = field(default_factory=dict)
    source_names: dict[str, str] = field(default_factory=dict)
    category_names: dict[str, str] = field(default_factory=dict)
    # Set when the year is closed: the figures are then its approved snapshot.
    approval: Approval | None = None

    @property
    def effective_sources(self) -> Decimal | None:
        """1 / HHI: how many equal sources would give the same concentration."""
        if self.ratios.hhi is None or self.ratios.hhi == 0:
            return None
        return ratio(Decimal(1), self.ratios.hhi)

    @property
    def resources(self) -> Decimal:
        return self.own_revenue + self.external_support

    def as_json(self) -> dict[str, Any]:
        """Public contract 1 of the domain brief, key for key."""
        return {
            "year": self.year,
            "basis": self.basis,
            "currency": CURRENCY,
            "own_revenue": _money(self.own_revenue),
            "services_revenue": _money(self.services_revenue),
            "member_margin": _money(self.member_margin),
            "guarantee_fund": _money(self.guarantee_fund),
            "revenue_by_service": {code: _money(v) for code, v in self.revenue_by_service.items()},
            "revenue_by_client": [
                {"client": c.name, "tax_id": c.tax_id, "amount": _money(c.amount)}
                for c in self.revenue_by_client
            ],
            "external_support": _money(self.external_support),
            "external_support_by_source": {
                code: _money(v) for code, v in self.external_support_by_source.items()
            },
            "in_kind_shared_services": _money(self.in_kind_shared_services),
            "loan_drawdowns": _money(self.loan_drawdowns),
            "loan_interest": _money(self.loan_interest),
            "loan_principal_repaid": _money(self.loan_principal_repaid),
            "loan_outstanding_year_end": _money(self.loan_outstanding_year_end),
            "total_costs": _money(self.total_costs),
            "costs_by_category": {code: _money(v) for code, v in self.costs_by_category.items()},
            "budgeted_costs": None if self.budgeted_costs is None else _money(self.budgeted_costs),
            "funding_gap": _money(self.funding_gap),
            "top_funder": self.top_funder,
            "break_even_structure_rate": (
                None if self.break_even_structure_rate is None else str(self.break_even_structure_rate)
            ),
            "status": "open" if self.approval is None else "closed",
            "approved": None
            if self.approval is None
            else {"by": self.approval.by, "at": self.approval.at.isoformat(), "note": self.approval.note},
            "ratios": {name: _ratio(getattr(self.ratios, name)) for name in RATIO_NAMES},
        }


RATIO_NAMES = (
    "self_financing",
    "own_revenue_share",
    "top_funder_share",
    "hhi",
    "budget_execution",
    "client_concentration",
)


def _money(value: Decimal) -> str:
    return str(round_money(value))


def _ratio(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(RATIO_QUANTUM))


def positive_ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator to 4 places; None when the denominator is 0 or negative (v2).

    A share of a negative whole (a year of credit notes) means nothing, so it is not shown.
    """
    return None if denominator <= 0 else ratio(numerator, denominator)


RATE_QUANTUM = Decimal("0.01")


def break_even_rate(*, total_costs: Decimal, services_revenue: Decimal, turnover: Decimal) -> Decimal | None:
    """The flat structure rate (percent, 2 places, rounded up) that would have covered the costs.

    (total_costs − services_revenue) / member turnover × 100; None without turnover; 0.00 when
    services revenue alone covers the costs. Rounded up, because a rate rounded down would fall
    short of the costs.
    """
    if turnover <= 0:
        return None
    uncovered = total_costs - services_revenue
    if uncovered <= 0:
        return Decimal("0.00")
    # In cents and hundredths of a percent: exact integer arithmetic, then the ceiling.
    cents, turnover_cents = int(uncovered * 100), int(turnover * 100)
    hundredths = -(-(cents * 10000) // turnover_cents)
    return (Decimal(hundredths) / 100).quantize(RATE_QUANTUM, rounding=ROUND_CEILING)


def herfindahl(streams: list[Decimal]) -> Decimal | None:
    """Σ sᵢ² over the positive streams, sᵢ = stream / Σ positive streams; None if none."""
    positive = [s for s in streams if s > 0]
    total = sum(positive, ZERO)
    if total == 0:
        return None
    # Shares are kept exact (28 significant digits) and only the result is rounded.
    return ratio(sum((s * s for s in positive), Decimal(0)), total * total)


def _largest(amounts: dict[str, Decimal]) -> tuple[str, Decimal] | None:
    if not amounts:
        return None
    # Ties go to the alphabetically first code, so the answer never depends on order.
    code = min(amounts, key=lambda c: (-amounts[c], c))
    return code, amounts[code]


def combine(funding: FundingInputs, services: ServicesInputs, *, basis: Basis) -> YearlyFigures:
    """Build the year's figures from the two apps' selector results (pure arithmetic)."""
    year = funding.year
    services_revenue = round_money(services.services_revenue)
    member_margin = round_money(services.member_margin)
    own_revenue = services_revenue + member_margin

    by_source: dict[str, Decimal] = {}
    for amounts in (funding.external_receipts_by_source, funding.in_kind_by_source):
        for code, amount in amounts.items():
            by_source[code] = by_source.get(code, ZERO) + round_money(amount)
    by_source = {code: amount for code, amount in sorted(by_source.items()) if amount != 0}
    external_support = sum(by_source.values(), ZERO)

    # v2: interest falls due on the schedule (accrual) or is paid (cash).
    loan_interest = round_money(funding.loan_interest_paid if basis == "cash" else funding.loan_interest_due)
    in_kind = round_money(funding.in_kind_shared_services)
    expenses = round_money(funding.expenses_total)
    # v2: donated services are a cost as well as a resource.
    total_costs = expenses + loan_interest + in_kind
    resources = own_revenue + external_support

    top = _largest(by_source)
    # The selectors give each client's revenue rounded to the cent already (frozen, shared as
    # they are): rebuilding 5,000 of them per request cost the API a tenth of its time.
    clients = tuple(services.revenue_by_client)
    largest_client = max((c.amount for c in clients), default=ZERO)

    # v2: streams by kind of source, so that one market split into product lines does not look
    # diversified: services revenue, member margin, each external source (receipts and in kind).
    streams = [services_revenue, member_margin, *by_source.values()]
    budgeted = None if funding.budgeted_costs is None else round_money(funding.budgeted_costs)

    ratios = Ratios(
        self_financing=positive_ratio(own_revenue, total_costs),
        own_revenue_share=positive_ratio(own_revenue, resources),
        top_funder_share=positive_ratio(top[1] if top else ZERO, resources),
        hhi=herfindahl(streams),
        # v2: budgets plan what is paid, so donated services stay out.
        budget_execution=None if budgeted is None else positive_ratio(total_costs - in_kind, budgeted),
        client_concentration=positive_ratio(largest_client, services_revenue),
    )
    return YearlyFigures(
        year=year,
        basis=basis,
        own_revenue=own_revenue,
        services_revenue=services_revenue,
        member_margin=member_margin,
        guarantee_fund=round_money(services.guarantee_fund),
        revenue_by_service={code: round_money(v) for code, v in services.revenue_by_service.items()},
        revenue_by_client=clients,
        external_support=external_support,
        external_support_by_source=by_source,
        in_kind_shared_services=in_kind,
        loan_drawdowns=round_money(funding.loan_drawdowns),
        loan_interest=loan_interest,
        loan_principal_repaid=round_money(funding.loan_principal_repaid),
        loan_outstanding_year_end=round_money(funding.loan_outstanding_year_end),
        total_costs=total_costs,
        costs_by_category={code: round_money(v) for code, v in funding.costs_by_category.items()},
        budgeted_costs=budgeted,
        funding_gap=total_costs - own_revenue,
        top_funder=top[0] if top else None,
        break_even_structure_rate=break_even_rate(
            total_costs=total_costs,
            services_revenue=services_revenue,
            turnover=round_money(services.member_turnover),
        ),
        ratios=ratios,
        expenses_total=expenses,
        revenue_by_month=dict(services.revenue_by_month),
        member_turnover=round_money(services.member_turnover),
        expected_contract_revenue=round_money(services.expected_contract_revenue),
        revenue_targets=dict(services.revenue_targets),
        budgeted_by_category=dict(funding.budgeted_by_category),
        in_kind_by_source={code: round_money(v) for code, v in funding.in_kind_by_source.items() if v},
        service_names=dict(services.service_names),
        source_names=dict(funding.source_names),
        category_names=dict(funding.category_names),
    )


def yearly_figures(*, year: int, basis: Basis = "accrual") -> YearlyFigures:
    """The figures of `year`: the batched computation asked for one year (one path, fixed queries)."""
    return yearly_figures_many(years=[year], basis=basis)[year]


def yearly_figures_many(
    *, years: list[int], basis: Basis = "accrual", clients: Clients = "all"
) -> dict[int, YearlyFigures]:
    """The figures of several years in a fixed number of queries, whatever the years and the volume.

    A closed year is its approved snapshot (public contract 3); the others are computed.
    `clients="top"` (the pages): `revenue_by_client` lists only the largest `TOP_CLIENTS` clients;
    `"none"`: no client (`without_clients`).
    """
    # Imported here: the snapshots module builds `YearlyFigures` objects, defined above.
    from smartiberica.board.snapshots import approved_figures

    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    approved = approved_figures(years=years, basis=basis, clients=clients)
    others = [y for y in years if y not in approved]
    computed = compute_yearly_figures_many(years=others, basis=basis, clients=clients)
    found = {year: approved.get(year) or computed[year] for year in sorted({*approved, *computed})}
    return {year: without_clients(f) for year, f in found.items()} if clients == "none" else found


def without_clients(figures: YearlyFigures) -> YearlyFigures:
    """`figures` with no client read (`clients="none"`): no list, and the client concentration
    not computable (None) rather than the 0 an empty list would give."""
    return replace(figures, revenue_by_client=(), ratios=replace(figures.ratios, client_concentration=None))


def compute_yearly_figures_many(
    *, years: list[int], basis: Basis = "accrual", source: Source = "rollups", clients: Clients = "all"
) -> dict[int, YearlyFigures]:
    """The figures of `years` recomputed, closed or not (the snapshot's source).

    The batched selectors give each year's inputs and `combine()` stays the single definition of
    every figure. `source`: the monthly rollups the actions keep (the pages), or the raw records
    (`check_rollups` compares the two).
    """
    if not years:
        return {}
    from funding.selectors import funding_years
    from services.selectors import services_years

    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    funding = funding_years(years=years, source=source)
    services = services_years(years=years, basis=basis, source=source, clients=clients)
    return {year: combine(funding[year], services[year], basis=basis) for year in sorted(funding)}


def years_with_data() -> list[int]:
    from funding.selectors import funding_year_probes, funding_yearly_record_years
    from services.selectors import services_year_probes

    # Both apps' dated tables in one pair of probing queries (`years_present_many`).
    years = years_present_many([*funding_year_probes(), *services_year_probes()])
    years |= funding_yearly_record_years()
    # A yearly record (budget, shared cost) left from before the date rule gets no page either.
    return sorted(year for year in years if EARLIEST_RECORD_YEAR <= year <= latest_record_year())
