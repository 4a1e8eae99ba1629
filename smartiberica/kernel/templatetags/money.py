"""Template filters for money and ratios: the only place they are formatted.

`{{ amount|money }}` gives "12.345,67 €" in Spanish and French and "€12,345.67"
in English; `{{ ratio|percent }}` turns a fraction into "81,2 %". Both show an
em dash for None (not computable) and refuse floats outright.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language, pgettext

from smartiberica.kernel.money import format_money

register = template.Library()

DASH = "—"
NBSP = "\u00a0"
_SYMBOL_FIRST = {"en"}


def _require_decimal(value: object, filter_name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"The {filter_name} filter takes a Decimal, not {type(value).__name__}: {value!r}")
    return Decimal(value)


def _language() -> str:
    return (get_language() or "es").split("-")[0]


@register.filter
def money(value: Decimal | int | None) -> str:
    if value is None:
        return DASH
    return format_money(_require_decimal(value, "money"))


@register.filter
def percent(value: Decimal | int | None) -> str:
    if value is None:
        return DASH
    points = (_require_decimal(value, "percent") * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    digits = number_format(points, decimal_pos=1, use_l10n=True, force_grouping=True)
    if _language() in _SYMBOL_FIRST:
        return f"{digits}%"
    return f"{digits}{NBSP}%"


@register.filter
def signed_money(value: Decimal | int | None) -> str:
    """A change in money, always with its sign: "+1.234,00 €"."""
    if value is None:
        return DASH
    text = money(value)
    return text if text.startswith("-") else f"+{text}"


@register.filter
def points(value: Decimal | int | None) -> str:
    """A change between two ratios in percentage points: "+3,1 pp"."""
    if value is None:
        return DASH
    change = (_require_decimal(value, "points") * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    digits = number_format(abs(change), decimal_pos=1, use_l10n=True, force_grouping=True)
    sign = "-" if change < 0 else "+"
    # Translators: abbreviation of "percentage points", after a number.
    unit = pgettext("percentage points", "pp")
    return f"{sign}{digits}{NBSP}{unit}"


@register.filter
def index(value: Decimal | int | None, places: int = 4) -> str:
    """A plain number such as the HHI, localised, with a fixed number of places."""
    if value is None:
        return DASH
    return number_format(_require_decimal(value, "index"), decimal_pos=places, use_l10n=True)


@register.filter
def rate(value: Decimal | int | None) -> str:
    """A rate already in percent (5.50 means 5.5 %), such as the break-even structure rate."""
    if value is None:
        return DASH
    digits = number_format(_require_decimal(value, "rate"), decimal_pos=2, use_l10n=True)
    if _language() in _SYMBOL_FIRST:
        return f"{digits}%"
    return f"{digits}{NBSP}%"
