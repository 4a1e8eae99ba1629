"""Every receipt, loan repayment and expense of a period, for a writer that tells what reached the
bank (the demo's bank statements): the reconciliation's own reads take amounts
(`funding.matching`), this one a date range. Six queries, whatever the period."""

from __future__ import annotations

from datetime import date

from funding.matching import FundingRecords, funding_records
from funding.models import Expense, FundingReceipt, LoanRepayment


def funding_movements_between(*, first: date, last: date) -> FundingRecords:
    """The receipts, loan repayments and expenses dated from `first` to `last`, in date order."""
    window = {"date__range": (first, last)}
    return funding_records(
        receipts=FundingReceipt.objects.filter(**window).values_list("pk", flat=True),
        repayments=LoanRepayment.objects.filter(**window).values_list("pk", flat=True),
        expenses=Expense.objects.filter(**window).values_list("pk", flat=True),
    )
