"""Paying the due instalments of a loan: a fixed number of queries, the same rows as one by one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding import actions
from funding.choices import RepaymentKind
from funding.models import Loan, LoanRepayment
from funding.selectors import funding_years
from tests.funding.factories import make_loan

pytestmark = pytest.mark.django_db


def queries_to_pay(loan: Loan, *, on: date) -> tuple[int, list[LoanRepayment]]:
    with CaptureQueriesContext(connection) as queries:
        created = actions.loan_pay_due_instalments(loan=loan, on=on)
    return len(queries), created


def test_paying_twelve_due_instalments_costs_the_same_queries_as_paying_one() -> None:
    one = make_loan(reference="ONE")
    twelve = make_loan(reference="TWELVE")

    count_one, paid_one = queries_to_pay(one, on=date(2020, 7, 20))
    count_twelve, paid_twelve = queries_to_pay(twelve, on=date(2021, 6, 20))

    assert (len(paid_one), len(paid_twelve)) == (1, 12)
    assert count_twelve == count_one


def test_paid_rows_copy_the_schedule_and_each_has_its_audit_row() -> None:
    loan = make_loan()
    actions.loan_pay_instalment(loan=loan, number=2)

    created = actions.loan_pay_due_instalments(loan=loan, on=date(2021, 6, 20))

    due = list(loan.schedule.filter(due_date__lte=date(2021, 6, 20)).exclude(number=2).order_by("number"))
    assert [(r.pk is not None, r.instalment_number) for r in created] == [(True, e.number) for e in due]
    stored = LoanRepayment.objects.filter(loan=loan, instalment_number__isnull=False).exclude(
        instalment_number=2
    )
    assert sorted((r.instalment_number, r.date, r.kind, r.interest, r.principal) for r in stored) == [
        (e.number, e.due_date, RepaymentKind.INSTALMENT, e.interest, e.principal) for e in due
    ]
    for repayment in created:
        assert [h.history_type for h in repayment.history.all()] == ["+"]
    figures = funding_years(years=[2020, 2021])
    interest = sum((e.interest for e in loan.schedule.filter(due_date__lte=date(2021, 6, 20))), Decimal(0))
    principal = sum((e.principal for e in loan.schedule.filter(due_date__lte=date(2021, 6, 20))), Decimal(0))
    assert figures[2020].loan_interest_paid + figures[2021].loan_interest_paid == interest
    assert figures[2020].loan_principal_repaid + figures[2021].loan_principal_repaid == principal


def test_a_due_instalment_out_of_the_record_dates_refuses_the_whole_payment() -> None:
    loan = make_loan(start_date=date(2020, 6, 15))
    loan.schedule.filter(number=1).update(due_date=date(1989, 12, 31))

    with pytest.raises(ValidationError) as error:
        actions.loan_pay_due_instalments(loan=loan, on=date(2020, 8, 20))

    assert "date" in error.value.message_dict
    assert not LoanRepayment.objects.filter(loan=loan).exists()
