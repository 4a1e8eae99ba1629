"""The totals of a filtered admin list, so that a figure's drill-down lands on a list showing its number.

`TotalChangeListMixin` (before `ActionAdmin` in the bases) adds, under the rows of the changelist,
the sum of each of `total_fields` over every record the filters and search select (not only the
page shown): one aggregate query, whatever the number of rows. The model's
`change_list.html` includes `admin/includes/filtered_totals.html` to show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.money import round_money

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FilteredTotal:
    field: str
    label: str | Promise
    value: Decimal


class TotalChangeListMixin:
    """Show the totals of the filtered changelist: `filtered_totals` (and `filtered_total`, the first)."""

    #: (model field summed, label shown), the first is the list's main total
    total_fields: ClassVar[tuple[tuple[str, str | Promise], ...]] = (("amount", _("amount")),)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        context = response.context_data if isinstance(response, TemplateResponse) else None
        if context is not None and "cl" in context:
            queryset = context["cl"].queryset
            sums: dict[str, Any] = queryset.aggregate(
                **{f"total_{name}": Sum(name, default=ZERO) for name, _label in self.total_fields}
            )
            totals = [
                FilteredTotal(name, label, round_money(sums[f"total_{name}"]))
                for name, label in self.total_fields
            ]
            context["filtered_totals"] = totals
            context["filtered_total"] = totals[0].value
        return response
