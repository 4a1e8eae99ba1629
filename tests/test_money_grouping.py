"""The money formatter's own grouping writes what Django's locale formats write, in every language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.formats import number_format
from hypothesis import example, given
from hypothesis import strategies as st

from smartiberica.kernel.money import _grouped, format_money, format_number


@given(
    number=st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2),
    places=st.sampled_from([0, 1, 2, 4]),
    language=st.sampled_from(["es", "fr", "en"]),
)
@example(number=Decimal("-0.01"), places=0, language="es")  # a negative zero once rounded
@example(number=Decimal("-0.04"), places=1, language="fr")
def test_it_groups_as_django_number_format_does(number: Decimal, places: int, language: str) -> None:
    quantized = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    with translation.override(language):
        expected = number_format(quantized, decimal_pos=places, use_l10n=True, force_grouping=True)
        assert _grouped(quantized, places, language) == expected


def test_it_writes_each_languages_amounts() -> None:
    amounts = {"es": "-12.345,67\u00a0€", "fr": "-12\u202f345,67\u00a0€", "en": "-€12,345.67"}
    numbers = {"es": "1.234,5", "fr": "1\u202f234,5", "en": "1,234.5"}
    for language, written in amounts.items():
        with translation.override(language):
            assert format_money(Decimal("-12345.67")) == written
            assert format_number(Decimal("1234.5"), places=1) == numbers[language]
