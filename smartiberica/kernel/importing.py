"""The shared machinery of the record imports (public contract 2): all or nothing, every error.

Each kind of record has an `Importer` in its own app (`funding.importers`, `services.importers`)
that says which columns it reads, how a row is parsed and how it is written through the app's
actions. `run_import()` streams the file through it inside one transaction:

- every row is parsed and, when valid, written at once (so that later rows see earlier ones and
  the database-level rules, e.g. "payments never exceed the amount due", are checked too);
- every error of the file is collected as `row N, column C: reason` (spreadsheet row numbers);
- at the end, any error (or a dry run) rolls the whole transaction back: nothing is written.

Only the keys already seen are kept in memory (to refuse a key given twice), never the rows, so
memory does not grow with the size of the rows. Writes are attributed, in the audit trail, to the
importing user (`history_user`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any, ClassVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartiberica.kernel.closed_years import closed_years_cached
from smartiberica.kernel.locks import is_lock_timeout, try_import_lock
from smartiberica.kernel.parsing import ParseError, parse_amount, parse_date, parse_integer, parse_month
from smartiberica.kernel.tabular import ERR_TOO_MANY_VALUES, Row, Table, UnreadableFile, open_table
from smartiberica.kernel.text import validate_single_line

ERR_REQUIRED = _("This value is required.")
ERR_DUPLICATE_KEY = _("the same key is already on row %(row)s.")
ERR_TOO_LONG = _("“%(value)s” is longer than %(max)s characters.")
ERR_NOT_IN_CHOICES = _("“%(value)s” is not one of: %(choices)s.")
ERR_DATABASE = _("the database refused this row (%(reason)s).")
ERR_NO_ROWS = _("The file has a header row but no records.")
ERR_TOO_MANY_ROWS = _("The file has more than %(limit)s rows: split it into smaller files.")
ERR_MORE_ERRORS = _("… and %(count)s more errors (only the first %(limit)s are listed).")
ERR_IMPORT_RUNNING = _("Another import is running: try again when it has finished. Nothing was imported.")
ERR_DATABASE_LOST = _("The database stopped answering during the import: nothing was imported. Try again.")

#: The contract's error line. Kept literal (not translated) so that scripts can read it; the reason is
#: the translated message the admin and the forms show.
ERROR_LINE = "row {row}, column {column}: {reason}"
#: A warning: the row is imported, but something in it looks wrong (literal too, for scripts).
WARNING_LINE = "row {row}, column {column}: warning: {reason}"

# `RowReader.date` (a method) hides the type's name inside its class.
Day = date

# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    line: ClassVar[str] = ERROR_LINE

    def __str__(self) -> str:
        # One error, one line: control characters quoted from the file (a newline inside a
        # quoted cell) are shown escaped, never as line breaks.
        reason = "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.message)
        return self.line.format(row=self.row, column=self.column, reason=reason)


@dataclass(frozen=True)
class RowWarning(RowError):
    """Something of a row that looks wrong but is imported all the same (e.g. a loan payment as expense)."""

    line: ClassVar[str] = WARNING_LINE


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class RowReport:
    """What happened (or would happen) to one row, for the admin's preview."""

    row: int
    outcome: str  # created / updated / unchanged
    key: str
    values: Mapping[str, str]  # the row's columns as read
    changes: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # column -> (before, after)
    # The row's amounts (the importer's `amount_columns`), so that the preview shows what is imported.
    amounts: Mapping[str, Decimal] = field(default_factory=dict)


def import_limit(name: str) -> int:
    """A limit of the imports (settings.IMPORT_LIMITS, see docs/import-formats.md)."""
    return int(settings.IMPORT_LIMITS[name])


