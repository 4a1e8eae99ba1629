"""The business rules of the services app.

Each rule is a function that raises `ValidationError` with one of the translated
message constants below. Model `clean()`, the admin forms, the actions and the
importers all call these functions, so every path refuses the same things with the
same words; the database constraints in `models/` back them up.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import chain

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from stdnum.es import cif, nie, nif
from stdnum.eu import vat

from smartiberica.kernel.money import ZERO, money_text
from smartiberica.kernel.rates import ERR_RATE_OUT_OF_RANGE

from .calculations import period_starts
from .choices import BillingPeriod, ContractKind, ContractStatus, InvoiceStatus, MarginRuleKind

# --- Messages ---------------------------------------------------------------------

ERR_TAX_ID_REQUIRED = _("Enter the client's tax id.")
ERR_TAX_ID_INVALID = _(
    "“%(value)s” is not a valid Spanish NIF, CIF or NIE nor an EU VAT number. "
    "Tick “foreign client” to record another kind of tax id."
)
ERR_TAX_ID_TAKEN = _("A client with this tax id already exists.")
ERR_NEGATIVE_AMOUNT = _("The amount cannot be negative.")
ERR_TARGET_TAKEN = _("This service line already has a target for that year.")

ERR_END_BEFORE_START = _("The end date cannot be before the start date.")
ERR_QUANTITY_NOT_POSITIVE = _("The quantity must be greater than zero.")
ERR_RECURRING_NEEDS_PERIOD = _("A recurring contract needs a billing period.")
ERR_RECURRING_NEEDS_PRICE = _("A recurring contract needs a unit price.")
ERR_PERIOD_ONLY_RECURRING = _("Only recurring contracts have a billing period.")
ERR_FIXED_FEE_NEEDS_AMOUNT = _("A fixed-fee contract needs its fixed amount.")
ERR_SHARE_NEEDS_PARTNER = _("A revenue share needs a partner.")
ERR_CONTRACT_NOT_RECURRING = _("Only recurring contracts get invoices drafted per period.")
ERR_CONTRACT_NOT_ACTIVE = _("Only active contracts get invoices drafted.")
ERR_NOT_A_PERIOD_START = _("%(date)s is not the start of one of this contract's billing periods.")
ERR_PERIOD_OUTSIDE_CONTRACT = _("This period is outside the contract's dates.")
ERR_PERIOD_ALREADY_DRAFTED = _("This contract already has an invoice for that period.")

ERR_DUE_BEFORE_ISSUE = _("The due date cannot be before the issue date.")
ERR_NUMBER_TAKEN = _("Another invoice already has this number.")
ERR_NUMBERING_BUSY = _("Another operation is numbering invoices (an import?): try again in a moment.")
ERR_NUMBER_BLANK = _("An invoice number cannot be blank: leave it empty to number the invoice on issue.")
ERR_SERIES_FORMAT = _("A series is made of capital letters (for example F or R).")
ERR_CONTRACT_OTHER_CLIENT = _("The contract belongs to another client.")
ERR_INVOICE_NEGATIVE = _("An invoice cannot have a negative total; use a credit note to correct one.")
ERR_INVOICE_NOT_DRAFT = _("Only a draft invoice can be changed or issued.")
ERR_INVOICE_NO_LINES = _("An invoice needs at least one line before it is issued.")
ERR_ISSUED_NEEDS_NUMBER = _("An issued invoice needs a number.")
ERR_ALREADY_CANCELLED = _("This invoice is already cancelled.")
ERR_CANCEL_WITH_PAYMENTS = _("An invoice with payments cannot be cancelled; issue a credit note instead.")
ERR_CANCEL_WITH_CREDIT_NOTES = _("An invoice corrected by credit notes cannot be cancelled.")
ERR_LINE_QUANTITY_ZERO = _("A line's quantity cannot be zero.")

ERR_CREDIT_TARGET_NOT_ISSUED = _("A credit note can only correct an issued invoice.")
ERR_CREDIT_OF_CREDIT_NOTE = _("A credit note cannot correct another credit note.")
ERR_CREDIT_OTHER_CLIENT = _("A credit note must be for the same client as the invoice it corrects.")
ERR_CREDIT_LINE_NOT_NEGATIVE = _("Every line of a credit note must have a negative amount.")
ERR_CREDIT_NOT_NEGATIVE = _("A credit note must have a negative total.")
ERR_CREDIT_EXCEEDS_ORIGINAL = _(
    "The credit notes of invoice %(number)s would credit %(credited)s, more than its %(original)s."
)

ERR_PAYMENT_NOT_POSITIVE = _("A payment must be greater than zero.")
ERR_PAYMENT_INVOICE_NOT_ISSUED = _(
    "Payments can only be recorded on issued invoices, not on drafts or cancelled ones."
)
ERR_PAYMENT_ON_CREDIT_NOTE = _("A credit note does not receive payments.")
ERR_PAYMENT_EXCEEDS_AMOUNT_DUE = _(
    "This payment of %(amount)s is more than the %(due)s still due on invoice %(number)s."
)
ERR_NOTHING_TO_PAY = _("Invoice %(number)s has nothing left to pay.")
ERR_PAYMENTS_BELOW_REFUNDS = _(
    "Invoice %(number)s has %(refunded)s of refunds: its payments cannot total less (%(paid)s)."
)

ERR_REFUND_NOT_POSITIVE = _("A refund must be greater than zero.")
ERR_REFUND_INVOICE_NOT_ISSUED = _("Refunds can only be recorded on issued invoices.")
ERR_REFUND_ON_CREDIT_NOTE = _(
    "A credit note does not receive refunds: record the refund on the invoice it corrects."
)
ERR_REFUND_EXCEEDS_PAID = _(
    "This refund of %(amount)s is more than the %(refundable)s received for invoice %(number)s "
    "and not yet paid back."
)

ERR_MONTH_NOT_FIRST = _("A month is recorded on its first day.")
ERR_TURNOVER_NEGATIVE = _("The turnover cannot be negative.")
ERR_RATES_BOTH_OR_NEITHER = _(
    "Give both the structure and the fund rate, or neither to apply the margin rule."
)
ERR_NO_MARGIN_RULE = _("No margin rule is in force for %(month)s: give this month's rates or add a rule.")
ERR_RULE_FROM_FIRST_DAY = _("A margin rule starts on the first day of a month.")
ERR_RULE_TO_LAST_DAY = _("A margin rule ends on the last day of a month.")
ERR_RULE_OVERLAP = _("This rule's dates overlap the rule “%(other)s”.")
ERR_FLAT_RULE_NEEDS_RATES = _("A flat rule needs a structure rate and a fund rate.")
ERR_BANDED_RULE_NO_FLAT_RATES = _("A banded rule takes its rates from its bands; leave the flat rates empty.")
ERR_BANDS_NEED_ZERO = _("The bands of a banded rule must include one starting at 0.")
ERR_BANDS_DUPLICATE = _("Two bands cannot start at the same turnover.")
ERR_BANDS_ONLY_BANDED = _("Only a banded rule has bands.")


def collect(*checks: Callable[[], object]) -> None:
    """Run independent checks and raise all their errors at once (a form shows them together)."""
    errors: dict[str, list[ValidationError]] = {}
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


# --- Clients -------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-./]")


def normalize_tax_id(value: str) -> str:
    """Compact, upper-case form of a tax id: no spaces, dashes, dots or slashes."""
    return _SEPARATORS.sub("", value or "").upper()


def _is_spanish_id(value: str) -> bool:
    return nif.is_valid(value) or cif.is_valid(value) or nie.is_valid(value)


def validate_tax_id(value: str, *, is_foreign: bool) -> str:
    """The normalised tax id, or ValidationError.

    Spanish NIF/CIF/NIE and EU VAT numbers are checked with python-stdnum. A
    Spanish VAT number (ES + NIF) is stored in its national form, so that
    "ESB12345678" and "B-12345678" are the same client. Other ids are accepted
    only for a client marked foreign.
    """
    compact = normalize_tax_id(value)
    if not compact:
        raise ValidationError(ERR_TAX_ID_REQUIRED, code="tax_id_required")
    if compact.startswith("ES") and _is_spanish_id(compact[2:]):
        return compact[2:]
    if _is_spanish_id(compact) or vat.is_valid(compact) or is_foreign:
        return compact
    raise ValidationError(ERR_TAX_ID_INVALID, code="tax_id_invalid", params={"value": value})


# --- Generic ---------------------------------------------------------------------------


def validate_rate(value: Decimal | None, *, field: str) -> None:
    if value is not None and not (0 <= value <= 100):
        raise ValidationError({field: ValidationError(ERR_RATE_OUT_OF_RANGE, code="rate_range")})


def validate_not_negative(value: Decimal | None, *, field: str) -> None:
    if value is not None and value < 0:
        raise ValidationError({field: ValidationError(ERR_NEGATIVE_AMOUNT, code="negative")})


def validate_end_not_before_start(start: date | None, end: date | None, *, field: str = "end_date") -> None:
    if start and end and end < start:
        raise ValidationError({field: ValidationError(ERR_END_BEFORE_START, code="end_before_start")})


# --- Contracts -----------------------------------------------------------------------------


def _contract_amount_errors(
    *,
    quantity: Decimal | None,
    unit_price: Decimal | None,
    fixed_amount: Decimal | None,
    estimated_amount: Decimal | None,
) -> Iterator[tuple[str, ValidationError]]:
    """A positive quantity, and no negative price or amount."""
    if quantity is not None and quantity <= 0:
        yield "quantity", ValidationError(ERR_QUANTITY_NOT_POSITIVE, code="quantity_not_positive")
    amounts = {"unit_price": unit_price, "fixed_amount": fixed_amount, "estimated_amount": estimated_amount}
    for name, value in amounts.items():
        if value is not None and value < 0:
            yield name, ValidationError(ERR_NEGATIVE_AMOUNT, code="negative")


def _contract_kind_errors(
    *, kind: str, billing_period: str, unit_price: Decimal | None, fixed_amount: Decimal | None
) -> Iterator[tuple[str, ValidationError]]:
    """What each kind of contract needs: a recurring one a period and a unit price, a fixed fee its amount."""
    if kind == ContractKind.RECURRING:
        if not billing_period:
            yield "billing_period", ValidationError(ERR_RECURRING_NEEDS_PERIOD, code="recurring_needs_period")
        if unit_price is None:
            yield "unit_price", ValidationError(ERR_RECURRING_NEEDS_PRICE, code="recurring_needs_price")
    elif billing_period:
        yield "billing_period", ValidationError(ERR_PERIOD_ONLY_RECURRING, code="period_only_recurring")
    if kind == ContractKind.FIXED_FEE and fixed_amount is None:
        yield "fixed_amount", ValidationError(ERR_FIXED_FEE_NEEDS_AMOUNT, code="fixed_fee_needs_amount")


def _contract_rate_errors(
    *, partner_id: int | None, partner_share: Decimal | None, vat_rate: Decimal | None
) -> Iterator[tuple[str, ValidationError]]:
    """The partner's share and the VAT rate are percentages; a share needs a partner."""
    if partner_share is not None:
        if not (0 <= partner_share <= 100):
            yield "partner_share", ValidationError(ERR_RATE_OUT_OF_RANGE, code="rate_range")
        if partner_id is None:
            yield "partner_share", ValidationError(ERR_SHARE_NEEDS_PARTNER, code="share_needs_partner")
    if vat_rate is not None and not (0 <= vat_rate <= 100):
        yield "vat_rate", ValidationError(ERR_RATE_OUT_OF_RANGE, code="rate_range")


