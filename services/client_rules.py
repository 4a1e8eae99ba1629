"""A client's terms of trade (issue 22): its payment terms and its VAT regime.

The payment terms give the due date of an invoice written without one (issue date + terms). The
VAT regime gives the default VAT rate of its invoice lines and contracts: 21 % (`DEFAULT_VAT_RATE`)
for a domestic client, 0 % under the intra-EU reverse charge and for exports, where any other rate
is refused with `ERR_VAT_RATE_FOR_REGIME` (in a form, an import row and an action alike), and the
invoice carries the legal mention of its regime. These rules sit beside `validation.py`, which
holds the app's other rules, for its size.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.money import DEFAULT_VAT_RATE, ZERO, format_number

from .choices import VatRegime

MAX_PAYMENT_TERMS_DAYS = 365

ERR_PAYMENT_TERMS_RANGE = _("Payment terms are a number of days from 0 to 365.")
ERR_VAT_RATE_FOR_REGIME = _(
    "Invoices of a client under the VAT regime “%(regime)s” carry no VAT: "
    "the VAT rate must be 0, not %(rate)s."
)

# The mention an invoice of each regime carries (none for a domestic client).
VAT_MENTIONS: dict[str, Promise] = {
    VatRegime.INTRA_EU_REVERSE_CHARGE: _(
        "Reverse charge: VAT payable by the customer "
        "(art. 84.Uno.2º Ley 37/1992; art. 196 Directive 2006/112/EC)"
    ),
    VatRegime.EXPORT: _("Not subject to Spanish VAT (art. 69 Ley 37/1992)"),
}


def validate_payment_terms(days: int | None) -> None:
    if days is not None and not 0 <= days <= MAX_PAYMENT_TERMS_DAYS:
        raise ValidationError(ERR_PAYMENT_TERMS_RANGE, code="payment_terms_range")


def default_vat_rate(regime: str) -> Decimal:
    """The VAT rate of a line or contract of a client under `regime` when none is given."""
    return DEFAULT_VAT_RATE if regime == VatRegime.DOMESTIC else ZERO


def vat_mention(regime: str) -> str:
    """The legal mention of an invoice under `regime` ("" for a domestic client)."""
    mention = VAT_MENTIONS.get(regime)
    return "" if mention is None else str(mention)


def validate_vat_rate_for_regime(*, regime: str, vat_rate: Decimal | None) -> None:
    """Reverse charge and exports carry no Spanish VAT: any rate but 0 is refused, on `vat_rate`."""
    if vat_rate is None or vat_rate == 0 or regime not in VAT_MENTIONS:
        return
    raise ValidationError(
        {
            "vat_rate": ValidationError(
                ERR_VAT_RATE_FOR_REGIME,
                code="vat_rate_for_regime",
                params={"regime": VatRegime(regime).label, "rate": format_number(vat_rate)},
            )
        }
    )
