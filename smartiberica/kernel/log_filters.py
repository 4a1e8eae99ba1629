"""Logging filters of the server console (LOGGING in settings)."""

from __future__ import annotations

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """Drops the traceback of a 4xx response's log record, keeping its one-line message.

    Django logs a refused request (403 PermissionDenied, 400 SuspiciousOperation) with the
    exception that produced it. That traceback says nothing about the server: the line
    "Forbidden (Permission denied): /admin/…" is all an operator needs. 5xx keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
