"""What a scenario changes in a year-end projection (public contract 4), as plain values.

The projection engine reads only this frozen object, never the `Scenario` model, so the engine's
arithmetic is tested without the database and a scenario stored in the database and one built in
a test are projected alike. Every parameter is optional and changes only the projected months
(after the projection's `as_of`); `BASELINE` changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

BASELINE_SLUG = "baseline"


@dataclass(frozen=True)
class ScenarioParams:
    slug: str = BASELINE_SLUG
    name: str = ""
    # A what-if seen from an earlier date: the projection's `as_of` when none is asked for (for
    # example 2020-12-31 to project 2021 as it looked at its start).
    seen_from: date | None = None
    # A funding source (its code) whose expected receipts stop from a date (that date included).
    stopped_source: str | None = None
    source_stops_on: date | None = None
    # Flat structure and guarantee-fund rates (percent) applied to the projected months from a date.
    structure_rate: Decimal | None = None
    fund_rate: Decimal | None = None
    rates_from: date | None = None
    # Member-turnover growth in percent against the same month a year before (None: the trailing
    # twelve months' growth).
    turnover_growth: Decimal | None = None
    # A client (its id) whose contracts bring nothing from a date (that date included).
    lost_client_id: int | None = None
    client_lost_on: date | None = None
    # Extra net revenue per projected month, by service-line code; extra cost by expense-category code.
    extra_revenue: Mapping[str, Decimal] = field(default_factory=dict)
    extra_cost: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def is_baseline(self) -> bool:
        return self.slug == BASELINE_SLUG


BASELINE = ScenarioParams()
