"""The base of every record model of both apps: rules first, constraints as the last line."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.db import models
from django.db.models import BaseConstraint

from smartiberica.kernel.closed_years import validate_record_open


class RulesFirst(models.Model):
    """A model whose check constraints back up the rules of its app's `validation.py`.

    `clean()` and the field validators apply those rules with their precise, translated
    messages, so the generic re-check of each CheckConstraint by `full_clean()` is skipped (it
    would repeat the error, vaguely, and SQLite compares sums of REALs). Unique constraints are
    still validated, with their own messages. The database enforces every constraint whatever
    the path.

    The period lock is checked with the constraints: a model that names its date field in
    `closed_year_field` cannot be written in a closed year (`kernel.closed_years`).
    """

    class Meta:
        abstract = True

    def get_constraints(self) -> list[tuple[type[models.Model], Sequence[BaseConstraint]]]:
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        super().validate_constraints(exclude=exclude)
        validate_record_open(self)
