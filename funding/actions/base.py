"""The two steps every funding action shares: validate then save, and partial updates."""

from __future__ import annotations

from enum import Enum
from typing import Literal, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class _Keep(Enum):
    KEEP = "keep"


#: A partial update's "leave as it is" for a field where None is a value (an empty foreign key).
KEEP = _Keep.KEEP
Keep = Literal[_Keep.KEEP]


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
