"""The audit trail's pages in the reader's language: values shown as the rest of the admin shows them.

django-simple-history lists each change as `field: old → new` with the raw values (`100.00`,
`draft`, `None`); `LocalizedHistoryHelper` writes them through the one formatting path
(`kernel.money`): amounts `1.210,00 €`, choices by their label, dates the reader's way. Its page
titles and column headers are ours (see `templates/simple_history/`), since simple-history ships
no Spanish catalog.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from simple_history.models import ModelChange, ModelChangeValue
from simple_history.template_utils import HistoricalRecordContextHelper

from smartiberica.kernel.money import format_money, format_number, is_money_field

DASH = "—"


def display_value(field: models.Field, value: Any) -> Any:
    """`value` of `field` as a reader of the active language reads it."""
    if value is None or value == "":
        return DASH
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal | int):
        if is_money_field(field):
            return format_money(value)
        return format_number(value, places=field.decimal_places or 0)
    if isinstance(value, datetime):
        return date_format(localtime(value) if value.tzinfo else value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value


class LocalizedHistoryHelper(HistoricalRecordContextHelper):
    """simple-history's formatting of a change, with the values written the reader's way."""

    def prepare_delta_change_value(self, change: ModelChange, value: ModelChangeValue) -> Any:
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        return display_value(field, value)
