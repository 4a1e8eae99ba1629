"""Admin imports run outside the web request (issue 16: a 100,000-invoice preview took 70-160 s).

The admin stores the upload, creates an `ImportJob` and `start`s it: once the request commits, a
background thread runs the importer (`run_job`) and the user is sent to the job page, which shows
a progress bar, reloads itself every 2 s while the job runs and shows the preview or the result
when it is done. The user may leave and come back: the import page lists their recent jobs.

Progress (rows read, every 1,000 rows) is written to a small file beside the upload, not to the
job's row: the import runs in one transaction that holds SQLite's write lock for its whole length
and a dry run is rolled back, so an UPDATE of the job from inside it would neither be seen nor
survive. The job's row is written before (running) and after (done / failed) the import.

A job whose thread died with its worker (restart, deploy) is shown failed once neither the job nor
its progress moved for `STALE_AFTER`. Settings: `IMPORT_JOBS_INLINE` runs jobs in the request
(tests).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.importing import (
    CREATED,
    UNCHANGED,
    UPDATED,
    ImportResult,
    RowError,
    RowReport,
    RowWarning,
    importer_for,
    run_import,
)
from smartiberica.kernel.models import ImportJob

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 200  # rows of each outcome listed in the preview (all are counted)
PROGRESS_EVERY = 1_000  # rows between two progress writes
STALE_AFTER = timedelta(minutes=10)

ERR_UPLOAD_EXPIRED = _("The uploaded file is no longer available: upload it again.")
ERR_JOB_CRASHED = _("The import stopped unexpectedly; nothing was written. Upload the file again.")
ERR_JOB_STALE = _(
    "The import stopped without finishing (the server was restarted); nothing was written. "
    "Upload the file again."
)


def upload_dir() -> Path:
    from smartiberica.kernel.import_admin import UPLOAD_DIR

    return UPLOAD_DIR


def progress_path(token: str) -> Path:
    return upload_dir() / f"{token}.progress"


def estimate_rows(path: Path) -> int | None:
    """The rows of a CSV file (its lines but the header); None for an Excel file."""
    with path.open("rb") as stream:
        if stream.read(4) == b"PK\x03\x04":
            return None
        stream.seek(0)
        lines = 0
        last = b""
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk
        if last and not last.endswith(b"\n"):
            lines += 1
    return max(lines - 1, 0)


# --- The result, stored as JSON and read back for the pages ----------------------------------------


def result_json(outcome: ImportResult) -> dict[str, Any]:
    return {
        "unreadable": outcome.unreadable,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "error_count": outcome.error_count,
        "errors": [[e.row, e.column, e.message] for e in outcome.errors],
        "warnings": [[w.row, w.column, w.message] for w in outcome.warnings],
        "reports": [
            [
                r.outcome,
                r.row,
                r.key,
                {c: list(change) for c, change in r.changes.items()},
                {c: str(amount) for c, amount in r.amounts.items()},
            ]
            for r in outcome.reports
        ],
    }


class StoredResult:
    """A job's result as the pages read it: the attributes of `ImportResult` the template uses."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.unreadable: str | None = data.get("unreadable")
        self.created: int = data.get("created", 0)
        self.updated: int = data.get("updated", 0)
        self.unchanged: int = data.get("unchanged", 0)
        self.error_count: int = data.get("error_count", 0)
        self.errors = [RowError(*e) for e in data.get("errors", [])]
        self.warnings = [RowWarning(*w) for w in data.get("warnings", [])]
        self.reports = [
            RowReport(
                row,
                outcome,
                key,
                {},
                {c: tuple(v) for c, v in changes.items()},
                # Jobs stored before the preview showed amounts have four parts.
                {c: Decimal(a) for c, a in (amounts[0] if amounts else {}).items()},
            )
            for outcome, row, key, changes, *amounts in data.get("reports", [])
        ]

    @property
    def ok(self) -> bool:
        return self.unreadable is None and not self.errors

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def grouped_reports(self) -> list[tuple[str, list[RowReport]]]:
        groups = [(o, [r for r in self.reports if r.outcome == o]) for o in (CREATED, UPDATED, UNCHANGED)]
        return [(outcome, reports) for outcome, reports in groups if reports]

    def summary(self) -> str:
        return ImportResult(
            kind="", created=self.created, updated=self.updated, unchanged=self.unchanged
        ).summary()

    def error_lines(self) -> list[str]:
        return [self.unreadable] if self.unreadable is not None else [str(e) for e in self.errors]


# --- What a page shows of a job ---------------------------------------------------------------------


def last_moved(job: ImportJob) -> Any:
    moved = job.updated
    with contextlib.suppress(OSError):
        mtime = progress_path(job.token).stat().st_mtime
        moved = max(moved, datetime.fromtimestamp(mtime, tz=UTC))
    return moved


def shown_state(job: ImportJob) -> tuple[str, str]:
    """The state to show and its message: a queued or running job that stopped moving has failed."""
    if job.state in (ImportJob.QUEUED, ImportJob.RUNNING) and last_moved(job) < timezone.now() - STALE_AFTER:
        return ImportJob.FAILED, str(ERR_JOB_STALE)
    return job.state, job.message


def rows_read(job: ImportJob) -> int:
    if job.state == ImportJob.RUNNING:
        with contextlib.suppress(OSError, ValueError):
            return int(progress_path(job.token).read_text() or 0)
    return job.rows_read


# --- Running a job ----------------------------------------------------------------------------------


def start(job: ImportJob) -> None:
    """Run `job` once the current transaction commits, in a thread (or now, if IMPORT_JOBS_INLINE)."""
    if getattr(settings, "IMPORT_JOBS_INLINE", False):
        run_job(job.pk)
        return
    pk = job.pk
    transaction.on_commit(
        lambda: threading.Thread(
            target=_thread_main, args=(pk,), name=f"import-job-{pk}", daemon=True
        ).start()
    )


def _thread_main(pk: int) -> None:
    close_old_connections()
    try:
        run_job(pk)
    finally:
        connection.close()


def run_job(pk: int) -> None:
    """Run the importer of job `pk` (queued) and store its result; a job already started is left alone."""
    from smartiberica.kernel.import_admin import upload_path

    if not ImportJob.objects.filter(pk=pk, state=ImportJob.QUEUED).update(
        state=ImportJob.RUNNING, updated=timezone.now()
    ):
        return
    job = ImportJob.objects.select_related("user").get(pk=pk)
    progress = progress_path(job.token)

    def on_progress(rows: int) -> None:
        with contextlib.suppress(OSError):
            progress.write_text(str(rows))

    state, message, result, read = ImportJob.FAILED, "", None, 0
    try:
        path = upload_path(job.token)
        with path.open("rb") as stream:
            outcome = run_import(
                importer_for(job.kind)(user=job.user),
                stream,
                dry_run=job.dry_run,
                keep_reports=PREVIEW_ROWS,
                on_progress=on_progress,
                progress_every=PROGRESS_EVERY,
            )
        state, result, read = ImportJob.DONE, result_json(outcome), outcome.rows_read
        if not job.dry_run or not outcome.ok:
            path.unlink(missing_ok=True)  # used up, or refused: it will not be confirmed
    except FileNotFoundError:
        message = str(ERR_UPLOAD_EXPIRED)
    except Exception:
        logger.exception("import job %s failed", pk)
        message = str(ERR_JOB_CRASHED)
    finally:
        progress.unlink(missing_ok=True)
    ImportJob.objects.filter(pk=pk).update(
        state=state, message=message, result=result, rows_read=read, updated=timezone.now()
    )
