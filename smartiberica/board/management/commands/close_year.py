"""Approve (close) a finished year: public contract 3."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from smartiberica.board.closing import year_close


def user_named(username: str) -> Any:
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(_("No user is called %(name)s.") % {"name": username}) from None


def refusal(error: ValidationError) -> CommandError:
    return CommandError(" ".join(str(m) for m in error.messages))


class Command(BaseCommand):
    help = "Approve YEAR: store its figures on both bases and refuse every later write dated in it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--user", required=True, help="the board member or superuser who approves")
        parser.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["user"])
        try:
            approval = year_close(year=options["year"], user=user, note=options["note"])
        except ValidationError as error:
            raise refusal(error) from None
        self.stdout.write(
            _("%(year)s approved by %(user)s and closed.")
            % {"year": approval.year, "user": user.get_username()}
        )
