"""Invoices and credit notes: one page with the lines, issue, full payment and cancellation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from smartiberica.kernel.admin_base import BigListAdmin, LabelledTabularInline, inline_rows
from smartiberica.kernel.admin_columns import short_column
from smartiberica.kernel.admin_filters import year_filter
from smartiberica.kernel.admin_totals import TotalChangeListMixin
from smartiberica.kernel.dates import today
from smartiberica.kernel.import_admin import RecordsImportExportMixin
from smartiberica.kernel.locks import ERR_DATABASE_BUSY, is_lock_timeout
from smartiberica.kernel.money import ZERO, format_money, round_money

from .. import actions, record_actions
from .. import resources as exports
from .. import validation as v
from ..calculations import InvoiceBalance, compute_totals
from ..choices import InvoiceStatus, PaymentState
from ..client_rules import default_vat_rate, vat_mention
from ..models import Invoice, InvoiceLine, Payment, Refund
from .filters import CreditNoteFilter, OpenOnFilter, PaymentStateFilter, client_filter, service_line_filter
from .refusals import report_errors


def amount_due_text(balance: InvoiceBalance) -> str:
    """The amount due, and what is owed back to the client when a credit note came after payment."""
    if balance.to_refund:
        return _("%(due)s (%(back)s to refund to the client)") % {
            "due": format_money(balance.amount_due),
            "back": format_money(balance.to_refund),
        }
    return format_money(balance.amount_due)


def invoice_link(record: Payment | Refund) -> str:
    """A link to the page of the invoice a payment or refund is for."""
    if record.invoice_id is None:
        return "—"
    url = reverse("admin:services_invoice_change", args=[record.invoice_id])
    return format_html('<a href="{}">{}</a>', url, record.invoice)


class InvoiceLineInline(LabelledTabularInline):
    model = InvoiceLine
    fields = ("description", "quantity", "unit_price", "vat_rate", "net_display")
    readonly_fields = ("net_display",)
    extra = 1

    @admin.display(description=_("net"))
    def net_display(self, obj: InvoiceLine) -> str:
        return format_money(obj.net_amount) if obj.pk else "—"

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("vat_rate")
        if field is not None and obj is not None and obj.client_id is not None:
            # A new line starts at the rate of the client's VAT regime; left empty it takes it too.
            field.initial = default_vat_rate(obj.client.vat_regime)
        return formset

    def _editable(self, obj: Invoice | None) -> bool:
        return obj is None or obj.status == InvoiceStatus.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class DisplayOnlyFormSet(BaseInlineFormSet):
    """The rows of a read-only inline: listed on the page, never read back from its POST.

    The page's form may then be posted without this inline's management form (scripts,
    tests, an older page), and nothing of it is ever taken for a change.
    """

    def __init__(self, data: Any = None, files: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(None, None, *args, **kwargs)

    def is_valid(self) -> bool:
        return True


class DisplayOnlyInline(LabelledTabularInline):
    """Related records listed on a page with links to their own pages, where they are entered."""

    formset = DisplayOnlyFormSet
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PaymentInline(DisplayOnlyInline):
    """The payments of an invoice, shown for information; they are entered as payments."""

    model = Payment
    fields = ("date", "amount", "net_amount", "method", "reference")
    readonly_fields = fields


class RefundInline(DisplayOnlyInline):
    """The refunds of an invoice, shown for information; they are entered as refunds."""

    model = Refund
    fields = ("date", "amount", "net_amount", "reference")
    readonly_fields = fields


class CreditNoteInline(DisplayOnlyInline):
    """The credit notes correcting an invoice, each linked to its page."""

    model = Invoice
    fk_name = "corrects"
    verbose_name = _("credit note")
    verbose_name_plural = _("credit notes")
    fields = ("number", "issue_date", "status", "net_amount", "gross_amount")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A credit note is not corrected by other credit notes: no empty list on its page.
        if obj is not None and obj.is_credit_note:
            return False
        return super().has_view_permission(request, obj)


HEADER_FIELDS = (
    "series",
    "number",
    "client",
    "contract",
    "service_line",
    "corrects",
    "issue_date",
    "due_date",
)


# What an invoice number (or the start of one) looks like: series, year, dash, digits.
INVOICE_NUMBER_PREFIX = re.compile(r"^[A-Za-z]{1,5}[0-9]{4}-[0-9]*$")


@admin.register(Invoice)
class InvoiceAdmin(RecordsImportExportMixin, TotalChangeListMixin, BigListAdmin):
    importer_class = exports.InvoiceResource.importer_class
    resource_classes = [exports.InvoiceResource]
    total_fields = (("net_amount", _("net")), ("vat_amount", _("VAT")), ("gross_amount", _("gross")))
    # The amounts right after the number and date, the client's name cut: they stay in sight at
    # 1280 px, where the admin's sidebars leave the table some 700 px.
    list_display = (
        "number_display",
        "issue_date",
        "net_amount",
        "vat_amount",
        "gross_amount",
        short_column(Invoice, "client__name", name="client_short"),
        "service_line",
        "status",
        "payment_display",
    )
    list_display_links = ("number_display",)
    list_select_related = ("client", "service_line")
    list_filter = (
        year_filter("issue_date", _("issue year")),
        "status",
        service_line_filter("service_line"),
        client_filter("client"),
        CreditNoteFilter,
        PaymentStateFilter,
        OpenOnFilter,
    )
    search_fields = ("^number", "client__name", "=client__tax_id")
    autocomplete_fields = ("client", "contract", "corrects")
    inlines = [InvoiceLineInline, CreditNoteInline, PaymentInline, RefundInline]
    actions = ["mark_issued", "record_full_payment", "cancel_invoices"]
    fieldsets = (
        (None, {"fields": (*HEADER_FIELDS, "status", "notes")}),
        (
            _("Totals"),
            {
                "fields": (
                    "totals_display",
                    "paid_display",
                    "amount_due_display",
                    "payment_display",
                    "period_start",
                ),
                "description": _("Computed from the lines when the invoice is saved."),
            },
        ),
    )

    class Media:
        css = {"all": ["services/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).with_balance()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only drafts may disappear: an issued number must stay in the series (cancel instead).
        if obj is not None and obj.status != InvoiceStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        found = super().get_actions(request)
        found.pop("delete_selected", None)  # it would not check each invoice's status
        return found

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        computed = (
            "status",
            "totals_display",
            "paid_display",
            "amount_due_display",
            "payment_display",
            "period_start",
        )
        if obj is not None and obj.status != InvoiceStatus.DRAFT:
            return (*HEADER_FIELDS, *computed)
        return computed

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        term = search_term.strip()
        if INVOICE_NUMBER_PREFIX.match(term):
            # Only a number looks like F2024-00…: a case-sensitive prefix match on it alone uses
            # the index on number, where istartswith (UPPER) OR the client's name scans the table.
            results, may_have_duplicates = queryset.filter(number__startswith=term.upper()), False
            if connection.vendor == "sqlite":  # its LIKE ignores case, so only a range uses the index
                results = results.filter(number__gte=term.upper(), number__lt=term.upper() + "\U0010ffff")
        else:
            results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
            normalized = v.normalize_tax_id(search_term)
            if normalized and normalized != search_term:
                results |= queryset.filter(client__tax_id=normalized)
        # Autocompletes: a payment (or a guarantee fund advance) is for an issued invoice; a credit
        # note corrects one.
        if request.GET.get("app_label") == "services" and request.GET.get("model_name") in {
            "payment",
            "refund",
            "invoice",
            "guaranteeadvance",
        }:
            results = results.filter(status=InvoiceStatus.ISSUED, corrects__isnull=True)
        return results, may_have_duplicates

    @admin.display(description=_("number"), ordering="number")
    def number_display(self, obj: Invoice) -> str:
        return str(obj)

    @admin.display(description=_("totals"))
    def totals_display(self, obj: Invoice) -> str:
        if obj.pk is None:
            return "—"
        lines = list(obj.lines.all())
        regime = obj.client.vat_regime if obj.client_id is not None else ""
        return render_to_string(
            "services/admin/invoice_totals.html",
            {
                "invoice": obj,
                "totals": compute_totals((li.quantity, li.unit_price, li.vat_rate) for li in lines),
                # The legal mention of its client's regime, on an invoice that carries no VAT.
                "regime": regime,
                "mention": vat_mention(regime) if lines and obj.vat_amount == 0 else "",
            },
        )

    @admin.display(description=_("amount paid"))
    def paid_display(self, obj: Invoice) -> str:
        return format_money(round_money(getattr(obj, "paid_total", None) or ZERO))

    @admin.display(description=_("amount due"))
    def amount_due_display(self, obj: Invoice) -> str:
        if obj.pk is None or obj.status != InvoiceStatus.ISSUED or obj.is_credit_note:
            return "—"
        credited, paid, refunded = (
            getattr(obj, name, None) for name in ("credited_total", "paid_total", "refunded_total")
        )
        if credited is None or paid is None or refunded is None:  # not read through `with_balance()`
            return amount_due_text(obj.balance())
        return amount_due_text(
            InvoiceBalance(
                gross=obj.gross_amount,
                credited=round_money(credited),
                paid=round_money(paid),
                refunded=round_money(refunded),
            )
        )

    @admin.display(description=_("payment"))
    def payment_display(self, obj: Invoice) -> str:
        if obj.pk is None:
            return "—"
        return str(PaymentState(obj.payment_state).label)

    def save_record(self, request: HttpRequest, obj: Invoice, form: Any, formsets: Any, change: bool) -> None:
        lines = inline_rows(formsets, InvoiceLine)
        record_actions.invoice_save(invoice=obj, lines=lines.changed, removed=lines.removed)

    def delete_record(self, request: HttpRequest, obj: Invoice) -> None:
        record_actions.invoice_delete_draft(invoice=obj)

    def _apply_each(
        self,
        request: HttpRequest,
        invoices: Iterable[Invoice],
        apply: Callable[[Invoice], object],
        success: Callable[[int], str],
    ) -> None:
        """Run an action on each invoice; refusals are reported one by one, successes counted."""
        done = 0
        for invoice in invoices:
            try:
                apply(invoice)
                done += 1
            except ValidationError as error:
                report_errors(request, self, invoice, error)
                if any(e.code == "numbering_busy" for e in getattr(error, "error_list", [])):
                    break  # the next ones would wait as long: say it once
            except OperationalError as error:  # SQLite: another writer kept the lock too long
                if not is_lock_timeout(error):
                    raise
                self.message_user(request, ERR_DATABASE_BUSY, messages.ERROR)
                break
        if done:
            self.message_user(request, success(done) % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Mark as issued (assigns the number)"), permissions=["change"])
    def mark_issued(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        # In date order, so that the numbers follow the issue dates.
        self._apply_each(
            request,
            queryset.order_by("issue_date", "id"),
            lambda invoice: actions.invoice_issue(invoice=invoice),
            lambda n: ngettext("%(count)d invoice issued.", "%(count)d invoices issued.", n),
        )

    @admin.action(description=_("Record full payment (dated today)"), permissions=["change"])
    def record_full_payment(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._apply_each(
            request,
            queryset,
            lambda invoice: actions.invoice_record_full_payment(invoice=invoice, date=today()),
            lambda n: ngettext("%(count)d payment recorded.", "%(count)d payments recorded.", n),
        )

    @admin.action(description=_("Cancel"), permissions=["change"])
    def cancel_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._apply_each(
            request,
            queryset,
            lambda invoice: actions.invoice_cancel(invoice=invoice),
            lambda n: ngettext("%(count)d invoice cancelled.", "%(count)d invoices cancelled.", n),
        )
