"""Member turnover, with the margin each month gives, and the margin rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.admin_base import ActionAdmin, LabelledTabularInline, inline_rows
from smartiberica.kernel.admin_filters import year_filter
from smartiberica.kernel.admin_totals import TotalChangeListMixin
from smartiberica.kernel.import_admin import RecordsImportExportMixin
from smartiberica.kernel.money import ZERO, format_money, format_number, round_money

from .. import record_actions
from .. import resources as exports
from ..calculations import Band
from ..choices import MarginRuleKind
from ..margin_rules import MarginDrop, margin_drops
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


# A banded rule whose higher band gives a month less margin than one cent less turnover would.
MSG_DROPS_AT = _("more turnover, less margin at %(turnovers)s")
MSG_DROP = _(
    "At %(turnover)s of monthly turnover the structure margin falls to %(at)s, from %(below)s one "
    "cent below: every month from %(lowest)s up to it earns more."
)
MSG_NO_DROP = _("None: more turnover never gives less margin under this rule.")


def rule_margin_drops(rule: MarginRule) -> list[MarginDrop]:
    """Where a stored rule gives less margin for more turnover (bands prefetched or read here)."""
    if rule.pk is None or rule.kind != MarginRuleKind.BANDED:
        return []
    return margin_drops([Band(b.lower_bound, b.structure_rate, b.fund_rate) for b in rule.bands.all()])


@admin.register(MarginRule)
class MarginRuleAdmin(ActionAdmin):
    list_display = ("name", "valid_from", "valid_to", "kind", "structure_rate", "fund_rate", "drops_display")
    readonly_fields = ("drops_warning",)
    inlines = [MarginBandInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MarginRule]:
        # The drops column reads every listed rule's bands: one query for all of them.
        return super().get_queryset(request).prefetch_related("bands")

    @admin.display(description=_("margin drops"))
    def drops_display(self, obj: MarginRule) -> str:
        drops = rule_margin_drops(obj)
        if not drops:
            return "—"
        return str(MSG_DROPS_AT % {"turnovers": ", ".join(format_money(d.turnover) for d in drops)})

    @admin.display(description=_("more turnover, less margin"))
    def drops_warning(self, obj: MarginRule | None) -> SafeString | str:
        drops = rule_margin_drops(obj) if obj is not None else []
        if not drops:
            return str(MSG_NO_DROP) if obj is not None and obj.pk is not None else "—"
        items = format_html_join(
            "",
            "<li>{}</li>",
            (
                (
                    MSG_DROP
                    % {
                        "turnover": format_money(d.turnover),
                        "at": format_money(d.margin_at),
                        "below": format_money(d.margin_below),
                        "lowest": format_money(d.lowest_turnover_above_it),
                    },
                )
                for d in drops
            ),
        )
        return format_html('<ul class="errorlist margin-drops">{}</ul>', items)

    def save_record(
        self, request: HttpRequest, obj: MarginRule, form: Any, formsets: Any, change: bool
    ) -> None:
        bands = inline_rows(formsets, MarginBand)
        record_actions.margin_rule_save(rule=obj, bands=bands.changed, removed=bands.removed)

    def delete_record(self, request: HttpRequest, obj: MarginRule) -> None:
        record_actions.margin_rule_delete(rule=obj)
