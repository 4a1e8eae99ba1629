"""Print a year's projection at year end: the same object as `/api/years/<Y>/forecast/`."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartiberica.board.projection import ProjectionError, forecast
from smartiberica.board.scenario_params import BASELINE, BASELINE_SLUG
from smartiberica.board.scenarios import ScenarioNotFound, scenario_params
from smartiberica.kernel.basis import BASES


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of wants a date as YYYY-MM-DD, not {value!r}.") from error


class Command(BaseCommand):
    help = (
        "Print the figures of YEAR projected at year end (public contract 4) as JSON: the yearly "
        "figures' keys, as_of, scenario, cash_in, cash_out and the twelve months."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--basis", choices=BASES, default="accrual")
        parser.add_argument("--scenario", default=BASELINE_SLUG, help="a scenario's slug (default: baseline)")
        parser.add_argument(
            "--as-of", dest="as_of", help="see the year from the last day of an earlier month (YYYY-MM-DD)"
        )
        parser.add_argument("--format", choices=("json",), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["scenario"]
        try:
            scenario = BASELINE if slug == BASELINE_SLUG else scenario_params(slug=slug)
        except ScenarioNotFound as error:
            raise CommandError(f"No scenario {slug!r}.") from error
        as_of = _day(options["as_of"]) if options["as_of"] else None
        try:
            projected = forecast(year=options["year"], basis=options["basis"], scenario=scenario, as_of=as_of)
        except ProjectionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(projected.as_json(), indent=2, ensure_ascii=False))
