"""Contracts, and the drafting of the invoices of their current period."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from smartiberica.kernel.admin_base import BigListAdmin
from smartiberica.kernel.admin_filters import year_filter
from smartiberica.kernel.dates import current_year, today
from smartiberica.kernel.money import format_money

from .. import actions, record_actions
from ..calculations import ContractTerms, expected_revenue
from ..choices import ContractKind, ContractStatus
from ..models import Contract
from ..selectors import COUNTED_CONTRACT_STATUSES
from .filters import client_filter, service_line_filter
from .refusals import report_errors


@admin.register(Contract)
class ContractAdmin(BigListAdmin):
    list_display = (
        "reference",
        "client",
        "service_line",
        "kind",
        "billing_period",
        "status",
        "start_date",
        "end_date",
        "partner",
        "expected_display",
    )
    list_select_related = ("client", "service_line", "partner")
    readonly_fields = ("expected_display",)
    list_filter = (
        "status",
        "kind",
        service_line_filter("service_line"),
        client_filter("client"),
        year_filter("start_date", _("start year")),
        # `partner__isempty=0`: the contracts whose revenue is shared (the board's partner shares).
        ("partner", admin.EmptyFieldListFilter),
    )
    search_fields = ("^reference", "client__name", "=client__tax_id")
    autocomplete_fields = ("client", "partner")
    actions = ["draft_current_period_invoices"]
    fieldsets = (
        (None, {"fields": ("reference", "client", "service_line", "description", "status", "notes")}),
        (_("Dates"), {"fields": ("start_date", "end_date")}),
        (
            _("Price"),
            {
                "fields": (
                    "kind",
                    "billing_period",
                    "quantity",
                    "unit_price",
                    "fixed_amount",
                    "estimated_amount",
                    "vat_rate",
                )
            },
        ),
        (_("Partner"), {"fields": ("partner", "partner_share")}),
        (None, {"fields": ("expected_display",)}),
    )

    def save_record(
        self, request: HttpRequest, obj: Contract, form: Any, formsets: Any, change: bool
    ) -> None:
        record_actions.contract_save(contract=obj)

    def delete_record(self, request: HttpRequest, obj: Contract) -> None:
        record_actions.contract_delete(contract=obj)

    @admin.display(description=_("expected revenue this year"))
    def expected_display(self, obj: Contract) -> str:
        if obj.pk is None or obj.status not in COUNTED_CONTRACT_STATUSES:
            return "—"
        terms = ContractTerms(
            kind=obj.kind,
            start_date=obj.start_date,
            end_date=obj.end_date,
            billing_period=obj.billing_period,
            quantity=obj.quantity,
            unit_price=obj.unit_price,
            fixed_amount=obj.fixed_amount,
            estimated_amount=obj.estimated_amount,
        )
        return format_money(expected_revenue(terms, current_year()))

    @admin.action(description=_("Draft the invoices of the current period"), permissions=["change"])
    def draft_current_period_invoices(self, request: HttpRequest, queryset: QuerySet[Contract]) -> None:
        on = today()
        eligible = [
            c
            for c in queryset.select_related("client", "service_line")
            if c.kind == ContractKind.RECURRING and c.status == ContractStatus.ACTIVE
        ]
        try:
            created = actions.contracts_draft_due_invoices(on=on, contracts=eligible)
        except ValidationError as error:
            report_errors(request, self, _("contracts"), error)
            return
        self.message_user(
            request,
            ngettext("%(count)d draft invoice created.", "%(count)d draft invoices created.", len(created))
            % {"count": len(created)},
            messages.SUCCESS,
        )
        skipped = queryset.count() - len(eligible)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d contract skipped: only active recurring contracts are invoiced per period.",
                    "%(count)d contracts skipped: only active recurring contracts are invoiced per period.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
