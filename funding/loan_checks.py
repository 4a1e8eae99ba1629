"""Expenses that look like loan payments: the loan already brings its interest into total costs.

The category `financial` means bank charges and other financial costs, never loan interest or
instalments; an expense booked for them would count the interest twice (and the principal, which
is financing, as a cost). These checks only warn: a bank fee on the instalment's date may be right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from funding.choices import SourceKind
from funding.models import FundingSource, LoanScheduleEntry
from smartiberica.kernel.money import round_money

WARN_EXPENSE_LOOKS_LIKE_LOAN_PAYMENT = _(
    "This expense has the date and amount of an instalment of loan %(loan)s (or of its interest). "
    "Loan interest and instalments are recorded as loan repayments, never as expenses: the "
    "'financial' category is for bank charges."
)
WARN_EXPENSE_SUPPLIER_IS_LENDER = _(
    "The supplier is the lender %(lender)s. Loan interest and instalments are recorded as loan "
    "repayments, never as expenses: the 'financial' category is for bank charges."
)


@dataclass(frozen=True)
class LoanLookalikes:
    """The loan payments an expense could duplicate, loaded once (two queries) and checked per expense.

    An import checks every row against one load; the admin loads only the expense's day.
    """

    #: (due date, amount) -> loan reference, for each instalment and each interest of the schedule
    payments: dict[tuple[date, Decimal], str]
    #: lender name or code, lower-cased -> lender name
    lenders: dict[str, str]

    @classmethod
    def load(cls, *, on: date | None = None) -> LoanLookalikes:
        entries = LoanScheduleEntry.objects.all()
        if on is not None:
            entries = entries.filter(due_date=on)
        payments: dict[tuple[date, Decimal], str] = {}
        for due, instalment, interest, loan in entries.order_by("pk").values_list(
            "due_date", "instalment", "interest", "loan__reference"
        ):
            for amount in (instalment, interest):
                payments.setdefault((due, round_money(amount)), loan)
        lenders: dict[str, str] = {}
        for code, name in FundingSource.objects.filter(kind=SourceKind.LOAN).values_list("code", "name"):
            lenders.setdefault(name.lower(), name)
            lenders.setdefault(code.lower(), name)
        return cls(payments=payments, lenders=lenders)

    def check(self, *, on: date | None, amount: Decimal | None, supplier: str) -> tuple[str, str] | None:
        """(the field the warning is about, the warning) when the expense looks like a loan payment."""
        if on is not None and amount is not None:
            loan = self.payments.get((on, round_money(amount)))
            if loan is not None:
                return "amount", str(WARN_EXPENSE_LOOKS_LIKE_LOAN_PAYMENT % {"loan": loan})
        lender = self.lenders.get((supplier or "").strip().lower())
        if lender is not None:
            return "supplier", str(WARN_EXPENSE_SUPPLIER_IS_LENDER % {"lender": lender})
        return None


def expense_loan_warning(*, on: date | None, amount: Decimal | None, supplier: str) -> str | None:
    """A warning when an expense looks like a loan instalment or its interest, else None (two queries)."""
    # Only the expense's day of the schedule is needed (no date: no day matches).
    found = LoanLookalikes.load(on=on or date.min).check(on=on, amount=amount, supplier=supplier)
    return found[1] if found else None
