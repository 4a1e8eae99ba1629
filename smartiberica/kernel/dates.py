"""Dates "now" (always computed when called, never at import time) and the dates a record may carry."""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


def today() -> date:
    """Today in the cooperative's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def current_year() -> int:
    return today().year


def add_months(start: date, months: int) -> date:
    """`start` moved by `months`, the day clamped to the month's length (31 Jan + 1 → 28/29 Feb)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if start.day <= 28:  # every month has the day: no calendar lookup (the projection's hot loop)
        return date(year, month, start.day)
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def year_bounds(year: int) -> tuple[date, date]:
    """First and last day of `year`, for range filters that use a date index."""
    return date(year, 1, 1), date(year, 12, 31)


# --- The dates a record may carry ------------------------------------------------------------------
# No record is dated before 1990 nor more than one year after today (a typo such as 2036 or 0001
# would otherwise create empty year pages or break the figures). The lower bound is also a database
# constraint on every business date; the upper bound moves with today, so only the validators check it.
# Dates that plan ahead (an agreement's or a contract's end, a deadline, an expected tranche) may lie
# years away: they stop at the end of 2099, far enough for any plan and short of date arithmetic
# overflowing on a typo such as 31/12/9999.

EARLIEST_RECORD_DATE = date(1990, 1, 1)
EARLIEST_RECORD_YEAR = EARLIEST_RECORD_DATE.year
LATEST_PLANNED_DATE = date(2099, 12, 31)

ERR_DATE_OUT_OF_RANGE = _("Dates go from %(first)s to %(last)s.")
ERR_YEAR_OUT_OF_RANGE = _("Years go from %(first)s to %(last)s.")
# Fixed words (no placeholder): also the message of the database constraints.
ERR_DATE_TOO_EARLY = _("Dates cannot be earlier than 1990.")
ERR_YEAR_TOO_EARLY = _("Years cannot be earlier than 1990.")


def latest_record_date() -> date:
    """One year after today (28 February when today is 29 February)."""
    now = today()
    try:
        return now.replace(year=now.year + 1)
    except ValueError:
        return now.replace(year=now.year + 1, day=28)


def latest_record_year() -> int:
    return current_year() + 1


def _range_message(last: date) -> str:
    return ERR_DATE_OUT_OF_RANGE % {
        "first": formats.date_format(EARLIEST_RECORD_DATE, "SHORT_DATE_FORMAT"),
        "last": formats.date_format(last, "SHORT_DATE_FORMAT"),
    }


def record_date_range_message() -> str:
    """The range message in the active language, dates in its short format."""
    return _range_message(latest_record_date())


def planned_date_range_message() -> str:
    return _range_message(LATEST_PLANNED_DATE)


def record_year_range_message() -> str:
    return ERR_YEAR_OUT_OF_RANGE % {"first": EARLIEST_RECORD_YEAR, "last": latest_record_year()}


def validate_record_date(value: date | None) -> None:
    """The date of something that happened (or is about to): 1990 to one year after today."""
    if value is not None and not EARLIEST_RECORD_DATE <= value <= latest_record_date():
        raise ValidationError(record_date_range_message(), code="date_out_of_range")


def validate_planned_date(value: date | None) -> None:
    """A date that plans ahead (an end, a deadline): 1990 to the end of 2099."""
    if value is not None and not EARLIEST_RECORD_DATE <= value <= LATEST_PLANNED_DATE:
        raise ValidationError(planned_date_range_message(), code="date_out_of_range")


def validate_record_year(value: int | None) -> None:
    """A year a record belongs to (a budget, a target, a yearly cost): 1990 to next year."""
    if value is not None and not EARLIEST_RECORD_YEAR <= value <= latest_record_year():
        raise ValidationError(record_year_range_message(), code="year_out_of_range")


def not_before_earliest(field: str, *, name: str, nullable: bool = False) -> models.CheckConstraint:
    """The database half of the lower bound on a date field."""
    condition = Q(**{f"{field}__gte": EARLIEST_RECORD_DATE})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=ERR_DATE_TOO_EARLY,
    )


def year_not_before_earliest(field: str, *, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": EARLIEST_RECORD_YEAR}),
        name=name,
        violation_error_message=ERR_YEAR_TOO_EARLY,
    )
