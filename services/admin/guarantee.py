"""The guarantee fund's advances to members, with a list action that records their recovery.

Drill-down URLs the year page links to (every parameter is optional):

    /admin/services/guaranteeadvance/?date_year=2024            advances paid in 2024
    /admin/services/guaranteeadvance/?recovered_on_year=2024    advances recovered in 2024
    /admin/services/guaranteeadvance/?outstanding=2024          outstanding at 31 December 2024
    /admin/services/guaranteeadvance/?outstanding=yes|no        not recovered (today) / recovered
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from smartiberica.kernel.admin_base import ActionAdmin
from smartiberica.kernel.admin_columns import short_column
from smartiberica.kernel.admin_filters import filter_year, ignore_filter_value, year_filter
from smartiberica.kernel.admin_totals import TotalChangeListMixin
from smartiberica.kernel.dates import today, year_bounds

from .. import actions
from ..models import GuaranteeAdvance
from .refusals import report_errors

OUTSTANDING = "yes"
RECOVERED = "no"


class OutstandingFilter(admin.SimpleListFilter):
    """Outstanding (not recovered) or recovered advances; a year: outstanding at its 31 December."""

    title = _("recovery")
    parameter_name = "outstanding"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        choices: list[tuple[str, Any]] = [(OUTSTANDING, _("outstanding")), (RECOVERED, _("recovered"))]
        year = filter_year(self.value())
        if year is not None:
            choices.append((str(year), _("outstanding at the end of %(year)s") % {"year": year}))
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if value == OUTSTANDING:
            return queryset.outstanding()  # type: ignore[attr-defined]
        if value == RECOVERED:
            return queryset.filter(recovered_on__isnull=False)
        year = filter_year(value)
        if year is None:
            ignore_filter_value(request, value)
            return queryset
        return queryset.outstanding(on=year_bounds(year)[1])  # type: ignore[attr-defined]


@admin.register(GuaranteeAdvance)
class GuaranteeAdvanceAdmin(TotalChangeListMixin, ActionAdmin):
    """Advances paid by the guarantee fund to members whose client had not paid an invoice."""

    list_display = (
        "date",
        "amount",
        short_column(GuaranteeAdvance, "member_reference", name="member_short"),
        "invoice",
        short_column(GuaranteeAdvance, "invoice__client__name", name="client_short"),
        "recovered_on",
    )
    list_select_related = ("invoice", "invoice__client")
    list_filter = (
        year_filter("date", title=_("year paid")),
        year_filter("recovered_on", title=_("year recovered")),
        OutstandingFilter,
    )
    search_fields = ("member_reference", "^invoice__number", "invoice__client__name")
    autocomplete_fields = ("invoice",)
    fields = ("member_reference", "invoice", "invoice_link", "date", "amount", "recovered_on", "notes")
    readonly_fields = ("invoice_link",)
    actions = ("mark_recovered_today",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description=_("invoice's page"))
    def invoice_link(self, obj: GuaranteeAdvance) -> str:
        if obj.invoice_id is None:
            return "—"
        url = reverse("admin:services_invoice_change", args=[obj.invoice_id])
        return format_html('<a href="{}">{}</a>', url, obj.invoice)

    def save_record(
        self, request: HttpRequest, obj: GuaranteeAdvance, form: Any, formsets: Any, change: bool
    ) -> None:
        actions.guarantee_advance_save(advance=obj)

    def delete_record(self, request: HttpRequest, obj: GuaranteeAdvance) -> None:
        actions.guarantee_advance_delete(advance=obj)

    @admin.action(description=_("Mark recovered today"), permissions=["change"])
    def mark_recovered_today(self, request: HttpRequest, queryset: QuerySet[GuaranteeAdvance]) -> None:
        """The clients paid: each selected advance came back to the fund today (refusals one by one)."""
        on: date = today()
        done = 0
        for advance in queryset.order_by("date", "id"):
            try:
                actions.guarantee_advance_recover(advance=advance, on=on)
                done += 1
            except ValidationError as error:
                report_errors(request, self, advance, error)
        if done:
            message = ngettext(
                "%(count)d advance marked recovered.", "%(count)d advances marked recovered.", done
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
