"""The base of every record model of both apps: rules first, constraints as the last line."""

from __future__ import annotations

from typing import Any

from django.db import models


class RulesFirst(models.Model):
    """A model whose check constraints back up the rules of its app's `validation.py`.

    `clean()` and the field validators apply those rules with their precise, translated
    messages, so the generic re-check of each CheckConstraint by `full_clean()` is skipped (it
    would repeat the error, vaguely, and SQLite compares sums of REALs). Unique constraints are
    still validated, with their own messages. The database enforces every constraint whatever
    the path.
    """

    class Meta:
        abstract = True

    def get_constraints(self) -> list[tuple[type[models.Model], list[Any]]]:
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]
