"""Reading the values people type in spreadsheets and forms: amounts, percentages, dates, months.

Imports (no language given) accept the forms of public contract 2, whatever the reader's
language: amounts `1234.56`, `1234,56` and `1.234,56` (and `1,234.56`); dates `YYYY-MM-DD`
or `DD/MM/YYYY`; months `YYYY-MM`.

Forms read a number the way the reader's language writes it (`parse_decimal`, or
`parse_amount(..., language=...)`):

- Spanish: `1.234,56`, `1234,56`, and `1234.56` (a lone dot before one or two digits can only
  be a decimal mark);
- French: the same, and a space, no-break space or narrow no-break space between thousands
  (`1 234,56`);
- English: `1,234.56` and `1234.56`; a comma only ever separates groups of three digits.

Anything ambiguous is refused with a message rather than guessed: `1.234` could be a thousand
or one point two, so Spanish and French readers are asked to write it unambiguously, and
`450,50` is not an English number (it is never read as 45050). Only the ASCII digits 0-9 are
digits: `str.isdigit()` and `\\d` would also take Arabic-Indic or full-width ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ERR_AMOUNT = _("“%(value)s” is not an amount (write 1234.56, 1234,56 or 1.234,56).")
ERR_AMOUNT_PLACES = _("“%(value)s” has more than two decimals.")
ERR_AMOUNT_TOO_LARGE = _("“%(value)s” is too large.")
ERR_DATE = _("“%(value)s” is not a date (write YYYY-MM-DD or DD/MM/YYYY).")
ERR_MONTH = _("“%(value)s” is not a month (write YYYY-MM).")
ERR_INTEGER = _("“%(value)s” is not a whole number.")
# A number typed in a form: %(plain)s and %(grouped)s are examples written the reader's way
# (1234,56 and 1.234,56 in Spanish, 1234.56 and 1,234.56 in English).
ERR_NUMBER_FORMAT = _("“%(value)s” is not a number: write %(plain)s or %(grouped)s.")
ERR_NUMBER_AMBIGUOUS = _(
    "“%(value)s” is ambiguous (a thousand or a decimal?): write %(plain)s or %(grouped)s."
)
ERR_NUMBER_DIGITS = _("“%(value)s” has digits other than 0-9: write %(plain)s or %(grouped)s.")

MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
# [0-9], never \d: \d also matches Arabic-Indic, full-width and other digits.
_GROUPED = {
    ".": re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$"),
    ",": re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$"),
}
_PLAIN = re.compile(r"^[0-9]+$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_EU_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")


class ParseError(ValueError):
    """A value that cannot be read; `message` is translated and ready to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _integer_part_ok(text: str, grouping: str | None) -> bool:
    if _PLAIN.match(text):
        return True
    return grouping is not None and bool(_GROUPED[grouping].match(text))


def parse_amount(raw: str, *, places: int = 2, language: str | None = None) -> Decimal:
    """An amount rounded to `places`: read as an import reads it, or as `language` writes it."""
    if language is not None:
        return _bounded(raw, parse_decimal(raw, language=language), places=places)
    text = raw.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
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
    return _bounded(raw, value, places=places)


def _bounded(raw: str, value: Decimal, *, places: int) -> Decimal:
    if -int(value.as_tuple().exponent) > places:
        raise ParseError(str(ERR_AMOUNT_PLACES % {"value": raw}))
    if abs(value) > MAX_AMOUNT:
        raise ParseError(str(ERR_AMOUNT_TOO_LARGE % {"value": raw}))
    return value.quantize(Decimal(1).scaleb(-places))


# --- Numbers typed in a form, the reader's way --------------------------------------------------

NBSP, NNBSP = "\u00a0", "\u202f"


@dataclass(frozen=True)
class NumberConventions:
    """How a language writes a number, as far as reading one back is concerned."""

    decimal_mark: str
    group_marks: tuple[str, ...]  # what may separate groups of three digits before the mark
    plain: str  # the examples the error messages give
    grouped: str

    @property
    def lone_dot_is_decimal(self) -> bool:
        # Where the dot groups thousands, `1234.56` still can only be a decimal (two digits after
        # a single dot); `1.234` cannot be told apart and is refused.
        return self.decimal_mark != "." and "." in self.group_marks


CONVENTIONS = {
    "es": NumberConventions(",", (".",), "1234,56", "1.234,56"),
    "fr": NumberConventions(",", (".", " ", NBSP, NNBSP), "1234,56", "1 234,56"),
    "en": NumberConventions(".", (",",), "1234.56", "1,234.56"),
}


def conventions(language: str | None = None) -> NumberConventions:
    """The conventions of `language` (default: the active one; a region such as es-ES reads as es)."""
    for code in (language, get_language(), settings.LANGUAGE_CODE):
        base = (code or "").lower().replace("_", "-").split("-")[0]
        if base in CONVENTIONS:
            return CONVENTIONS[base]
    return CONVENTIONS["en"]


def decimal_mark(language: str | None = None) -> str:
    return conventions(language).decimal_mark


def _is_integer_part(text: str, marks: tuple[str, ...]) -> bool:
    if _PLAIN.match(text):
        return True
    return any(re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(mark)}[0-9]{{3}})+", text) for mark in marks)


def parse_decimal(raw: str, *, language: str | None = None) -> Decimal:
    """A number as someone reading `language` (default: the active language) writes it, unrounded.

    The places are left as typed (`450,50` -> Decimal("450.50")): the caller checks them (a form
    field with its validators, `parse_amount` with its places).
    """
    rules = conventions(language)
    examples = {"value": raw.strip(), "plain": rules.plain, "grouped": rules.grouped}

    def refuse(message: Any) -> ParseError:  # a lazily translated message
        return ParseError(str(message % examples))

    text = raw.strip().removeprefix("€").removesuffix("€").strip()
    sign = ""
    if text[:1] in ("+", "-"):
        sign, text = text[0], text[1:]
    allowed = set("0123456789") | {rules.decimal_mark, *rules.group_marks}
    if any(character not in allowed for character in text):
        # Whatever the script, isdigit() knows a digit: say why it is refused.
        raise refuse(ERR_NUMBER_DIGITS if any(c.isdigit() for c in text) else ERR_NUMBER_FORMAT)
    mark = rules.decimal_mark
    other_groups = [group for group in rules.group_marks if group != "." and group in text]
    if rules.lone_dot_is_decimal and mark not in text and text.count(".") == 1 and not other_groups:
        if len(text.partition(".")[2]) == 3:
            raise refuse(ERR_NUMBER_AMBIGUOUS)
        mark = "."
    if text.count(mark) > 1:
        raise refuse(ERR_NUMBER_FORMAT)
    integer, has_mark, fraction = text.partition(mark)
    marks = () if mark != rules.decimal_mark else rules.group_marks
    if not _is_integer_part(integer, marks) or (has_mark and not _PLAIN.match(fraction)):
        raise refuse(ERR_NUMBER_FORMAT)
    for group in marks:
        integer = integer.replace(group, "")
    return Decimal(f"{sign}{integer}.{fraction}" if has_mark else f"{sign}{integer}")


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
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ParseError(str(ERR_INTEGER % {"value": raw}))
    return int(text)