def validate_contract_terms(
    *,
    kind: str,
    billing_period: str,
    quantity: Decimal | None,
    unit_price: Decimal | None,
    fixed_amount: Decimal | None,
    estimated_amount: Decimal | None,
    partner_id: int | None,
    partner_share: Decimal | None,
    vat_rate: Decimal | None,
) -> None:
    """Every error of a contract's terms at once, each on its field."""
    errors: dict[str, list[ValidationError]] = {}
    for field, error in chain(
        _contract_amount_errors(
            quantity=quantity,
            unit_price=unit_price,
            fixed_amount=fixed_amount,
            estimated_amount=estimated_amount,
        ),
        _contract_kind_errors(
            kind=kind, billing_period=billing_period, unit_price=unit_price, fixed_amount=fixed_amount
        ),
        _contract_rate_errors(partner_id=partner_id, partner_share=partner_share, vat_rate=vat_rate),
    ):
        errors.setdefault(field, []).append(error)
    if errors:
        raise ValidationError(errors)


def validate_draftable_period(
    *,
    kind: str,
    status: str,
    start: date,
    end: date | None,
    billing_period: str,
    period_start: date,
    already_drafted: bool,
) -> None:
    if kind != ContractKind.RECURRING or billing_period not in BillingPeriod.values:
        raise ValidationError(ERR_CONTRACT_NOT_RECURRING, code="contract_not_recurring")
    if status != ContractStatus.ACTIVE:
        raise ValidationError(ERR_CONTRACT_NOT_ACTIVE, code="contract_not_active")
    if period_start < start or (end is not None and period_start > end):
        raise ValidationError(ERR_PERIOD_OUTSIDE_CONTRACT, code="period_outside_contract")
    if period_start not in period_starts(
        start=start, end=end, billing_period=billing_period, window=(period_start, period_start)
    ):
        raise ValidationError(
            ERR_NOT_A_PERIOD_START, code="not_a_period_start", params={"date": period_start}
        )
    if already_drafted:
        raise ValidationError(ERR_PERIOD_ALREADY_DRAFTED, code="period_already_drafted")


