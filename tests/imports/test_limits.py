"""Imports have limits (size, unpacked size, rows, errors listed), refused up front with a message."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from funding.models import FundingSource
from smartiberica.kernel.importing import ImportResult
from tests.imports.test_admin import upload

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind\n"


@pytest.fixture
def limits(settings: Any) -> dict[str, int]:
    settings.IMPORT_LIMITS = {
        "MAX_UPLOAD_BYTES": 10_000,
        "MAX_XLSX_UNPACKED_BYTES": 100_000,
        "MAX_ROWS": 50,
        "MAX_ERRORS": 10,
    }
    return settings.IMPORT_LIMITS


def sources(count: int, kind: str = "parent_support") -> str:
    return HEADER + "".join(f"s{n},Source {n},{kind}\n" for n in range(count))


def test_a_file_above_the_size_limit_is_refused_before_reading(
    limits: dict[str, int], run: Callable[..., ImportResult]
) -> None:
    result = run("funding-sources", HEADER + "x" * 20_000)
    assert result.unreadable == "The file is larger than 0.01 MB: split it into smaller files."


def test_the_admin_refuses_a_file_above_the_size_limit(
    limits: dict[str, int], staff_client: HttpClient
) -> None:
    page = upload(staff_client, "funding-sources", (HEADER + "x" * 20_000).encode())
    assert page.status_code == 200
    assert "larger than 0.01 MB" in page.content.decode()
    assert FundingSource.objects.count() == 0


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_reading(
    limits: dict[str, int], run: Callable[..., ImportResult]
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * 1_000_000)  # compresses to ~1 KB
    assert len(buffer.getvalue()) < limits["MAX_UPLOAD_BYTES"]
    result = run("funding-sources", buffer.getvalue())
    assert result.unreadable is not None
    assert "more than 0.1 MB once unpacked" in result.unreadable


def test_a_file_with_more_rows_than_the_limit_is_refused(
    limits: dict[str, int], run: Callable[..., ImportResult]
) -> None:
    assert run("funding-sources", sources(50)).ok
    FundingSource.objects.all().delete()
    result = run("funding-sources", sources(51))
    assert result.unreadable == "The file has more than 50 rows: split it into smaller files."
    assert FundingSource.objects.count() == 0


def test_only_the_first_errors_are_listed_with_a_count_of_the_others(
    limits: dict[str, int], run: Callable[..., ImportResult]
) -> None:
    result = run("funding-sources", sources(40, kind="nonsense"))
    assert result.error_count == 40
    assert len(result.errors) == 10
    lines = result.error_lines()
    assert len(lines) == 11
    assert lines[-1] == "… and 30 more errors (only the first 10 are listed)."


def test_the_admin_preview_lists_the_first_errors_and_counts_them_all(
    limits: dict[str, int], staff_client: HttpClient
) -> None:
    page = upload(staff_client, "funding-sources", sources(40, kind="nonsense").encode())
    html = page.content.decode()
    assert html.count('class="refused"') == 10
    assert 'data-more-errors="30"' in html
