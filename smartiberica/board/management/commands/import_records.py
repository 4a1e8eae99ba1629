"""Import a CSV or XLSX file of records, all or nothing (public contract 2).

    python manage.py import_records <kind> <file> [--dry-run] [--user USERNAME]

Exit status 0 and a summary (created, updated, unchanged) when the whole file is valid, after any
warning as `row N, column C: warning: reason` (a row that looks wrong, imported all the same); exit
status 1 and every error as `row N, column C: reason` (rows numbered as a spreadsheet shows them, the
header is row 1) otherwise, with nothing written. A file that cannot be read at all gets one
message. The file is streamed: memory does not grow with its number of rows.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartiberica.board.imports import KINDS, import_records


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of records of one kind, all or nothing (see docs/import-formats.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file", help="CSV (UTF-8, comma or semicolon) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--user", help="username the audit trail records as the author (default: none)")

    def fail(self, lines: list[str]) -> NoReturn:
        for line in lines:
            self.stderr.write(line)
        sys.exit(1)

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                self.fail([_("No user is called “%(username)s”.") % {"username": options["user"]}])
        try:
            stream = open(options["file"], "rb")  # noqa: SIM115 - closed below
        except OSError as error:
            self.fail([_("The file cannot be opened: %(reason)s") % {"reason": error.strerror or error}])
        with stream:
            result = import_records(options["kind"], stream, user=user, dry_run=options["dry_run"])
        if not result.ok:
            lines = result.error_lines()
            if result.unreadable is None:
                count = result.error_count
                lines.append(
                    ngettext(
                        "%(count)s error: nothing was imported.",
                        "%(count)s errors: nothing was imported.",
                        count,
                    )
                    % {"count": count}
                )
            self.fail(lines)
        # Warnings go with the summary: the rows were imported, the exit status stays 0.
        for line in result.warning_lines():
            self.stdout.write(line)
        summary = f"{options['kind']}: {result.summary()}"
        if result.dry_run:
            summary += " " + _("(dry run: nothing was written)")
        self.stdout.write(summary)
