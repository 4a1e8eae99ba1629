"""Server-side SVG charts (pygal) for the board's pages.

Charts are pictures: every one of them has a table beside it with the exact
figures. pygal plots floats, so Decimals are converted here and only here; no
figure the reader can copy comes from a chart. pygal's own scripts are stripped
(the pages need no JavaScript and the Content-Security-Policy forbids inline
script), and the SVG is inlined in the page so that it prints.

Each chart is described by a `_Plot` (pure data), and drawn once per plot and language: pygal
takes about 10 ms a chart, and the same figures are drawn again at every visit of a page (a
closed year's never change).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pygal
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

from smartiberica.board.figures import YearlyFigures
from smartiberica.kernel.basis import TOP_CLIENTS

PALETTE = (
    "#0b6e4f",
    "#2f9e7a",
    "#7cc6a4",
    "#1f4e79",
    "#4f81bd",
    "#9dc3e6",
    "#b35806",
    "#f1a340",
    "#fee0b6",
    "#6a51a3",
    "#bcbddc",
    "#8c8c8c",
)

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1d2430",
    foreground_strong="#1d2430",
    foreground_subtle="#5b6675",
    opacity=".9",
    opacity_hover="1",
    colors=PALETTE,
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    title_font_size=14,
    value_font_size=11,
    tooltip_font_size=12,
)


def _strip_scripts(root: Any) -> Any:
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                parent.remove(child)
    return root


def _to_float(value: Decimal | None) -> float | None:
    # Plotting only: the exact value is in the table next to the chart.
    return None if value is None else float(value)


def _money_label(value: float) -> str:
    return number_format(Decimal(str(round(value))), decimal_pos=0, use_l10n=True, force_grouping=True) + " €"


def _percent_label(value: float) -> str:
    return number_format(Decimal(str(round(value, 1))), decimal_pos=0, use_l10n=True) + " %"


def _chart(kind: Callable[..., Any], *, title: str, formatter: Callable[[float], str], **options: Any) -> Any:
    settings: dict[str, Any] = {
        "style": STYLE,
        "title": title,
        "js": [],
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "value_formatter": formatter,
        "width": 760,
        "height": 380,
        "margin": 12,
        "truncate_legend": 40,
        "no_data_text": _("No data"),
    }
    chart = kind(**{**settings, **options})
    chart.add_xml_filter(_strip_scripts)
    return chart


# A series: its label, its values, and pygal's options for it (as pairs, so a plot is hashable).
Series = tuple[str, tuple[float | None, ...], tuple[tuple[str, Any], ...]]


@dataclass(frozen=True)
class _Plot:
    """Everything a chart is drawn from: the pygal chart type, its options, labels and series."""

    kind: str
    title: str
    formatter: Callable[[float], str]
    x_labels: tuple[str, ...]
    series: tuple[Series, ...]
    options: tuple[tuple[str, Any], ...] = ()


# Options given as pairs in a plot (hashable) and as dicts to pygal.
DICT_OPTIONS = frozenset({"stroke_style"})


@functools.lru_cache(maxsize=256)
def _render(plot: _Plot, language: str | None) -> str:
    """The SVG of `plot` in `language` (the formatter and the "no data" text follow it)."""
    chart = _chart(
        getattr(pygal, plot.kind), title=plot.title, formatter=plot.formatter, **dict(plot.options)
    )
    chart.x_labels = list(plot.x_labels)
    for label, values, options in plot.series:
        chart.add(label, list(values), **{k: dict(v) if k in DICT_OPTIONS else v for k, v in options})
    return str(chart.render(is_unicode=True))


def _svg(plot: _Plot) -> str:
    return _render(plot, get_language())


def _series(label: str, values: Sequence[float | None], **options: Any) -> Series:
    pairs = tuple((k, tuple(v.items()) if k in DICT_OPTIONS else v) for k, v in options.items())
    return (label, tuple(values), pairs)


def resources_mix(years: Sequence[int], rows: Sequence[tuple[str, Sequence[Decimal]]]) -> str:
    """Stacked bars per year: own revenue by service line, member margin, support by source."""
    return _svg(
        _Plot(
            kind="StackedBar",
            title=_("Resources mix"),
            formatter=_money_label,
            x_labels=tuple(str(year) for year in years),
            series=tuple(_series(label, [_to_float(v) for v in values]) for label, values in rows),
        )
    )


def costs_budget_vs_actual(figures: YearlyFigures, category_names: dict[str, str]) -> str:
    codes = [
        c
        for c in figures.costs_by_category
        if figures.costs_by_category[c] or c in figures.budgeted_by_category
    ]
    series = []
    if figures.budgeted_by_category:
        series.append(
            _series(_("Budget"), [_to_float(figures.budgeted_by_category.get(c, Decimal(0))) for c in codes])
        )
    series.append(_series(_("Actual"), [_to_float(figures.costs_by_category[c]) for c in codes]))
    return _svg(
        _Plot(
            kind="HorizontalBar",
            title=_("Costs: budget and actual by category"),
            formatter=_money_label,
            x_labels=tuple(category_names.get(code, code) for code in codes),
            series=tuple(series),
            options=(("height", 420),),
        )
    )


def self_financing_trend(series: Sequence[YearlyFigures]) -> str:
    def points(values: list[Decimal | None]) -> list[float | None]:
        return [None if v is None else float(v * 100) for v in values]

    return _svg(
        _Plot(
            kind="Line",
            title=_("Self-financing and own-revenue share"),
            formatter=_percent_label,
            x_labels=tuple(str(f.year) for f in series),
            series=(
                _series(_("Self-financing ratio"), points([f.ratios.self_financing for f in series])),
                _series(_("Own-revenue share"), points([f.ratios.own_revenue_share for f in series])),
                _series(
                    _("Break-even (100 %)"),
                    [100.0 for _f in series],
                    show_dots=False,
                    stroke_style={"dasharray": "4,4"},
                ),
            ),
            options=(("dots_size", 4),),
        )
    )


def loan_outstanding(series: Sequence[YearlyFigures]) -> str:
    return _svg(
        _Plot(
            kind="Line",
            title=_("Loan outstanding at year end"),
            formatter=_money_label,
            x_labels=tuple(str(f.year) for f in series),
            series=(
                _series(_("Outstanding principal"), [_to_float(f.loan_outstanding_year_end) for f in series]),
            ),
            options=(("fill", True),),
        )
    )


def top_clients(figures: YearlyFigures, limit: int = TOP_CLIENTS) -> str:
    # pygal draws horizontal bars bottom-up: reverse so the largest is on top.
    clients = list(reversed(figures.revenue_by_client[:limit]))
    return _svg(
        _Plot(
            kind="HorizontalBar",
            title=_("Top clients"),
            formatter=_money_label,
            x_labels=tuple(c.name for c in clients),
            series=(_series(_("Revenue"), [_to_float(c.amount) for c in clients]),),
            options=(("show_legend", False),),
        )
    )