# --- Invoices ------------------------------------------------------------------------------

_SERIES = re.compile(r"^[A-Z]{1,5}$")


def validate_series(series: str) -> None:
    if not _SERIES.match(series or ""):
        raise ValidationError({"series": ValidationError(ERR_SERIES_FORMAT, code="series_format")})


def validate_number(number: str | None) -> None:
    if number is not None and not number.strip():
        raise ValidationError({"number": ValidationError(ERR_NUMBER_BLANK, code="number_blank")})


def validate_due_date(issue_date: date | None, due_date: date | None) -> None:
    if issue_date and due_date and due_date < issue_date:
        raise ValidationError({"due_date": ValidationError(ERR_DUE_BEFORE_ISSUE, code="due_before_issue")})


def validate_invoice_contract(*, client_id: int | None, contract_client_id: int | None) -> None:
    if contract_client_id is not None and client_id is not None and contract_client_id != client_id:
        raise ValidationError(
            {"contract": ValidationError(ERR_CONTRACT_OTHER_CLIENT, code="contract_other_client")}
        )


def validate_issued_has_number(*, status: str, number: str | None) -> None:
    if status == InvoiceStatus.ISSUED and not number:
        raise ValidationError(
            {"number": ValidationError(ERR_ISSUED_NEEDS_NUMBER, code="issued_needs_number")}
        )


