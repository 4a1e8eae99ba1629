"""Record exports of any size within the worker timeout (docs/benchmarks.md, "Long admin requests").

django-import-export builds the whole file in memory before the first byte is sent, and walks a
queryset with `prefetch_related` page by page with OFFSET: every page re-sorts (and, for the
admin's annotated invoice list, re-computes) the whole list, so an export costs the square of its
rows (2,000 invoices took 26 s on SQLite). Here the ordered keys are read once and the records
fetched by key, a chunk at a time (linear); the CSV is streamed row by row as it is produced, and
the XLSX written row by row into a temporary file that is then streamed (a zip cannot be sent
before it is finished).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import FileResponse, StreamingHttpResponse

from smartiberica.kernel.spreadsheet_safety import escape_csv_text, xlsx_cell

CHUNK_ROWS = 1_000

M = TypeVar("M", bound=Model)


def iter_by_key_chunks(queryset: QuerySet[M], chunk_rows: int | None = None) -> Iterator[M]:
    """The queryset's records in its order, fetched `chunk_rows` at a time by primary key."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    keys = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(keys), chunk_rows):
        chunk = keys[start : start + chunk_rows]
        by_key = {obj.pk: obj for obj in queryset.order_by().filter(pk__in=chunk)}
        for key in chunk:
            if key in by_key:  # deleted meanwhile: skipped, like a row that no longer matches
                yield by_key[key]


class _Echo:
    """The file-like object `csv.writer` writes a row to: returns it instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_response(header: list[str], rows: Iterable[list[Any]], *, filename: str) -> StreamingHttpResponse:
    """A streamed CSV (as django-import-export/tablib writes it), text formulas made inert."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(["" if value is None else escape_csv_text(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(header: list[str], rows: Iterable[list[Any]], *, filename: str, title: str) -> FileResponse:
    """An XLSX written in write-only mode (constant memory) to an anonymous temporary file."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "Sheet")
    cells = []
    for name in header:
        cell = xlsx_cell(sheet, name)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    # Removed by the system when FileResponse closes it after the last byte.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
