"""Keep the monthly rollups (`funding.models.rollups`) equal to the records they sum.

Every action that writes a receipt or an expense calls `refresh_months` with the months it
touched (the old and the new date of a moved record), in its own transaction. A refresh locks
the months' lock rows in month order, deletes their rollup rows and re-inserts them from one
grouped aggregation per rollup table over the records of those months. The lock orders the
recomputations of a month, so the last one sees every committed write (READ COMMITTED on
PostgreSQL; SQLite serializes writers anyway): the rollups are exact by construction.

An import refreshes once for the file: its rows are written inside `collecting_months()`, which
gathers the months instead of refreshing them, and the importer refreshes the whole set at the end.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import date
from typing import Any

from django.db import models, transaction
from django.db.models import Q

from funding.models import Expense, ExpenseMonth, FundingMonthLock, FundingReceipt, ReceiptMonth
from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.months import lock_months, month_of, month_runs, within_runs
from smartiberica.kernel.periods import YearMonthOf, years_present

# Set while an importer writes its rows: the months touched, refreshed once by the importer.
_collected: ContextVar[set[date] | None] = ContextVar("funding_rollup_months", default=None)

# (rollup model, record model, the record's grouping column) for each rollup table.
_ROLLUPS: tuple[tuple[type[models.Model], type[models.Model], str], ...] = (
    (ReceiptMonth, FundingReceipt, "source_id"),
    (ExpenseMonth, Expense, "category_id"),
)


def stored_months(model: type[models.Model], pks: Iterable[int | None]) -> set[date]:
    """The months of the stored dates of these records (one query; none without a saved pk)."""
    saved = [pk for pk in pks if pk is not None]
    if not saved:
        return set()
    dates = model._default_manager.filter(pk__in=saved).values_list("date", flat=True)
    return {month_of(day) for day in dates}


@contextlib.contextmanager
def collecting_months(into: set[date]) -> Iterator[None]:
    """Inside the block, `refresh_months` adds its months to `into` instead of refreshing them."""
    token = _collected.set(into)
    try:
        yield
    finally:
        _collected.reset(token)


def _recompute(rollup: type[models.Model], record: type[models.Model], key: str, dated_in: Q) -> None:
    """One grouped aggregation of the records, its non-zero buckets inserted as rollup rows."""
    totals = (
        record._default_manager.filter(dated_in)
        .annotate(ym=YearMonthOf("date"))
        .values("ym", key)
        .annotate(total=models.Sum("amount", default=ZERO))
        .order_by()
    )
    rows: list[Any] = []
    for row in totals:
        amount = round_money(row["total"])
        if amount != 0:
            month = date(row["ym"] // 100, row["ym"] % 100, 1)
            rows.append(rollup(month=month, amount=amount, **{key: row[key]}))
    rollup._default_manager.bulk_create(rows)


def refresh_months(months: Iterable[date]) -> None:
    """Recompute the rollup rows of these months (any day of a month names it) from the records."""
    wanted = sorted({month_of(day) for day in months})
    if not wanted:
        return
    collected = _collected.get()
    if collected is not None:
        collected.update(wanted)
        return
    with transaction.atomic():
        lock_months(FundingMonthLock, wanted)
        dated_in = within_runs("date", month_runs(wanted))
        for rollup, record, key in _ROLLUPS:
            rollup._default_manager.filter(month__in=wanted).delete()
            _recompute(rollup, record, key, dated_in)


def rebuild() -> None:
    """Recompute every rollup row from the records, one year per transaction (a bulk load that
    bypassed the actions, a restore). Years with rollup rows but no record lose their rows."""
    years: set[int] = set()
    for rollup, record, _key in _ROLLUPS:
        # MIN/MAX and EXISTS probes over the date indexes, never a DISTINCT scan of the records.
        years |= years_present(record._default_manager.all, "date")
        years |= years_present(rollup._default_manager.all, "month")
    for year in sorted(years):
        refresh_months(date(year, month, 1) for month in range(1, 13))


def wipe() -> None:
    """Empty the rollups (with the records they sum: `records_wipe`)."""
    for rollup, _record, _key in _ROLLUPS:
        rollup._default_manager.all().delete()