def validate_corrected_invoice(
    *, client_id: int | None, target_status: str, target_client_id: int, target_is_credit_note: bool
) -> None:
    """A credit note names an issued, ordinary invoice of the same client."""
    if target_is_credit_note:
        raise ValidationError(
            {"corrects": ValidationError(ERR_CREDIT_OF_CREDIT_NOTE, code="credit_of_credit")}
        )
    if target_status != InvoiceStatus.ISSUED:
        raise ValidationError(
            {"corrects": ValidationError(ERR_CREDIT_TARGET_NOT_ISSUED, code="credit_target_not_issued")}
        )
    if client_id is not None and target_client_id != client_id:
        raise ValidationError(
            {"corrects": ValidationError(ERR_CREDIT_OTHER_CLIENT, code="credit_other_client")}
        )


def validate_line_quantity(quantity: Decimal | None) -> None:
    if quantity is not None and quantity == 0:
        raise ValidationError(
            {"quantity": ValidationError(ERR_LINE_QUANTITY_ZERO, code="line_quantity_zero")}
        )


def validate_line_nets(*, is_credit_note: bool, nets: Iterable[Decimal]) -> None:
    if is_credit_note and any(net >= 0 for net in nets):
        raise ValidationError(ERR_CREDIT_LINE_NOT_NEGATIVE, code="credit_line_not_negative")