class CappedErrors(list[RowError]):
    """The errors of a file: all counted (`total`), only the first `limit` kept in memory."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = import_limit("MAX_ERRORS") if limit is None else limit
        self.total = 0

    def append(self, error: RowError) -> None:
        self.total += 1
        if len(self) < self.limit:
            super().append(error)

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.append(error)


@dataclass
class ImportResult:
    kind: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: CappedErrors = field(default_factory=CappedErrors)
    unreadable: str | None = None  # the one message of a file that cannot be read at all
    reports: list[RowReport] = field(default_factory=list)  # at most `keep_reports` of each outcome
    columns: list[str] = field(default_factory=list)
    warnings: CappedErrors = field(default_factory=CappedErrors)  # RowWarning: rows imported all the same
    rows_read: int = 0  # the file's rows read, up to the first fault that stops the import

    @property
    def ok(self) -> bool:
        return self.unreadable is None and not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, outcome: str) -> int:
        return {CREATED: self.created, UPDATED: self.updated, UNCHANGED: self.unchanged}[outcome]

    def summary(self) -> str:
        return gettext("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    @property
    def grouped_reports(self) -> list[tuple[str, list[RowReport]]]:
        """The reports kept, new rows first, then changed, then unchanged (for the preview)."""
        groups = [(o, [r for r in self.reports if r.outcome == o]) for o in (CREATED, UPDATED, UNCHANGED)]
        return [(outcome, reports) for outcome, reports in groups if reports]

    def error_lines(self) -> list[str]:
        if self.unreadable is not None:
            return [self.unreadable]
        lines = [str(error) for error in self.errors]
        if self.more_errors:
            lines.append(str(ERR_MORE_ERRORS % {"count": self.more_errors, "limit": len(self.errors)}))
        return lines

    def warning_lines(self) -> list[str]:
        return [str(warning) for warning in self.warnings]

    @property
    def more_errors(self) -> int:
        """Errors counted but not listed (beyond the limit)."""
        return self.error_count - len(self.errors)

    @property
    def error_count(self) -> int:
        """Every error of the file, including those not listed."""
        return max(getattr(self.errors, "total", 0), len(self.errors))


# --- Row errors -----------------------------------------------------------------------------------


class RowInvalid(Exception):
    """One or more errors of a row: [(column, message), …]."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(errors)
        self.errors = errors


Validators = tuple[Callable[[Any], object], ...] | list[Callable[[Any], object]]


class RowReader:
    """Read a row's cells, collecting one error per bad column (raise them all with `check()`)."""

    def __init__(self, row: Row, columns: set[str]) -> None:
        self.row = row
        self.columns = columns  # the columns present in the file
        self.errors: list[tuple[str, str]] = []

    def has(self, column: str) -> bool:
        return column in self.columns

    def raw(self, column: str) -> str:
        return self.row.values.get(column, "").strip()

    def fail(self, column: str, message: object) -> None:
        self.errors.append((column, str(message)))

    def _read(
        self, column: str, parse: Callable[[str], Any], *, required: bool, validators: Validators = ()
    ) -> Any:
        text = self.raw(column)
        if not text:
            if required:
                self.fail(column, ERR_REQUIRED)
            return None
        try:
            value = parse(text)
        except ParseError as error:
            self.fail(column, error.message)
            return None
        return self.validate(column, value, validators)

    def validate(self, column: str, value: Any, validators: Validators) -> Any:
        """Run the apps' own rules on a value (the admin's validators), reporting on `column`."""
        for validator in validators:
            try:
                validator(value)
            except ValidationError as error:
                for message in error.messages:
                    self.fail(column, message)
                return None
        return value

    def text(self, column: str, *, required: bool = True, max_length: int | None = None) -> str:
        text = self.raw(column)
        if required and not text:
            self.fail(column, ERR_REQUIRED)
        elif max_length is not None and len(text) > max_length:
            self.fail(column, ERR_TOO_LONG % {"value": text[:40], "max": max_length})
        return text

    def choice(self, column: str, choices: list[str], *, default: str) -> str:
        text = self.raw(column).lower()
        if not text:
            return default
        if text not in choices:
            self.fail(column, ERR_NOT_IN_CHOICES % {"value": self.raw(column), "choices": ", ".join(choices)})
            return default
        return text

    def amount(self, column: str, *, required: bool = True, validators: Validators = ()) -> Decimal | None:
        return self._read(column, parse_amount, required=required, validators=validators)

    def date(self, column: str, *, required: bool = True) -> date | None:
        return self._read(column, parse_date, required=required)

    def month(self, column: str, *, required: bool = True) -> Day | None:
        return self._read(column, parse_month, required=required)

    def integer(self, column: str, *, required: bool = True, validators: Validators = ()) -> int | None:
        return self._read(column, parse_integer, required=required, validators=validators)

    def check(self) -> None:
        if self.errors:
            raise RowInvalid(self.errors)


