"""Member turnover, with the margin each month gives, and the margin rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.admin_base import ActionAdmin, LabelledTabularInline, inline_rows
from smartiberica.kernel.admin_filters import year_filter
from smartiberica.kernel.admin_totals import TotalChangeListMixin
from smartiberica.kernel.import_admin import RecordsImportExportMixin
from smartiberica.kernel.money import ZERO, format_number, round_money

from .. import record_actions
from .. import resources as exports
from ..models import MarginBand, MarginRule, MemberTurnover
from ..selectors import month_margin


@admin.register(MemberTurnover)
class MemberTurnoverAdmin(RecordsImportExportMixin, TotalChangeListMixin, ActionAdmin):
    importer_class = exports.MemberTurnoverResource.importer_class
    resource_classes = [exports.MemberTurnoverResource]
    list_display = (
        "month_display",
        "turnover",
        "margin_display",
        "fund_display",
        "rates_display",
        "active_members",
    )
    # The margin first: the board's member margin figure opens this list.
    total_fields = (
        ("member_margin", _("member margin")),
        ("guarantee_fund", _("guarantee fund")),
        ("turnover", _("members' turnover")),
    )
    total_columns = {"member_margin": "margin_display", "guarantee_fund": "fund_display"}
    list_filter = (year_filter("month"),)
    ordering = ("-month",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def save_record(
        self, request: HttpRequest, obj: MemberTurnover, form: Any, formsets: Any, change: bool
    ) -> None:
        record_actions.member_turnover_save(row=obj)

    def delete_record(self, request: HttpRequest, obj: MemberTurnover) -> None:
        record_actions.member_turnover_delete(row=obj)

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        # The rates of the rows shown come from all the rules, read once (with
        # their bands) whatever the number of rows.
        changelist = super().get_changelist_instance(request)
        rules = list(MarginRule.objects.prefetch_related("bands"))
        changelist.result_list = list(changelist.result_list)
        for row in changelist.result_list:
            row.margin_rules = rules
        return changelist

    def filtered_totals(self, queryset: QuerySet[Any]) -> dict[str, Decimal]:
        """The listed months' totals, each month's margin rounded as the board's figures round it.

        The margins depend on the rules, so they are computed here rather than summed in SQL: a
        fixed number of queries (the months, the rules, their bands) over a small table, a row
        a month.
        """
        months = list(queryset.order_by())
        rules = list(MarginRule.objects.prefetch_related("bands")) if months else []
        margins = [month_margin(row, rules) for row in months]
        return {
            "member_margin": round_money(sum((m.member_margin for m in margins), ZERO)),
            "guarantee_fund": round_money(sum((m.guarantee_fund for m in margins), ZERO)),
            "turnover": round_money(sum((m.turnover for m in margins), ZERO)),
        }

    def _margin(self, obj: MemberTurnover) -> Any:
        rules = getattr(obj, "margin_rules", None)
        if rules is None:
            rules = list(MarginRule.objects.in_force(obj.month).prefetch_related("bands"))
        return month_margin(obj, rules)

    @admin.display(description=_("month"), ordering="month")
    def month_display(self, obj: MemberTurnover) -> str:
        return obj.month.strftime("%Y-%m")

    @admin.display(description=_("rates applied (%)"))
    def rates_display(self, obj: MemberTurnover) -> str:
        margin = self._margin(obj)
        return f"{format_number(margin.structure_rate)} + {format_number(margin.fund_rate)}"

    @admin.display(description=_("member margin"))
    def margin_display(self, obj: MemberTurnover) -> Decimal:
        return self._margin(obj).member_margin

    @admin.display(description=_("guarantee fund"))
    def fund_display(self, obj: MemberTurnover) -> Decimal:
        return self._margin(obj).guarantee_fund


class MarginBandInline(LabelledTabularInline):
    model = MarginBand
    fields = ("lower_bound", "structure_rate", "fund_rate")
    extra = 0


@admin.register(MarginRule)
class MarginRuleAdmin(ActionAdmin):
    list_display = ("name", "valid_from", "valid_to", "kind", "structure_rate", "fund_rate")
    inlines = [MarginBandInline]

    def save_record(
        self, request: HttpRequest, obj: MarginRule, form: Any, formsets: Any, change: bool
    ) -> None:
        bands = inline_rows(formsets, MarginBand)
        record_actions.margin_rule_save(rule=obj, bands=bands.changed, removed=bands.removed)

    def delete_record(self, request: HttpRequest, obj: MarginRule) -> None:
        record_actions.margin_rule_delete(rule=obj)
