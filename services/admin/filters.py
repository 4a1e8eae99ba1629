"""List filters whose choices never come from the filtered (big) table."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartiberica.kernel.admin_filters import (
    MAX_ID,
    filter_integer,
    ignore_filter_value,
)
from smartiberica.kernel.dates import today

from ..choices import PaymentState
from ..models import Client, ServiceLine
from ..settlement import open_on


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
            (PaymentState.PAID, PaymentState.PAID.label),
            ("unpaid", pgettext_lazy("invoice payment state", "unpaid")),
            (PaymentState.PARTIAL, PaymentState.PARTIAL.label),
            (PaymentState.OVERDUE, PaymentState.OVERDUE.label),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == PaymentState.PAID:
            return queryset.paid()  # type: ignore[attr-defined]
        if value == "unpaid":
            return queryset.unpaid()  # type: ignore[attr-defined]
        if value == PaymentState.PARTIAL:
            return queryset.partially_paid()  # type: ignore[attr-defined]
        if value == PaymentState.OVERDUE:
            return queryset.overdue(on=today())  # type: ignore[attr-defined]
        return queryset


class OpenOnFilter(admin.SimpleListFilter):
    """The invoices with something due at a date (`?open_on=2024-12-31`): the receivables' drill-down.

    Offered only when a link gives the day: the list then shows exactly the invoices the ageing
    on that day counts (`services.receivables.open_on`).
    """

    title = _("open on")
    parameter_name = "open_on"

    def _day(self) -> date | None:
        try:
            return date.fromisoformat(self.value() or "")
        except ValueError:
            return None

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        # A filter without choices is not applied: a bad value is offered too, so that `queryset`
        # says it was ignored.
        value, day = self.value(), self._day()
        if not value:
            return []
        return [(value, value if day is None else date_format(day, "SHORT_DATE_FORMAT"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        day = self._day()
        if day is None:
            ignore_filter_value(request, value)
            return queryset
        return open_on(queryset, day)
