"""The charts are drawn once per plot and language, and redrawn when the figures change."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from smartiberica.board import charts


def test_the_same_figures_are_drawn_once_and_a_change_is_drawn_again() -> None:
    charts._render.cache_clear()
    rows = [("Formación PRL", [Decimal("1200.00"), Decimal("3400.50")])]
    with translation.override("es"):
        first = charts.resources_mix([2024, 2025], rows)
        again = charts.resources_mix([2024, 2025], rows)
        changed = charts.resources_mix(
            [2024, 2025], [("Formación PRL", [Decimal("1200.00"), Decimal("9999.00")])]
        )
    assert again is first  # served from the memo, not drawn again
    assert charts._render.cache_info().misses == 2
    assert changed != first and "9.999\u00a0€" in changed and "9.999\u00a0€" not in first


def test_a_plot_is_drawn_in_each_language_with_its_own_numbers() -> None:
    rows = [("Formación PRL", [Decimal("12345.00")])]
    with translation.override("es"):
        spanish = charts.resources_mix([2024], rows)
    with translation.override("en"):
        english = charts.resources_mix([2024], rows)
    # Whole euros on the axis, written as each language writes money.
    assert "12.345\u00a0€" in spanish and "€12,345" in english
