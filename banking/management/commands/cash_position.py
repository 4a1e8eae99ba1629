"""Print the cash in every bank account, and in total, at the end of a day."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from banking.selectors import cash_position


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date wants a date as YYYY-MM-DD, not {value!r}.") from error


class Command(BaseCommand):
    help = "Print each bank account's balance and the total at the end of --date (today) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_day, default=None)
        parser.add_argument("--format", choices=("json",), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        position = cash_position(on=options["date"])
        self.stdout.write(json.dumps(position.as_json(), indent=2, ensure_ascii=False))
