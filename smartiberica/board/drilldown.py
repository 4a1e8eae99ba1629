"""Links from a figure to the records behind it: admin changelists, filtered.

Staff get the changelist with its add and change controls; board members, who
only hold view permissions, get the same list read-only. Only filters declared
by the apps' admins are used, so the admin never rejects the link.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=64)
def _path(name: str, prefix: str, urlconf: str) -> str:
    """The path of a changelist under a script prefix and URLconf (the arguments key the cache):
    a year page has some sixty links, and each `reverse` costs tens of microseconds."""
    return reverse(name, urlconf=urlconf)


def _changelist(app: str, model: str, **params: object) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    path = _path(f"admin:{app}_{model}_changelist", get_script_prefix(), urlconf)
    return path + (f"?{query}" if query else "")


def issued_invoices(year: int, *, service: str | None = None, client_id: int | None = None) -> str:
    return _changelist(
        "services",
        "invoice",
        issue_date_year=year,
        status__exact="issued",
        service_line__code__exact=service,
        client__id__exact=client_id,
    )


def payments(year: int, *, service: str | None = None, client_id: int | None = None) -> str:
    """The payments received in the year: the cash basis's revenue (less the refunds)."""
    return _changelist(
        "services",
        "payment",
        date_year=year,
        invoice__service_line__code__exact=service,
        invoice__client__id__exact=client_id,
    )


def member_turnover(year: int) -> str:
    return _changelist("services", "memberturnover", month_year=year)


def receipts(year: int, *, source: str | None = None) -> str:
    return _changelist("funding", "fundingreceipt", date_year=year, source__code__exact=source)


def shared_service_costs(year: int, *, source: str | None = None) -> str:
    return _changelist("funding", "sharedservicecost", year__exact=year, source__code__exact=source)


def expenses(year: int, *, category: str | None = None, service: str | None = None) -> str:
    """The expenses dated in the year; `service`: those that name the service line (its direct costs)."""
    return _changelist(
        "funding",
        "expense",
        date_year=year,
        category__code__exact=category,
        service_line__code__exact=service,
    )


def loan_repayments(year: int) -> str:
    return _changelist("funding", "loanrepayment", date_year=year)


def loan_schedule(year: int) -> str:
    """The schedule rows due in the year: their interest is the accrual basis's loan interest."""
    return _changelist("funding", "loanscheduleentry", due_date_year=year)


def cost_budgets(year: int) -> str:
    return _changelist("funding", "costbudget", year__exact=year)


def loan_drawdowns(year: int) -> str:
    return _changelist("funding", "fundingreceipt", date_year=year, source__kind__exact="loan")


def refunds(year: int, *, service: str | None = None, client_id: int | None = None) -> str:
    """The refunds paid in the year: taken off the cash basis's revenue."""
    return _changelist(
        "services",
        "refund",
        date_year=year,
        invoice__service_line__code__exact=service,
        invoice__client__id__exact=client_id,
    )


def revenue(year: int, basis: str, *, service: str | None = None, client_id: int | None = None) -> str:
    """The records behind services revenue on a basis: invoices issued, or payments received."""
    if basis == "cash":
        return payments(year, service=service, client_id=client_id)
    return issued_invoices(year, service=service, client_id=client_id)


def guarantee_advances_paid(year: int) -> str:
    """The guarantee fund's advances paid to members in the year."""
    return _changelist("services", "guaranteeadvance", date_year=year)


def guarantee_advances_recovered(year: int) -> str:
    """The guarantee fund's advances recovered in the year (their clients paid)."""
    return _changelist("services", "guaranteeadvance", recovered_on_year=year)


def guarantee_advances_outstanding(year: int) -> str:
    """The guarantee fund's advances still out at the end of the year."""
    return _changelist("services", "guaranteeadvance", outstanding=year)


def open_invoices(on: date, *, client_id: int | None = None) -> str:
    """The invoices with something due on a day (the receivables' ageing), of one client or all."""
    return _changelist("services", "invoice", open_on=on.isoformat(), client__id__exact=client_id)
