"""The audit trail on bulk writes: `bulk_create` sends no signal, so history would miss them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import models
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

M = TypeVar("M", bound=models.Model)


def current_user() -> Any:
    """The logged-in user of the request being served (set by HistoryRequestMiddleware), if any."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def bulk_create_audited(objects: Sequence[M], model: type[M], *, user: Any = None) -> list[M]:
    """`bulk_create` that also writes one history row per object, with its author."""
    return list(bulk_create_with_history(list(objects), model, default_user=user or current_user()))
