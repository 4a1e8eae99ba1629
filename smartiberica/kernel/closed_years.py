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

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

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
    if year is None or not is_closed(year):
        return
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

    A model joins the lock by naming its date (or year) field in `closed_year_field`; its
    `closed_year_watched` fields, when given, are the only ones whose change is refused (an
    invoice of a closed year still has its amount due follow the payments of open years).
    `RulesFirst.validate_constraints` calls this, so every `full_clean()` applies it.
    """
    field: str | None = getattr(type(instance), "closed_year_field", None)
    if field is None or not closed_years():
        return
    watched: tuple[str, ...] = getattr(type(instance), "closed_year_watched", ())
    if instance.pk is not None and not instance._state.adding:
        stored = type(instance)._base_manager.filter(pk=instance.pk).values(field, *watched).first()
        if stored is not None:
            if watched and all(stored[name] == _stored_value(instance, name) for name in (field, *watched)):
                return
            validate_year_open(_year(stored[field]), field=field)
    validate_year_open(_year(getattr(instance, field)), field=field)


def _stored_value(instance: models.Model, name: str) -> object:
    # A foreign key is compared by its id, as `values()` returns it.
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname if isinstance(field, models.Field) else name)


def validate_record_deletable(instance: models.Model) -> None:
    """Refuse deleting `instance` when it is dated in a closed year."""
    field: str | None = getattr(type(instance), "closed_year_field", None)
    if field is None or not closed_years():
        return
    # The stored date, not the object's: an object a refused change left modified in memory
    # still deletes the row as it is in the database.
    stored = type(instance)._base_manager.filter(pk=instance.pk).values_list(field, flat=True).first()
    validate_year_open(_year(stored if stored is not None else getattr(instance, field)), field=field)


@transaction.atomic
def close_year_lock(*, year: int) -> ClosedYear:
    """Lock `year` (the board's `year_close` decides whether it may be)."""
    return ClosedYear.objects.create(year=year)


@transaction.atomic
def reopen_year_lock(*, year: int) -> None:
    """Unlock `year` (the board's `year_reopen` decides whether it may be)."""
    ClosedYear.objects.filter(year=year).delete()


def closed_year_trigger_sql(
    table: str, column: str, *, kind: str = "date", watched: tuple[str, ...] = ()
) -> tuple[str, str]:
    """PostgreSQL: (create, drop) SQL of a trigger refusing rows of `table` whose `column` (a date,
    or a year when `kind="year"`) falls in a closed year, on INSERT, UPDATE (old and new row) and
    DELETE. For a migration's `RunSQL` on PostgreSQL only.

    `watched`: the columns whose change an UPDATE may not make in a closed year (default: any
    column). An invoice of a closed year still has its amount due lowered by a payment of an open
    year, so its trigger watches the columns the figures read, not the running balance.
    """
    changed = (
        " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in watched)
        if watched
        else "NEW IS DISTINCT FROM OLD"
    )
    year_of = "EXTRACT(YEAR FROM {row}.{col})::int" if kind == "date" else "{row}.{col}"
    new_year = year_of.format(row="NEW", col=column)
    old_year = year_of.format(row="OLD", col=column)
    function, trigger = f"{table}_{column}_open_year", f"{table}_{column}_open_year_trg"
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT ({changed}) THEN
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
