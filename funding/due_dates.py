"""What else falls due on a given day, for the board's calendar: the tranches support agreements
expect, the loans' instalments, and the years with an approved cost budget. One query each.

`funding.selectors` re-exports them; the board reads them there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, Min, OuterRef

from funding.models import CostBudget, ExpectedTranche, LoanRepayment, LoanScheduleEntry
from smartiberica.kernel.money import round_money


@dataclass(frozen=True)
class TrancheDue:
    """A tranche a support agreement expects on a day."""

    id: int
    agreement_id: int
    agreement_title: str
    source_code: str
    source_name: str
    date: date
    amount: Decimal


def tranches_between(*, first: date, last: date) -> list[TrancheDue]:
    """The expected tranches dated from `first` to `last` (both included), by date then id. One query."""
    rows = (
        ExpectedTranche.objects.filter(date__range=(first, last))
        .order_by("date", "pk")
        .values_list(
            "pk",
            "agreement_id",
            "agreement__title",
            "agreement__source__code",
            "agreement__source__name",
            "date",
            "amount",
        )
    )
    return [
        TrancheDue(
            id=pk,
            agreement_id=agreement_id,
            agreement_title=title,
            source_code=code,
            source_name=name,
            date=day,
            amount=round_money(amount),
        )
        for pk, agreement_id, title, code, name, day, amount in rows
    ]


@dataclass(frozen=True)
class InstalmentDue:
    """A row of a loan's schedule, and whether a repayment was recorded against it."""

    loan_id: int
    loan_reference: str
    source_name: str
    number: int  # stable across the schedule's re-generations, unlike the row's id
    due_date: date
    instalment: Decimal
    paid: bool


def instalments_between(*, first: date, last: date) -> list[InstalmentDue]:
    """The schedule rows due from `first` to `last` (both included), by due date, loan and number.
    One query."""
    repaid = LoanRepayment.objects.filter(loan_id=OuterRef("loan_id"), instalment_number=OuterRef("number"))
    rows = (
        LoanScheduleEntry.objects.filter(due_date__range=(first, last))
        .annotate(paid=Exists(repaid))
        .order_by("due_date", "loan_id", "number")
        .values_list(
            "loan_id", "loan__reference", "loan__source__name", "number", "due_date", "instalment", "paid"
        )
    )
    return [
        InstalmentDue(
            loan_id=loan_id,
            loan_reference=reference,
            source_name=name,
            number=number,
            due_date=due_date,
            instalment=round_money(instalment),
            paid=paid,
        )
        for loan_id, reference, name, number, due_date, instalment, paid in rows
    ]


def budget_approvals(*, years: Iterable[int]) -> dict[int, date]:
    """The years among `years` with an approved cost budget -> the day the first one was approved.
    One query."""
    wanted = set(years)
    if not wanted:
        return {}
    rows = (
        CostBudget.objects.approved()
        .filter(year__in=wanted)
        .values("year")
        .annotate(first=Min("approved_on"))
        .order_by()
        .values_list("year", "first")
    )
    return dict(rows)
