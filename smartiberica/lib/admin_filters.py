"""Admin list filters that never scan a big table to build their choices."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from smartiberica.lib.dates import current_year, year_bounds

FIRST_YEAR = 2015


def year_filter(field_name: str, title: Any = None) -> type[admin.SimpleListFilter]:
    """A year filter on a DateField with static choices (no SELECT DISTINCT).

    It filters with a date range, so an index on the field is used.
    """

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name}_year"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return [(str(y), str(y)) for y in range(current_year() + 1, FIRST_YEAR - 1, -1)]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            value = self.value()
            if not value or not value.isdigit():
                return queryset
            start, end = year_bounds(int(value))
            return queryset.filter(**{f"{field_name}__range": (start, end)})

    YearFilter.title = title or _("year")
    YearFilter.__name__ = f"YearFilter_{field_name}"
    return YearFilter
