"""The period lock: once the board approves a year, nothing dated in it may be written.

Both apps call `validate_date_open` / `validate_year_open` from their rules (model `clean()` and
actions), so the admin, the imports and code refuse with the same words; on PostgreSQL a trigger
on each covered table refuses raw SQL too (`closed_year_trigger_sql`). Only the board's year-close
actions open or close a year (`close_year_lock` / `reopen_year_lock`).

An import checks thousands of rows: inside `closed_years_cached()` the set of closed years is read
once instead of once per row.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.dates import current_year
from smartiberica.kernel.models import ClosedYear

ERR_YEAR_CLOSED = _("year %(year)s is closed: the board approved its figures; a superuser can reopen it")

_cached: contextvars.ContextVar[frozenset[int] | None] = contextvars.ContextVar("closed_years", default=None)


def closed_years() -> frozenset[int]:
    """The closed years (one query, or none inside `closed_years_cached()`)."""
    cached = _cached.get()
    if cached is not None:
        return cached
    return frozenset(ClosedYear.objects.values_list("year", flat=True))


def is_closed(year: int) -> bool:
    cached = _cached.get()
    if cached is not None:
        return year in cached
    return ClosedYear.objects.filter(year=year).exists()


@contextlib.contextmanager
def closed_years_cached() -> Iterator[None]:
    """Read the closed years once for the block (an import): no year closes in the meantime, since
    closing a year takes the same table lock as the import's writes would conflict with."""
    token = _cached.set(frozenset(ClosedYear.objects.values_list("year", flat=True)))
    try:
        yield
    finally:
        _cached.reset(token)


def validate_year_open(year: int | None, *, field: str | None = None) -> None:
    """Refuse `year` when it is closed, naming it (attributed to `field` when given)."""
    # Only a finished year can be closed: the current one and later need no query.
    if year is not None and year < current_year() and is_closed(year):
        _refuse(year, field)


def _refuse(year: int, field: str | None) -> None:
    error = ValidationError(ERR_YEAR_CLOSED, code="year_closed", params={"year": year})
    raise ValidationError({field: error}) if field else error


def validate_date_open(day: date | None, *, field: str | None = None) -> None:
    """Refuse a record dated `day` when its year is closed."""
    if day is not None:
        validate_year_open(day.year, field=field)


def _year(value: date | int | None) -> int | None:
    return value.year if isinstance(value, date) else value


def validate_record_open(instance: models.Model) -> None:
    """Refuse saving `instance` when it is dated in a closed year, or moved out of one.

    A model joins the lock by naming its date (or year) field in `closed_year_field`, or the path
    to its parent's (`"budget__year"`: a budget line belongs to its budget's year).
    `RulesFirst.validate_constraints` calls this, so every `full_clean()` applies it; a new record
    of the current year costs no query.
    """
    path: str | None = getattr(type(instance), "closed_year_field", None)
    if path is None:
        return
    # An error on the record's own field is shown next to it; a parent's, on the whole record.
    field = None if "__" in path else path
    new_year = _year(_current(instance, path))
    existing = instance.pk is not None and not instance._state.adding
    if not existing and (new_year is None or new_year >= current_year()):
        return
    closed = closed_years()
    if not closed:
        return
    if existing:
        stored = type(instance)._base_manager.filter(pk=instance.pk).values_list(path, flat=True).first()
        stored_year = _year(stored)
        if stored_year in closed:
            _refuse(stored_year, field)
    if new_year in closed:
        _refuse(new_year, field)


def _current(instance: models.Model, path: str) -> date | int | None:
    value: Any = instance
    for part in path.split("__"):
        value = getattr(value, part, None)
    return value


def validate_record_deletable(instance: models.Model) -> None:
    """Refuse deleting `instance` when it is dated in a closed year."""
    path: str | None = getattr(type(instance), "closed_year_field", None)
    if path is None or not closed_years():
        return
    # The stored date, not the object's: an object a refused change left modified in memory
    # still deletes the row as it is in the database.
    stored = type(instance)._base_manager.filter(pk=instance.pk).values_list(path, flat=True).first()
    value = stored if stored is not None else _current(instance, path)
    validate_year_open(_year(value), field=None if "__" in path else path)


@transaction.atomic
def close_year_lock(*, year: int) -> ClosedYear:
    """Lock `year` (the board's `year_close` decides whether it may be)."""
    return ClosedYear.objects.create(year=year)


@transaction.atomic
def reopen_year_lock(*, year: int) -> None:
    """Unlock `year` (the board's `year_reopen` decides whether it may be)."""
    ClosedYear.objects.filter(year=year).delete()


def closed_year_trigger_sql(table: str, column: str, *, kind: str = "date") -> tuple[str, str]:
    """PostgreSQL: (create, drop) SQL of a trigger refusing rows of `table` whose `column` (a date,
    or a year when `kind="year"`) falls in a closed year, on INSERT, UPDATE (old and new row) and
    DELETE; an UPDATE that changes nothing passes. For a migration's `RunSQL` on PostgreSQL only.
    """
    year_of = "EXTRACT(YEAR FROM {row}.{col})::int" if kind == "date" else "{row}.{col}"
    new_year = year_of.format(row="NEW", col=column)
    old_year = year_of.format(row="OLD", col=column)
    function, trigger = f"{table}_{column}_open_year", f"{table}_{column}_open_year_trg"
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.{column} IS NOT NULL
       AND EXISTS (SELECT 1 FROM smartiberica_closedyear WHERE year = {old_year}) THEN
        RAISE EXCEPTION 'year % is closed', {old_year} USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.{column} IS NOT NULL
       AND EXISTS (SELECT 1 FROM smartiberica_closedyear WHERE year = {new_year}) THEN
        RAISE EXCEPTION 'year % is closed', {new_year} USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    drop = f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP FUNCTION IF EXISTS {function}();"
    return create, drop