def validation_errors(
    error: ValidationError, columns: Mapping[str, str], default: str
) -> list[tuple[str, str]]:
    """A model or rule ValidationError as (column, message) pairs; fields named as the file's columns."""
    if hasattr(error, "error_dict"):
        pairs: list[tuple[str, str]] = []
        for name, messages in error.message_dict.items():
            column = default if name == NON_FIELD_ERRORS else columns.get(name, default)
            pairs.extend((column, message) for message in messages)
        return pairs
    return [(default, message) for message in error.messages]


def control_character_errors(row: Row) -> list[RowError]:
    """Every cell is single-line printable text: a NUL byte never reaches the database."""
    errors: list[RowError] = []
    for column, value in row.values.items():
        try:
            validate_single_line(value)
        except ValidationError as error:
            errors.extend(RowError(row.number, column, message) for message in error.messages)
    return errors


# --- Audit trail ----------------------------------------------------------------------------------


@dataclass
class _HistoryRequest:
    user: Any


@contextlib.contextmanager
def history_user(user: Any) -> Iterator[None]:
    """Attribute the history rows written inside to `user` (None: the system), as the admin does."""
    context: threading.local = HistoricalRecords.context
    missing = object()
    previous = getattr(context, "request", missing)
    if user is not None and getattr(user, "is_authenticated", False):
        context.request = _HistoryRequest(user=user)
    elif previous is not missing:
        del context.request
    try:
        yield
    finally:
        if previous is missing:
            if hasattr(context, "request"):
                del context.request
        else:
            context.request = previous


# --- Importers ------------------------------------------------------------------------------------


