"""Read a CSV or XLSX file as a stream of rows, or refuse it with one clear message.

CSV: UTF-8 with or without a byte-order mark, comma or semicolon delimited (the
delimiter that makes sense of the header wins). XLSX: the first sheet. One
header row, whose names are matched without regard to case, spaces or
accents-free variants (`Issue date` = `issue_date`). Rows are yielded lazily,
numbered as a spreadsheet shows them (the header is row 1), so a file of any
size is read in constant memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.spreadsheet_safety import unescape_csv_text

ERR_EMPTY = _("The file is empty: it needs a header row and at least one row.")
ERR_NOT_TEXT = _("The file is neither a CSV text file nor an Excel (.xlsx) workbook.")
ERR_ENCODING = _("The file is not UTF-8 text (near byte %(position)s). Save it as CSV UTF-8 and try again.")
ERR_BAD_XLSX = _("The Excel file cannot be read: %(reason)s")
ERR_MISSING_COLUMNS = _("Missing columns: %(columns)s. The header must name: %(expected)s.")
ERR_UNKNOWN_COLUMNS = _("Unknown columns: %(columns)s. Allowed columns: %(expected)s.")
ERR_DUPLICATE_COLUMNS = _("Columns named twice: %(columns)s.")
ERR_TOO_MANY_VALUES = _("this row has more values than the header has columns")
ERR_CSV = _("The CSV file is malformed near row %(row)s: %(reason)s")
ERR_TOO_LARGE = _("The file is larger than %(limit)s MB: split it into smaller files.")
ERR_XLSX_TOO_LARGE = _(
    "The Excel file would take more than %(limit)s MB once unpacked: "
    "split it into smaller files, or save it as CSV."
)

SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (";", ",")


class UnreadableFile(Exception):
    """The whole file is refused; `message` says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, str]
    extra: bool = False  # more values than columns


def normalise_header(name: object) -> str:
    text = "" if name is None else str(name)
    return "_".join(text.strip().lower().replace("-", " ").split())


@dataclass
class Table:
    columns: list[str]
    rows: Iterator[Row]
    format: str  # "csv" or "xlsx"


def _check_header(columns: list[str], required: Iterable[str], optional: Iterable[str]) -> None:
    required, optional = list(required), list(optional)
    expected = ", ".join(required + optional)
    present = [c for c in columns if c]
    duplicates = sorted({c for c in present if present.count(c) > 1})
    if duplicates:
        raise UnreadableFile(str(ERR_DUPLICATE_COLUMNS % {"columns": ", ".join(duplicates)}))
    missing = [c for c in required if c not in present]
    if missing:
        raise UnreadableFile(str(ERR_MISSING_COLUMNS % {"columns": ", ".join(missing), "expected": expected}))
    unknown = [c for c in present if c not in required and c not in optional]
    if unknown:
        raise UnreadableFile(str(ERR_UNKNOWN_COLUMNS % {"columns": ", ".join(unknown), "expected": expected}))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # The shortest repr is what the person typed (1234.56, not 1234.5599999).
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, Decimal | int):
        return str(value)
    return str(value).strip()


def _rows(
    columns: list[str], records: Iterable[list[Any]], first_number: int, *, csv_escapes: bool = False
) -> Iterator[Row]:
    width = len(columns)
    for number, record in enumerate(records, start=first_number):
        if csv_escapes:
            # The apostrophe our CSV exports put before text a spreadsheet would run as a formula.
            record = [unescape_csv_text(v) for v in record]
        cells = [_cell_text(v) for v in record]
        if not any(cells):
            continue  # blank lines are not rows
        extra = len(cells) > width and any(cells[width:])
        cells = (cells + [""] * width)[:width]
        yield Row(number=number, values={c: v for c, v in zip(columns, cells, strict=True) if c}, extra=extra)


def _choose_delimiter(header_line: str, known: set[str]) -> str:
    def score(delimiter: str) -> tuple[int, int]:
        names = [normalise_header(n) for n in next(csv.reader([header_line], delimiter=delimiter), [])]
        return sum(n in known for n in names), len(names)

    return max(DELIMITERS, key=score)