def validate_totals_sign(*, is_credit_note: bool, status: str, net: Decimal, gross: Decimal) -> None:
    """An ordinary invoice is never negative; an issued credit note always is."""
    if is_credit_note:
        if status == InvoiceStatus.ISSUED and (net >= 0 or gross > 0):
            raise ValidationError(ERR_CREDIT_NOT_NEGATIVE, code="credit_not_negative")
        if net > 0 or gross > 0:
            raise ValidationError(ERR_CREDIT_NOT_NEGATIVE, code="credit_not_negative")
    elif net < 0 or gross < 0:
        raise ValidationError(ERR_INVOICE_NEGATIVE, code="invoice_negative")


def validate_credit_within_original(
    *,
    number: str,
    original_net: Decimal,
    original_gross: Decimal,
    credited_net: Decimal,
    credited_gross: Decimal,
) -> None:
    """The credit notes of an invoice (negative amounts) never exceed it, net and gross."""
    if -credited_net > original_net or -credited_gross > original_gross:
        too_much_net = -credited_net > original_net
        raise ValidationError(
            ERR_CREDIT_EXCEEDS_ORIGINAL,
            code="credit_exceeds_original",
            params={
                "number": number,
                "credited": money_text(-credited_net if too_much_net else -credited_gross),
                "original": money_text(original_net if too_much_net else original_gross),
            },
        )


def validate_is_draft(status: str) -> None:
    if status != InvoiceStatus.DRAFT:
        raise ValidationError(ERR_INVOICE_NOT_DRAFT, code="invoice_not_draft")


def validate_has_lines(line_count: int) -> None:
    if line_count == 0:
        raise ValidationError(ERR_INVOICE_NO_LINES, code="invoice_no_lines")


def validate_cancellable(*, status: str, has_payments: bool, has_credit_notes: bool) -> None:
    if status == InvoiceStatus.CANCELLED:
        raise ValidationError(ERR_ALREADY_CANCELLED, code="already_cancelled")
    if has_payments:
        raise ValidationError(ERR_CANCEL_WITH_PAYMENTS, code="cancel_with_payments")
    if has_credit_notes:
        raise ValidationError(ERR_CANCEL_WITH_CREDIT_NOTES, code="cancel_with_credit_notes")


# --- Payments --------------------------------------------------------------------------------


