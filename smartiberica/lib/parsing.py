"""Reading the values people type in spreadsheets: amounts, percentages, dates, months.

Accepted forms are those of public contract 2: amounts `1234.56`, `1234,56` and
`1.234,56` (and `1,234.56`); dates `YYYY-MM-DD` or `DD/MM/YYYY`; months `YYYY-MM`.
Anything ambiguous is refused with a message rather than guessed: `1.234` could
be a thousand or one point two, and money has only two decimals, so it is refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

ERR_AMOUNT = _("“%(value)s” is not an amount (write 1234.56, 1234,56 or 1.234,56).")
ERR_AMOUNT_PLACES = _("“%(value)s” has more than two decimals.")
ERR_AMOUNT_TOO_LARGE = _("“%(value)s” is too large.")
ERR_DATE = _("“%(value)s” is not a date (write YYYY-MM-DD or DD/MM/YYYY).")
ERR_MONTH = _("“%(value)s” is not a month (write YYYY-MM).")
ERR_INTEGER = _("“%(value)s” is not a whole number.")

MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
_GROUPED = {
    ".": re.compile(r"^\d{1,3}(\.\d{3})+$"),
    ",": re.compile(r"^\d{1,3}(,\d{3})+$"),
}
_PLAIN = re.compile(r"^\d+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_EU_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class ParseError(ValueError):
    """A value that cannot be read; `message` is translated and ready to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _integer_part_ok(text: str, grouping: str | None) -> bool:
    if _PLAIN.match(text):
        return True
    return grouping is not None and bool(_GROUPED[grouping].match(text))


def parse_amount(raw: str, *, places: int = 2) -> Decimal:
    text = raw.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    sign = ""
    if text and text[0] in "+-":
        sign, text = text[0], text[1:]
    if not text:
        raise ParseError(str(ERR_AMOUNT % {"value": raw}))
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
    elif commas == 1:
        decimal_mark = ","
    elif dots == 1:
        decimal_mark = "."
    else:
        decimal_mark = None  # no mark, or several of one kind: grouping only
    if decimal_mark is None:
        integer, fraction = text, ""
        grouping = "." if dots else "," if commas else None
    else:
        integer, _mark, fraction = text.rpartition(decimal_mark)
        grouping = ("," if decimal_mark == "." else ".") if (dots and commas) else None
    if not integer or not _integer_part_ok(integer, grouping) or (fraction and not _PLAIN.match(fraction)):
        raise ParseError(str(ERR_AMOUNT % {"value": raw}))
    if decimal_mark is not None and not fraction:
        raise ParseError(str(ERR_AMOUNT % {"value": raw}))
    if len(fraction) > places:
        raise ParseError(str(ERR_AMOUNT_PLACES % {"value": raw}))
    try:
        value = Decimal(f"{sign}{integer.replace('.', '').replace(',', '')}.{fraction or '0'}")
    except InvalidOperation as error:  # pragma: no cover - the patterns above exclude it
        raise ParseError(str(ERR_AMOUNT % {"value": raw})) from error
    if abs(value) > MAX_AMOUNT:
        raise ParseError(str(ERR_AMOUNT_TOO_LARGE % {"value": raw}))
    return value.quantize(Decimal(1).scaleb(-places))


def parse_date(raw: str) -> date:
    text = raw.strip()
    if match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _EU_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        # Spreadsheets hand over real dates, which the reader renders as ISO
        # date-times: accept those too.
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            raise ParseError(str(ERR_DATE % {"value": raw})) from None
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError(str(ERR_DATE % {"value": raw})) from None


def parse_month(raw: str) -> date:
    """`YYYY-MM` -> the first day of that month."""
    text = raw.strip()
    match = _MONTH.match(text)
    if not match:
        # A spreadsheet may turn 2024-03 into a real date: take its month.
        try:
            parsed = parse_date(text)
        except ParseError:
            raise ParseError(str(ERR_MONTH % {"value": raw})) from None
        if parsed.day != 1:
            raise ParseError(str(ERR_MONTH % {"value": raw}))
        return parsed
    year, month = (int(g) for g in match.groups())
    if not 1 <= month <= 12 or year < 1:
        raise ParseError(str(ERR_MONTH % {"value": raw}))
    return date(year, month, 1)


def parse_integer(raw: str) -> int:
    text = raw.strip()
    if text.endswith(".0"):  # how spreadsheets hand over whole numbers
        text = text[:-2]
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ParseError(str(ERR_INTEGER % {"value": raw}))
    return int(text)
