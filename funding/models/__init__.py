"""The funding records, one module per concept; `from funding.models import X` names any of them.

Money is `DecimalField(**MONEY)`, rates `**RATE` percentages. Every rule is a validator or a
`clean()` calling `funding.validation` (translated messages) and, where the database can hold it,
a constraint naming the same message, so nothing invalid lands through the shell, a bulk insert
or an import either.
"""

from funding.choices import SourceKind
from funding.models.base import InYearQuerySet, money_field
from funding.models.costs import (
    CostBudget,
    CostBudgetLine,
    CostBudgetQuerySet,
    Expense,
    ExpenseCategory,
    SharedServiceCost,
)
from funding.models.loans import Loan, LoanRepayment, LoanScheduleEntry
from funding.models.rollups import ExpenseMonth, FundingMonthLock, ReceiptMonth
from funding.models.sources import (
    DUE_SOON_DAYS,
    ExpectedTranche,
    FundingReceipt,
    FundingReceiptQuerySet,
    FundingSource,
    Obligation,
    ObligationQuerySet,
    SupportAgreement,
)

__all__ = [
    "DUE_SOON_DAYS",
    "CostBudget",
    "CostBudgetLine",
    "CostBudgetQuerySet",
    "ExpectedTranche",
    "Expense",
    "ExpenseCategory",
    "ExpenseMonth",
    "FundingMonthLock",
    "FundingReceipt",
    "FundingReceiptQuerySet",
    "FundingSource",
    "InYearQuerySet",
    "Loan",
    "LoanRepayment",
    "LoanScheduleEntry",
    "Obligation",
    "ObligationQuerySet",
    "ReceiptMonth",
    "SharedServiceCost",
    # The demo's data generator (smartiberica/demo/synthetic.py) still imports it from here.
    "SourceKind",
    "SupportAgreement",
    "money_field",
]
