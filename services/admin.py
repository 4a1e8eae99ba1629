"""Staff data entry for the services app (board members get the same pages read-only).

Invoices are entered on one page: header (client and contract autocomplete), lines
inline, totals computed by `actions.invoice_recompute_totals` when the page is
saved. Drafts become invoices with the "mark as issued" action, which numbers them.
Big lists never count the whole table, never run a SELECT DISTINCT for a filter,
and cost the same number of queries for 1 or 50 rows.

Drill-down URLs the dashboards may link to (every parameter is optional):

    /admin/services/invoice/?issue_date_year=2024&status__exact=issued
        &service_line__code__exact=it-licensing&client__id__exact=3
        &credit_note=yes|no  &payment=paid|unpaid|partial|overdue
    /admin/services/payment/?date_year=2024&invoice__service_line__code__exact=it-licensing
        &invoice__client__id__exact=3&method__exact=transfer
    /admin/services/refund/?date_year=2024&invoice__service_line__code__exact=it-licensing
        &invoice__client__id__exact=3
    /admin/services/contract/?status__exact=active&kind__exact=recurring
        &service_line__code__exact=it-licensing&client__id__exact=3
    /admin/services/memberturnover/?month_year=2024
    /admin/services/revenuetarget/?year=2024

`issue_date_year`, `date_year` and `month_year` filter on a date range of the
year (indexes apply); `client__id__exact` takes a client's primary key (as in
`ClientRevenue.client_id` from the selectors); `service_line__code__exact` takes a
service code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from smartiberica.kernel.admin_base import ActionAdmin, LocalizedNumbersMixin, inline_rows
from smartiberica.kernel.admin_filters import (
    MAX_ID,
    filter_integer,
    filter_year,
    ignore_filter_value,
    year_filter,
)
from smartiberica.kernel.admin_totals import TotalChangeListMixin
from smartiberica.kernel.dates import current_year, today
from smartiberica.kernel.import_admin import RecordsImportExportMixin
from smartiberica.kernel.locks import ERR_DATABASE_BUSY, is_lock_timeout
from smartiberica.kernel.money import NBSP, ZERO, format_money, format_number, round_money
from smartiberica.kernel.paginator import EstimatedCountPaginator

from . import actions, record_actions
from . import resources as exports
from . import validation as v
from .calculations import ContractTerms, InvoiceBalance, compute_totals, expected_revenue
from .choices import ContractKind, ContractStatus, InvoiceStatus, PaymentState
from .models import (
    Client,
    Contract,
    Invoice,
    InvoiceLine,
    MarginBand,
    MarginRule,
    MemberTurnover,
    Partner,
    Payment,
    Refund,
    RevenueTarget,
    ServiceLine,
)
from .selectors import COUNTED_CONTRACT_STATUSES, month_margin

# --- Filters whose choices never come from the filtered (big) table --------------------------


def service_line_filter(path: str) -> type[admin.SimpleListFilter]:
    """Filter on a service line's code; the choices are the (few) service lines."""

    class ServiceLineFilter(admin.SimpleListFilter):
        title = _("service line")
        parameter_name = f"{path}__code__exact"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return [(line.code, line.name) for line in ServiceLine.objects.order_by("code")]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            if self.value():
                return queryset.filter(**{f"{path}__code": self.value()})
            return queryset

    ServiceLineFilter.__name__ = f"ServiceLineFilter_{path}"
    return ServiceLineFilter


# Beyond this many clients the filter lists only the chosen one: thousands of links would
# weigh on every page, and the search box finds a client by name or tax id.
CLIENT_FILTER_LIMIT = 50


def client_filter(path: str) -> type[admin.SimpleListFilter]:
    """Filter on a client id; the choices come from the clients table, not from a DISTINCT."""

    class ClientFilter(admin.SimpleListFilter):
        title = _("client")
        parameter_name = f"{path}__id__exact"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            clients = Client.objects.order_by("name", "id").values_list("id", "name")
            first = list(clients[: CLIENT_FILTER_LIMIT + 1])
            if len(first) > CLIENT_FILTER_LIMIT:
                value = self.value()
                pk = filter_integer(value, low=1, high=MAX_ID)
                first = list(clients.filter(pk=pk)) if pk is not None else []
            return [(str(pk), name) for pk, name in first]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            value = self.value()
            if not value:
                return queryset
            pk = filter_integer(value, low=1, high=MAX_ID)
            if pk is None:
                ignore_filter_value(request, value)
                return queryset
            return queryset.filter(**{f"{path}_id": pk})

    ClientFilter.__name__ = f"ClientFilter_{path}"
    return ClientFilter


class CreditNoteFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "credit_note"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("invoices")), ("yes", _("credit notes"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(corrects__isnull=False)
        if self.value() == "no":
            return queryset.filter(corrects__isnull=True)
        return queryset


class PaymentStateFilter(admin.SimpleListFilter):
    title = _("payment")
    parameter_name = "payment"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("paid", PaymentState.PAID.label),
            ("unpaid", pgettext_lazy("invoice payment state", "unpaid")),
            ("partial", PaymentState.PARTIAL.label),
            ("overdue", PaymentState.OVERDUE.label),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "paid":
            return queryset.paid()  # type: ignore[attr-defined]
        if value == "unpaid":
            return queryset.unpaid()  # type: ignore[attr-defined]
        if value == "partial":
            return queryset.partially_paid()  # type: ignore[attr-defined]
        if value == "overdue":
            return queryset.overdue(on=today())  # type: ignore[attr-defined]
        return queryset


class TargetYearFilter(admin.SimpleListFilter):
    """Static year choices for an integer year field."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(y), str(y)) for y in range(current_year() + 1, 2014, -1)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        year = filter_year(value)
        if year is None:
            ignore_filter_value(request, value)
            return queryset
        return queryset.filter(year=year)


class ProtectedFirstAdmin(ActionAdmin):
    """When related rows are protected (PROTECT), say so rather than "missing permission".

    Issued invoices are never deletable, so without this the delete page of a
    client with invoices would blame the user's permissions instead of explaining
    that its invoices protect it.
    """

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            perms_needed = set()
        return deleted, model_count, perms_needed, protected


class BigListAdmin(ProtectedFirstAdmin):
    """Settings shared by the lists that grow every week."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    paginator = EstimatedCountPaginator  # no COUNT(*) of the whole table on unfiltered PostgreSQL lists

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The parameters of our own filters (e.g. service_line__code__exact) are allowed as such.
        own = {
            f.parameter_name
            for f in self.list_filter
            if isinstance(f, type) and issubclass(f, admin.SimpleListFilter)
        }
        return lookup in own or super().lookup_allowed(lookup, value, request)


def _report_errors(
    request: HttpRequest, admin_obj: admin.ModelAdmin, obj: Any, error: ValidationError
) -> None:
    for message in error.messages:
        admin_obj.message_user(request, f"{obj}: {message}", messages.ERROR)


# --- Service lines, targets, clients, partners ------------------------------------------------


class RevenueTargetInline(LocalizedNumbersMixin, admin.TabularInline):
    model = RevenueTarget
    extra = 0
    fields = ("year", "amount")


@admin.register(ServiceLine)
class ServiceLineAdmin(ProtectedFirstAdmin):
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
    list_filter = (TargetYearFilter, service_line_filter("service_line"))
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
    list_display = ("name", "tax_id", "is_foreign", "contact", "email")
    list_filter = ("is_foreign",)
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
class PartnerAdmin(ProtectedFirstAdmin):
    list_display = ("name",)
    search_fields = ("name",)

    def save_record(self, request: HttpRequest, obj: Partner, form: Any, formsets: Any, change: bool) -> None:
        record_actions.partner_save(partner=obj)

    def delete_record(self, request: HttpRequest, obj: Partner) -> None:
        record_actions.partner_delete(partner=obj)


# --- Contracts ---------------------------------------------------------------------------


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
            _report_errors(request, self, _("contracts"), error)
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


# --- Invoices ----------------------------------------------------------------------------


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


class InvoiceLineInline(LocalizedNumbersMixin, admin.TabularInline):
    model = InvoiceLine
    fields = ("description", "quantity", "unit_price", "vat_rate", "net_display")
    readonly_fields = ("net_display",)
    extra = 1

    @admin.display(description=_("net"))
    def net_display(self, obj: InvoiceLine) -> str:
        return format_money(obj.net_amount) if obj.pk else "—"

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


class DisplayOnlyInline(LocalizedNumbersMixin, admin.TabularInline):
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
    list_display = (
        "number_display",
        "issue_date",
        "client",
        "service_line",
        "status",
        "net_amount",
        "vat_amount",
        "gross_amount",
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
        return super().get_queryset(request).with_balance()  # type: ignore[attr-defined]

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
        # Autocompletes: a payment is for an issued invoice; a credit note corrects one.
        if request.GET.get("app_label") == "services" and request.GET.get("model_name") in {
            "payment",
            "refund",
            "invoice",
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
        return render_to_string(
            "services/admin/invoice_totals.html",
            {
                "invoice": obj,
                "totals": compute_totals((li.quantity, li.unit_price, li.vat_rate) for li in lines),
            },
        )

    @admin.display(description=_("amount paid"))
    def paid_display(self, obj: Invoice) -> str:
        return format_money(round_money(getattr(obj, "paid_total", None) or ZERO))

    @admin.display(description=_("amount due"))
    def amount_due_display(self, obj: Invoice) -> str:
        if obj.pk is None or obj.status != InvoiceStatus.ISSUED or obj.is_credit_note:
            return "—"
        if getattr(obj, "refunded_total", None) is None:  # not read through `with_balance()`
            return amount_due_text(obj.balance())
        return amount_due_text(
            InvoiceBalance(
                gross=obj.gross_amount,
                credited=round_money(obj.credited_total),
                paid=round_money(obj.paid_total),
                refunded=round_money(obj.refunded_total),
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
                _report_errors(request, self, invoice, error)
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


# --- Payments ----------------------------------------------------------------------------


@admin.register(Payment)
class PaymentAdmin(RecordsImportExportMixin, TotalChangeListMixin, BigListAdmin):
    importer_class = exports.PaymentResource.importer_class
    resource_classes = [exports.PaymentResource]
    # The net part is what the cash basis counts as revenue.
    total_fields = (("amount", _("amount")), ("net_amount", _("net part")))
    list_display = ("date", "invoice", "client_display", "amount", "net_amount", "method", "reference")
    list_select_related = ("invoice", "invoice__client")
    list_filter = (
        year_filter("date"),
        "method",
        service_line_filter("invoice__service_line"),
        client_filter("invoice__client"),
    )
    search_fields = ("^invoice__number", "invoice__client__name", "=invoice__client__tax_id", "reference")
    autocomplete_fields = ("invoice",)
    fields = ("invoice", "invoice_link", "date", "amount", "method", "reference", "net_amount")
    readonly_fields = ("invoice_link", "net_amount")

    @admin.display(description=_("client"), ordering="invoice__client__name")
    def client_display(self, obj: Payment) -> str:
        return obj.invoice.client.name

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
    list_display = ("date", "invoice", "client_display", "amount", "net_amount", "reference")
    list_select_related = ("invoice", "invoice__client")
    list_filter = (
        year_filter("date"),
        service_line_filter("invoice__service_line"),
        client_filter("invoice__client"),
    )
    search_fields = ("^invoice__number", "invoice__client__name", "=invoice__client__tax_id", "reference")
    autocomplete_fields = ("invoice",)
    fields = ("invoice", "invoice_link", "date", "amount", "reference", "net_amount")
    readonly_fields = ("invoice_link", "net_amount")

    @admin.display(description=_("client"), ordering="invoice__client__name")
    def client_display(self, obj: Refund) -> str:
        return obj.invoice.client.name

    @admin.display(description=_("invoice's page"))
    def invoice_link(self, obj: Refund) -> str:
        return invoice_link(obj)

    def save_record(self, request: HttpRequest, obj: Refund, form: Any, formsets: Any, change: bool) -> None:
        actions.refund_save(refund=obj)

    def delete_record(self, request: HttpRequest, obj: Refund) -> None:
        actions.refund_delete(refund=obj)


# --- Member turnover and margin rules -------------------------------------------------------


@admin.register(MemberTurnover)
class MemberTurnoverAdmin(RecordsImportExportMixin, ActionAdmin):
    importer_class = exports.MemberTurnoverResource.importer_class
    resource_classes = [exports.MemberTurnoverResource]
    list_display = (
        "month_display",
        "turnover",
        "active_members",
        "rates_display",
        "margin_display",
        "fund_display",
    )
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


class MarginBandInline(LocalizedNumbersMixin, admin.TabularInline):
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
