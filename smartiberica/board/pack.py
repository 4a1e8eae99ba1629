"""The board pack of a closed year: its approved snapshot as one printable document (HTML and PDF).

Everything in the pack comes from the year's snapshot (`board.snapshots`), never from a
recomputation nor from another year, so the pack a funder reads is the one the board approved:
the headline figures, every figure of the registry with its definition, the tables, three charts
and the approval line. One template (`board/pack.html`) gives the web page and, through
WeasyPrint, the A4 PDF.

WeasyPrint needs system libraries (Pango, HarfBuzz, fontconfig and a font). It is imported only
when a PDF is asked for: without them the rest of the app runs, and the PDF URL answers a page
saying what is missing (`PdfUnavailable`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext as _

from smartiberica.board import charts, dashboard
from smartiberica.board import figure_registry as registry
from smartiberica.board.figures import Approval, Basis, YearlyFigures
from smartiberica.board.snapshots import approved_figures

if TYPE_CHECKING:
    from weasyprint.document import Document

logger = logging.getLogger(__name__)

# What WeasyPrint loads at import time, as Debian names the packages (Makefile and .ci/run too).
PDF_SYSTEM_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz0b",
    "libharfbuzz-subset0",
    "libfontconfig1",
    "fonts-dejavu-core",
)

Kind = Literal["money", "ratio", "rate", "index"]


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it loads are missing on this server."""


@dataclass(frozen=True)
class FigureRow:
    """A figure of the registry as the pack lists it: label, value, how it is defined."""

    key: str
    label: str
    kind: Kind
    value: Decimal | None
    definition: str


@dataclass(frozen=True)
class Row:
    """One row of a pack table; `indent` marks a part of the row above, `total` a subtotal."""

    label: str
    amount: Decimal | None
    indent: bool = False
    total: bool = False


@dataclass(frozen=True)
class Pack:
    figures: YearlyFigures
    approval: Approval
    headlines: list[dashboard.Headline]
    figure_rows: list[FigureRow]
    resources: list[Row]
    revenue: list[dashboard.Line]
    costs: list[dashboard.Line]
    other_costs: list[Row]
    loan: list[Row]
    clients: list[dashboard.Line]
    charts: dict[str, str]

    @property
    def year(self) -> int:
        return self.figures.year

    @property
    def basis(self) -> Basis:
        return self.figures.basis


def _kind(figure: registry.Figure) -> Kind:
    return "index" if figure.index else figure.kind


def _resources(figures: YearlyFigures) -> list[Row]:
    labels = registry.labels()
    rows = [
        Row(labels["own_revenue"], figures.own_revenue, total=True),
        Row(labels["services_revenue"], figures.services_revenue, indent=True),
        Row(labels["member_margin"], figures.member_margin, indent=True),
        Row(labels["external_support"], figures.external_support, total=True),
    ]
    rows += [Row(line.label, line.amount, indent=True) for line in dashboard.support_lines(figures)]
    rows += [
        Row(labels["guarantee_fund"], figures.guarantee_fund),
        Row(labels["loan_drawdowns"], figures.loan_drawdowns),
    ]
    return rows


def _loan(figures: YearlyFigures) -> list[Row]:
    return [
        Row(str(registry.figure(key).label), getattr(figures, key))
        for key in ("loan_drawdowns", "loan_interest", "loan_principal_repaid", "loan_outstanding_year_end")
    ]


def _charts(figures: YearlyFigures) -> dict[str, str]:
    mix = [
        (_("%(source)s (external)") % {"source": row.label} if row.external else row.label, row.amounts)
        for row in dashboard.mix_rows([figures])
    ]
    return {
        "resources_mix": charts.resources_mix([figures.year], mix),
        "costs": charts.costs_budget_vs_actual(figures, figures.category_names),
        "clients": charts.top_clients(figures),
    }


def year_pack(*, year: int, basis: Basis) -> Pack | None:
    """The pack of `year` on `basis` from its approved snapshot; None when the year is not closed.

    One query (the snapshot); the rest is arithmetic-free assembly and the SVG charts.
    """
    figures = approved_figures(years=[year], basis=basis).get(year)
    if figures is None or figures.approval is None:
        return None
    labels = registry.labels()
    return Pack(
        figures=figures,
        approval=figures.approval,
        headlines=dashboard.headlines(figures, None),
        figure_rows=[
            FigureRow(f.key, str(f.label), _kind(f), f.value(figures), str(f.definition))
            for f in registry.FIGURES
        ],
        resources=_resources(figures),
        revenue=dashboard.revenue_lines(figures),
        costs=dashboard.cost_lines(figures),
        other_costs=[
            Row(labels["loan_interest"], figures.loan_interest),
            Row(labels["in_kind_shared_services"], figures.in_kind_shared_services),
        ],
        loan=_loan(figures),
        clients=dashboard.client_lines(figures),
        charts=_charts(figures),
    )


def _weasyprint() -> ModuleType:
    # Imported here, not at the top: WeasyPrint loads Pango and HarfBuzz when imported, and a
    # server without them must still serve everything but the PDF.
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        logger.warning(
            "The board pack PDF cannot be made: %s. On Debian: apt-get install %s",
            error,
            " ".join(PDF_SYSTEM_PACKAGES),
        )
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def layout(html: str) -> Document:
    """The pack's HTML laid out on A4 pages by WeasyPrint (the PDF's pages, boxes included)."""
    weasyprint = _weasyprint()
    # The pack holds everything inline (styles, SVG charts): no URL is ever fetched, so that no
    # text in the pack can make the server read a file or call another host.
    fetcher: Any = weasyprint.urls.URLFetcher(allowed_protocols=())
    document: Document = weasyprint.HTML(string=html, url_fetcher=fetcher).render()
    return document


def to_pdf(html: str) -> bytes:
    """The pack's HTML as an A4 PDF; `PdfUnavailable` when WeasyPrint cannot run here."""
    pdf: bytes = layout(html).write_pdf()
    return pdf