def validate_payment(
    *, amount: Decimal | None, invoice_status: str, is_credit_note: bool, amount_due: Decimal, number: str
) -> None:
    """A payment is positive, on an issued ordinary invoice, and never above its amount due.

    The amount due (domain v2) counts the issued credit notes, the other payments and the
    refunds: see `calculations.InvoiceBalance`.
    """
    if amount is not None and amount <= 0:
        raise ValidationError(
            {"amount": ValidationError(ERR_PAYMENT_NOT_POSITIVE, code="payment_not_positive")}
        )
    if is_credit_note:
        raise ValidationError(
            {"invoice": ValidationError(ERR_PAYMENT_ON_CREDIT_NOTE, code="payment_on_credit")}
        )
    if invoice_status != InvoiceStatus.ISSUED:
        raise ValidationError(
            {"invoice": ValidationError(ERR_PAYMENT_INVOICE_NOT_ISSUED, code="payment_invoice_not_issued")}
        )
    if amount is not None and amount > amount_due:
        raise ValidationError(
            {
                "amount": ValidationError(
                    ERR_PAYMENT_EXCEEDS_AMOUNT_DUE,
                    code="payment_exceeds_amount_due",
                    params={"amount": money_text(amount), "due": money_text(amount_due), "number": number},
                )
            }
        )


def validate_payments_cover_refunds(*, paid: Decimal, refunded: Decimal, number: str) -> None:
    """Lowering or deleting a payment never leaves more paid back than received."""
    if refunded > paid:
        raise ValidationError(
            ERR_PAYMENTS_BELOW_REFUNDS,
            code="payments_below_refunds",
            params={"number": number, "refunded": money_text(refunded), "paid": money_text(paid)},
        )


# --- Refunds ---------------------------------------------------------------------------------------


def validate_refund(
    *, amount: Decimal | None, invoice_status: str, is_credit_note: bool, refundable: Decimal, number: str
) -> None:
    """A refund is positive, on an issued ordinary invoice, and never above what it received.

    `refundable` = Σ payments − Σ other refunds: money is only paid back once it was received.
    A refund of the part a later credit note cancelled brings the amount due back to 0; a
    refund beyond it (a returned direct debit, a payment sent back) makes that much owed
    again, so the amount due never exceeds gross + credit notes.
    """
    if amount is not None and amount <= 0:
        raise ValidationError(
            {"amount": ValidationError(ERR_REFUND_NOT_POSITIVE, code="refund_not_positive")}
        )
    if is_credit_note:
        raise ValidationError(
            {"invoice": ValidationError(ERR_REFUND_ON_CREDIT_NOTE, code="refund_on_credit")}
        )
    if invoice_status != InvoiceStatus.ISSUED:
        raise ValidationError(
            {"invoice": ValidationError(ERR_REFUND_INVOICE_NOT_ISSUED, code="refund_invoice_not_issued")}
        )
    if amount is not None and amount > refundable:
        raise ValidationError(
            {
                "amount": ValidationError(
                    ERR_REFUND_EXCEEDS_PAID,
                    code="refund_exceeds_paid",
                    params={
                        "amount": money_text(amount),
                        "refundable": money_text(max(refundable, ZERO)),
                        "number": number,
                    },
                )
            }
        )


# --- Member turnover and margin rules -------------------------------------------------------


def validate_month(month: date | None) -> None:
    if month is not None and month.day != 1:
        raise ValidationError({"month": ValidationError(ERR_MONTH_NOT_FIRST, code="month_not_first")})


def validate_turnover(turnover: Decimal | None) -> None:
    if turnover is not None and turnover < 0:
        raise ValidationError({"turnover": ValidationError(ERR_TURNOVER_NEGATIVE, code="turnover_negative")})


def validate_month_rates(structure_rate: Decimal | None, fund_rate: Decimal | None) -> None:
    validate_rate(structure_rate, field="structure_rate")
    validate_rate(fund_rate, field="fund_rate")
    if (structure_rate is None) != (fund_rate is None):
        raise ValidationError(ERR_RATES_BOTH_OR_NEITHER, code="rates_both_or_neither")


def validate_month_has_rates(*, month: date, has_own_rates: bool, rule_in_force: bool) -> None:
    if not has_own_rates and not rule_in_force:
        raise ValidationError(
            ERR_NO_MARGIN_RULE, code="no_margin_rule", params={"month": month.strftime("%Y-%m")}
        )


