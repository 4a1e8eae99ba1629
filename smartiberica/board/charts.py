"""Server-side SVG charts (pygal) for the board's pages.

Charts are pictures: every one of them has a table beside it with the exact
figures. pygal plots floats, so Decimals are converted here and only here; no
figure the reader can copy comes from a chart. pygal's own scripts are stripped
(the pages need no JavaScript and the Content-Security-Policy forbids inline
script), and the SVG is inlined in the page so that it prints. The legend is an HTML list under
the plot (`_legend`): it wraps at any width, where pygal's overlaps itself or is cut.

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
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

from smartiberica.board.figures import YearlyFigures
from smartiberica.kernel.basis import TOP_CLIENTS
from smartiberica.kernel.money import format_money, format_percent

# Okabe and Ito's palette, distinct for the common colour-blindnesses, ordered so that
# neighbours differ in lightness too (a stacked bar stays readable in greyscale print), then
# darker and lighter tones for long series lists.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#7F7F7F",
    "#8C510A",
    "#C7C7C7",
    "#5E3C99",
)

# Lines differ by their dashes as well as their colour; the HTML legend draws the same style.
DASHES = ("", "8,4", "2,4")
LEGEND_BORDER = {"": "solid", "8,4": "dashed", "2,4": "dotted"}

# White gaps between bars and stacked segments: adjacent colours stay apart in greyscale.
BAR_CSS = "inline:.rect.reactive{stroke:#fff;stroke-width:1px}"

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


def _as_image(title: str) -> Callable[[Any], Any]:
    """One image named by its title for assistive technology, not hundreds of loose SVG texts:
    the exact figures are in the table beside every chart."""

    def name(root: Any) -> Any:
        root.set("role", "img")
        root.set("aria-label", title)
        return root

    return name


def _to_float(value: Decimal | None) -> float | None:
    # Plotting only: the exact value is in the table next to the chart.
    return None if value is None else float(value)


def _money_label(value: float) -> str:
    # Whole euros, written as the reader's language writes money ("€12,345" in English).
    return format_money(Decimal(str(value)), places=0)


def _percent_label(value: float) -> str:
    return format_percent(Decimal(str(value)), places=0)


def _chart(kind: Callable[..., Any], *, title: str, formatter: Callable[[float], str], **options: Any) -> Any:
    settings: dict[str, Any] = {
        "style": STYLE,
        "title": title,
        "js": [],
        "disable_xml_declaration": True,
        # The legend is HTML under the picture (see `_legend`): pygal's own legend at the bottom
        # overlaps itself when labels are long and is cut when there are many series.
        "show_legend": False,
        "value_formatter": formatter,
        "width": 760,
        "height": 380,
        "margin": 12,
        "margin_right": 36,  # room for the last axis label, centred on the plot's edge
        # Full axis labels ("100.000 €", not "100.00…"), and few enough ticks that they fit.
        "truncate_label": -1,
        "max_scale": 6,
        "css": [*pygal.Config.css.value, BAR_CSS],
        "no_data_text": _("No data"),
    }
    chart = kind(**{**settings, **options})
    chart.add_xml_filter(_strip_scripts)
    chart.add_xml_filter(_as_image(title))
    return chart


# A point drawn apart: its value and the SVG attributes of its marker (as pairs, so a plot is
# hashable), such as the hollow marker of a projected value.
Marked = tuple[float, tuple[tuple[str, str], ...]]
# A series: its label, its values, and pygal's options for it (as pairs, so a plot is hashable).
Series = tuple[str, tuple[float | Marked | None, ...], tuple[tuple[str, Any], ...]]


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
        points = [{"value": v[0], "node": dict(v[1])} if isinstance(v, tuple) else v for v in values]
        chart.add(label, points, **{k: dict(v) if k in DICT_OPTIONS else v for k, v in options})
    # The plot scrolls sideways on a phone rather than shrink its labels past reading (app.css).
    return f'<div class="chart-plot">{chart.render(is_unicode=True)}</div>{_legend(plot)}'


def _legend(plot: _Plot) -> str:
    """An HTML legend under the chart: it wraps at any width and prints (none for one series)."""
    if len(plot.series) < 2:
        return ""
    entries = []
    for index, (label, _values, options) in enumerate(plot.series):
        colour = PALETTE[index % len(PALETTE)]
        if plot.kind == "Line":
            dashes = dict(dict(options).get("stroke_style", ())).get("dasharray", "")
            mark = f"line {LEGEND_BORDER.get(dashes, 'solid')}"
        else:
            mark = "box"
        entries.append((mark, colour, label))
    items = format_html_join(
        "", '<li><span class="swatch {}" style="--swatch: {}" aria-hidden="true"></span>{}</li>', entries
    )
    return str(format_html('<ul class="chart-legend">{}</ul>', items))


def _svg(plot: _Plot) -> str:
    return _render(plot, get_language())


def _series(label: str, values: Sequence[float | Marked | None], **options: Any) -> Series:
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


# The marker of a projected value: hollow, in its series' colour (the stroke), a little larger.
HOLLOW = (("r", "5"), ("style", "fill:#fff;stroke-width:2px;stroke-dasharray:none"))


def _projected_end(series: Sequence[YearlyFigures], projected: Decimal) -> Series:
    """A dashed segment from the year before the last to the last year's projected value, which
    has a hollow marker: where the year in progress is expected to end."""
    values: list[float | Marked | None] = [None] * len(series)
    before = series[-2].ratios.self_financing if len(series) > 1 else None
    if before is not None:
        values[-2] = float(before * 100)
    values[-1] = (float(projected * 100), HOLLOW)
    return _series(
        _("Self-financing ratio (projected at year end)"), values, stroke_style={"dasharray": DASHES[1]}
    )


def self_financing_trend(series: Sequence[YearlyFigures], projected: Decimal | None = None) -> str:
    """The two ratios over the years; `projected`: the last year's self-financing ratio projected
    at its end (the year in progress), drawn dashed to a hollow marker."""

    def points(values: list[Decimal | None]) -> list[float | None]:
        return [None if v is None else float(v * 100) for v in values]

    end = (_projected_end(series, projected),) if projected is not None and series else ()
    return _svg(
        _Plot(
            kind="Line",
            title=_("Self-financing and own-revenue share"),
            formatter=_percent_label,
            x_labels=tuple(str(f.year) for f in series),
            series=(
                _series(_("Self-financing ratio"), points([f.ratios.self_financing for f in series])),
                _series(
                    _("Own-revenue share"),
                    points([f.ratios.own_revenue_share for f in series]),
                    stroke_style={"dasharray": DASHES[1]},
                ),
                _series(
                    _("Break-even (100 %)"),
                    [100.0 for _f in series],
                    show_dots=False,
                    stroke_style={"dasharray": DASHES[2]},
                ),
                *end,
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


def monthly_projection(
    *,
    title: str,
    months: Sequence[str],
    actual: Sequence[bool],
    recorded: str,
    columns: Sequence[tuple[str, Sequence[Decimal]]],
) -> str:
    """A figure month by month in several projections of one year (the first is the baseline).

    The recorded months are the same in every projection (a scenario changes only the months
    after `as_of`): one solid line, labelled `recorded`. Each projection's later months are a
    dashed line of its own colour, starting from the last recorded month so that it continues it.
    """
    first_projected = next((i for i, is_actual in enumerate(actual) if not is_actual), len(actual))
    lines = []
    if first_projected > 0:
        recorded_values = [_to_float(v) for v in columns[0][1][:first_projected]]
        lines.append(_series(recorded, recorded_values + [None] * (len(actual) - first_projected)))
    if first_projected < len(actual):
        start = max(first_projected - 1, 0)
        lines += [
            _series(
                label,
                [_to_float(v) if i >= start else None for i, v in enumerate(values)],
                stroke_style={"dasharray": DASHES[1]},
            )
            for label, values in columns
        ]
    return _svg(
        _Plot(
            kind="Line",
            title=title,
            formatter=_money_label,
            x_labels=tuple(months),
            series=tuple(lines),
            # Twelve whole month names fit side by side only when slanted.
            options=(("dots_size", 3), ("x_label_rotation", 30)),
        )
    )


def cash_balances(
    *,
    title: str,
    labels: Sequence[str],
    recorded: Sequence[Decimal | None],
    projected: Sequence[Decimal | None],
    series: tuple[str, str],
) -> str:
    """The cash in the bank at each month end: the recorded balances solid, the projected ones
    dashed (the caller starts them at the projection's day, so the dashes continue the line).
    `series` names the two lines (recorded, projected)."""
    lines = [_series(series[0], [_to_float(v) for v in recorded])]
    if any(v is not None for v in projected):
        lines.append(
            _series(series[1], [_to_float(v) for v in projected], stroke_style={"dasharray": DASHES[1]})
        )
    return _svg(
        _Plot(
            kind="Line",
            title=title,
            formatter=_money_label,
            x_labels=tuple(labels),
            series=tuple(lines),
            options=(("dots_size", 3), ("x_label_rotation", 30)),
        )
    )
