"""What the funding models share: money fields and the year vocabulary of dated records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django_stubs_ext import StrOrPromise

from funding import validation as v
from smartiberica.kernel.dates import year_bounds
from smartiberica.kernel.money import MONEY


def money_field(
    verbose_name: StrOrPromise, *, positive: bool = True, help_text: StrOrPromise = ""
) -> models.DecimalField[Decimal | int | str, Decimal]:
    """A money amount that must be positive (or, with `positive=False`, not negative)."""
    validator = v.validate_positive_amount if positive else v.validate_non_negative_amount
    return models.DecimalField(verbose_name, **MONEY, validators=[validator], help_text=help_text)


class InYearQuerySet(models.QuerySet[Any]):
    date_field = "date"

    def in_year(self, year: int) -> InYearQuerySet:
        return self.filter(**{f"{self.date_field}__range": year_bounds(year)})

    def up_to(self, day: date) -> InYearQuerySet:
        return self.filter(**{f"{self.date_field}__lte": day})
