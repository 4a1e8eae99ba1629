"""The totals of a filtered admin list, so that a figure's drill-down lands on a list showing its number.

`TotalChangeListMixin` (before `ActionAdmin` in the bases) adds, under the rows of the changelist,
the sum of each of `total_fields` over every record the filters and search select (not only the
page shown): one aggregate query, whatever the number of rows. The totals are shown twice: as a
row at the foot of the table, each under its column (`admin/change_list_results.html`), and as
a sentence under the table (`admin/includes/filtered_totals.html`, included by the model's
`change_list.html`), which also holds the totals of columns the list does not show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.money import round_money

ZERO = Decimal("0.00")
CHECKBOX = "action_checkbox"
TOTAL_LABEL = _("Total")


@dataclass(frozen=True)
class FilteredTotal:
    field: str
    label: str | Promise
    value: Decimal


@dataclass(frozen=True)
class TotalCell:
    """One cell of the totals row: a total under its column, the row's heading, or nothing."""

    column: str
    total: FilteredTotal | None = None
    heading: str | Promise = ""


def column_name(column: Any) -> str:
    """The name Django gives a list_display entry in its CSS classes (`column-<name>`)."""
    return column if isinstance(column, str) else getattr(column, "__name__", "")


def totals_row(columns: Sequence[Any], totals: dict[str, FilteredTotal]) -> list[TotalCell]:
    """The totals row of a table with `columns`: `totals` maps a column name to its total.

    The heading goes in the last column without a total before the first amount (the date or
    number column), or in the checkbox column when an amount comes first.
    """
    names = [column_name(c) for c in columns]
    first_total = next((i for i, name in enumerate(names) if name in totals), len(names))
    free = [i for i in range(first_total) if names[i] != CHECKBOX] or list(range(first_total))
    heading_at = free[0] if free else None
    return [
        TotalCell(name, totals.get(name), TOTAL_LABEL if i == heading_at else "")
        for i, name in enumerate(names)
    ]


class TotalChangeListMixin:
    """Show the totals of the filtered changelist: `filtered_totals` (and `filtered_total`, the first)."""

    #: (total, label shown), the first is the list's main total; a total is the sum of the model
    #: field of that name unless `filtered_totals` says otherwise
    total_fields: ClassVar[tuple[tuple[str, str | Promise], ...]] = (("amount", _("amount")),)
    #: the list_display column under which a total is shown, when it is not named like the total
    total_columns: ClassVar[dict[str, str]] = {}

    def total_column(self, field: str) -> str:
        return self.total_columns.get(field, field)

    def filtered_totals(self, queryset: QuerySet[Any]) -> dict[str, Decimal]:
        """The totals of every record of `queryset` (not only the page): one aggregate query."""
        sums: dict[str, Any] = queryset.aggregate(
            **{f"total_{name}": Sum(name, default=ZERO) for name, _label in self.total_fields}
        )
        return {name: round_money(sums[f"total_{name}"]) for name, _label in self.total_fields}

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        context = response.context_data if isinstance(response, TemplateResponse) else None
        if context is not None and "cl" in context:
            changelist = context["cl"]
            values = self.filtered_totals(changelist.queryset)
            totals = [FilteredTotal(name, label, values[name]) for name, label in self.total_fields]
            context["filtered_totals"] = totals
            context["filtered_total"] = totals[0].value
            # On the changelist itself: the results table is rendered by an inclusion tag that
            # sees `cl` but not the page's context.
            changelist.totals_row = totals_row(
                changelist.list_display, {self.total_column(t.field): t for t in totals}
            )
        return response
