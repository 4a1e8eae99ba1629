"""Reads of the stored scenarios: for the projection (`scenario_params`), the pickers
(`scenario_list`), the scenario pages (`scenario_overview`, `scenario_choices`).

The projection engine reads a scenario only as the frozen `ScenarioParams`, its foreign keys
turned into codes (a funding source's code, a client's id, service-line and category codes).
Every read runs a fixed number of queries, whatever the number of scenarios and rows. The writes
are `smartiberica.board.scenario_actions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch

from funding.selectors import categories_by_code, sources_for_choice
from services.selectors import clients_for_choice, service_lines_by_code
from smartiberica.board.models import Scenario, ScenarioCost, ScenarioRevenue
from smartiberica.board.scenario_params import BASELINE, BASELINE_SLUG, ScenarioParams

__all__ = [
    "ScenarioChoices",
    "ScenarioNotFound",
    "ScenarioRow",
    "ScenarioSummary",
    "scenario_choices",
    "scenario_list",
    "scenario_overview",
    "scenario_params",
]


class ScenarioNotFound(LookupError):
    """No stored scenario has this slug (and it is not "baseline")."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


_PARAM_FIELDS = (
    "pk",
    "slug",
    "name",
    "seen_from",
    "stopped_source__code",
    "source_stops_on",
    "structure_rate",
    "fund_rate",
    "rates_from",
    "turnover_growth",
    "lost_client_id",
    "client_lost_on",
)


def scenario_params(*, slug: str) -> ScenarioParams:
    """The scenario `slug` as the projection reads it: `BASELINE` for "baseline" (no query),
    else three queries (the scenario with its source's code, its extra revenue by service-line
    code, its extra costs by category code). Raises `ScenarioNotFound` for an unknown slug."""
    if slug == BASELINE_SLUG:
        return BASELINE
    row = Scenario.objects.filter(slug=slug).values(*_PARAM_FIELDS).first()
    if row is None:
        raise ScenarioNotFound(slug)
    revenue = ScenarioRevenue.objects.filter(scenario_id=row["pk"]).values_list(
        "service_line__code", "monthly_amount"
    )
    costs = ScenarioCost.objects.filter(scenario_id=row["pk"]).values_list("category__code", "monthly_amount")
    return ScenarioParams(
        slug=row["slug"],
        name=row["name"],
        seen_from=row["seen_from"],
        stopped_source=row["stopped_source__code"],
        source_stops_on=row["source_stops_on"],
        structure_rate=row["structure_rate"],
        fund_rate=row["fund_rate"],
        rates_from=row["rates_from"],
        turnover_growth=row["turnover_growth"],
        lost_client_id=row["lost_client_id"],
        client_lost_on=row["client_lost_on"],
        extra_revenue=dict(revenue.order_by("service_line__code")),
        extra_cost=dict(costs.order_by("category__code")),
    )


def _author_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


@dataclass(frozen=True)
class ScenarioSummary:
    """A scenario as a picker lists it."""

    slug: str
    name: str
    description: str
    author: str  # the author's full name, or username when the account has no name
    updated_at: datetime


def scenario_list() -> list[ScenarioSummary]:
    """Every stored scenario, by name (one query)."""
    rows = Scenario.objects.values_list(
        "slug",
        "name",
        "description",
        "updated_at",
        "author__first_name",
        "author__last_name",
        "author__username",
    )
    return [
        ScenarioSummary(
            slug=slug,
            name=name,
            description=description,
            author=_author_name(first, last, username),
            updated_at=updated_at,
        )
        for slug, name, description, updated_at, first, last, username in rows
    ]


@dataclass(frozen=True)
class ScenarioRow:
    """A scenario on the list page: who wrote it, and what it changes (names, not codes)."""

    summary: ScenarioSummary
    seen_from: date | None
    stopped_source: str | None  # the source's name
    source_stops_on: date | None
    structure_rate: Decimal | None
    fund_rate: Decimal | None
    rates_from: date | None
    turnover_growth: Decimal | None
    lost_client: str | None  # the client's name
    client_lost_on: date | None
    extra_revenue: list[tuple[str, Decimal]]  # (service line's name, monthly amount)
    extra_costs: list[tuple[str, Decimal]]  # (category's name, monthly amount)

    @property
    def changes_nothing(self) -> bool:
        return not (
            self.seen_from
            or self.stopped_source
            or self.rates_from
            or self.turnover_growth is not None
            or self.lost_client
            or self.extra_revenue
            or self.extra_costs
        )


def scenario_overview() -> list[ScenarioRow]:
    """Every stored scenario with what it changes, by name (three queries: the scenarios with
    their author, source and client; their extra revenue; their extra costs)."""
    scenarios = Scenario.objects.select_related("author", "stopped_source", "lost_client").prefetch_related(
        Prefetch("extra_revenue", queryset=ScenarioRevenue.objects.select_related("service_line")),
        Prefetch("extra_costs", queryset=ScenarioCost.objects.select_related("category")),
    )
    return [
        ScenarioRow(
            summary=ScenarioSummary(
                slug=scenario.slug,
                name=scenario.name,
                description=scenario.description,
                author=_author_name(
                    scenario.author.first_name, scenario.author.last_name, scenario.author.get_username()
                ),
                updated_at=scenario.updated_at,
            ),
            seen_from=scenario.seen_from,
            stopped_source=scenario.stopped_source.name if scenario.stopped_source else None,
            source_stops_on=scenario.source_stops_on,
            structure_rate=scenario.structure_rate,
            fund_rate=scenario.fund_rate,
            rates_from=scenario.rates_from,
            turnover_growth=scenario.turnover_growth,
            lost_client=scenario.lost_client.name if scenario.lost_client else None,
            client_lost_on=scenario.client_lost_on,
            extra_revenue=sorted(
                (str(row.service_line), row.monthly_amount) for row in scenario.extra_revenue.all()
            ),
            extra_costs=sorted((str(row.category), row.monthly_amount) for row in scenario.extra_costs.all()),
        )
        for scenario in scenarios
    ]


@dataclass(frozen=True)
class ScenarioChoices:
    """What the scenario form offers, as (id, label) pairs, each list in its display order."""

    sources: list[tuple[int, str]]
    clients: list[tuple[int, str]]
    service_lines: list[tuple[int, str]]
    categories: list[tuple[int, str]]


def _by_label(choice: tuple[int, str]) -> str:
    return choice[1].casefold()


def scenario_choices() -> ScenarioChoices:
    """The funding sources, clients, service lines and expense categories a scenario may name
    (four queries, through the apps' selectors)."""
    return ScenarioChoices(
        sources=[(s.id, s.name) for s in sources_for_choice()],
        clients=[(c.id, f"{c.name} ({c.tax_id})") for c in clients_for_choice()],
        # Lines by their name in the reader's language; categories in their own order.
        service_lines=sorted(
            ((line.pk, line.name) for line in service_lines_by_code().values()), key=_by_label
        ),
        categories=[(category.pk, category.name) for category in categories_by_code().values()],
    )
