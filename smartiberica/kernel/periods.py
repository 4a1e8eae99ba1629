"""Year and month of a date column, fast on both backends, and the years a table covers.

Django's `ExtractYear`/`TruncMonth` are native on PostgreSQL but Python functions on
SQLite, which are slow over big tables. These expressions compile to `EXTRACT` on
PostgreSQL and to `substr()` on the ISO text SQLite stores dates as.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import F, Func, IntegerField, Max, Min, QuerySet

from smartiberica.kernel.dates import EARLIEST_RECORD_DATE, latest_record_year, year_bounds


class YearOf(Func):
    """The year of a date column, as an integer."""

    output_field = IntegerField()
    template = "CAST(EXTRACT(YEAR FROM %(expressions)s) AS integer)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(substr(%(expressions)s, 1, 4) AS integer)", **extra
        )


class YearMonthOf(Func):
    """year × 100 + month of a date column (202403 for March 2024), as an integer."""

    output_field = IntegerField()
    template = (
        "CAST(EXTRACT(YEAR FROM %(expressions)s) * 100 + EXTRACT(MONTH FROM %(expressions)s) AS integer)"
    )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(substr(%(expressions)s, 1, 4) || substr(%(expressions)s, 6, 2) AS integer)",
            **extra,
        )


def years_present(queryset: QuerySet[Any], field: str) -> set[int]:
    """The years in which `queryset` has a row, without a `SELECT DISTINCT` over the table.

    One MIN/MAX query (served by an index on `field`), then, only when there are years
    between the first and the last, one query with an EXISTS probe per such year.
    Only the years a record may have count (1990 to next year): a row dated 0001 or 2036 left
    from before that rule gets no page and would ask for thousands of probes.
    """
    allowed = (EARLIEST_RECORD_DATE, year_bounds(latest_record_year())[1])
    queryset = queryset.filter(**{f"{field}__range": allowed})
    bounds = queryset.order_by().aggregate(first=Min(field), last=Max(field))
    if bounds["first"] is None:
        return set()
    first, last = bounds["first"].year, bounds["last"].year
    years = {first, last}
    between = list(range(first + 1, last))
    if between:
        years.update(_years_probed(queryset, field, between))
    return years


def years_among(queryset: QuerySet[Any], field: str, years: list[int]) -> set[int]:
    """Which of `years` hold a row of `queryset`: always one query (none for no years), a probe per year."""
    return _years_probed(queryset, field, years) if years else set()


def _years_probed(queryset: QuerySet[Any], field: str, years: list[int]) -> set[int]:
    """Which of `years` hold a row of `queryset`: one query, a probe per year.

    Each probe asks for the first date of its year in date order: PostgreSQL walks the date index
    for it, whereas for an EXISTS it may pick a sequential scan that reads millions of rows of
    other years before the first match (measured: 0.2 ms against 620 ms at 10 M invoices). The
    queryset is compiled once and its SQL repeated per year: compiling one Django subquery per
    year cost more than the probes themselves (30 ms a page over six tables).
    """
    connection = connections[queryset.db]
    sql, params = queryset.order_by().values(probe_date=F(field)).query.sql_with_params()
    probe = f"(SELECT p.probe_date FROM ({sql}) p WHERE p.probe_date BETWEEN %s AND %s ORDER BY 1 LIMIT 1)"
    arguments: list[Any] = []
    for year in years:
        arguments += [*params, *(connection.ops.adapt_datefield_value(day) for day in year_bounds(year))]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([probe] * len(years)), arguments)
        row = cursor.fetchone()
    return {year for year, first in zip(years, row, strict=True) if first is not None}
