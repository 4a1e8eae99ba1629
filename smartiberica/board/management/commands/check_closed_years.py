"""Recompute every closed year and report any figure that differs from its approved snapshot.

A difference means a write slipped past the lock (a restore, a manual SQL fix on SQLite, a
change of code): the exit code is then 1, so a scheduled run can alert.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from smartiberica.board.closing import closed_year_differences
from smartiberica.kernel.closed_years import closed_years


class Command(BaseCommand):
    help = "Compare each closed year's recomputed figures with its approved snapshot."

    def handle(self, *args: Any, **options: Any) -> None:
        differences = closed_year_differences()
        for d in differences:
            self.stdout.write(
                _("%(year)s (%(basis)s) %(key)s: approved %(approved)s, now %(now)s")
                % {"year": d.year, "basis": d.basis, "key": d.key, "approved": d.approved, "now": d.now}
            )
        if differences:
            raise CommandError(
                _("%(count)s figures of closed years differ from their snapshots.")
                % {"count": len(differences)}
            )
        self.stdout.write(_("%(count)s closed years match their snapshots.") % {"count": len(closed_years())})
