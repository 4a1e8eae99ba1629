"""Compare the figures from the rollups with the figures from the raw records, for every year.

Exit code 1 and every differing figure listed when they disagree (a write that bypassed the
actions): `rebuild_rollups` then puts them right.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from services.selectors import receivables_rollup_differences
from smartiberica.board.figures import years_with_data
from smartiberica.board.rollups import rollup_differences


class Command(BaseCommand):
    help = "Check that the rollups give the same figures as the raw records (exit 1 if not)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("years", nargs="*", type=int, help="only these years (default: every year)")

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["years"] or years_with_data()
        differences = rollup_differences(years)
        for d in differences:
            self.stdout.write(
                _("%(year)s (%(basis)s) %(key)s: records %(approved)s, rollups %(now)s")
                % {"year": d.year, "basis": d.basis, "key": d.key, "approved": d.approved, "now": d.now}
            )
        # The receivables' rows, the payment days, the partner shares, the contracts' months and the
        # kept ageings.
        rows = receivables_rollup_differences(options["years"] or None)
        for r in rows:
            self.stdout.write(
                _("%(table)s %(key)s: records %(records)s, rollups %(rollups)s")
                % {"table": r.table, "key": r.key, "records": r.records, "rollups": r.rollups}
            )
        if differences or rows:
            raise CommandError(
                _("%(count)s figures differ between the rollups and the records.")
                % {"count": len(differences) + len(rows)}
            )
        self.stdout.write(_("The rollups match the records for %(count)s years.") % {"count": len(years)})
