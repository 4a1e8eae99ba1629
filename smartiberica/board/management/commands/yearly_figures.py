"""Print a year's figures: the same object as the page, the API and the exports."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from smartiberica.board.figures import RATIO_NAMES, yearly_figures
from smartiberica.kernel.basis import BASES


class Command(BaseCommand):
    help = "Print the yearly figures of YEAR as JSON (public contract 1) or as a table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--basis", choices=BASES, default="accrual")
        parser.add_argument("--format", choices=("json", "table"), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        figures = yearly_figures(year=options["year"], basis=options["basis"])
        data = figures.as_json()
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        width = max(len(key) for key in data) + 2
        for key, value in data.items():
            if key == "ratios":
                for name in RATIO_NAMES:
                    self.stdout.write(
                        f"{'ratio.' + name:<{width + 6}}{value[name] if value[name] is not None else '—'}"
                    )
            elif isinstance(value, dict):
                for sub, amount in value.items():
                    self.stdout.write(f"{key + '.' + sub:<{width + 6}}{amount}")
            elif isinstance(value, list):
                for row in value:
                    self.stdout.write(f"{key + '.' + row['client']:<{width + 6}}{row['amount']}")
            else:
                self.stdout.write(f"{key:<{width + 6}}{'—' if value is None else value}")
