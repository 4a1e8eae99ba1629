"""Wiping the services records, for `load_demo --reset`."""

from __future__ import annotations

from django.db import transaction

from ..models import (
    Client,
    Contract,
    ContractExpectation,
    GuaranteeAdvance,
    Invoice,
    InvoiceNumberCounter,
    MarginRule,
    MemberTurnover,
    Partner,
    Payment,
    Refund,
    RevenueClientYear,
    RevenueLineMonth,
    RevenueMonth,
    RevenueMonthLock,
    RevenueTarget,
)
from .receivable_rollups import receivables_rows_wiped


@transaction.atomic
def records_wipe() -> None:
    """Delete every services record, keeping the service lines (reference data).

    For `load_demo --reset`: children first, since most links are protected.
    Numbering counters go too, so a reloaded story numbers from 1 again; the rollups too, since
    the records they sum are gone.
    """
    receivables_rows_wiped()
    RevenueMonth.objects.all().delete()
    RevenueLineMonth.objects.all().delete()
    RevenueClientYear.objects.all().delete()
    RevenueMonthLock.objects.all().delete()
    GuaranteeAdvance.objects.all().delete()
    Refund.objects.all().delete()
    Payment.objects.all().delete()
    Invoice.objects.filter(corrects__isnull=False).delete()
    Invoice.objects.all().delete()
    InvoiceNumberCounter.objects.all().delete()
    ContractExpectation.objects.all().delete()
    Contract.objects.all().delete()
    Partner.objects.all().delete()
    Client.objects.all().delete()
    RevenueTarget.objects.all().delete()
    MemberTurnover.objects.all().delete()
    MarginRule.objects.all().delete()
