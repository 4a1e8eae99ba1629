"""A refused request is one line in the server console, not a traceback printed twice."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from smartiberica.kernel.log_filters import ClientErrorsOnOneLine


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the configured console handler (the server's stderr) prints during the test."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ClientErrorsOnOneLine) for f in h.filters)
    ]
    assert len(handlers) == 1, "LOGGING has one console handler with the one-line filter"
    handler = handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def _django_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("django")]


@pytest.mark.django_db
def test_a_refused_admin_page_logs_one_line_without_a_traceback(
    board_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = board_client.get("/admin/services/invoice/add/")
    assert response.status_code == 403
    records = _django_records(caplog)
    assert [r.getMessage() for r in records] == [
        "Forbidden (Permission denied): /admin/services/invoice/add/"
    ]
    assert records[0].exc_info is None


@pytest.mark.django_db
def test_the_console_prints_a_refusal_once_even_in_debug(
    board_client: Client, console: io.StringIO, settings: Any
) -> None:
    # Django's own console handler only prints in debug: that is when the refusal came out twice.
    settings.DEBUG = True
    assert board_client.get("/admin/services/invoice/add/").status_code == 403
    assert Client().get("/api/years/2024/").status_code == 401
    assert console.getvalue().splitlines() == [
        "Forbidden (Permission denied): /admin/services/invoice/add/",
        "Unauthorized: /api/years/2024/",
    ]


def test_a_server_error_keeps_its_traceback() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", None, None
        )
        record.exc_info = __import__("sys").exc_info()
    record.status_code = 500
    assert ClientErrorsOnOneLine().filter(record) is True
    assert record.exc_info is not None
