"""The form field behind every number of the admin: read and shown in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.utils import translation

from smartiberica.kernel.form_fields import LocalizedDecimalField, LocalizedDecimalInput
from smartiberica.kernel.parsing import ERR_NUMBER_AMBIGUOUS, ERR_NUMBER_FORMAT

D = Decimal


class MoneyForm(forms.Form):
    amount = LocalizedDecimalField(max_digits=14, decimal_places=2)
    quantity = LocalizedDecimalField(max_digits=12, decimal_places=3, required=False)


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("es", "450,50", D("450.50")),
        ("es", "1.234,56", D("1234.56")),
        ("es", "1234.56", D("1234.56")),
        ("fr", "450,50", D("450.50")),
        ("fr", "1\u202f234,56", D("1234.56")),
        ("fr", "1234.56", D("1234.56")),
        ("en", "1,234.56", D("1234.56")),
        ("en", "1234.56", D("1234.56")),
    ],
)
def test_it_reads_what_the_reader_types(language: str, typed: str, expected: Decimal) -> None:
    with translation.override(language):
        form = MoneyForm({"amount": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == expected


def test_an_english_reader_typing_a_decimal_comma_is_refused_not_multiplied() -> None:
    with translation.override("en"):
        form = MoneyForm({"amount": "450,50"})
        assert not form.is_valid()
        assert form.errors["amount"] == [
            str(ERR_NUMBER_FORMAT % {"value": "450,50", "plain": "1234.56", "grouped": "1,234.56"})
        ]


def test_a_spanish_reader_typing_a_dot_before_three_digits_is_asked_which_was_meant() -> None:
    with translation.override("es"):
        form = MoneyForm({"amount": "1.234"})
        assert not form.is_valid()
        expected = str(ERR_NUMBER_AMBIGUOUS % {"value": "1.234", "plain": "1234,56", "grouped": "1.234,56"})
        assert form.errors["amount"] == [expected]
        assert "1234,56" in expected and "1.234,56" in expected


def test_places_and_digits_are_checked_as_django_checks_them() -> None:
    with translation.override("en"):
        too_precise = MoneyForm({"amount": "0.125"})
        too_large = MoneyForm({"amount": "1,000,000,000,000.00"})
        quantity = MoneyForm({"amount": "1", "quantity": "0.125"})
        assert not too_precise.is_valid() and not too_large.is_valid()
        assert "2 decimal places" in str(too_precise.errors["amount"])
        assert "14 digits" in str(too_large.errors["amount"])
        assert quantity.is_valid() and quantity.cleaned_data["quantity"] == D("0.125")


def test_an_empty_or_blank_optional_number_is_none() -> None:
    with translation.override("es"):
        form = MoneyForm({"amount": "1", "quantity": "  "})
        assert form.is_valid()
    assert form.cleaned_data["quantity"] is None


@pytest.mark.parametrize(
    ("language", "amount", "quantity"),
    [("es", "21,00", "1,500"), ("fr", "21,00", "1,500"), ("en", "21.00", "1.500")],
)
def test_it_shows_a_value_in_the_readers_language_with_the_fields_places(
    language: str, amount: str, quantity: str
) -> None:
    with translation.override(language):
        html = str(MoneyForm(initial={"amount": D("21"), "quantity": D("1.5")}))
    assert f'value="{amount}"' in html
    assert f'value="{quantity}"' in html


def test_the_box_is_a_text_input_for_decimals_so_the_browser_keeps_the_comma() -> None:
    widget = MoneyForm().fields["amount"].widget
    assert isinstance(widget, LocalizedDecimalInput)
    html = widget.render("amount", D("1"))
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html


@pytest.mark.parametrize("language", ["es", "fr", "en"])
@pytest.mark.parametrize(
    "value", [D("0.00"), D("0.05"), D("21.00"), D("1234.56"), D("-1234.56"), D("999999999999.99")]
)
def test_what_the_box_shows_is_read_back_unchanged_even_with_thousands_separators_on(
    settings: Any, language: str, value: Decimal
) -> None:
    # Locale formats may group thousands elsewhere (lists, pages); the box never does, so that
    # sending the form again reads the same number.
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override(language):
        shown = MoneyForm().fields["amount"].widget.format_value(value)
        assert shown is not None and " " not in shown and shown.count(",") + shown.count(".") == 1
        form = MoneyForm({"amount": shown})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == value


def test_what_was_typed_is_shown_back_as_typed_when_refused() -> None:
    with translation.override("en"):
        form = MoneyForm({"amount": "450,50"})
        assert 'value="450,50"' in str(form["amount"])
