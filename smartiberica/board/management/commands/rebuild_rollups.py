"""Recompute the monthly rollups of both apps from the records (after a bulk load or a restore)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from smartiberica.board.rollups import rollups_rebuild


class Command(BaseCommand):
    help = "Recompute the monthly rollups the board's pages read from the records."

    def handle(self, *args: Any, **options: Any) -> None:
        rollups_rebuild()
        self.stdout.write(_("Rollups rebuilt."))
