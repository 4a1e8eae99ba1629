"""The one rule every rate of both apps follows: a percentage from 0 to 100, two decimals."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERR_RATE_OUT_OF_RANGE = _("The rate is a percentage: enter a value between 0 and 100.")


def validate_percentage(value: Decimal | None) -> None:
    """Refuse a rate outside 0..100 (None is left to the field's own `null` rule)."""
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(ERR_RATE_OUT_OF_RANGE, code="rate_out_of_range")
