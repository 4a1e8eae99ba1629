"""E-mail each subscribed user the alerts that are new or changed since the last digest.

Meant for a daily cron line or systemd timer (docs/deploy.md); idempotent: a second run the same
day sends nothing new. Ends by printing how many e-mails it sent. `--dry-run` says what it would
send and writes nothing; `--on YYYY-MM-DD` judges another day than today (docs/alerts.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartiberica.board.digest import send_digest
from smartiberica.kernel.dates import today


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("--on takes a date as YYYY-MM-DD, not %(value)s.") % {"value": value}) from error


class Command(BaseCommand):
    help = "E-mail each subscribed user the alerts that are new or changed since the last digest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be sent; send and record nothing"
        )
        parser.add_argument("--on", default="", help="the day to judge, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        on = _day(options["on"]) if options["on"] else today()
        dry_run: bool = options["dry_run"]
        report = send_digest(on=on, dry_run=dry_run)
        for line in report.lines:
            self.stdout.write(line)
        if report.without_email:
            self.stdout.write(
                ngettext(
                    "Skipped %(count)d user without an e-mail address: %(users)s.",
                    "Skipped %(count)d users without an e-mail address: %(users)s.",
                    len(report.without_email),
                )
                % {"count": len(report.without_email), "users": ", ".join(report.without_email)}
            )
        if dry_run:
            summary = ngettext(
                "Dry run: %(count)d e-mail would be sent.",
                "Dry run: %(count)d e-mails would be sent.",
                report.sent,
            )
        else:
            summary = ngettext("Sent %(count)d e-mail.", "Sent %(count)d e-mails.", report.sent)
        self.stdout.write(summary % {"count": report.sent})
        if report.failed:
            raise CommandError(
                ngettext(
                    "%(count)d e-mail could not be sent; the next run tries again.",
                    "%(count)d e-mails could not be sent; the next run tries again.",
                    len(report.failed),
                )
                % {"count": len(report.failed)}
            )
