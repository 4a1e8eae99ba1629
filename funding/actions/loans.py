"""The loan's writes: creation, its schedule, repayments (one by one or all due at once), prepayments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from funding import validation as v
from funding.actions.base import _save, _set
from funding.choices import Frequency, RepaymentKind
from funding.loan_schedule import ScheduleRow, french_schedule
from funding.models import (
    FundingSource,
    Loan,
    LoanRepayment,
    LoanScheduleEntry,
)
from smartiberica.kernel.closed_years import (
    closed_years,
    closed_years_cached,
    validate_record_deletable,
    validate_record_open,
    validate_year_open,
)
from smartiberica.kernel.dates import today
from smartiberica.kernel.history import bulk_create_audited

# --- The loan --------------------------------------------------------------------------------------


@transaction.atomic
def loan_create(
    *,
    source: FundingSource,
    reference: str,
    principal: Decimal,
    annual_rate: Decimal,
    term_instalments: int,
    start_date: date,
    frequency: Frequency | str = Frequency.MONTHLY,
    grace_instalments: int = 0,
    notes: str = "",
) -> Loan:
    """A loan and its generated schedule. Record the drawdown itself with `receipt_create`."""
    loan = _save(
        Loan(
            source=source,
            reference=reference,
            principal=principal,
            annual_rate=annual_rate,
            term_instalments=term_instalments,
            start_date=start_date,
            frequency=frequency,
            grace_instalments=grace_instalments,
            notes=notes,
        )
    )
    loan_generate_schedule(loan=loan)
    return loan


@transaction.atomic
def loan_generate_schedule(*, loan: Loan) -> list[LoanScheduleEntry]:
    """(Re)write the whole schedule from the loan's terms and its recorded prepayments.

    The schedule is a pure function of those, so rows due before a prepayment come out unchanged
    and the rows after it are re-generated.
    """
    rows = french_schedule(**loan.schedule_terms(), prepayments=loan.recorded_prepayments())
    _refuse_changes_in_closed_years(loan, rows)
    loan.schedule.all().delete()
    return LoanScheduleEntry.objects.bulk_create(
        LoanScheduleEntry(
            loan=loan,
            number=row.number,
            due_date=row.due_date,
            instalment=row.instalment,
            interest=row.interest,
            principal=row.principal,
            balance=row.balance,
        )
        for row in rows
    )


DueRow = tuple[date, Decimal, Decimal]


def _refuse_changes_in_closed_years(loan: Loan, rows: Sequence[ScheduleRow]) -> None:
    """The interest due of a closed year is one of its approved figures: a new schedule may not
    change the rows due in it (new terms, a loan created back-dated into it)."""
    closed = closed_years()
    if not closed:
        return

    def in_closed_years(
        entries: Iterable[ScheduleRow | LoanScheduleEntry],
    ) -> set[tuple[date, Decimal, Decimal]]:
        return {(e.due_date, e.interest, e.principal) for e in entries if e.due_date.year in closed}

    changed = in_closed_years(rows) ^ in_closed_years(loan.schedule.all())
    if changed:
        validate_year_open(min(changed)[0].year)


@transaction.atomic
def loan_update(
    *,
    loan: Loan,
    principal: Decimal | None = None,
    annual_rate: Decimal | None = None,
    term_instalments: int | None = None,
    start_date: date | None = None,
    frequency: Frequency | str | None = None,
    grace_instalments: int | None = None,
    notes: str | None = None,
) -> Loan:
    """Change the terms (None leaves a field as it is) and re-generate the schedule."""
    _set(
        loan,
        principal=principal,
        annual_rate=annual_rate,
        term_instalments=term_instalments,
        start_date=start_date,
        frequency=frequency,
        grace_instalments=grace_instalments,
        notes=notes,
    )
    _save(loan)
    loan_generate_schedule(loan=loan)
    return loan


@transaction.atomic
def loan_record_repayment(
    *,
    loan: Loan,
    date: date,
    interest: Decimal,
    principal: Decimal,
    instalment_number: int | None = None,
) -> LoanRepayment:
    """A repayment actually made (interest is a cost, principal is not)."""
    return _save(
        LoanRepayment(
            loan=loan,
            date=date,
            kind=RepaymentKind.INSTALMENT,
            instalment_number=instalment_number,
            interest=interest,
            principal=principal,
        )
    )


@transaction.atomic
def loan_pay_instalment(*, loan: Loan, number: int, on: date | None = None) -> LoanRepayment:
    """Record that instalment `number` was paid as scheduled, on its due date unless `on` says otherwise."""
    entry = loan.schedule.filter(number=number).first()
    if entry is None:
        raise ValidationError(
            {"instalment_number": ValidationError(v.ERR_INSTALMENT_NOT_IN_SCHEDULE, code="not_in_schedule")}
        )
    return loan_record_repayment(
        loan=loan,
        date=on or entry.due_date,
        interest=entry.interest,
        principal=entry.principal,
        instalment_number=number,
    )


@transaction.atomic
def loan_pay_due_instalments(*, loan: Loan, on: date | None = None) -> list[LoanRepayment]:
    """Record every scheduled instalment due up to `on` (today by default) and not yet paid, as scheduled.

    A fixed number of queries whatever the number of instalments: the schedule and the numbers
    already paid are read once, each repayment is checked in memory with the rules and messages
    `loan_record_repayment` applies, and all are inserted at once with their audit rows. Nothing is
    written when one of them is refused.
    """
    day = on or today()
    paid = set(
        loan.repayments.filter(instalment_number__isnull=False).values_list("instalment_number", flat=True)
    )
    schedule = list(loan.schedule.order_by("number"))
    numbers = {entry.number for entry in schedule}
    repayments = [
        LoanRepayment(
            loan=loan,
            date=entry.due_date,
            kind=RepaymentKind.INSTALMENT,
            instalment_number=entry.number,
            interest=entry.interest,
            principal=entry.principal,
        )
        for entry in schedule
        if entry.due_date <= day and entry.number not in paid and entry.instalment > 0
    ]
    if not repayments:
        return []
    with closed_years_cached():  # the closed years read once, not once per instalment
        for repayment in repayments:
            _check_instalment_repayment(repayment, loan=loan, schedule_numbers=numbers)
    return bulk_create_audited(repayments, LoanRepayment)


def _check_instalment_repayment(repayment: LoanRepayment, *, loan: Loan, schedule_numbers: set[int]) -> None:
    """`full_clean()` of an instalment's repayment without its queries.

    The loan is the saved one the schedule was read from (no existence check of the foreign key),
    the schedule's numbers are given, and the numbers already paid were left out by the caller
    (the unique constraint `loan_repayment_one_per_instalment` still guards the database).
    """
    errors: dict[str, list[ValidationError]] = {}
    try:
        repayment.clean_fields(exclude=["loan"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        v.validate_repayment(
            kind=repayment.kind,
            interest=repayment.interest,
            principal=repayment.principal,
            instalment_number=repayment.instalment_number,
            on=repayment.date,
            loan_start=loan.start_date,
            schedule_numbers=schedule_numbers,
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        validate_record_open(repayment)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def loan_record_prepayment(*, loan: Loan, on: date, amount: Decimal) -> LoanRepayment:
    """Extra principal repaid on `on`: re-generates the rest of the schedule (same term, lower payments)."""
    repayment = _save(
        LoanRepayment(
            loan=loan,
            date=on,
            kind=RepaymentKind.PREPAYMENT,
            interest=Decimal("0.00"),
            principal=amount,
        )
    )
    loan_generate_schedule(loan=loan)
    return repayment


@transaction.atomic
def loan_delete_repayment(*, repayment: LoanRepayment) -> None:
    """Delete a repayment; removing a prepayment re-generates the schedule without it."""
    validate_record_deletable(repayment)
    loan = repayment.loan
    was_prepayment = repayment.kind == RepaymentKind.PREPAYMENT
    repayment.delete()
    if was_prepayment:
        loan_generate_schedule(loan=loan)
