"""The admin of the alert rules: a thin form over `alert_actions.alert_rule_update`.

Staff change a rule's threshold, switch it on or off and choose who is told; board members read
the rules. The rules are fixed (one per kind, from a data migration): nobody adds or deletes one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from smartiberica.board import alert_actions
from smartiberica.board import alert_validation as av
from smartiberica.board.alert_models import AlertRule
from smartiberica.kernel.admin_base import ActionAdmin
from smartiberica.kernel.money import format_number

HOW_IT_FIRES = {
    "more_is_worse": _("Fires when the value reaches the threshold or goes above it."),
    "less_is_worse": _("Fires when the value falls below the threshold."),
    "due_within": _("Fires for each pending obligation due within the threshold's days, or overdue."),
    "overdue_more_than": _("Fires for each client owing invoices overdue by more than the threshold's days."),
}


@admin.register(AlertRule)
class AlertRuleAdmin(ActionAdmin):
    list_display = ("rule", "threshold_with_unit", "enabled", "told")
    list_display_links = ("rule",)
    fields = ("rule", "threshold", "unit", "how_it_fires", "enabled", "recipients")
    readonly_fields = ("rule", "unit", "how_it_fires")
    filter_horizontal = ("recipients",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(told_count=models.Count("recipients"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "recipients":
            kwargs["queryset"] = alert_actions.may_be_told().order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("unit"))
    def unit(self, rule: AlertRule) -> str:
        return str(av.UNIT_NAMES[av.RULES[rule.rule].unit])

    @admin.display(description=_("how it fires"))
    def how_it_fires(self, rule: AlertRule) -> str:
        return str(HOW_IT_FIRES[av.RULES[rule.rule].direction])

    @admin.display(description=_("threshold"), ordering="threshold")
    def threshold_with_unit(self, rule: AlertRule) -> str:
        places = 0 if rule.threshold == rule.threshold.to_integral_value() else 2
        return f"{format_number(rule.threshold, places=places)} {self.unit(rule)}"

    @admin.display(description=_("who is told"), ordering="told_count")
    def told(self, rule: Any) -> int:
        return int(rule.told_count)

    def save_record(
        self, request: HttpRequest, obj: AlertRule, form: Any, formsets: Any, change: bool
    ) -> None:
        alert_actions.alert_rule_update(
            rule=obj,
            by=request.user,
            threshold=obj.threshold,
            enabled=obj.enabled,
            recipients=form.cleaned_data["recipients"],
        )
