"""The one error a statement file is refused with, and the messages both formats share."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.money import format_money

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ERR_EMPTY = _("The file is empty.")
ERR_UNKNOWN_FORMAT = _(
    "The file is neither a Norma 43 bank statement (cuaderno 43) nor a CAMT.053 XML bank statement."
)
ERR_UNREADABLE = _("The %(format)s file cannot be read: it does not follow the format.")
ERR_CURRENCY = _("Only statements in euros can be imported: this file is in %(currency)s.")

EURO = "EUR"


class StatementFileError(Exception):
    """The whole file is refused; `message` says why in one sentence, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def refuse(message: StrOrPromise, **values: object) -> StatementFileError:
    """The error for a message constant and its values, ready to raise: `raise refuse(ERR_X, line=3)`."""
    return StatementFileError(str(message % values) if values else str(message))


def check_euro(currency: str) -> None:
    if currency != EURO:
        raise refuse(ERR_CURRENCY, currency=currency or "?")


def money(amount: Decimal) -> str:
    """An amount in a message, written the reader's way."""
    return format_money(amount)
