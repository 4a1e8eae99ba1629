"""Template filters for money and ratios: the only place they are formatted.

`{{ amount|money }}` gives "12.345,67 €" in Spanish, "12 345,67 €" in French (U+202F between
thousands) and "€12,345.67" in English; `{{ ratio|percent }}` turns a fraction into "81,2 %".
They all write through `smartiberica.kernel.money` (the path messages and admin pages use too),
show an em dash for None (not computable) and refuse floats outright.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from smartiberica.kernel.money import NBSP, format_money, format_number, format_percent

register = template.Library()

DASH = "—"


def _require_decimal(value: object, filter_name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"The {filter_name} filter takes a Decimal, not {type(value).__name__}: {value!r}")
    return Decimal(value)


@register.filter
def money(value: Decimal | int | None) -> str:
    if value is None:
        return DASH
    return format_money(_require_decimal(value, "money"))


@register.filter
def percent(value: Decimal | int | None) -> str:
    if value is None:
        return DASH
    return format_percent(_require_decimal(value, "percent") * 100, places=1)


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
    digits = format_number(abs(change), places=1)
    sign = "-" if change < 0 else "+"
    # Translators: abbreviation of "percentage points", after a number.
    unit = pgettext("percentage points", "pp")
    return f"{sign}{digits}{NBSP}{unit}"


@register.filter
def index(value: Decimal | int | None, places: int = 4) -> str:
    """A plain number such as the HHI, localised, with a fixed number of places."""
    if value is None:
        return DASH
    return format_number(_require_decimal(value, "index"), places=places)


@register.filter
def rate(value: Decimal | int | None) -> str:
    """A rate already in percent (5.50 means 5.5 %), such as the break-even structure rate."""
    if value is None:
        return DASH
    return format_percent(_require_decimal(value, "rate"), places=2)


_BY_KIND: dict[str, Callable[[Decimal | int | None], str]] = {
    "ratio": percent,
    "money": money,
    "rate": rate,
    "index": index,
}


@register.filter
def figure(value: Decimal | int | None, kind: str) -> str:
    """A figure as its kind (the registry's) is written: `{{ value|figure:row.kind }}` is the
    percent of a ratio, the amount of money, the rate, or the plain number of an index. One
    filter instead of a chain of `{% if %}`s: the multi-year table has hundreds of cells."""
    if kind not in _BY_KIND:
        raise ValueError(f"a figure is one of {sorted(_BY_KIND)}, not {kind!r}")
    return _BY_KIND[kind](value)


def _cells(texts: Iterable[str]) -> SafeString:
    # Each text is escaped (the standard library's escape: these are plain strings, never lazy
    # ones), so the row is safe as a whole.
    return mark_safe("".join(f'<td class="num">{escape(text)}</td>' for text in texts))


@register.filter
def money_cells(values: Iterable[Decimal | int | None]) -> SafeString:
    """A cell (`<td class="num">`) per amount: `{{ row.amounts|money_cells }}`. The tables with a
    column per year have hundreds of cells; one filter per row costs a fraction of a template
    loop over the cells."""
    return _cells(money(value) for value in values)


@register.filter
def figure_cells(values: Iterable[Decimal | int | None], kind: str) -> SafeString:
    """A cell per value, each written as its kind (`figure`): `{{ row.values|figure_cells:row.kind }}`."""
    return _cells(figure(value, kind) for value in values)
