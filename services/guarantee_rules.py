"""The business rules of the guarantee fund's advances (issue 22).

The same conventions as `validation.py` (which holds the rest of the app's rules and is at the
modules' size limit): each rule is a function raising `ValidationError` with one of the translated
message constants below, called from the model's `clean()` and from the actions, so the admin, the
actions and code refuse with the same words; the constraints of `models/guarantee.py` back them up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.money import money_text

from .choices import InvoiceStatus

ERR_ADVANCE_NOT_POSITIVE = _("An advance must be greater than zero.")
ERR_ADVANCE_ON_CREDIT_NOTE = _(
    "An advance is paid on an invoice the client has not paid, never on a credit note."
)
ERR_ADVANCE_INVOICE_NOT_ISSUED = _(
    "An advance is paid on an issued invoice the client has not paid, not on a draft or a cancelled one."
)
ERR_ADVANCE_BEFORE_INVOICE = _("An advance cannot be dated before its invoice was issued (%(date)s).")
ERR_ADVANCE_EXCEEDS_AMOUNT_DUE = _(
    "This advance of %(amount)s is more than the %(due)s invoice %(number)s still had due on %(date)s "
    "(less the other advances on it not recovered by then)."
)
ERR_RECOVERED_BEFORE_ADVANCE = _("An advance cannot be recovered before the day it was paid.")
ERR_ALREADY_RECOVERED = _("This advance was already recovered on %(date)s.")

# A date in the reader's language when the message is shown (see `kernel.money.money_text`).
date_text = lazy(date_format, str)


def validate_advance_positive(amount: Decimal | None) -> None:
    if amount is not None and amount <= 0:
        raise ValidationError(
            {"amount": ValidationError(ERR_ADVANCE_NOT_POSITIVE, code="advance_not_positive")}
        )


def validate_recovery_date(*, paid_on: date | None, recovered_on: date | None) -> None:
    """An advance is recovered on the day it was paid or later."""
    if paid_on is not None and recovered_on is not None and recovered_on < paid_on:
        raise ValidationError(
            {"recovered_on": ValidationError(ERR_RECOVERED_BEFORE_ADVANCE, code="recovered_before_advance")}
        )


def validate_advance_invoice(
    *, invoice_status: str, is_credit_note: bool, issue_date: date, paid_on: date | None
) -> None:
    """The invoice is an issued ordinary one (the member's client has not paid it), issued by then."""
    if is_credit_note:
        raise ValidationError(
            {"invoice": ValidationError(ERR_ADVANCE_ON_CREDIT_NOTE, code="advance_on_credit_note")}
        )
    if invoice_status != InvoiceStatus.ISSUED:
        raise ValidationError(
            {"invoice": ValidationError(ERR_ADVANCE_INVOICE_NOT_ISSUED, code="advance_invoice_not_issued")}
        )
    if paid_on is not None and paid_on < issue_date:
        raise ValidationError(
            {
                "date": ValidationError(
                    ERR_ADVANCE_BEFORE_INVOICE,
                    code="advance_before_invoice",
                    params={"date": date_text(issue_date, "SHORT_DATE_FORMAT")},
                )
            }
        )


def validate_advance_within_amount_due(
    *, amount: Decimal | None, available: Decimal, number: str, paid_on: date
) -> None:
    """An advance is never above what the invoice still had due on its date, less the invoice's
    other advances outstanding then: the fund never advances more than the client owes."""
    if amount is not None and amount > available:
        raise ValidationError(
            {
                "amount": ValidationError(
                    ERR_ADVANCE_EXCEEDS_AMOUNT_DUE,
                    code="advance_exceeds_amount_due",
                    params={
                        "amount": money_text(amount),
                        "due": money_text(available),
                        "number": number,
                        "date": date_text(paid_on, "SHORT_DATE_FORMAT"),
                    },
                )
            }
        )


def validate_not_recovered(recovered_on: date | None) -> None:
    """Recovering is a whole-advance event, once."""
    if recovered_on is not None:
        raise ValidationError(
            ERR_ALREADY_RECOVERED,
            code="already_recovered",
            params={"date": date_text(recovered_on, "SHORT_DATE_FORMAT")},
        )
