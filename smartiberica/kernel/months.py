"""Months as the rollups of both apps key them: the first day, runs of consecutive months, locks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import models
from django.db.models import Q

from smartiberica.kernel.dates import add_months


def month_of(day: date) -> date:
    """The key of a day's month: its first day."""
    return day.replace(day=1)


def month_runs(months: Iterable[date]) -> list[tuple[date, date]]:
    """First days of months merged into runs of consecutive months: (first day, first day after)."""
    runs: list[tuple[date, date]] = []
    for month in sorted({month_of(day) for day in months}):
        if runs and runs[-1][1] == month:
            runs[-1] = (runs[-1][0], add_months(month, 1))
        else:
            runs.append((month, add_months(month, 1)))
    return runs


def within_runs(field: str, runs: list[tuple[date, date]]) -> Q:
    """`field` in one of the runs: one range per run, so the date indexes serve it."""
    condition = Q()
    for first, after in runs:
        condition |= Q(**{f"{field}__gte": first, f"{field}__lt": after})
    return condition


def lock_months(lock: type[models.Model], months: list[date]) -> None:
    """Create the months' lock rows if missing, then lock them (`SELECT … FOR UPDATE`) in month
    order, so two refreshes of the same months run one after the other and never deadlock.
    Must run inside a transaction."""
    lock._default_manager.bulk_create([lock(month=m) for m in months], ignore_conflicts=True)
    list(
        lock._default_manager.select_for_update()
        .filter(month__in=months)
        .order_by("month")
        .values_list("month", flat=True)
    )
