"""Dates "now": always computed when called, never at import time."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def today() -> date:
    """Today in the cooperative's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def current_year() -> int:
    return today().year


def year_bounds(year: int) -> tuple[date, date]:
    """First and last day of `year`, for range filters that use a date index."""
    return date(year, 1, 1), date(year, 12, 31)
