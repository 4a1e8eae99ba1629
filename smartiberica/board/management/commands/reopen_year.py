"""Reopen an approved year (superusers only, with a reason): public contract 3."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from smartiberica.board.closing import year_reopen
from smartiberica.board.management.commands.close_year import refusal, user_named


class Command(BaseCommand):
    help = "Reopen the approved YEAR (superusers only); the reason stays in the year's history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--user", required=True, help="a superuser")
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["user"])
        try:
            year_reopen(year=options["year"], user=user, reason=options["reason"])
        except ValidationError as error:
            raise refusal(error) from None
        self.stdout.write(_("%(year)s reopened.") % {"year": options["year"]})
