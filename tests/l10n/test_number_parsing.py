"""Numbers typed in a form are read the way the reader's language writes them, never guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import formats, translation

from smartiberica.kernel import parsing
from smartiberica.kernel.parsing import ParseError, decimal_mark, parse_amount, parse_decimal

D = Decimal
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("language", "raw", "expected"),
    [
        ("es", "450,50", D("450.50")),
        ("es", "1.234,56", D("1234.56")),
        ("es", "1234,56", D("1234.56")),
        ("es", "1234.56", D("1234.56")),
        ("es", "1234.5", D("1234.5")),
        ("es", "1.234.567,8", D("1234567.8")),
        ("es", "1.234.567", D("1234567")),
        ("es", "-250,5", D("-250.5")),
        ("es", " 7 ", D("7")),
        ("es", "0,375", D("0.375")),
        ("fr", "450,50", D("450.50")),
        ("fr", "1.234,56", D("1234.56")),
        ("fr", "1234.56", D("1234.56")),
        ("fr", "1 234,56", D("1234.56")),
        ("fr", f"1{NBSP}234,56", D("1234.56")),
        ("fr", f"1{NNBSP}234{NNBSP}567,89", D("1234567.89")),
        ("fr", "12 345", D("12345")),
        ("en", "450.50", D("450.50")),
        ("en", "1,234.56", D("1234.56")),
        ("en", "1234.56", D("1234.56")),
        ("en", "1,234", D("1234")),
        ("en", "1,234,567.8", D("1234567.8")),
        ("en", "-0.5", D("-0.5")),
    ],
)
def test_it_reads_a_number_as_the_readers_language_writes_it(
    language: str, raw: str, expected: Decimal
) -> None:
    value = parse_decimal(raw, language=language)
    assert value == expected
    assert str(value) == str(expected)  # as typed: the form field's validators check the places


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_dot_before_three_digits_is_refused_as_ambiguous_in_spanish_and_french(language: str) -> None:
    with translation.override("en"), pytest.raises(ParseError) as caught:
        parse_decimal("1.234", language=language)
    with translation.override("en"):  # as the message was built
        expected = str(
            parsing.ERR_NUMBER_AMBIGUOUS
            % {
                "value": "1.234",
                "plain": "1234,56",
                "grouped": "1.234,56" if language == "es" else "1 234,56",
            }
        )
    assert caught.value.message == expected


def test_a_comma_that_is_not_a_thousands_group_is_never_read_as_one_in_english() -> None:
    with translation.override("en"), pytest.raises(ParseError) as caught:
        parse_decimal("450,50", language="en")
    assert "write 1234.56 or 1,234.56" in caught.value.message


@pytest.mark.parametrize(
    ("language", "raw"),
    [
        ("es", "1.234.56"),
        ("es", "1,234.56"),  # English grouping: a Spanish reader would mean 1.23456
        ("es", "1,2,3"),
        ("es", "12.34,5"),
        ("es", "1 234,56"),  # spaces group thousands in French only
        ("es", "5,"),
        ("es", ",5"),
        ("es", ""),
        ("es", "--1"),
        ("es", "1e5"),
        ("es", "doce"),
        ("fr", "1 234.56"),
        ("fr", "1 23,45"),
        ("fr", "1.234 567,89"),
        ("en", "1.234,56"),
        ("en", "1234,56"),
        ("en", "1,23"),
        ("en", "1,2345"),
        ("en", "1 234.56"),
        ("en", "5."),
        ("en", "1.2.3"),
    ],
)
def test_it_refuses_what_does_not_follow_the_languages_format(language: str, raw: str) -> None:
    with pytest.raises(ParseError):
        parse_decimal(raw, language=language)


@pytest.mark.parametrize(
    "raw",
    [
        "\u0664\u0665\u0660",  # Arabic-Indic 450
        "\u06f4\u06f5\u06f0,50",  # Extended Arabic-Indic
        "\uff14\uff15\uff10,50",  # full-width
        "\u0967\u0968",  # Devanagari
    ],
)
@pytest.mark.parametrize("language", ["es", "fr", "en", None])
def test_only_ascii_digits_are_numbers(raw: str, language: str | None) -> None:
    assert raw[0].isdigit()  # what str.isdigit() and \d would have let through
    with translation.override("en"), pytest.raises(ParseError) as caught:
        if language is None:
            parse_amount(raw)
        else:
            parse_decimal(raw, language=language)
    if language is not None:
        assert "0-9" in caught.value.message


@pytest.mark.parametrize(
    ("language", "raw", "examples"),
    [
        ("es", "1.234", ("1234,56", "1.234,56")),
        ("fr", "1.234", ("1234,56", "1 234,56")),
        ("en", "450,50", ("1234.56", "1,234.56")),
        ("es", "doce", ("1234,56", "1.234,56")),
    ],
)
def test_the_message_names_the_format_expected_in_the_active_language(
    language: str, raw: str, examples: tuple[str, str]
) -> None:
    with translation.override(language), pytest.raises(ParseError) as caught:
        parse_decimal(raw)
    assert raw in caught.value.message
    assert all(example in caught.value.message for example in examples)


def test_the_active_language_is_the_default() -> None:
    with translation.override("en"):
        assert parse_decimal("1,234") == D("1234")
    with translation.override("es"), pytest.raises(ParseError):
        parse_decimal("1,234.5")
    with translation.override("es"):
        assert parse_decimal("1,234") == D("1.234")


def test_a_regional_variant_reads_like_its_language() -> None:
    assert parse_decimal("1.234,5", language="es-ES") == D("1234.5")
    assert parse_decimal("1,234.5", language="en-us") == D("1234.5")


@pytest.mark.parametrize("language", ["es", "fr", "en"])
def test_the_decimal_mark_is_the_one_django_writes_for_the_language(language: str) -> None:
    # The admin shows read-only numbers with Django's formats, the inputs with ours: they agree.
    assert decimal_mark(language) == formats.get_format("DECIMAL_SEPARATOR", lang=language)


def test_an_amount_read_in_a_language_is_rounded_to_its_places_and_bounded() -> None:
    assert parse_amount("1.234,5", language="es") == D("1234.50")
    assert parse_amount("1,234.5", language="en") == D("1234.50")
    with pytest.raises(ParseError):
        parse_amount("0,125", language="es")
    with pytest.raises(ParseError):
        parse_amount("1.000.000.000.000", language="es")


def test_imports_still_read_every_form_of_the_contract_whatever_the_language() -> None:
    with translation.override("en"):
        assert parse_amount("1.234,56") == D("1234.56")
        assert parse_amount("1234,56") == D("1234.56")
    with translation.override("es"):
        assert parse_amount("1,234.56") == D("1234.56")
