from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

NBSP, NNBSP = "\u00a0", "\u202f"


def render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load money %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", f"12.345,67{NBSP}€"), ("fr", f"12{NNBSP}345,67{NBSP}€"), ("en", "€12,345.67")],
)
def test_money_is_formatted_per_locale(language: str, expected: str) -> None:
    assert render("{{ v|money }}", language, v=Decimal("12345.67")) == expected


def test_negative_money_keeps_its_sign() -> None:
    assert render("{{ v|money }}", "es", v=Decimal("-1500.5")) == f"-1.500,50{NBSP}€"


def test_missing_money_and_ratios_show_a_dash() -> None:
    assert render("{{ v|money }} {{ v|percent }}", "es", v=None) == "— —"


@pytest.mark.parametrize(
    ("language", "expected"), [("es", f"81,2{NBSP}%"), ("fr", f"81,2{NNBSP}%"), ("en", "81.2%")]
)
def test_a_ratio_shows_as_a_percentage(language: str, expected: str) -> None:
    assert render("{{ v|percent }}", language, v=Decimal("0.8123")) == expected


def test_a_zero_ratio_is_a_real_zero() -> None:
    assert render("{{ v|percent }}", "en", v=Decimal("0.0000")) == "0.0%"


def test_the_filters_refuse_floats() -> None:
    with pytest.raises(TypeError, match="float"):
        render("{{ v|money }}", "es", v=12.5)
    with pytest.raises(TypeError, match="float"):
        render("{{ v|percent }}", "es", v=0.5)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("money", Decimal("1234.5"), f"1.234,50{NBSP}€"),
        ("ratio", Decimal("0.8123"), f"81,2{NBSP}%"),
        ("rate", Decimal("5.5"), f"5,50{NBSP}%"),
        ("index", Decimal("0.25"), "0,2500"),
        ("ratio", None, "—"),
    ],
)
def test_a_figure_is_written_as_its_kind(kind: str, value: Decimal | None, expected: str) -> None:
    assert render("{{ v|figure:kind }}", "es", v=value, kind=kind) == expected


def test_a_figure_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="not 'share'"):
        render("{{ v|figure:kind }}", "es", v=Decimal("1"), kind="share")


def test_a_row_of_amounts_is_a_cell_each_as_the_loop_of_cells_wrote_it() -> None:
    amounts = [Decimal("1234.5"), None, Decimal("-2")]
    looped = render('{% for v in vs %}<td class="num">{{ v|money }}</td>{% endfor %}', "fr", vs=amounts)
    assert render("{{ vs|money_cells }}", "fr", vs=amounts) == looped
    cells = [f"1{NNBSP}234,50{NBSP}€", "—", f"-2,00{NBSP}€"]
    assert looped == "".join(f'<td class="num">{cell}</td>' for cell in cells)


def test_a_row_of_figures_is_a_cell_each_written_as_its_kind() -> None:
    ratios = [Decimal("0.8123"), None]
    assert render("{{ vs|figure_cells:'ratio' }}", "es", vs=ratios) == (
        f'<td class="num">81,2{NBSP}%</td><td class="num">—</td>'
    )
    with pytest.raises(TypeError):
        render("{{ vs|money_cells }}", "es", vs=[1.5])
