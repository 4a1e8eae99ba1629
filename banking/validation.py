"""The banking app's rules, each a translated message (one validation path for forms, imports and
actions)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban as iban_number
from stdnum.exceptions import ValidationError as NumberError

ERR_IBAN_INVALID = _("“%(value)s” is not a valid IBAN.")
ERR_IBAN_TAKEN = _("An account with this IBAN exists already.")
ERR_ACCOUNT_HAS_STATEMENTS = _(
    "Statements were imported for this account: its IBAN and opening balance and date follow from "
    "them and can no longer change. Only its name can."
)
ERR_ACCOUNT_DELETE_HAS_STATEMENTS = _(
    "Statements were imported for this account: it is kept with them and cannot be deleted."
)
ERR_STATEMENT_BEFORE_OPENING = _(
    "The statement of %(iban)s opens on %(opening_date)s, before the account's opening date (%(last_date)s)."
)
ERR_STATEMENT_GAP = _(
    "The statement of %(iban)s opens on %(opening_date)s with %(opening)s, but the account's last "
    "balance is %(last)s on %(last_date)s: a statement is missing or this one is out of order."
)
ERR_STATEMENT_BEFORE_LAST = _(
    "The statement of %(iban)s opens on %(opening_date)s, before the end of the last statement "
    "imported (%(last_date)s)."
)
ERR_STATEMENT_CURRENCY = _("Only accounts in euros are kept: this statement is in %(currency)s.")
ERR_LINE_ALREADY_MATCHED = _("This bank line is reconciled already.")
ERR_RECORD_ALREADY_MATCHED = _("That record is reconciled with another bank line already.")
ERR_LINE_NOT_MATCHED = _("This bank line is not reconciled.")
ERR_AMOUNT_MISMATCH = _("The record's amount (%(record)s) is not the bank line's (%(line)s).")
ERR_LINE_NOT_FOUND = _("This bank line does not exist (any more).")
ERR_WRONG_SIDE = _(
    "A bank line of %(line)s cannot be reconciled with a record of this kind (%(kind)s): money in "
    "and money out do not mix."
)


def validate_iban(value: str) -> None:
    try:
        iban_number.validate(value)
    except NumberError as error:
        raise ValidationError(ERR_IBAN_INVALID, code="iban_invalid", params={"value": value}) from error


def compact_iban(value: str) -> str:
    """An IBAN without spaces, in capitals (how it is stored and compared)."""
    return iban_number.compact(value)
