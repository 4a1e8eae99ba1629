"""Server-side prepared statements for the compiled reads, on PostgreSQL.

A compiled read (`compiled_reads`) runs the same SQL with the same parameters at every call.
PostgreSQL still parsed, analysed and planned it each time, which on a board page cost more
than running it (about 0.15 ms a read, some forty reads a page). Written with its parameters
in (as Django's client-side binding sends every query), the statement is prepared once per
connection, and its plan, which has no parameter to wait for, is kept with it.

Django opens PostgreSQL connections with prepared statements off (`prepare_threshold=None`) so
that a connection pooler in transaction mode keeps working; its queries use client-side binding
and are never prepared either way. The settings turn them on (`DJANGO_DB_PREPARED_STATEMENTS`,
on unless set to 0): only these reads use them, and with them off the reads run as any query.
psycopg keeps the most recent `PREPARED` statements of a connection and deallocates the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

# Statements kept prepared per connection: every read of the pages over a few years and both bases.
PREPARED = 500
# PostgreSQL's type for `timestamp with time zone`.
TIMESTAMPTZ_OID = 1184


def _enabled() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return False
    return connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None


def prepared_sql(sql: str, params: Sequence[Any]) -> str | None:
    """`sql` with `params` written in, as it will be prepared; None where nothing is prepared."""
    if not _enabled():
        return None
    ops: Any = connections[DEFAULT_DB_ALIAS].ops  # PostgreSQL's: it composes as its cursors do
    composed: str = ops.compose_sql(sql, params)
    return composed


@cache
def _preparing() -> type[Any]:
    """A cursor binding on the server (Django's, psycopg's `Cursor`) that prepares what it runs.
    Django's own cursors bind on the client, which psycopg never prepares."""
    from django.db.backends.postgresql import base

    class PreparingCursor(base.ServerBindingCursor):  # type: ignore[name-defined]
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True)

        def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
            # psycopg keeps the query it sends unprepared only; Django's debug cursor (the
            # tests' query log) reads it back.
            self._query = pgq
            super()._send_query_prepared(name, pgq, **kwargs)

    return PreparingCursor


def run_prepared(sql: str) -> list[tuple[Any, ...]]:
    """The rows of `sql` (written by `prepared_sql`), run as a statement prepared on the connection:
    as `connection.cursor()` opens a cursor (health check, connection, the time zone's loader,
    the debug wrapper that logs queries), with psycopg's server-binding cursor."""
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    connection: Any = connections[DEFAULT_DB_ALIAS]  # PostgreSQL's wrapper
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepared_max < PREPARED:
        raw.prepared_max = PREPARED
    with connection.wrap_database_errors:
        cursor = _preparing()(raw)
        loader = raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
        wrapped = connection._prepare_cursor(cursor)
    with wrapped:
        wrapped.execute(sql)
        return wrapped.fetchall()


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a raw query: prepared (`run_prepared`) where it can be, else as any query."""
    composed = prepared_sql(sql, params)
    if composed is not None:
        return run_prepared(composed)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
