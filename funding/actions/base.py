"""The two steps every funding action shares: validate then save, and partial updates."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def _save(instance: M) -> M:
    instance.full_clean()
    instance.save()
    return instance


def _set(instance: M, **changes: object) -> M:
    """Apply the changes that are not None (None means "leave as it is")."""
    for field, value in changes.items():
        if value is not None:
            setattr(instance, field, value)
    return instance
