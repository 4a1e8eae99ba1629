"""The database side of the rate rule (a percentage from 0 to 100, `smartiberica.kernel.rates`)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def rate_between_0_and_100(field: str, name: str, *, nullable: bool = False) -> models.CheckConstraint:
    condition = Q(**{f"{field}__gte": 0, f"{field}__lte": 100})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)
