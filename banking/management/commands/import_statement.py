"""Import a bank statement file (Norma 43 or CAMT.053, told apart by their content)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from banking.actions import statement_import
from smartiberica.kernel.statements import StatementFileError, read_statement_file


class Command(BaseCommand):
    help = (
        "Import the bank statements of FILE (Norma 43 or CAMT.053): all or nothing; the account is "
        "read from the file and created when new; importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        try:
            parsed = read_statement_file(data)
            outcome = statement_import(parsed=parsed, file_name=path.name, dry_run=options["dry_run"])
        except StatementFileError as error:
            raise CommandError(f"{path.name}: {error}") from error
        except ValidationError as error:
            raise CommandError(f"{path.name}: {' '.join(error.messages)}") from error
        for done in outcome.statements:
            state = "already imported" if done.already_imported else f"{done.lines} lines"
            new = " (new account)" if done.new_account else ""
            self.stdout.write(
                f"{done.iban}{new} {done.account_name}: {done.opening_date} – {done.closing_date}, {state}"
            )
        verb = "would import" if outcome.dry_run else "imported"
        self.stdout.write(f"{outcome.format}: {verb} {outcome.lines_imported} lines.")
