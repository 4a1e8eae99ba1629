"""The funding rules, with the words used to refuse what breaks them.

Every rule lives here once: field validators and the models' `clean()` call these functions, so the
admin forms, the actions and the importers refuse the same things with the same translated message.
The database enforces the same rules with constraints (see `funding/models/`), whose
`violation_error_message` are the constants below.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from funding.choices import AGREEMENT_KINDS, RECEIPT_KINDS, BudgetStatus, RepaymentKind, SourceKind
from funding.loan_schedule import Prepayment, ScheduleError, french_schedule
from smartiberica.kernel.dates import validate_record_year

# The rate rule is the kernel's. Migrations 0001 and 0003 name the validator by this dotted path
# (`funding.validation.validate_percentage`): it stays importable here for them.
from smartiberica.kernel.rates import validate_percentage

__all__ = ["validate_percentage"]

# Amounts, rates, years
ERR_AMOUNT_NOT_POSITIVE = _("The amount must be greater than zero.")
ERR_AMOUNT_NEGATIVE = _("The amount cannot be negative.")
ERR_END_BEFORE_START = _("The end date cannot be before the start date.")

# Unique codes and references
ERR_SOURCE_CODE_TAKEN = _("A funding source with this code already exists.")
ERR_CATEGORY_CODE_TAKEN = _("An expense category with this code already exists.")
ERR_RECEIPT_REFERENCE_TAKEN = _("This funding source already has a receipt with this reference.")
ERR_EXPENSE_REFERENCE_TAKEN = _("An expense with this reference already exists.")
ERR_LOAN_REFERENCE_TAKEN = _("A loan with this reference already exists.")
ERR_BUDGET_VERSION_TAKEN = _("This year already has a cost budget with this version number.")
ERR_BUDGET_LINE_TAKEN = _("This budget already has a line for this category.")
ERR_SHARED_COST_TAKEN = _("This shared service already has a cost record for this year.")
ERR_INSTALMENT_ALREADY_PAID = _("This instalment already has a repayment.")

# Funding sources and what hangs from them
ERR_SOURCE_IN_USE = _("This funding source has receipts or other records: it cannot be deleted.")
ERR_SOURCE_KIND_LOCKED = _(
    "The kind cannot change: loans, support agreements or shared-service costs recorded under this "
    "source depend on it."
)
ERR_LOAN_SOURCE_KIND = _("A loan must come from a funding source of kind “loan”.")
ERR_AGREEMENT_SOURCE_KIND = _("A support agreement must be with a parent-support or grant source.")
ERR_SHARED_COST_SOURCE_KIND = _(
    "A shared-service cost belongs to a funding source of kind “shared services”."
)
ERR_RECEIPT_FROM_SHARED_SERVICES = _(
    "Shared services support the cooperative in kind: record their yearly cost, not a receipt."
)
ERR_RECEIPT_AGREEMENT_SOURCE = _("This agreement belongs to another funding source.")
ERR_TRANCHES_EXCEED_COMMITMENT = _("The expected tranches add up to more than the committed amount.")
ERR_OBLIGATION_AGREEMENT_SOURCE = _(
    "This agreement is with another funding source: an obligation under it is owed to the agreement's source."
)

# Shared services
ERR_SHARE_EXCEEDS_TOTAL = _("The share paid by the cooperative cannot exceed the total cost.")
ERR_STANDALONE_BELOW_SHARE = _(
    "The standalone cost cannot be lower than the share paid: the avoided cost would be negative."
)

# Budgets
ERR_BUDGET_VERSION_TOO_LOW = _("Versions are numbered from 1.")
ERR_APPROVED_WITHOUT_DATE = _("An approved budget needs its approval date.")
ERR_DRAFT_WITH_APPROVAL_DATE = _("A draft budget has no approval date: approve it to set one.")

# The loan
ERR_TERM_TOO_SHORT = _("A loan needs at least one instalment.")
ERR_GRACE_TOO_LONG = _("The grace period must leave at least one instalment that repays principal.")
ERR_REPAYMENT_EMPTY = _("A repayment must repay some interest or principal.")
ERR_REPAYMENT_BEFORE_START = _("The repayment is dated before the loan starts.")
ERR_INSTALMENT_NOT_IN_SCHEDULE = _("The schedule has no instalment with this number.")
ERR_PREPAYMENT_INTEREST = _(
    "A prepayment repays principal only: record any interest or fee as a separate repayment."
)
ERR_PREPAYMENT_INSTALMENT = _("A prepayment is not an instalment of the schedule: leave the number empty.")
ERR_PREPAYMENT_BEFORE_START = _("The prepayment is dated before the loan starts.")
ERR_PREPAYMENT_AFTER_END = _("No instalment of the schedule is left after this date.")
ERR_PREPAYMENT_EXCEEDS_BALANCE = _("The prepayment exceeds the principal still owed on that date.")
ERR_TERMS_CONFLICT_WITH_PREPAYMENTS = _(
    "These terms do not fit the prepayments already recorded for this loan (one would fall after the "
    "last instalment or exceed the balance)."
)


# --- Field validators -------------------------------------------------------------------------------


def validate_positive_amount(value: Decimal | None) -> None:
    if value is not None and value <= 0:
        raise ValidationError(ERR_AMOUNT_NOT_POSITIVE, code="not_positive")


def validate_non_negative_amount(value: Decimal | None) -> None:
    if value is not None and value < 0:
        raise ValidationError(ERR_AMOUNT_NEGATIVE, code="negative")


def validate_year(value: int | None) -> None:
    """The year of a yearly record: the kernel's range (1990 to next year)."""
    validate_record_year(value)


