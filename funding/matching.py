"""Reads of the funding app for the bank reconciliation (issue 20): what a bank line may be.

Money in may be a funding receipt (a loan drawdown is a receipt of a `loan` source); money out a
loan repayment (its interest and principal leave the account together) or an expense. The board
asks, for a whole batch of lines, which records have the amount of one of its lines and a date in
the batch's window: three queries at most, whatever the number of lines. Which of them the bank
already knows is the banking app's business.

A repayment's amount is a sum the database computes (SQLite adds decimals as floating point): it
is compared in whole cents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, IntegerField, QuerySet
from django.db.models.functions import Cast, Round

from funding.choices import SourceKind
from funding.models import Expense, FundingReceipt, FundingSource, LoanRepayment
from smartiberica.kernel.money import MONEY, round_money


@dataclass(frozen=True)
class ReceiptRecord:
    """Money received from a funding source (a loan drawdown when the source is a loan)."""

    id: int
    date: date
    amount: Decimal
    reference: str
    source_id: int
    source_name: str
    source_kind: str
    source_counterparty: str

    @property
    def is_drawdown(self) -> bool:
        return self.source_kind == SourceKind.LOAN


@dataclass(frozen=True)
class RepaymentRecord:
    """A loan repayment: `amount` is its interest plus its principal, what left the account."""

    id: int
    date: date
    amount: Decimal
    loan_reference: str
    lender_id: int
    lender_name: str
    lender_counterparty: str


@dataclass(frozen=True)
class ExpenseRecord:
    id: int
    date: date
    amount: Decimal
    supplier: str
    reference: str
    category_code: str


@dataclass(frozen=True)
class FundingRecords:
    receipts: tuple[ReceiptRecord, ...] = ()
    repayments: tuple[RepaymentRecord, ...] = ()
    expenses: tuple[ExpenseRecord, ...] = ()


def _cents(amounts: Iterable[Decimal]) -> set[int]:
    return {int(round_money(abs(amount)) * 100) for amount in amounts}


def _receipts(rows: QuerySet[FundingReceipt]) -> tuple[ReceiptRecord, ...]:
    fields = ("pk", "date", "amount", "reference", "source_id", "source__name", "source__kind")
    return tuple(
        ReceiptRecord(
            id=pk,
            date=on,
            amount=round_money(amount),
            reference=reference,
            source_id=source_id,
            source_name=name,
            source_kind=kind,
            source_counterparty=counterparty,
        )
        for pk, on, amount, reference, source_id, name, kind, counterparty in rows.order_by(
            "date", "pk"
        ).values_list(*fields, "source__counterparty")
    )


def _repayments(rows: QuerySet[LoanRepayment]) -> tuple[RepaymentRecord, ...]:
    money: DecimalField[Decimal, Decimal] = DecimalField(**MONEY)
    fields = ("pk", "date", "paid", "loan__reference", "loan__source_id", "loan__source__name")
    return tuple(
        RepaymentRecord(
            id=pk,
            date=on,
            amount=round_money(paid),
            loan_reference=reference,
            lender_id=lender_id,
            lender_name=name,
            lender_counterparty=counterparty,
        )
        for pk, on, paid, reference, lender_id, name, counterparty in rows.annotate(
            paid=ExpressionWrapper(F("interest") + F("principal"), output_field=money)
        )
        .order_by("date", "pk")
        .values_list(*fields, "loan__source__counterparty")
    )


def _expenses(rows: QuerySet[Expense]) -> tuple[ExpenseRecord, ...]:
    fields = ("pk", "date", "amount", "supplier", "reference", "category__code")
    return tuple(
        ExpenseRecord(
            id=pk,
            date=on,
            amount=round_money(amount),
            supplier=supplier,
            reference=reference,
            category_code=code,
        )
        for pk, on, amount, supplier, reference, code in rows.order_by("date", "pk").values_list(*fields)
    )


def _repayments_in_cents(cents: set[int]) -> QuerySet[LoanRepayment]:
    money: DecimalField[Decimal, Decimal] = DecimalField(**MONEY)
    return LoanRepayment.objects.annotate(
        paid_cents=Cast(
            Round(ExpressionWrapper((F("interest") + F("principal")) * 100, output_field=money)),
            output_field=IntegerField(),
        )
    ).filter(paid_cents__in=cents)


def funding_candidates(
    *, money_in: Iterable[Decimal], money_out: Iterable[Decimal], first: date, last: date
) -> FundingRecords:
    """The records a batch of bank lines may be, by amount, dated from `first` to `last` (three
    queries at most): receipts (drawdowns included) whose amount is one of `money_in`, loan
    repayments and expenses whose amount is one of `money_out` (given as positive amounts)."""
    amounts_in = sorted({round_money(abs(a)) for a in money_in})
    amounts_out = sorted({round_money(abs(a)) for a in money_out})
    window = {"date__range": (first, last)}
    receipts: tuple[ReceiptRecord, ...] = ()
    repayments: tuple[RepaymentRecord, ...] = ()
    expenses: tuple[ExpenseRecord, ...] = ()
    if amounts_in:
        receipts = _receipts(FundingReceipt.objects.filter(amount__in=amounts_in, **window))
    if amounts_out:
        repayments = _repayments(_repayments_in_cents(_cents(amounts_out)).filter(**window))
        expenses = _expenses(Expense.objects.filter(amount__in=amounts_out, **window))
    return FundingRecords(receipts=receipts, repayments=repayments, expenses=expenses)


def funding_records(
    *, receipts: Iterable[int] = (), repayments: Iterable[int] = (), expenses: Iterable[int] = ()
) -> FundingRecords:
    """Receipts, repayments and expenses by id: one query for each kind asked for."""
    receipt_ids, repayment_ids, expense_ids = set(receipts), set(repayments), set(expenses)
    return FundingRecords(
        receipts=_receipts(FundingReceipt.objects.filter(pk__in=receipt_ids)) if receipt_ids else (),
        repayments=_repayments(LoanRepayment.objects.filter(pk__in=repayment_ids)) if repayment_ids else (),
        expenses=_expenses(Expense.objects.filter(pk__in=expense_ids)) if expense_ids else (),
    )


def source_by_id(*, source_id: int) -> FundingSource | None:
    """The funding source to record a receipt for (`funding.actions.receipt_create` takes it)."""
    return FundingSource.objects.filter(pk=source_id).first()
