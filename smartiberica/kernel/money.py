"""Exact money: the one rounding rule of the app, and ratios that may be undefined.

Money is always `Decimal` with two places; a product (a margin, a VAT amount, a
cash share) is rounded to the cent ROUND_HALF_UP, row by row, before summing.
Floats are refused at this boundary because they cannot represent cents.
`format_money()` writes an amount as the active language does (the `money` template
filter and the messages of the rules both use it).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, TypedDict, TypeVar

from django.core.signals import setting_changed
from django.utils.formats import get_format, number_format
from django.utils.functional import lazy
from django.utils.translation import get_language

K = TypeVar("K")

CENT = Decimal("0.01")
RATIO_QUANTUM = Decimal("0.0001")
ZERO = Decimal("0.00")
# Spain's general VAT rate, the default of every invoice and contract line.
DEFAULT_VAT_RATE = Decimal("21.00")


class Digits(TypedDict):
    max_digits: int
    decimal_places: int


# The two shapes of a stored number: `models.DecimalField(_("amount"), **MONEY)`. A money amount has
# 14 digits (15 significant digits is what SQLite round-trips exactly); a rate is a percentage with
# two decimals (`5.50` means 5.5 %). Typed, so that mypy checks the fields they build.
MONEY: Digits = {"max_digits": 14, "decimal_places": 2}
RATE: Digits = {"max_digits": 5, "decimal_places": 2}


def is_money_field(field: object) -> bool:
    """Whether a model or form DecimalField holds money (`**MONEY`), not a rate or a quantity."""
    return (getattr(field, "max_digits", None), getattr(field, "decimal_places", None)) == (
        MONEY["max_digits"],
        MONEY["decimal_places"],
    )


def _require_decimal(value: object) -> Decimal:
    if type(value) is Decimal:  # the common case first: a page checks thousands of amounts
        return value
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"Money must be a Decimal (or an int), not {type(value).__name__}: {value!r}")
    return Decimal(value)


def round_money(value: Decimal | int) -> Decimal:
    """Round to the cent, half up (0.005 -> 0.01, -0.005 -> -0.01)."""
    return _require_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_sums(rows: Iterable[tuple[K, Decimal]]) -> dict[K, Decimal]:
    """`round_money` of each sum of `rows` (key, sum), by key: a page rounds a sum per client
    (thousands), and the helper's call per amount cost more than the rounding itself."""
    return {key: total.quantize(CENT, rounding=ROUND_HALF_UP) for key, total in rows}


def percent_of(amount: Decimal, rate_percent: Decimal) -> Decimal:
    """`rate_percent` % of `amount`, to the cent: percent_of(1000, 5.5) == 55.00."""
    return round_money(_require_decimal(amount) * _require_decimal(rate_percent) / 100)


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator to 4 places, or None when the denominator is 0.

    None means "cannot be computed" and is shown as a dash, never as 0.
    """
    den = _require_decimal(denominator)
    if den == 0:
        return None
    return (_require_decimal(numerator) / den).quantize(RATIO_QUANTUM, rounding=ROUND_HALF_UP)


NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: French thousands and the French space before "%"
_SYMBOL_FIRST = {"en"}
# What separates a number from its "%" sign, as CLDR writes percentages: "81,2 %" (es, U+00A0),
# "81,2 %" (fr, U+202F), "81.2%" (en). Thousands separators come from the locale formats
# (smartiberica/formats/ and Django's own).
_PERCENT_SPACE = {"en": "", "fr": NNBSP}


def _language() -> str:
    return (get_language() or "es").split("-")[0]


@lru_cache(maxsize=16)
def _separators(language: str) -> tuple[str, str] | None:
    """The language's decimal and thousands separators when it groups digits by three (every
    language of the app); None sends a number to Django's `number_format`."""
    if get_format("NUMBER_GROUPING", language, use_l10n=True) != 3:
        return None
    return get_format("DECIMAL_SEPARATOR", language, use_l10n=True), get_format(
        "THOUSAND_SEPARATOR", language, use_l10n=True
    )


def _forget_separators(*, setting: str, **kwargs: Any) -> None:
    if setting in {"DECIMAL_SEPARATOR", "THOUSAND_SEPARATOR", "NUMBER_GROUPING", "FORMAT_MODULE_PATH"}:
        _separators.cache_clear()


setting_changed.connect(_forget_separators)


def _grouped(number: Decimal, places: int, language: str) -> str:
    """`number` (quantized to `places`) grouped by thousands as the active language writes it, as
    Django's `number_format(…, use_l10n=True, force_grouping=True)` does in `language` (the
    active one): a page shows hundreds of amounts, and this reads the locale's separators once
    per language instead of each time."""
    separators = _separators(language)
    if separators is None:
        return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    decimal_mark, thousands = separators
    if number == 0:
        number = abs(number)  # -0.01 rounded is a negative zero, which Django writes "0" too
    grouped = format(number, _grouping(places))
    return grouped.replace(",", "\0").replace(".", decimal_mark).replace("\0", thousands)


# A page formats hundreds of amounts: the quantum and the format of each number of places, made once.
@lru_cache(maxsize=8)
def _quantum(places: int) -> Decimal:
    """1 at `places` decimals (Decimal("0.01") for 2): what an amount is rounded to."""
    return Decimal(1).scaleb(-places)


@lru_cache(maxsize=8)
def _grouping(places: int) -> str:
    """Python's format grouping by thousands with `places` decimals ("1,234.50" for 2)."""
    return f",.{places}f"


def format_money(value: Decimal | int, *, places: int = 2) -> str:
    """An amount in the active language: "12.345,67 €" (es), "12 345,67 €" (fr), "€12,345.67" (en);
    `places=0` for whole euros (a chart's axis), rounded half up."""
    amount = _require_decimal(value).quantize(_quantum(places), rounding=ROUND_HALF_UP)
    language = _language()
    digits = _grouped(abs(amount), places, language)
    sign = "-" if amount < 0 else ""
    if language in _SYMBOL_FIRST:
        return f"{sign}€{digits}"
    return f"{sign}{digits}{NBSP}€"


def format_number(value: Decimal | int, *, places: int = 2) -> str:
    """A number (no currency) in the active language: "1.234,50" (es), "1 234,50" (fr), "1,234.50" (en)."""
    quantized = _require_decimal(value).quantize(_quantum(places), rounding=ROUND_HALF_UP)
    return _grouped(quantized, places, _language())


def format_percent(points: Decimal | int, *, places: int = 1) -> str:
    """A number already in percent, with its sign: "81,2 %" (es), "81,2 %" (fr), "81.2%" (en)."""
    language = _language()
    quantized = _require_decimal(points).quantize(_quantum(places), rounding=ROUND_HALF_UP)
    return f"{_grouped(quantized, places, language)}{_PERCENT_SPACE.get(language, NBSP)}%"


#: `format_money` evaluated when the text is shown: a message built in one request may be read
#: in another language (an import run in Spanish, its errors listed in English).
money_text = lazy(format_money, str)