def shown(value: object) -> str:
    """A value as the file would spell it (ISO dates, plain decimals, empty for None)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def differences(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, tuple[str, str]]:
    """The columns whose value would change: {column: (before, after)} as shown in the file."""
    return {
        column: (shown(before.get(column)), shown(value))
        for column, value in after.items()
        if shown(before.get(column)) != shown(value)
    }


@dataclass(frozen=True)
class Applied:
    outcome: str
    key: str
    changes: Mapping[str, tuple[str, str]] = field(default_factory=dict)


class Importer:
    """One kind of record. Subclasses set the class attributes and implement `parse` and `apply`.

    - `parse(reader)` reads the row (raising `RowInvalid` through `reader.check()`) and returns
      anything `key()` and `apply()` understand;
    - `apply(parsed, row_number)` writes through the app's actions and returns an `Applied`; a
      `ValidationError` it raises is reported on the columns named by `field_columns`;
    - `flush()` writes what a batching importer still holds and returns the errors of those rows.
    """

    kind: ClassVar[str]
    required: ClassVar[tuple[str, ...]]
    optional: ClassVar[tuple[str, ...]] = ()
    #: model field name -> column, to report a model's ValidationError on the right column
    field_columns: ClassVar[Mapping[str, str]] = {}
    #: where errors that concern no field in particular are reported
    default_column: ClassVar[str]
    #: where a key given twice is reported (the last column of the key)
    key_column: ClassVar[str]
    #: the money columns the preview shows beside each row's key
    amount_columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, user: Any = None) -> None:
        self.user = user
        self.columns: set[str] = set()
        #: `run_import` gives the importer its result's (capped) list
        self.warnings: list[RowError] = []

    def start(self, columns: list[str]) -> None:
        self.columns = set(columns)

    def parse(self, reader: RowReader) -> Any:
        raise NotImplementedError

    def key(self, parsed: Any) -> Hashable:
        raise NotImplementedError

    def apply(self, parsed: Any, row: int) -> Applied | None:
        """Write the row, or return None when a batching importer keeps it for `flush()`."""
        raise NotImplementedError

    def flush_needed(self, parsed: Any = None) -> bool:
        """A batching importer: True when its rows must be written now (before `parsed`, if given)."""
        return False

    def flush(self) -> tuple[list[Applied | None], list[RowError]]:
        """Write the rows held back; (their outcomes in order, the errors of those rows)."""
        return [], []

    def errors_of(self, error: ValidationError) -> list[tuple[str, str]]:
        return validation_errors(error, self.field_columns, self.default_column)

    def warn(self, row: int, column: str, message: object) -> None:
        """Report something that looks wrong on a row that is imported all the same."""
        self.warnings.append(RowWarning(row, column, str(message)))


class _Rollback(Exception):
    pass


# Each app registers its importers by kind when it is ready (apps.py), so the kernel's import
# jobs can run any kind without importing an app.
_IMPORTERS: dict[str, type[Importer]] = {}


def register_importers(importers: Mapping[str, type[Importer]]) -> None:
    """Make each importer of `importers` (kind: class) runnable by its kind."""
    _IMPORTERS.update(importers)


def importer_for(kind: str) -> type[Importer]:
    """The importer registered for `kind` (KeyError for an unknown kind)."""
    return _IMPORTERS[kind]


class _RowRefused(Exception):
    """A row is refused with these errors; the import goes on with the next row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__()
        self.errors = errors


