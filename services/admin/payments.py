"""Payments received and refunds paid back, each linked to its invoice's page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.admin_base import BigListAdmin
from smartiberica.kernel.admin_columns import short_text
from smartiberica.kernel.admin_filters import year_filter
from smartiberica.kernel.admin_totals import TotalChangeListMixin
from smartiberica.kernel.import_admin import RecordsImportExportMixin
from smartiberica.kernel.record_links import PAYMENT, REFUND, bank_line_field

from .. import actions
from .. import resources as exports
from ..models import Payment, Refund
from .filters import client_filter, service_line_filter
from .invoices import invoice_link


@admin.register(Payment)
class PaymentAdmin(RecordsImportExportMixin, TotalChangeListMixin, BigListAdmin):
    importer_class = exports.PaymentResource.importer_class
    resource_classes = [exports.PaymentResource]
    # The net part is what the cash basis counts as revenue.
    total_fields = (("amount", _("amount")), ("net_amount", _("net part")))
    list_display = ("date", "amount", "net_amount", "invoice", "client_display", "method", "reference")
    list_select_related = ("invoice", "invoice__client")
    list_filter = (
        year_filter("date"),
        "method",
        service_line_filter("invoice__service_line"),
        client_filter("invoice__client"),
    )
    search_fields = ("^invoice__number", "invoice__client__name", "=invoice__client__tax_id", "reference")
    autocomplete_fields = ("invoice",)
    fields = ("invoice", "invoice_link", "date", "amount", "method", "reference", "net_amount", "bank_line")
    readonly_fields = ("invoice_link", "net_amount", "bank_line")
    bank_line = bank_line_field(PAYMENT)  # the bank line it was reconciled with (issue 20)

    @admin.display(description=_("client"), ordering="invoice__client__name")
    def client_display(self, obj: Payment) -> str:
        return short_text(obj.invoice.client.name)

    client_display.short_text = True  # type: ignore[attr-defined]

    @admin.display(description=_("invoice's page"))
    def invoice_link(self, obj: Payment) -> str:
        return invoice_link(obj)

    def save_record(self, request: HttpRequest, obj: Payment, form: Any, formsets: Any, change: bool) -> None:
        actions.payment_save(payment=obj)

    def delete_record(self, request: HttpRequest, obj: Payment) -> None:
        actions.payment_delete(payment=obj)


@admin.register(Refund)
class RefundAdmin(RecordsImportExportMixin, TotalChangeListMixin, BigListAdmin):
    """Money paid back to clients; each refund raises its invoice's amount due."""

    importer_class = exports.RefundResource.importer_class
    resource_classes = [exports.RefundResource]
    total_fields = (("amount", _("amount")), ("net_amount", _("net part")))
    list_display = ("date", "amount", "net_amount", "invoice", "client_display", "reference")
    list_select_related = ("invoice", "invoice__client")
    list_filter = (
        year_filter("date"),
        service_line_filter("invoice__service_line"),
        client_filter("invoice__client"),
    )
    search_fields = ("^invoice__number", "invoice__client__name", "=invoice__client__tax_id", "reference")
    autocomplete_fields = ("invoice",)
    fields = ("invoice", "invoice_link", "date", "amount", "reference", "net_amount", "bank_line")
    readonly_fields = ("invoice_link", "net_amount", "bank_line")
    bank_line = bank_line_field(REFUND)

    @admin.display(description=_("client"), ordering="invoice__client__name")
    def client_display(self, obj: Refund) -> str:
        return short_text(obj.invoice.client.name)

    client_display.short_text = True  # type: ignore[attr-defined]

    @admin.display(description=_("invoice's page"))
    def invoice_link(self, obj: Refund) -> str:
        return invoice_link(obj)

    def save_record(self, request: HttpRequest, obj: Refund, form: Any, formsets: Any, change: bool) -> None:
        actions.refund_save(refund=obj)

    def delete_record(self, request: HttpRequest, obj: Refund) -> None:
        actions.refund_delete(refund=obj)
