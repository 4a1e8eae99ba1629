"""Expenses that look like loan payments: the loan already brings its interest into total costs.

The category `financial` means bank charges and other financial costs, never loan interest or
instalments; an expense booked for them would count the interest twice (and the principal, which
is financing, as a cost). These checks only warn: a bank fee on the instalment's date may be right.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funding.models import FundingSource, LoanScheduleEntry, SourceKind

WARN_EXPENSE_LOOKS_LIKE_LOAN_PAYMENT = _(
    "This expense has the date and amount of an instalment of loan %(loan)s (or of its interest). "
    "Loan interest and instalments are recorded as loan repayments, never as expenses: the "
    "'financial' category is for bank charges."
)
WARN_EXPENSE_SUPPLIER_IS_LENDER = _(
    "The supplier is the lender %(lender)s. Loan interest and instalments are recorded as loan "
    "repayments, never as expenses: the 'financial' category is for bank charges."
)


def expense_loan_warning(*, on: date | None, amount: Decimal | None, supplier: str) -> str | None:
    """A warning when an expense looks like a loan instalment or its interest, else None (two queries)."""
    if on is not None and amount is not None:
        entry = (
            LoanScheduleEntry.objects.filter(due_date=on)
            .filter(Q(instalment=amount) | Q(interest=amount))
            .select_related("loan")
            .first()
        )
        if entry is not None:
            return str(WARN_EXPENSE_LOOKS_LIKE_LOAN_PAYMENT % {"loan": entry.loan.reference})
    name = (supplier or "").strip()
    if name:
        lender = (
            FundingSource.objects.filter(kind=SourceKind.LOAN)
            .filter(Q(name__iexact=name) | Q(code__iexact=name))
            .first()
        )
        if lender is not None:
            return str(WARN_EXPENSE_SUPPLIER_IS_LENDER % {"lender": lender.name})
    return None
