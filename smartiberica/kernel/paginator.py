"""A paginator that does not count a million rows to show fifty.

On PostgreSQL, an unfiltered list of a big table takes its size from the planner's
estimate (`pg_class.reltuples`, kept fresh by autovacuum/ANALYZE) instead of a
`SELECT COUNT(*)`; a filtered or searched list takes the planner's estimate of its rows
(`EXPLAIN`, a millisecond) when that estimate is large. Only lists the planner expects
to be small (under `EXACT_BELOW` rows), a table never analysed, or another database get
an exact count, which is then cheap. Page numbers of a huge list may be off by a few
pages; its first pages, which people use, are exact.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this estimate the exact count is cheap and exact is better.
EXACT_BELOW = 10_000


def _unfiltered(queryset: Any) -> bool:
    query = getattr(queryset, "query", None)
    if query is None:
        return False
    return not query.where and not query.is_sliced and not query.distinct and not query.combinator


def estimated_rows(queryset: Any) -> int | None:
    """The planner's row estimate of the queryset's table on PostgreSQL, else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:  # -1: never vacuumed nor analysed
        return None
    return int(row[0])


def planned_rows(queryset: Any) -> int | None:
    """The planner's estimate of how many rows the (filtered) queryset returns, on PostgreSQL."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Exact counts except for big PostgreSQL lists, estimated by the planner (see the module)."""

    @cached_property
    def count(self) -> int:
        if hasattr(self.object_list, "query"):
            if _unfiltered(self.object_list):
                estimate = estimated_rows(self.object_list)
            else:
                estimate = planned_rows(self.object_list)
            if estimate is not None and estimate >= EXACT_BELOW:
                return estimate
        return super().count