def _open_csv(stream: IO[bytes], required: list[str], optional: list[str]) -> Table:
    head = stream.read(SNIFF_BYTES)
    if not head.strip(b"\xef\xbb\xbf \r\n\t"):
        raise UnreadableFile(str(ERR_EMPTY))
    if b"\x00" in head:
        raise UnreadableFile(str(ERR_NOT_TEXT))
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    try:
        first_text = decoder.decode(head, final=False)
    except UnicodeDecodeError as error:
        raise UnreadableFile(str(ERR_ENCODING % {"position": error.start + 1})) from None
    header_line = first_text.splitlines()[0] if first_text.splitlines() else first_text
    delimiter = _choose_delimiter(header_line, set(required) | set(optional))

    def text_chunks() -> Iterator[str]:
        yield first_text
        position = len(head)
        while chunk := stream.read(SNIFF_BYTES):
            try:
                yield decoder.decode(chunk, final=False)
            except UnicodeDecodeError as error:
                raise UnreadableFile(str(ERR_ENCODING % {"position": position + error.start + 1})) from None
            position += len(chunk)
        try:
            yield decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise UnreadableFile(str(ERR_ENCODING % {"position": position})) from None

    lines = _lines(text_chunks())
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableFile(str(ERR_EMPTY)) from None
    except csv.Error as error:
        raise UnreadableFile(str(ERR_CSV % {"row": 1, "reason": error})) from None
    columns = [normalise_header(name) for name in header]
    _check_header(columns, required, optional)

    def records() -> Iterator[list[str]]:
        try:
            yield from reader
        except csv.Error as error:
            raise UnreadableFile(str(ERR_CSV % {"row": reader.line_num, "reason": error})) from None

    return Table(
        columns=columns, rows=_rows(columns, records(), first_number=2, csv_escapes=True), format="csv"
    )


def _lines(chunks: Iterable[str]) -> Iterator[str]:
    """Split decoded text into lines, keeping line ends (csv needs them for quoted newlines)."""
    pending = ""
    for chunk in chunks:
        pending += chunk
        parts = pending.splitlines(keepends=True)
        pending = parts.pop() if parts and not parts[-1].endswith(("\n", "\r")) else ""
        yield from parts
    if pending:
        yield pending


def _limit(name: str) -> int:
    from django.conf import settings

    return int(settings.IMPORT_LIMITS[name])


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g}"


def _check_unpacked_size(stream: IO[bytes]) -> None:
    """Refuse a workbook (a zip bomb…) whose members unpack beyond the limit, before reading it.

    The sizes come from the zip's directory; zipfile never inflates a member past its declared
    size, so a lying directory cannot make the reading below unpack more.
    """
    limit = _limit("MAX_XLSX_UNPACKED_BYTES")
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableFile(str(ERR_BAD_XLSX % {"reason": error.__class__.__name__})) from None
    finally:
        stream.seek(0)
    if unpacked > limit:
        raise UnreadableFile(str(ERR_XLSX_TOO_LARGE % {"limit": _megabytes(limit)}))


def _open_xlsx(stream: IO[bytes], required: list[str], optional: list[str]) -> Table:
    from openpyxl import load_workbook

    _check_unpacked_size(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a corrupt workbook (BadZipFile, KeyError…)
        raise UnreadableFile(str(ERR_BAD_XLSX % {"reason": error.__class__.__name__})) from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise UnreadableFile(str(ERR_EMPTY))
    values = sheet.iter_rows(values_only=True)
    header: list[Any] | None = None
    skipped = 0
    for record in values:
        skipped += 1
        if any(_cell_text(v) for v in record):
            header = list(record)
            break
    if header is None:
        raise UnreadableFile(str(ERR_EMPTY))
    while header and _cell_text(header[-1]) == "":
        header.pop()
    columns = [normalise_header(name) for name in header]
    _check_header(columns, required, optional)

    def records() -> Iterator[list[Any]]:
        try:
            for record in values:
                yield list(record)
        except Exception as error:  # a truncated workbook fails while streaming
            raise UnreadableFile(str(ERR_BAD_XLSX % {"reason": error.__class__.__name__})) from None
        finally:
            workbook.close()

    return Table(columns=columns, rows=_rows(columns, records(), first_number=skipped + 1), format="xlsx")


def open_table(source: IO[bytes] | bytes, *, required: Iterable[str], optional: Iterable[str] = ()) -> Table:
    """Open `source` (a binary file or bytes) as a table with the given columns."""
    stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    required, optional = list(required), list(optional)
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    if size > _limit("MAX_UPLOAD_BYTES"):
        raise UnreadableFile(str(ERR_TOO_LARGE % {"limit": _megabytes(_limit("MAX_UPLOAD_BYTES"))}))
    start = stream.read(len(XLSX_MAGIC))
    stream.seek(0)
    if start == XLSX_MAGIC:
        return _open_xlsx(stream, required, optional)
    return _open_csv(stream, required, optional)