class _ImportRun:
    """The rows of one import streamed through its importer: refused rows become errors, written
    rows are counted (and the first `keep_reports` of each outcome reported)."""

    def __init__(self, importer: Importer, table: Table, result: ImportResult, *, keep_reports: int) -> None:
        self.importer = importer
        self.table = table
        self.result = result
        self.keep_reports = keep_reports
        self.kept: dict[str, int] = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        self.pending: dict[int, dict[str, str]] = {}  # rows a batching importer holds: values, for reports
        self.seen: dict[Hashable, int] = {}
        self.rows_read = 0

    def read_all(self, *, on_progress: Callable[[int], None] | None, progress_every: int) -> None:
        max_rows = import_limit("MAX_ROWS")
        for row in self.table.rows:
            self.rows_read += 1
            if self.rows_read > max_rows:
                self.result.unreadable = str(ERR_TOO_MANY_ROWS % {"limit": max_rows})
                raise _Rollback
            if on_progress is not None and self.rows_read % progress_every == 0:
                on_progress(self.rows_read)
            try:
                self.import_row(row)
            except _RowRefused as refused:
                self.result.errors.extend(refused.errors)
        self.flush()

    def import_row(self, row: Row) -> None:
        parsed = self.parsed(row)
        if self.importer.flush_needed(parsed):
            self.flush()
        applied = self.applied(parsed, row.number)
        if applied is None:
            self.pending[row.number] = dict(row.values) if self.keep_reports else {}
        else:
            self.record(applied, row.number, row.values)
        if self.importer.flush_needed():
            self.flush()

    def parsed(self, row: Row) -> Any:
        """The row as the importer reads it, once its key is known to be new."""
        if row.extra:
            raise _RowRefused([RowError(row.number, self.table.columns[-1], str(ERR_TOO_MANY_VALUES))])
        refused = control_character_errors(row)
        if refused:
            raise _RowRefused(refused)
        reader = RowReader(row, self.importer.columns)
        try:
            parsed = self.importer.parse(reader)
            reader.check()
        except RowInvalid as invalid:
            raise _RowRefused([RowError(row.number, c, m) for c, m in invalid.errors]) from None
        key = self.importer.key(parsed)
        if key is not None:
            if key in self.seen:
                message = str(ERR_DUPLICATE_KEY % {"row": self.seen[key]})
                raise _RowRefused([RowError(row.number, self.importer.key_column, message)])
            self.seen[key] = row.number
        return parsed

    def applied(self, parsed: Any, row: int) -> Applied | None:
        try:
            # The actions write inside their own savepoints: a refused row leaves the
            # transaction usable, so the rest of the file is still checked.
            return self.importer.apply(parsed, row)
        except ValidationError as error:
            raise _RowRefused([RowError(row, c, m) for c, m in self.importer.errors_of(error)]) from None
        except (OperationalError, InterfaceError):
            raise  # the database is gone or busy: the whole import stops (run_import)
        except DatabaseError as error:  # a constraint the rules did not foresee
            message = str(ERR_DATABASE % {"reason": error})
            raise _RowRefused([RowError(row, self.importer.default_column, message)]) from None

    def record(self, applied: Applied | None, row: int, values: Mapping[str, str]) -> None:
        if applied is None:
            return
        result = self.result
        setattr(result, applied.outcome, result.count(applied.outcome) + 1)
        if self.keep_reports and self.kept[applied.outcome] < self.keep_reports:
            self.kept[applied.outcome] += 1
            amounts = {
                column: parse_amount(values[column])
                for column in self.importer.amount_columns
                if values.get(column, "").strip()
            }
            result.reports.append(
                RowReport(row, applied.outcome, applied.key, dict(values), applied.changes, amounts)
            )

    def flush(self) -> None:
        applied_rows, errors = self.importer.flush()
        for applied, (row, values) in zip(applied_rows, list(self.pending.items()), strict=False):
            self.record(applied, row, values)
        self.result.errors.extend(errors)
        self.pending.clear()


def run_import(
    importer: Importer,
    source: IO[bytes] | bytes,
    *,
    dry_run: bool = False,
    keep_reports: int = 0,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 1_000,
) -> ImportResult:
    """Import `source` all or nothing; see the module docstring."""
    result = ImportResult(kind=importer.kind, dry_run=dry_run)
    try:
        table = open_table(source, required=importer.required, optional=importer.optional)
    except UnreadableFile as error:
        result.unreadable = error.message
        return result
    result.columns = list(table.columns)
    importer.warnings = result.warnings
    importer.start([c for c in table.columns if c])
    run = _ImportRun(importer, table, result, keep_reports=keep_reports)
    try:
        with history_user(importer.user), transaction.atomic():
            if not try_import_lock():
                result.unreadable = str(ERR_IMPORT_RUNNING)
                raise _Rollback
            # The closed years are read once for the file, not once per row.
            with closed_years_cached():
                run.read_all(on_progress=on_progress, progress_every=progress_every)
            if run.rows_read == 0:
                result.unreadable = str(ERR_NO_ROWS)
            if not result.ok or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except UnreadableFile as error:  # found while streaming: an encoding error on row 5 000…
        result.unreadable = error.message
    except (OperationalError, InterfaceError) as error:
        # Another import holds the write lock (SQLite), or the connection was lost: the
        # transaction is rolled back, nothing is written.
        result.unreadable = str(ERR_IMPORT_RUNNING if is_lock_timeout(error) else ERR_DATABASE_LOST)
    result.rows_read = run.rows_read
    if not result.ok:
        result.created = result.updated = result.unchanged = 0
        result.reports = []
    result.errors.sort(key=lambda e: e.row)
    result.warnings.sort(key=lambda w: w.row)
    return result
