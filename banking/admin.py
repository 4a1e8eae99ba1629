"""Staff pages of the cash side: bank accounts, the statements imported for them, their lines, and
the import of a statement file with a preview (`banking.admin_import`).

Accounts are written through `banking.actions` (created by hand or by the first statement of an
IBAN the app does not know; renamed; their IBAN and opening balance and date fixed once a
statement was imported). Statements and lines are what the bank says: read-only lists.

Drill-down query parameters (stable):

=======================================  ==========================================================
changelist                               parameters
=======================================  ==========================================================
``/admin/banking/statementline/``        ``account__id__exact=1``, ``reconciled=no`` (or ``yes``),
                                         ``booking_date_year=2026``, ``statement__id__exact=3``
``/admin/banking/bankstatement/``        ``account__id__exact=1``, ``closing_date_year=2026``
=======================================  ==========================================================

Every changelist makes the same number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from banking import actions, admin_import, selectors
from banking import validation as v
from banking.models import BankAccount, BankStatement, StatementLine
from smartiberica.kernel.admin_base import ActionAdmin, ReadOnlyAdmin
from smartiberica.kernel.admin_columns import short_column
from smartiberica.kernel.admin_filters import year_filter
from smartiberica.kernel.admin_totals import TotalChangeListMixin
from smartiberica.kernel.money import format_money
from smartiberica.kernel.paginator import EstimatedCountPaginator

# --- Accounts ---------------------------------------------------------------------------------------


class BankAccountForm(forms.ModelForm):
    class Meta:
        model = BankAccount
        fields = ("name", "iban", "opening_date", "opening_balance")

    def clean_iban(self) -> str:
        # Stored without spaces, in capitals: "es91 2100 …" typed from a paper statement is the same
        # account as the file's, and the uniqueness check compares the stored form.
        return v.compact_iban(self.cleaned_data["iban"])


def balance_column() -> Callable[[BankAccount], str]:
    """The list's "balance today" column: every account's balance from `cash_position`, read once
    (one query) when the first row asks, for this page only."""
    balances: dict[int, Decimal] | None = None

    def balance(account: BankAccount) -> str:
        nonlocal balances
        if balances is None:
            balances = {a.account_id: a.balance for a in selectors.cash_position().accounts}
        value = balances.get(account.pk)  # None: opened after today
        return "—" if value is None else format_money(value)

    return admin.display(description=_("balance today"))(balance)


@admin.register(BankAccount)
class BankAccountAdmin(ActionAdmin):
    form = BankAccountForm
    fields = ("name", "iban", "opening_date", "opening_balance")
    list_display = ("name", "iban", "opening_date", "opening_balance")
    search_fields = ("name", "iban")
    ordering = ("name", "iban")

    def get_list_display(self, request: HttpRequest) -> Any:
        return [*super().get_list_display(request), balance_column()]

    def get_readonly_fields(self, request: HttpRequest, obj: BankAccount | None = None) -> Any:
        names = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk is not None and self._has_statements(obj):
            names += [name for name in actions.FIXED_BY_STATEMENTS if name not in names]
        return self._replaced(names, self._number_columns(names))

    @staticmethod
    def _has_statements(account: BankAccount) -> bool:
        # Asked several times while one page is built: one query, kept on the instance.
        known: bool | None = getattr(account, "_has_statements", None)
        if known is None:
            known = account.statements.exists()
            account._has_statements = known  # type: ignore[attr-defined]
        return known

    def save_record(
        self, request: HttpRequest, obj: BankAccount, form: Any, formsets: Any, change: bool
    ) -> None:
        actions.account_save(account=obj)

    def delete_record(self, request: HttpRequest, obj: BankAccount) -> None:
        actions.account_delete(account=obj)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "may_import_statements": admin_import.may_import(request)}
        return super().changelist_view(request, extra_context)


# --- Statements -------------------------------------------------------------------------------------


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyAdmin):
    # A list that grows with every import: no count of the whole table, no facet counts.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    paginator = EstimatedCountPaginator
    list_display = (
        "closing_date",
        "account",
        "opening_date",
        "opening_balance",
        "closing_balance",
        "lines_link",
        "format",
        short_column(BankStatement, "file_name"),
        "imported_by",
        "imported_at",
    )
    list_display_links = ("closing_date",)
    list_filter = ("account", year_filter("closing_date"), "format")
    list_select_related = ("account", "imported_by")
    fields = (
        "account",
        "format",
        ("opening_date", "opening_balance"),
        ("closing_date", "closing_balance"),
        "lines_link",
        "file_name",
        ("imported_by", "imported_at"),
        "fingerprint",
    )
    # Not fields a form could hold: the list's link, and what the import wrote by itself.
    readonly_fields = ("lines_link", "fingerprint", "imported_at")
    ordering = ("-closing_date", "-pk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[BankStatement]:
        return super().get_queryset(request).annotate(line_count=Count("lines"))

    @admin.display(description=_("lines"), ordering="line_count")
    def lines_link(self, statement: BankStatement) -> str:
        count: int = getattr(statement, "line_count", 0)
        url = reverse("admin:banking_statementline_changelist")
        label = ngettext("%(count)d line", "%(count)d lines", count) % {"count": count}
        return format_html('<a href="{}?statement__id__exact={}">{}</a>', url, statement.pk, label)

    def get_urls(self) -> list[Any]:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=f"{info}_import"),
            path("import/confirm/", wrap(self.confirm_view), name=f"{info}_import_confirm"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        return admin_import.import_view(self, request)

    def confirm_view(self, request: HttpRequest) -> HttpResponse:
        return admin_import.confirm_view(self, request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "may_import_statements": admin_import.may_import(request)}
        return super().changelist_view(request, extra_context)


# --- Lines ------------------------------------------------------------------------------------------


class ReconciledFilter(admin.SimpleListFilter):
    title = _("reconciled")
    parameter_name = "reconciled"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("Not reconciled")), ("yes", _("Reconciled"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(matched_kind__isnull=False)
        if self.value() == "no":
            return queryset.filter(matched_kind__isnull=True)
        return queryset


@admin.register(StatementLine)
class StatementLineAdmin(TotalChangeListMixin, ReadOnlyAdmin):
    # Thousands of lines a year: no count of the whole table, no facet counts.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    paginator = EstimatedCountPaginator
    # The amount right after the date, the long texts cut: the amounts stay in sight at 1280 px.
    list_display = (
        "booking_date",
        "amount",
        short_column(StatementLine, "account__name", name="account_short", length=24),
        short_column(StatementLine, "description"),
        short_column(StatementLine, "counterparty_name", length=24),
        "matched_kind",
    )
    list_filter = (
        "account",
        ReconciledFilter,
        year_filter("booking_date"),
        ("booking_date", admin.DateFieldListFilter),
    )
    list_select_related = ("account",)
    search_fields = ("description", "counterparty_name", "reference", "end_to_end")
    ordering = ("-booking_date", "-pk")
    fields = (
        ("account", "statement"),
        ("booking_date", "value_date"),
        "amount",
        "description",
        ("counterparty_name", "counterparty_iban"),
        ("reference", "end_to_end", "bank_code"),
        ("matched_kind", "matched_id"),
        ("matched_by", "matched_at"),
    )
