"""Save and delete one funding record as a whole: what the admin's change forms call.

Each function takes a record built by a form (new or changed, not yet saved) and, for records
entered with their rows (an agreement's tranches, a budget's lines), the new and changed rows
and the removed ones. It validates and writes everything inside one transaction, re-checks the
rules that span rows once they are all written, and re-generates what derives from the record
(a loan's schedule). The keyword builders of `actions.py` (`expense_create`, `loan_create`…) are
for code (imports, the demo); these are for a record edited as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from funding import validation as v
from funding.actions import loan_generate_schedule, rollups
from funding.choices import RepaymentKind
from funding.models import (
    CostBudget,
    CostBudgetLine,
    ExpectedTranche,
    Expense,
    ExpenseCategory,
    FundingReceipt,
    FundingSource,
    Loan,
    LoanRepayment,
    Obligation,
    SharedServiceCost,
    SupportAgreement,
)
from smartiberica.kernel.records import delete_unless_protected, save_children, save_validated


@transaction.atomic
def source_save(
    *, source: FundingSource, obligations: Sequence[Obligation] = (), removed: Sequence[Obligation] = ()
) -> FundingSource:
    """A source with its new, changed and removed obligations (reports, audits, covenants)."""
    save_validated(source)
    save_children(obligations, deleted=removed)
    return source


@transaction.atomic
def agreement_save(
    *,
    agreement: SupportAgreement,
    tranches: Sequence[ExpectedTranche] = (),
    receipts: Sequence[FundingReceipt] = (),
    obligations: Sequence[Obligation] = (),
    removed: Sequence[ExpectedTranche | FundingReceipt | Obligation] = (),
) -> SupportAgreement:
    """An agreement with its new or changed tranches, receipts and obligations.

    Receipts and obligations entered under an agreement come from (are owed to) its source. The
    tranches, all of them once written, may not add up to more than the commitment.
    """
    save_validated(agreement)
    for receipt in receipts:
        receipt.source_id = agreement.source_id
    for obligation in obligations:
        obligation.source_id = agreement.source_id
    removed_receipts = [row for row in removed if isinstance(row, FundingReceipt)]
    before = rollups.stored_months(FundingReceipt, [row.pk for row in [*receipts, *removed_receipts]])
    save_children([*tranches, *receipts, *obligations], deleted=removed)
    # An agreement moved to another source takes its obligations along: they are owed under it.
    for obligation in Obligation.objects.filter(agreement=agreement).exclude(source_id=agreement.source_id):
        obligation.source_id = agreement.source_id
        save_validated(obligation)
    rollups.refresh_months({*before, *(receipt.date for receipt in receipts)})
    v.validate_tranches_total(
        committed=agreement.committed_amount,
        tranches=list(ExpectedTranche.objects.filter(agreement=agreement).values_list("amount", flat=True)),
    )
    return agreement


@transaction.atomic
def agreement_delete(*, agreement: SupportAgreement) -> None:
    delete_unless_protected(agreement)


@transaction.atomic
def obligation_save(*, obligation: Obligation) -> Obligation:
    return save_validated(obligation)


@transaction.atomic
def obligation_delete(*, obligation: Obligation) -> None:
    delete_unless_protected(obligation)


@transaction.atomic
def receipt_save(*, receipt: FundingReceipt) -> FundingReceipt:
    # The stored date, not the form's: a receipt moved to another month leaves the old one too.
    before = rollups.stored_months(FundingReceipt, [receipt.pk])
    save_validated(receipt)
    rollups.refresh_months({*before, receipt.date})
    return receipt


@transaction.atomic
def receipt_delete(*, receipt: FundingReceipt) -> None:
    before = rollups.stored_months(FundingReceipt, [receipt.pk])
    delete_unless_protected(receipt)
    rollups.refresh_months(before)


@transaction.atomic
def loan_save(*, loan: Loan) -> Loan:
    """A new or changed loan; its schedule is re-generated from its terms and prepayments."""
    save_validated(loan)
    loan_generate_schedule(loan=loan)
    return loan


@transaction.atomic
def loan_delete(*, loan: Loan) -> None:
    """Delete a loan with no repayment recorded (its generated schedule goes with it)."""
    delete_unless_protected(loan)


@transaction.atomic
def repayment_save(*, repayment: LoanRepayment) -> LoanRepayment:
    """A new or changed repayment. Prepayments shape the schedule: whenever one is added,
    changed, moved to another loan or turned into an instalment, the schedules it touches are
    re-generated."""
    before = (
        LoanRepayment.objects.filter(pk=repayment.pk).values("loan_id", "kind").first()
        if repayment.pk is not None
        else None
    )
    save_validated(repayment)
    loan_ids = set()
    if repayment.kind == RepaymentKind.PREPAYMENT:
        loan_ids.add(repayment.loan_id)
    if before is not None and before["kind"] == RepaymentKind.PREPAYMENT:
        loan_ids.update({before["loan_id"], repayment.loan_id})
    for loan in Loan.objects.filter(pk__in=loan_ids).order_by("pk"):
        loan_generate_schedule(loan=loan)
    return repayment


@transaction.atomic
def shared_service_cost_save(*, cost: SharedServiceCost) -> SharedServiceCost:
    return save_validated(cost)


@transaction.atomic
def shared_service_cost_delete(*, cost: SharedServiceCost) -> None:
    delete_unless_protected(cost)


@transaction.atomic
def category_save(*, category: ExpenseCategory) -> ExpenseCategory:
    return save_validated(category)


@transaction.atomic
def category_delete(*, category: ExpenseCategory) -> None:
    delete_unless_protected(category)


@transaction.atomic
def budget_save(
    *, budget: CostBudget, lines: Sequence[CostBudgetLine] = (), removed: Sequence[CostBudgetLine] = ()
) -> CostBudget:
    save_validated(budget)
    save_children(lines, deleted=removed)
    return budget


@transaction.atomic
def budget_delete(*, budget: CostBudget) -> None:
    delete_unless_protected(budget)


@transaction.atomic
def expense_save(*, expense: Expense) -> Expense:
    # The stored date, not the form's: an expense moved to another month leaves the old one too.
    before = rollups.stored_months(Expense, [expense.pk])
    save_validated(expense)
    rollups.refresh_months({*before, expense.date})
    return expense


@transaction.atomic
def expense_delete(*, expense: Expense) -> None:
    before = rollups.stored_months(Expense, [expense.pk])
    delete_unless_protected(expense)
    rollups.refresh_months(before)