def validate_term(value: int | None) -> None:
    if value is not None and value < 1:
        raise ValidationError(ERR_TERM_TOO_SHORT, code="term_too_short")


def validate_version(value: int | None) -> None:
    if value is not None and value < 1:
        raise ValidationError(ERR_BUDGET_VERSION_TOO_LOW, code="version_too_low")


# --- Rules across fields -----------------------------------------------------------------------------


def validate_period(start: date | None, end: date | None, *, end_field: str) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError({end_field: ValidationError(ERR_END_BEFORE_START, code="end_before_start")})


def validate_source_kind_change(*, old_kind: str | None, new_kind: str, dependants: dict[str, bool]) -> None:
    """`dependants` says which records hang from the source: {"loan": True, "agreement": …, …}.

    A source keeps the kind its loans, agreements or shared-service costs need.
    """
    if old_kind is None or old_kind == new_kind:
        return
    needs: dict[str, tuple[str, ...]] = {
        "loan": (SourceKind.LOAN,),
        "agreement": AGREEMENT_KINDS,
        "shared_cost": (SourceKind.SHARED_SERVICES,),
        "receipt": RECEIPT_KINDS,
    }
    for dependant, present in dependants.items():
        if present and new_kind not in needs[dependant]:
            raise ValidationError({"kind": ValidationError(ERR_SOURCE_KIND_LOCKED, code="kind_locked")})


def validate_loan_source(kind: str | None) -> None:
    if kind is not None and kind != SourceKind.LOAN:
        raise ValidationError({"source": ValidationError(ERR_LOAN_SOURCE_KIND, code="source_kind")})


def validate_agreement_source(kind: str | None) -> None:
    if kind is not None and kind not in AGREEMENT_KINDS:
        raise ValidationError({"source": ValidationError(ERR_AGREEMENT_SOURCE_KIND, code="source_kind")})


def validate_shared_cost_source(kind: str | None) -> None:
    if kind is not None and kind != SourceKind.SHARED_SERVICES:
        raise ValidationError({"source": ValidationError(ERR_SHARED_COST_SOURCE_KIND, code="source_kind")})


def validate_receipt_source(*, kind: str | None, source_id: Any, agreement_source_id: Any) -> None:
    if kind == SourceKind.SHARED_SERVICES:
        raise ValidationError(
            {"source": ValidationError(ERR_RECEIPT_FROM_SHARED_SERVICES, code="in_kind_source")}
        )
    if agreement_source_id is not None and source_id is not None and agreement_source_id != source_id:
        raise ValidationError(
            {"agreement": ValidationError(ERR_RECEIPT_AGREEMENT_SOURCE, code="agreement_source")}
        )


def validate_obligation_agreement(*, source_id: Any, agreement_source_id: Any) -> None:
    """An obligation owed under an agreement is owed to the agreement's source."""
    if agreement_source_id is not None and source_id is not None and agreement_source_id != source_id:
        raise ValidationError(
            {"agreement": ValidationError(ERR_OBLIGATION_AGREEMENT_SOURCE, code="agreement_source")}
        )


def validate_tranches_total(*, committed: Decimal | None, tranches: Iterable[Decimal]) -> None:
    if committed is None:
        return
    if sum((t for t in tranches if t is not None), Decimal(0)) > committed:
        raise ValidationError(ERR_TRANCHES_EXCEED_COMMITMENT, code="tranches_exceed_commitment")


def validate_shared_cost(
    *, total_cost: Decimal | None, share_paid: Decimal | None, standalone_cost: Decimal | None
) -> None:
    errors: dict[str, ValidationError] = {}
    if total_cost is not None and share_paid is not None and share_paid > total_cost:
        errors["share_paid"] = ValidationError(ERR_SHARE_EXCEEDS_TOTAL, code="share_exceeds_total")
    if standalone_cost is not None and share_paid is not None and standalone_cost < share_paid:
        errors["standalone_cost"] = ValidationError(ERR_STANDALONE_BELOW_SHARE, code="standalone_below_share")
    if errors:
        raise ValidationError(errors)


