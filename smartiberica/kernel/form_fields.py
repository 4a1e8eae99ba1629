"""Form fields that read and show numbers the way the reader's language writes them.

`LocalizedDecimalField` replaces Django's `forms.DecimalField` for every model DecimalField in the
admin (see `smartiberica.kernel.admin_base`). Django's own field reads `450,50` as no number at all
(and a browser's number input may drop the comma: 45050); this one reads it with
`smartiberica.kernel.parsing.parse_decimal` in the active language, so `450,50` is 450.50 for a
Spanish or French reader and refused for an English one, never guessed.

The input shows the value with the language's decimal mark and the field's places, without
thousands separators (`1234,50`, `1234.50`): what the box shows is read back unchanged when the
form is sent again, whatever grouping the locale formats may use elsewhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import numberformat
from django.utils.translation import get_language

from smartiberica.kernel.parsing import ParseError, decimal_mark, parse_decimal


def format_for_input(value: Decimal | int, *, places: int | None, language: str | None = None) -> str:
    """`value` as an input box shows it: the language's decimal mark, `places` decimals, no grouping."""
    return numberformat.format(
        value,
        decimal_sep=decimal_mark(language),
        decimal_pos=places,
        grouping=0,  # never group: a thousands separator in the box could be read back as a decimal
        thousand_sep="",
        force_grouping=False,
        use_l10n=False,
    )


class LocalizedDecimalInput(forms.TextInput):
    """A text box (a number input would make the browser insist on its own decimal mark)."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, decimal_places: int | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.decimal_places = decimal_places

    def format_value(self, value: Any) -> str | None:
        # A value from the database is formatted; what the user typed is shown back as typed.
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return format_for_input(value, places=self.decimal_places)
        return super().format_value(value)


class LocalizedDecimalField(forms.DecimalField):
    """A DecimalField that reads and shows numbers in the active language (max_digits etc. as usual)."""

    widget = LocalizedDecimalInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(self.widget, LocalizedDecimalInput) and self.widget.decimal_places is None:
            self.widget.decimal_places = self.decimal_places

    # Django's DecimalField derives from IntegerField yet returns a Decimal (the stubs ignore it too).
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        try:
            return parse_decimal(str(value), language=get_language())
        except ParseError as error:
            raise ValidationError(error.message, code="invalid") from error
