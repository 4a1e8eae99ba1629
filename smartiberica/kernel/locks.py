"""Waiting for a lock, but not for ever: a busy resource answers with a message, never a 500.

- `bounded_lock_wait()`: on PostgreSQL, the row locks taken inside wait at most
  `settings.LOCK_WAIT_SECONDS` (`SET LOCAL lock_timeout`), then fail with a lock timeout that
  `is_lock_timeout()` recognises. SQLite's writers already wait a bounded time (its busy
  timeout, then "database is locked").
- `try_import_lock()`: one import at a time (a PostgreSQL advisory lock held until the
  import's transaction ends); a second one is refused at once instead of deadlocking with
  the first. On SQLite the IMMEDIATE transactions serialise imports the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.db import OperationalError, connection
from django.utils.translation import gettext_lazy as _

ERR_DATABASE_BUSY = _("The database is busy with another operation (an import?): try again in a moment.")

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout
IMPORT_LOCK_KEY = 0x53494D50  # any constant bigint: the advisory lock of the imports


def lock_wait_seconds() -> float:
    return float(getattr(settings, "LOCK_WAIT_SECONDS", 5))


@contextlib.contextmanager
def bounded_lock_wait(seconds: float | None = None) -> Iterator[None]:
    """Inside a transaction: locks taken in the block wait at most `seconds` (PostgreSQL)."""
    if connection.vendor != "postgresql":
        yield
        return
    milliseconds = max(1, int((lock_wait_seconds() if seconds is None else seconds) * 1000))
    with connection.cursor() as cursor:
        # One round trip: the materialised CTE reads the previous value before it is replaced.
        cursor.execute(
            "WITH p AS MATERIALIZED (SELECT current_setting('lock_timeout') AS previous) "
            "SELECT previous, set_config('lock_timeout', %s, true) FROM p",
            [f"{milliseconds}ms"],
        )
        previous, _new = cursor.fetchone()
    yield
    # Only reached without an error (after one, the transaction is rolled back anyway).
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def is_lock_timeout(error: BaseException) -> bool:
    """A wait for a lock that gave up: PostgreSQL's lock_timeout, SQLite's "database is locked"."""
    if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def try_import_lock() -> bool:
    """Inside the import's transaction: True when no other import runs (PostgreSQL advisory lock)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        (acquired,) = cursor.fetchone()
    return bool(acquired)
