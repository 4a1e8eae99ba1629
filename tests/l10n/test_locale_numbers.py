"""Numbers and amounts follow CLDR's conventions of the reader's language, through one path.

es `12.345,67 €`, fr `12 345,67 €` (a narrow no-break space, U+202F, between thousands), en
`€12,345.67`. Before: French grouped thousands with a dot (`-36.917,59 €`), the effective number
of sources showed `≈ 4.2` in Spanish, and a credit-note refusal showed `1200.00`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from smartiberica.board import dashboard
from smartiberica.board.figures import combine
from smartiberica.kernel.money import format_money, format_number, format_percent
from tests.board.test_combine import a_year

NBSP, NNBSP = "\u00a0", "\u202f"
D = Decimal


def render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load money %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", f"-36.917,59{NBSP}€"),
        ("fr", f"-36{NNBSP}917,59{NBSP}€"),
        ("en", "-€36,917.59"),
    ],
)
def test_it_writes_a_negative_amount_with_the_thousands_separator_of_each_language(
    language: str, expected: str
) -> None:
    with translation.override(language):
        assert format_money(D("-36917.59")) == expected
    assert render("{{ v|money }}", language, v=D("-36917.59")) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", f"1.234.567,00{NBSP}€"),
        ("fr", f"1{NNBSP}234{NNBSP}567,00{NBSP}€"),
        ("en", "€1,234,567.00"),
    ],
)
def test_it_groups_millions_the_same_way(language: str, expected: str) -> None:
    with translation.override(language):
        assert format_money(D("1234567")) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "12.345,7"), ("fr", f"12{NNBSP}345,7"), ("en", "12,345.7")],
)
def test_it_writes_a_plain_number_the_same_way(language: str, expected: str) -> None:
    with translation.override(language):
        assert format_number(D("12345.67"), places=1) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", f"81,2{NBSP}%"), ("fr", f"81,2{NNBSP}%"), ("en", "81.2%")],
)
def test_it_writes_a_percentage_as_cldr_does(language: str, expected: str) -> None:
    with translation.override(language):
        assert format_percent(D("81.23"), places=1) == expected
    assert render("{{ v|percent }}", language, v=D("0.8123")) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", f"5,50{NBSP}%"), ("fr", f"5,50{NNBSP}%"), ("en", "5.50%")],
)
def test_a_rate_in_percent_follows_the_same_rule(language: str, expected: str) -> None:
    assert render("{{ v|rate }}", language, v=D("5.50")) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", f"+1.234,5{NBSP}pp"), ("fr", f"+1{NNBSP}234,5{NBSP}pp"), ("en", f"+1,234.5{NBSP}pp")],
)
def test_a_change_in_points_is_grouped_too(language: str, expected: str) -> None:
    with translation.override(language):
        text = render("{{ v|points }}", language, v=D("12.345"))
    unit = text.rsplit(NBSP, 1)[1]  # the translated abbreviation
    assert text == expected.replace(f"{NBSP}pp", f"{NBSP}{unit}")


def _effective_sources(language: str) -> str:
    # 800 services, 200 margin, 300 and 200 from two sources: HHI 0.36, 1/HHI = 2.7778.
    figures = combine(*a_year(), basis="accrual")
    with translation.override(language):
        (hhi,) = [h for h in dashboard.headlines(figures, None) if h.key == "hhi"]
    return hhi.detail


@pytest.mark.parametrize(("language", "expected"), [("es", "2,8"), ("fr", "2,8"), ("en", "2.8")])
def test_the_effective_number_of_sources_is_written_in_the_readers_language(
    language: str, expected: str
) -> None:
    assert _effective_sources(language) == expected
