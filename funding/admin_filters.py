"""The funding admin's list filters: static or tiny choices, never a SELECT DISTINCT over a big table.

The year filters offer the years with records and the current year (`kernel.admin_filters`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from funding.models import ExpenseCategory, FundingSource, ObligationQuerySet
from funding.models.costs import service_line_model


class SourceCodeFilter(admin.SimpleListFilter):
    """Filter by funding source code (`source__code__exact=`): one query on the small sources table."""

    title = _("funding source")
    parameter_name = "source__code__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(FundingSource.objects.order_by("name").values_list("code", "name"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(source__code=self.value()) if self.value() else queryset


class CategoryCodeFilter(admin.SimpleListFilter):
    """Filter by expense category code (`category__code__exact=`): one query on the categories."""

    title = _("category")
    parameter_name = "category__code__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(c.code, c.name) for c in ExpenseCategory.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(category__code=self.value()) if self.value() else queryset


class ServiceLineCodeFilter(admin.SimpleListFilter):
    """Filter expenses by the service line they serve (`service_line__code__exact=`): one query on
    the few service lines, reached through the foreign key (funding never imports services)."""

    title = _("service line")
    parameter_name = "service_line__code__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        lines = service_line_model()._default_manager.in_bulk(field_name="code")
        return [(code, str(lines[code])) for code in sorted(lines)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(service_line__code=self.value()) if self.value() else queryset


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("attention", _("Overdue or due within 60 days")),
            ("overdue", _("Overdue")),
            ("soon", _("Due within 60 days")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The obligations' changelist: its queryset comes from `Obligation.objects`.
        assert isinstance(queryset, ObligationQuerySet)
        value = self.value()
        if value == "attention":
            return queryset.needing_attention()
        if value == "overdue":
            return queryset.overdue()
        if value == "soon":
            return queryset.due_soon()
        return queryset
