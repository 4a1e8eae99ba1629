"""The seven kinds of record imports (public contract 2), for the command and the admin.

The importers live in their apps (`funding.importers`, `services.importers`); this registry puts
them side by side for `manage.py import_records` and the docs. The machinery they share is
`smartiberica.lib.importing`.
"""

from __future__ import annotations

from typing import IO, Any

from funding.importers import IMPORTERS as FUNDING_IMPORTERS
from services.importers import IMPORTERS as SERVICES_IMPORTERS
from smartiberica.lib.importing import Importer, ImportResult, run_import

KINDS: dict[str, type[Importer]] = {
    kind: importer
    for kind in (
        "funding-sources",
        "funding-receipts",
        "expenses",
        "invoices",
        "payments",
        "refunds",
        "member-turnover",
    )
    for importer in [{**FUNDING_IMPORTERS, **SERVICES_IMPORTERS}[kind]]
}


def import_records(
    kind: str, source: IO[bytes] | bytes, *, user: Any = None, dry_run: bool = False, keep_reports: int = 0
) -> ImportResult:
    """Import a file of `kind` all or nothing, as `user` (None: the system)."""
    return run_import(KINDS[kind](user=user), source, dry_run=dry_run, keep_reports=keep_reports)
