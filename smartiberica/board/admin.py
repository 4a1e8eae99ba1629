"""The admin of the board's stored scenarios: a thin form layer over the scenario actions.

Staff (and superusers) edit scenarios here as on the scenario pages; the board reads them. The
change form and its two inlines are only read: `save_record` hands the parameters and the
rows the page shows (stored rows kept, changed, added, or ticked for deletion) to
`scenario_create` / `scenario_update`, which decide with the same words as everywhere else.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartiberica.board import alert_admin, scenario_actions  # noqa: F401 (alert_admin registers the alert rules)
from smartiberica.board.models import Scenario, ScenarioCost, ScenarioRevenue
from smartiberica.kernel.admin_base import ActionAdmin, LabelledTabularInline

# The scenario's own fields, as the actions name them.
PARAMETERS = (
    "slug",
    "name",
    "description",
    "seen_from",
    "stopped_source_id",
    "source_stops_on",
    "structure_rate",
    "fund_rate",
    "rates_from",
    "turnover_growth",
    "lost_client_id",
    "client_lost_on",
)


class ScenarioRevenueInline(LabelledTabularInline):
    model = ScenarioRevenue
    fields = ("service_line", "monthly_amount")
    extra = 0


class ScenarioCostInline(LabelledTabularInline):
    model = ScenarioCost
    fields = ("category", "monthly_amount")
    extra = 0


def _amounts(formsets: Any, model: type[ScenarioRevenue | ScenarioCost], key: str) -> dict[int, Decimal]:
    """`{id: monthly amount}` of the rows the inline of `model` leaves: empty and ticked rows out."""
    amounts: dict[int, Decimal] = {}
    for formset in formsets:
        if formset.model is not model:
            continue
        # Unsaved: sets the lists the admin's change message reads (new, changed, deleted rows).
        formset.save(commit=False)
        for form in formset.forms:
            if (form.instance.pk is None and not form.has_changed()) or formset._should_delete_form(form):
                continue
            amounts[getattr(form.instance, key)] = form.instance.monthly_amount
    return amounts


@admin.register(Scenario)
class ScenarioAdmin(ActionAdmin):
    list_display = ("name", "slug", "author", "updated_at")
    list_select_related = ("author",)
    search_fields = ("name", "slug", "description")
    readonly_fields = ("author", "created_at", "updated_at")
    autocomplete_fields = ("stopped_source", "lost_client")
    fieldsets = (
        (
            None,
            {"fields": ("name", "slug", "description", "seen_from", "author", "created_at", "updated_at")},
        ),
        (None, {"fields": ("stopped_source", "source_stops_on")}),
        (None, {"fields": ("structure_rate", "fund_rate", "rates_from")}),
        (None, {"fields": ("turnover_growth",)}),
        (None, {"fields": ("lost_client", "client_lost_on")}),
    )
    inlines = (ScenarioRevenueInline, ScenarioCostInline)

    def save_record(
        self, request: HttpRequest, obj: Scenario, form: Any, formsets: Any, change: bool
    ) -> None:
        parameters: dict[str, Any] = {name: getattr(obj, name) for name in PARAMETERS}
        parameters["extra_revenue"] = _amounts(formsets, ScenarioRevenue, "service_line_id")
        parameters["extra_costs"] = _amounts(formsets, ScenarioCost, "category_id")
        if change:
            saved = scenario_actions.scenario_update(scenario=obj, user=request.user, **parameters)
        else:
            saved = scenario_actions.scenario_create(author=request.user, **parameters)
        # The admin's redirect and log name the scenario the action wrote.
        obj.pk, obj.author_id = saved.pk, saved.author_id

    def delete_record(self, request: HttpRequest, obj: Scenario) -> None:
        scenario_actions.scenario_delete(scenario=obj, user=request.user)