def validate_budget_approval(*, status: str, approved_on: date | None) -> None:
    if status == BudgetStatus.APPROVED and approved_on is None:
        raise ValidationError(
            {"approved_on": ValidationError(ERR_APPROVED_WITHOUT_DATE, code="approved_without_date")}
        )
    if status == BudgetStatus.DRAFT and approved_on is not None:
        raise ValidationError(
            {"approved_on": ValidationError(ERR_DRAFT_WITH_APPROVAL_DATE, code="draft_with_approval_date")}
        )


def validate_grace(*, term: int | None, grace: int | None) -> None:
    if term is not None and grace is not None and term >= 1 and grace >= term:
        raise ValidationError(
            {"grace_instalments": ValidationError(ERR_GRACE_TOO_LONG, code="grace_too_long")}
        )


_PREPAYMENT_ERRORS = {
    ScheduleError.PREPAYMENT_BEFORE_START: ERR_PREPAYMENT_BEFORE_START,
    ScheduleError.PREPAYMENT_AFTER_END: ERR_PREPAYMENT_AFTER_END,
    ScheduleError.PREPAYMENT_EXCEEDS_BALANCE: ERR_PREPAYMENT_EXCEEDS_BALANCE,
    ScheduleError.PREPAYMENT_AMOUNT: ERR_AMOUNT_NOT_POSITIVE,
}


def validate_loan_terms_with_prepayments(
    *,
    principal: Decimal,
    annual_rate: Decimal,
    instalments: int,
    grace_instalments: int,
    start: date,
    periods_per_year: int,
    prepayments: Iterable[Prepayment],
    new_prepayment: Prepayment | None = None,
) -> None:
    """Refuse terms, or a new prepayment, that leave no valid schedule.

    Call it with terms that passed the field checks. An error about `new_prepayment` goes on its
    `date` / `principal` fields; an error caused by prepayments already recorded is about the terms.
    """
    recorded = list(prepayments)
    try:
        french_schedule(
            principal=principal,
            annual_rate=annual_rate,
            instalments=instalments,
            grace_instalments=grace_instalments,
            start=start,
            periods_per_year=periods_per_year,
            prepayments=recorded,
        )
    except ScheduleError as error:
        raise ValidationError(ERR_TERMS_CONFLICT_WITH_PREPAYMENTS, code="terms_conflict") from error
    if new_prepayment is None:
        return
    try:
        french_schedule(
            principal=principal,
            annual_rate=annual_rate,
            instalments=instalments,
            grace_instalments=grace_instalments,
            start=start,
            periods_per_year=periods_per_year,
            prepayments=[*recorded, new_prepayment],
        )
    except ScheduleError as error:
        field = (
            "principal"
            if error.code in (ScheduleError.PREPAYMENT_EXCEEDS_BALANCE, ScheduleError.PREPAYMENT_AMOUNT)
            else "date"
        )
        message = _PREPAYMENT_ERRORS.get(error.code, ERR_TERMS_CONFLICT_WITH_PREPAYMENTS)
        raise ValidationError({field: ValidationError(message, code=error.code)}) from error


def validate_repayment(
    *,
    kind: str,
    interest: Decimal | None,
    principal: Decimal | None,
    instalment_number: int | None,
    on: date | None,
    loan_start: date | None,
    schedule_numbers: set[int] | None,
) -> None:
    errors: dict[str, ValidationError] = {}
    if interest is not None and principal is not None and interest + principal <= 0:
        errors["principal"] = ValidationError(ERR_REPAYMENT_EMPTY, code="empty_repayment")
    if on is not None and loan_start is not None and on < loan_start:
        errors["date"] = ValidationError(ERR_REPAYMENT_BEFORE_START, code="before_start")
    if kind == RepaymentKind.PREPAYMENT:
        if interest:
            errors["interest"] = ValidationError(ERR_PREPAYMENT_INTEREST, code="prepayment_interest")
        if instalment_number is not None:
            errors["instalment_number"] = ValidationError(
                ERR_PREPAYMENT_INSTALMENT, code="prepayment_instalment"
            )
    elif (
        instalment_number is not None
        and schedule_numbers is not None
        and instalment_number not in schedule_numbers
    ):
        errors["instalment_number"] = ValidationError(ERR_INSTALMENT_NOT_IN_SCHEDULE, code="not_in_schedule")
    if errors:
        raise ValidationError(errors)