def validate_margin_rule(
    *,
    kind: str,
    valid_from: date | None,
    valid_to: date | None,
    structure_rate: Decimal | None,
    fund_rate: Decimal | None,
) -> None:
    if valid_from is not None and valid_from.day != 1:
        raise ValidationError(
            {"valid_from": ValidationError(ERR_RULE_FROM_FIRST_DAY, code="rule_from_first")}
        )
    if valid_to is not None and valid_to.day != monthrange(valid_to.year, valid_to.month)[1]:
        raise ValidationError({"valid_to": ValidationError(ERR_RULE_TO_LAST_DAY, code="rule_to_last")})
    validate_end_not_before_start(valid_from, valid_to, field="valid_to")
    validate_rate(structure_rate, field="structure_rate")
    validate_rate(fund_rate, field="fund_rate")
    if kind == MarginRuleKind.FLAT and (structure_rate is None or fund_rate is None):
        raise ValidationError(ERR_FLAT_RULE_NEEDS_RATES, code="flat_rule_needs_rates")
    if kind == MarginRuleKind.BANDED and (structure_rate is not None or fund_rate is not None):
        raise ValidationError(ERR_BANDED_RULE_NO_FLAT_RATES, code="banded_rule_no_flat_rates")


def validate_no_overlap(*, overlapping_rule_name: str | None) -> None:
    if overlapping_rule_name is not None:
        raise ValidationError(ERR_RULE_OVERLAP, code="rule_overlap", params={"other": overlapping_rule_name})


def validate_bands(*, kind: str, lower_bounds: list[Decimal]) -> None:
    if kind != MarginRuleKind.BANDED:
        if lower_bounds:
            raise ValidationError(ERR_BANDS_ONLY_BANDED, code="bands_only_banded")
        return
    if len(set(lower_bounds)) != len(lower_bounds):
        raise ValidationError(ERR_BANDS_DUPLICATE, code="bands_duplicate")
    if ZERO not in {Decimal(b) for b in lower_bounds}:
        raise ValidationError(ERR_BANDS_NEED_ZERO, code="bands_need_zero")


# --- Numbering and margin rules, version 2 --------------------------------------------------------

ERR_NUMBER_OF_APP_SERIES = _(
    "Leave the number empty: numbers of series %(series)s are given when the invoice is issued."
)
ERR_ISSUE_BEFORE_LATEST = _(
    "Series %(series)s is numbered in date order and its latest invoice is dated %(latest)s: "
    "date this invoice %(latest)s or later."
)
ERR_MONTHS_LEFT_WITHOUT_RULE = _(
    "Member turnover is recorded for %(months)s and would be left without a margin rule."
)


def validate_typed_number(*, series: str, number: str | None) -> None:
    """A number typed by hand may not look like one the app gives in its series (F2024-0001)."""
    if number and re.fullmatch(rf"{re.escape(series)}[0-9]{{4}}-[0-9]+", number.strip(), flags=re.IGNORECASE):
        raise ValidationError(
            {
                "number": ValidationError(
                    ERR_NUMBER_OF_APP_SERIES, code="number_of_app_series", params={"series": series}
                )
            }
        )


def validate_issue_date_order(*, series: str, issue_date: date, latest: date | None) -> None:
    """Numbers follow dates: no invoice of a series is issued dated before its latest one."""
    if latest is not None and issue_date < latest:
        raise ValidationError(
            {
                "issue_date": ValidationError(
                    ERR_ISSUE_BEFORE_LATEST,
                    code="issue_before_latest",
                    params={"series": series, "latest": date_format(latest, "SHORT_DATE_FORMAT")},
                )
            }
        )


def validate_months_keep_a_rule(months: list[date]) -> None:
    """`months`: recorded months (at most a few, first ones) that no margin rule would cover."""
    if months:
        raise ValidationError(
            ERR_MONTHS_LEFT_WITHOUT_RULE,
            code="months_left_without_rule",
            params={"months": ", ".join(m.strftime("%Y-%m") for m in months)},
        )
