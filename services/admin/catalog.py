"""Service lines with their yearly targets, clients and partners."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.admin_base import ActionAdmin, BigListAdmin, LabelledTabularInline, inline_rows
from smartiberica.kernel.admin_filters import IntegerYearFilter
from smartiberica.kernel.money import NBSP, ZERO, format_number, round_money

from .. import record_actions
from .. import validation as v
from ..choices import InvoiceStatus
from ..models import Client, Invoice, Partner, RevenueTarget, ServiceLine
from .filters import service_line_filter


class RevenueTargetInline(LabelledTabularInline):
    model = RevenueTarget
    extra = 0
    fields = ("year", "amount")


@admin.register(ServiceLine)
class ServiceLineAdmin(ActionAdmin):
    list_display = ("code", "name_es", "name_fr", "name_en", "active")
    list_filter = ("active",)
    search_fields = ("code", "name_es", "name_fr", "name_en")
    inlines = [RevenueTargetInline]

    def save_record(
        self, request: HttpRequest, obj: ServiceLine, form: Any, formsets: Any, change: bool
    ) -> None:
        targets = inline_rows(formsets, RevenueTarget)
        record_actions.service_line_save(service_line=obj, targets=targets.changed, removed=targets.removed)

    def delete_record(self, request: HttpRequest, obj: ServiceLine) -> None:
        record_actions.service_line_delete(service_line=obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Codes are stable: dashboards, imports and links rely on them.
        return ("code",) if obj is not None else ()


@admin.register(RevenueTarget)
class RevenueTargetAdmin(BigListAdmin):
    list_display = ("service_line", "year", "amount", "actual_display", "achieved_display")
    list_select_related = ("service_line",)
    list_filter = (IntegerYearFilter, service_line_filter("service_line"))
    ordering = ("-year", "service_line__code")

    def save_record(
        self, request: HttpRequest, obj: RevenueTarget, form: Any, formsets: Any, change: bool
    ) -> None:
        record_actions.revenue_target_save(target=obj)

    def delete_record(self, request: HttpRequest, obj: RevenueTarget) -> None:
        record_actions.revenue_target_delete(target=obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        actual = (
            Invoice.objects.filter(
                status=InvoiceStatus.ISSUED,
                service_line=OuterRef("service_line"),
                issue_date__year=OuterRef("year"),
            )
            .order_by()
            .values("service_line")
            .annotate(total=Sum("net_amount"))
            .values("total")
        )
        return super().get_queryset(request).annotate(actual=Subquery(actual))

    @admin.display(description=_("actual (issued, net)"))
    def actual_display(self, obj: RevenueTarget) -> Decimal:
        return round_money(getattr(obj, "actual", None) or ZERO)

    @admin.display(description=_("achieved"))
    def achieved_display(self, obj: RevenueTarget) -> str:
        if not obj.amount:
            return "—"
        share = round_money(getattr(obj, "actual", None) or ZERO) * 100 / obj.amount
        return f"{format_number(share, places=1)}{NBSP}%"


@admin.register(Client)
class ClientAdmin(BigListAdmin):
    list_display = ("name", "tax_id", "is_foreign", "vat_regime", "payment_terms_days", "contact", "email")
    list_filter = ("is_foreign", "vat_regime")
    search_fields = ("name", "^tax_id", "email")
    ordering = ("name", "id")

    def save_record(self, request: HttpRequest, obj: Client, form: Any, formsets: Any, change: bool) -> None:
        record_actions.client_save(client=obj)

    def delete_record(self, request: HttpRequest, obj: Client) -> None:
        record_actions.client_delete(client=obj)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        normalized = v.normalize_tax_id(search_term)
        if normalized and normalized != search_term:
            results |= queryset.filter(tax_id__startswith=normalized)
        return results, may_have_duplicates


@admin.register(Partner)
class PartnerAdmin(ActionAdmin):
    list_display = ("name",)
    search_fields = ("name",)

    def save_record(self, request: HttpRequest, obj: Partner, form: Any, formsets: Any, change: bool) -> None:
        record_actions.partner_save(partner=obj)

    def delete_record(self, request: HttpRequest, obj: Partner) -> None:
        record_actions.partner_delete(partner=obj)
