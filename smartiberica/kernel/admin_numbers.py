"""Numbers the admin shows (read-only fields, list columns) written through `kernel.money`.

Django shows a model DecimalField it does not edit with `number_format` and no grouping:
`1200,00` on a page whose totals read `1.200,00 €`, `1200.00` in English. `ReadableNumbersMixin`
(part of `LocalizedNumbersMixin`, which every admin and inline carries) replaces each such field,
where it is shown and not typed, with a column of the same name that writes it the reader's way:
money as `1.200,00 €` / `1 200,00 €` / `€1,200.00`, other numbers (rates, quantities) with the
language's marks and the field's places. Typed numbers stay in `kernel.form_fields`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest

from smartiberica.kernel.money import format_money, format_number, is_money_field


class NumberColumn:
    """A read-only field or list column showing one model DecimalField through `kernel.money`.

    Equal to any other column of the same field, so the admin's `field in readonly_fields`
    checks hold whichever call built it.
    """

    def __init__(self, field: models.DecimalField, empty: str) -> None:
        self.field = field
        self.__name__ = field.name  # the CSS classes (field-amount, column-amount) stay the same
        self.short_description = field.verbose_name
        self.admin_order_field = field.name
        self.empty = empty

    def __call__(self, obj: models.Model) -> str:
        value = getattr(obj, self.field.name)
        if value is None:
            return self.empty
        if is_money_field(self.field):
            return format_money(Decimal(value))
        return format_number(Decimal(value), places=self.field.decimal_places or 0)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NumberColumn) and other.field == self.field

    def __hash__(self) -> int:
        return hash((NumberColumn, self.field.model, self.field.name))

    def __str__(self) -> str:
        return self.field.name


class ReadableNumbersMixin:
    """For a ModelAdmin or an inline: DecimalFields shown, not typed, are written the reader's way."""

    model: type[models.Model]

    def _number_columns(self, names: Iterable[Any]) -> dict[str, NumberColumn]:
        columns = {}
        for name in names:
            if not isinstance(name, str):
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.DecimalField) and not field.choices:
                columns[name] = NumberColumn(field, self.get_empty_value_display())  # type: ignore[attr-defined]
        return columns

    def _replaced(self, names: Sequence[Any], columns: dict[str, NumberColumn]) -> list[Any]:
        return [columns.get(name, name) if isinstance(name, str) else name for name in names]

    def _shown_only(self, request: HttpRequest, obj: Any) -> bool:
        """Whether an inline's rows are all shown, none typed (Django then shows its fieldsets read-only).

        Not for a page: a view-only change page shows its fieldsets read-only, but simple-history's
        version page shows only `get_readonly_fields`, so the two would disagree there.
        """
        if not isinstance(self, InlineModelAdmin) or self.has_change_permission(request, obj):
            return False
        return not self.has_add_permission(request, obj)  # its new rows are typed when it may add

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        names = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return self._replaced(names, self._number_columns(names))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if self._shown_only(request, obj):
            # Django then shows every field of the fieldsets read-only.
            columns = self._number_columns(flatten_fieldsets(fieldsets))
        else:
            # Only the columns the read-only fields have: an admin whose get_readonly_fields does
            # not call super() keeps its names, and the two lists must name fields alike.
            readonly = self.get_readonly_fields(request, obj)
            columns = {str(column): column for column in readonly if isinstance(column, NumberColumn)}
        return [
            (title, {**options, "fields": self._replaced_lines(options["fields"], columns)})
            for title, options in fieldsets
        ]

    def _replaced_lines(self, lines: Sequence[Any], columns: dict[str, NumberColumn]) -> list[Any]:
        # A fieldset line is a name or a tuple of names shown side by side.
        return [
            tuple(self._replaced(line, columns))
            if isinstance(line, list | tuple)
            else columns.get(line, line)
            for line in lines
        ]

    # The columns are shown, never typed: the form (or an inline's formset) leaves them out.
    def _typed_fields(self, request: HttpRequest, obj: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        if "fields" in kwargs:
            fields = kwargs["fields"]
        else:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            fields = [name for name in fields if not isinstance(name, NumberColumn)]
        return {**kwargs, "fields": fields}

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return super().get_form(request, obj, change, **self._typed_fields(request, obj, kwargs))  # type: ignore[misc]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        return super().get_formset(request, obj, **self._typed_fields(request, obj, kwargs))  # type: ignore[misc]

    def get_list_display(self, request: HttpRequest) -> Any:
        names = list(super().get_list_display(request))  # type: ignore[misc]
        columns = self._number_columns(
            name for name in names if name not in getattr(self, "list_editable", ())
        )
        return self._replaced(names, columns)

    def get_list_display_links(self, request: HttpRequest, list_display: Sequence[Any]) -> Any:
        links = super().get_list_display_links(request, list_display)  # type: ignore[misc]
        if not links:
            return links
        columns = {str(column): column for column in list_display if isinstance(column, NumberColumn)}
        return self._replaced(list(links), columns)
