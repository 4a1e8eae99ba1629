"""Reads whose SQL is compiled once per set of arguments, then run afresh at every call.

The board's pages run some fifty small reads over the rollups, and building each QuerySet and
compiling it to SQL cost about as much as the database took to answer (a month's revenue read:
0.94 ms through the ORM, 0.50 ms compiled once, on the benchmark machine). A function marked
`@compiled_read` builds its QuerySet the first time it is called with given arguments, keeps the
compiled SQL and its parameters, and at every later call with the same arguments runs that SQL
against the data as it is then: only the translation into SQL is remembered, never a row. A page
asks for the same few years and bases again and again, so nearly every read finds its SQL.

The function must build its QuerySet from its arguments alone (no `today()`, no setting, no
active language), as `values()` or `values_list()` rows; a module constant it reads is compiled
into its SQL, so one that may change (a batch size a test lowers) is passed as an argument. Its
SQL may depend on the time zone (Django extracts from datetimes in the current one), which is
part of the key. Each database connection keeps its own compiled reads (a compiler belongs to
one connection, and connections belong to one thread), the most recent `KEPT` of them. On
PostgreSQL the SQL, its parameters written in, runs as a prepared statement
(`prepared_statements`): the server parses and plans it once per connection too.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, ParamSpec

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet, Value
from django.db.models.query import FlatValuesListIterable, ValuesIterable, ValuesListIterable
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from smartiberica.kernel.prepared_statements import prepared_sql, run_prepared

P = ParamSpec("P")

# Reads kept per connection: the pages' reads times the years and bases asked, with room to spare.
KEPT = 2048

_SHAPES = {ValuesListIterable: "tuple", FlatValuesListIterable: "flat", ValuesIterable: "dict"}


class _Compiled:
    """One read's compiler, its SQL pinned, and how its rows are handed back."""

    __slots__ = ("compiler", "converters", "names", "prepared", "shape", "width")

    def __init__(self, queryset: QuerySet[Any, Any]) -> None:
        shape = _SHAPES.get(queryset._iterable_class)
        if shape is None:
            raise TypeError("a compiled read returns values() or values_list() rows, not model instances")
        if queryset.db != DEFAULT_DB_ALIAS:
            raise ValueError(f"a compiled read uses the default database, not {queryset.db!r}")
        query = queryset.query
        self.shape = shape
        selected = query.selected or [*query.extra_select, *query.values_select, *query.annotation_select]
        self.names = list(selected)
        self.compiler: SQLCompiler | None = query.get_compiler(DEFAULT_DB_ALIAS)
        try:
            pinned = self.compiler.as_sql()
        except EmptyResultSet:  # e.g. `pk__in=[]`: nothing to ask the database
            self.compiler = None
            return
        # `execute_sql` compiles again at each call: hand it the SQL compiled once.
        self.compiler.as_sql = lambda *args, **kwargs: pinned
        # On PostgreSQL, the SQL with its parameters written in: a statement the server prepares
        # once per connection (`prepared_statements`), so it parses and plans it only once.
        self.prepared = prepared_sql(*pinned)
        self.width = self.compiler.col_count
        converters = self.compiler.get_converters([s[0] for s in self.compiler.select[: self.width]])
        self.converters = {at: found for at, found in converters.items() if not _rebuilds_a_decimal(*found)}

    def rows(self) -> list[Any]:
        if self.compiler is None:
            return []
        found: Iterable[Any]
        if self.prepared is None:
            found = self.compiler.results_iter(tuple_expected=self.shape == "tuple")
        else:
            found = run_prepared(self.prepared)
            if self.compiler.has_extra_select:
                found = [row[: self.width] for row in found]
            if self.converters:
                found = map(tuple, self.compiler.apply_converters(found, self.converters))
        if self.shape == "flat":
            return [row[0] for row in found]
        if self.shape == "dict":
            names = self.names
            return [dict(zip(names, row, strict=True)) for row in found]
        return list(found)


def _rebuilds_a_decimal(converters: list[Any], expression: Any) -> bool:
    """Whether `converters` only turn the value of a computed decimal (a `Sum` of money) into a
    `Decimal`, which psycopg gives already: thousands of rows a page, each rebuilt for nothing.
    (Only the prepared reads skip it: they run on PostgreSQL alone.)"""
    output = getattr(expression, "output_field", None)
    if output is None or output.get_internal_type() != "DecimalField":
        return False
    return converters == [getattr(expression, "convert_value", None)]


def _kept() -> OrderedDict[tuple[Any, ...], _Compiled]:
    """The compiled reads of this thread's connection (it lives as long as the connection object)."""
    connection = connections[DEFAULT_DB_ALIAS]
    kept: OrderedDict[tuple[Any, ...], _Compiled] | None = getattr(connection, "_compiled_reads", None)
    if kept is None:
        kept = OrderedDict()
        connection._compiled_reads = kept  # type: ignore[attr-defined]
    return kept


def aggregated(queryset: QuerySet[Any, Any], **aggregates: Any) -> QuerySet[Any, Any]:
    """`queryset.aggregate(**aggregates)` as a QuerySet a compiled read can return: one row, the
    values in the order given (None where nothing matched, as `aggregate` gives)."""
    # Grouped by a constant, which Django leaves out of the GROUP BY: one row over everything.
    grouped = queryset.order_by().annotate(_whole=Value(1)).values("_whole")
    return grouped.annotate(**aggregates).values_list(*aggregates)


def compiled_read(build: Callable[P, QuerySet[Any, Any]]) -> Callable[P, list[Any]]:
    """Mark a function that builds a `values()` / `values_list()` QuerySet from its (hashable)
    arguments alone: calling it returns the rows, as a list, from SQL compiled once per arguments."""

    @wraps(build)
    def read(*args: P.args, **kwargs: P.kwargs) -> list[Any]:
        key = (build, args, tuple(sorted(kwargs.items())), timezone.get_current_timezone_name())
        kept = _kept()
        compiled = kept.get(key)
        if compiled is None:
            compiled = kept[key] = _Compiled(build(*args, **kwargs))
            while len(kept) > KEPT:
                kept.popitem(last=False)
        else:
            kept.move_to_end(key)
        return compiled.rows()

    return read
