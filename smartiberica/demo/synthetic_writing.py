"""How the generator writes: rows in batches by COPY (PostgreSQL) or executemany (SQLite), with
explicit primary keys, into tables whose secondary indexes may be built once at the end."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model

BATCH = 5000


class Sink:
    """Rows for one table, flushed in batches by COPY (PostgreSQL) or executemany (SQLite)."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.columns = list(columns)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def close(self) -> None:
        """Flush, then move the primary-key sequence past the explicit ids (PostgreSQL)."""
        self.flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                    cursor.execute(statement)

    def flush(self) -> None:
        if not self.rows:
            return
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                for row in self.rows:
                    buffer.write("\t".join("\\N" if v is None else str(v) for v in row))
                    buffer.write("\n")
                raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
                with raw.copy(f"COPY {connection.ops.quote_name(self.table)} ({quoted}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(self.table)} ({quoted}) VALUES ({marks})",
                    self.rows,
                )
        self.written += len(self.rows)
        self.rows = []


@contextmanager
def indexes_built_after(models: Sequence[type[Model]], *, enabled: bool) -> Iterator[None]:
    """Load empty PostgreSQL tables without their secondary indexes and foreign keys, then build them.

    Building an index over a million rows once is much cheaper than updating it a million times,
    and re-adding a foreign key checks every row in one join instead of one trigger per row.
    Primary keys and unique indexes stay, so duplicates are still refused while loading; the
    rebuilt constraints check everything written. Inside the caller's transaction: all or nothing.
    """
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT indisunique",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        # Deferred checks of the rows written so far must run before tables can be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )


def next_id(model: type[Model]) -> int:
    """The first free primary key: explicit ids continue after what the table holds."""
    return int(model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
