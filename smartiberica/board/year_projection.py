"""The year-end projection on the year page of the year in progress, and its scenario picker.

Only the current year has months still to come, so only its page projects: the pages of other
years make no query for it (their query counts are pinned in tests/board/test_pages.py). The
current year's page adds the stored scenarios (one query), the chosen scenario's parameters
(three, none for the baseline) and the projection (a fixed number, docs/forecast.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.http import urlencode

from smartiberica.board.projection import Forecast, forecast
from smartiberica.board.scenario_params import BASELINE, BASELINE_SLUG
from smartiberica.board.scenarios import ScenarioSummary, scenario_list, scenario_params
from smartiberica.kernel.basis import Basis
from smartiberica.kernel.dates import current_year


@dataclass(frozen=True)
class ScenarioPicker:
    """The scenarios the year page offers to project with, and the one it projects with."""

    scenarios: list[ScenarioSummary]
    chosen: str  # a stored scenario's slug, or "baseline"
    # A slug the query asked for that no stored scenario has (a deleted one): the page says so and
    # projects the baseline, rather than refuse the whole year page.
    unknown: str = ""

    @property
    def is_baseline(self) -> bool:
        return self.chosen == BASELINE_SLUG

    @property
    def keep(self) -> str:
        """The query that keeps the scenario when the basis changes ("" for the baseline)."""
        return "" if self.is_baseline else urlencode({"scenario": self.chosen})


@dataclass(frozen=True)
class YearProjection:
    forecast: Forecast
    picker: ScenarioPicker


def year_projection(*, year: int, basis: Basis, scenario: str = BASELINE_SLUG) -> YearProjection | None:
    """The projection of `year` at its end under the scenario `scenario` (a slug), or None when
    the year has no month still to come (any year but the current one: no query then)."""
    if year != current_year():
        return None
    stored = scenario_list()
    asked = scenario or BASELINE_SLUG
    known = asked == BASELINE_SLUG or any(s.slug == asked for s in stored)
    chosen = asked if known else BASELINE_SLUG
    params = BASELINE if chosen == BASELINE_SLUG else scenario_params(slug=chosen)
    projected = forecast(year=year, basis=basis, scenario=params, clients="top")
    if projected.projected_months == 0:
        return None
    picker = ScenarioPicker(scenarios=stored, chosen=chosen, unknown="" if known else asked)
    return YearProjection(forecast=projected, picker=picker)
