"""The seven kinds of record imports (public contract 2), for the command and the admin.

The importers live in their apps (`funding.importers`, `services.importers`), which register them
with the kernel when they are ready; this module lists them in the contract's order for
`manage.py import_records` and the docs. The machinery they share is
`smartiberica.kernel.importing`.
"""

from __future__ import annotations

from typing import IO, Any

from smartiberica.kernel.importing import Importer, ImportResult, importer_for, run_import

KINDS: dict[str, type[Importer]] = {
    kind: importer_for(kind)
    for kind in (
        "funding-sources",
        "funding-receipts",
        "expenses",
        "invoices",
        "payments",
        "refunds",
        "member-turnover",
    )
}


def import_records(
    kind: str, source: IO[bytes] | bytes, *, user: Any = None, dry_run: bool = False, keep_reports: int = 0
) -> ImportResult:
    """Import a file of `kind` all or nothing, as `user` (None: the system)."""
    return run_import(KINDS[kind](user=user), source, dry_run=dry_run, keep_reports=keep_reports)
