"""Every payment and refund of a period, for a writer that tells what reached the bank (the demo's
bank statements): the reconciliation's own reads take amounts (`services.matching`), this one a
date range. A fixed number of queries, whatever the period."""

from __future__ import annotations

from datetime import date

from .matching import OpenInvoice, ServicesRecords, services_records
from .models import Invoice, Payment, Refund


def money_movements_between(*, first: date, last: date) -> ServicesRecords:
    """The payments and refunds dated from `first` to `last`, in date order (no open invoices)."""
    window = {"date__range": (first, last)}
    return services_records(
        payments=Payment.objects.filter(**window).values_list("pk", flat=True),
        refunds=Refund.objects.filter(**window).values_list("pk", flat=True),
    )


def invoices_issued_between(*, first: date, last: date) -> tuple[OpenInvoice, ...]:
    """The ordinary invoices issued from `first` to `last`, each with its amount due (0 when paid),
    by due date. Two queries."""
    issued = Invoice.objects.issued().ordinary().filter(issue_date__range=(first, last))
    return services_records(invoices=issued.values_list("pk", flat=True)).open_invoices
