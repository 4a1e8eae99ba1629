"""The charts print and read well: full axis labels, an HTML legend that wraps, lines told apart by
their dashes as well as their colour."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from smartiberica.board import charts

LONG = "Plataformas de formación en prevención de riesgos laborales"


def mix_with(labels: list[str]) -> str:
    rows = [(label, [Decimal("104500.00"), Decimal("98000.00")]) for label in labels]
    with translation.override("es"):
        return charts.resources_mix([2025, 2026], rows)


def test_it_writes_full_axis_labels_without_an_ellipsis() -> None:
    svg = mix_with([LONG, "Margen sobre socios"])
    assert "…" not in svg
    assert "200.000\u00a0€" in svg  # pygal cuts this one to "200.00…" unless told not to


def test_it_puts_every_series_in_an_html_legend_under_the_plot_with_its_colour() -> None:
    html = mix_with([LONG, "Margen sobre socios"])
    svg_end = html.index("</svg>")
    legend = html[svg_end:]
    assert legend.count("<li>") == 2
    assert LONG in legend and f"--swatch: {charts.PALETTE[0]}" in legend
    assert 'class="legend' not in html[:svg_end]  # pygal draws no legend of its own


def test_a_single_series_needs_no_legend() -> None:
    assert "chart-legend" not in mix_with([LONG])


def test_it_escapes_a_label_in_the_legend() -> None:
    assert "&lt;b&gt;Cliente&lt;/b&gt;" in mix_with(["<b>Cliente</b>", "Otro"])


def test_the_lines_of_the_self_financing_chart_differ_by_their_dashes() -> None:
    plot_dashes = {charts.LEGEND_BORDER[dash] for dash in charts.DASHES}
    assert plot_dashes == {"solid", "dashed", "dotted"}
