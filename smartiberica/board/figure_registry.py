"""The one description of every yearly figure: key, section, kind, polarity, label, definition, links.

The year page, the multi-year page, the exports and `docs/figures.md` (between its registry
markers, checked by a test) all read this registry, so a figure carries the same label and the
same definition everywhere. The arithmetic stays in `smartiberica.board.figures`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartiberica.board import drilldown

if TYPE_CHECKING:
    from smartiberica.board.figures import YearlyFigures

Kind = Literal["money", "ratio", "rate"]
Polarity = Literal["higher-better", "lower-better", "neutral"]
Section = Literal["resources", "costs", "loan", "ratios"]

HIGHER: Polarity = "higher-better"
LOWER: Polarity = "lower-better"
NEUTRAL: Polarity = "neutral"
DOCS_START = "<!-- figure registry: start (generated from smartiberica/board/figure_registry.py) -->"
DOCS_END = "<!-- figure registry: end -->"


@dataclass(frozen=True)
class Figure:
    key: str
    section: Section
    kind: Kind
    polarity: Polarity
    label: Promise
    definition: Promise
    # basis -> the admin list behind the figure, for a year (None: not one list).
    drilldown: dict[str, Callable[[int], str]] = field(default_factory=dict)
    headline: bool = False  # a card at the top of the year page
    index: bool = False  # a ratio shown as a plain index (HHI) rather than a percentage

    def value(self, figures: YearlyFigures) -> Decimal | None:
        if hasattr(figures.ratios, self.key):
            return getattr(figures.ratios, self.key)
        return getattr(figures, self.key)

    def url(self, year: int, basis: str) -> str:
        target = self.drilldown.get(basis)
        return target(year) if target is not None else ""

    def change_is_good(self, change: Decimal | None) -> bool | None:
        """Whether a change reads as good news (for colour and arrow); None when neutral or none."""
        if change is None or change == 0 or self.polarity == NEUTRAL:
            return None
        return change > 0 if self.polarity == HIGHER else change < 0


def _both(target: Callable[[int], str]) -> dict[str, Callable[[int], str]]:
    return {"accrual": target, "cash": target}


FIGURES: tuple[Figure, ...] = (
    Figure(
        "own_revenue",
        "resources",
        "money",
        HIGHER,
        _("Own revenue"),
        _("Services revenue + member margin."),
    ),
    Figure(
        "services_revenue",
        "resources",
        "money",
        HIGHER,
        _("Services revenue"),
        _(
            "Net amount (VAT excluded) of the invoices issued in the year; credit notes count negative, "
            "drafts and cancelled invoices do not count. On the cash basis: the net share of the payments "
            "received in the year, less the net share of the refunds paid in the year."
        ),
        {"accrual": drilldown.issued_invoices, "cash": drilldown.payments},
    ),
    Figure(
        "member_margin",
        "resources",
        "money",
        HIGHER,
        _("Member margin"),
        _("Structure margin on the members' monthly turnover (the guarantee fund is apart)."),
        _both(drilldown.member_turnover),
    ),
    Figure(
        "guarantee_fund",
        "resources",
        "money",
        NEUTRAL,
        _("Guarantee fund"),
        _("Guarantee-fund part of the margin: earmarked to pay members on time, not own revenue."),
        _both(drilldown.member_turnover),
    ),
    Figure(
        "external_support",
        "resources",
        "money",
        NEUTRAL,
        _("External support"),
        _(
            "Receipts from parent-support, grant and other sources, plus the in-kind value of shared "
            "services (standalone cost − share paid). Loans are not support."
        ),
    ),
    Figure(
        "in_kind_shared_services",
        "resources",
        "money",
        NEUTRAL,
        _("In-kind shared services"),
        _(
            "Standalone cost − share paid of the services shared with other cooperatives: donated "
            "services, counted both as external support and as a cost."
        ),
        _both(drilldown.shared_service_costs),
    ),
    Figure(
        "total_costs",
        "costs",
        "money",
        NEUTRAL,
        _("Total costs"),
        _(
            "Expenses of the year + loan interest + in-kind shared services. Loan principal repaid is "
            "not a cost."
        ),
    ),
    Figure(
        "expenses_total",
        "costs",
        "money",
        NEUTRAL,
        _("Expenses"),
        _("Expenses dated in the year, by category. Bank charges go to 'financial', never loan interest."),
        _both(drilldown.expenses),
    ),
    Figure(
        "budgeted_costs",
        "costs",
        "money",
        NEUTRAL,
        _("Budgeted costs"),
        _("Total of the latest approved cost budget of the year."),
        _both(drilldown.cost_budgets),
    ),
    Figure(
        "funding_gap",
        "costs",
        "money",
        LOWER,
        _("Funding gap"),
        _(
            "Total costs − own revenue: what external support or financing must cover. "
            "Negative means own revenue exceeds the costs."
        ),
        headline=True,
    ),
    Figure(
        "break_even_structure_rate",
        "costs",
        "rate",
        LOWER,
        _("Break-even structure rate"),
        _(
            "The flat structure rate on the members' turnover that would have covered the year's costs: "
            "(total costs − services revenue) ÷ member turnover, as a percentage rounded up."
        ),
        headline=True,
    ),
    Figure(
        "loan_drawdowns",
        "loan",
        "money",
        NEUTRAL,
        _("Loan drawdowns"),
        _("Loan money received in the year: financing, never income."),
        _both(drilldown.loan_drawdowns),
    ),
    Figure(
        "loan_interest",
        "loan",
        "money",
        LOWER,
        _("Loan interest"),
        _(
            "Accrual basis: the interest of the schedule instalments due in the year, paid or not. "
            "Cash basis: the interest of the repayments made in the year."
        ),
        {"accrual": drilldown.loan_schedule, "cash": drilldown.loan_repayments},
    ),
    Figure(
        "loan_principal_repaid",
        "loan",
        "money",
        NEUTRAL,
        _("Loan principal repaid"),
        _("Principal of the repayments made in the year: financing, not a cost."),
        _both(drilldown.loan_repayments),
    ),
    Figure(
        "loan_outstanding_year_end",
        "loan",
        "money",
        LOWER,
        _("Loan outstanding at year end"),
        _("Principal drawn − principal repaid up to 31 December. A drawdown is financing, not income."),
        headline=True,
    ),
    Figure(
        "self_financing",
        "ratios",
        "ratio",
        HIGHER,
        _("Self-financing ratio"),
        _(
            "Own revenue ÷ total costs. 100 % means that the cooperative's own revenue covers all "
            "its costs; below 100 % the rest comes from external support or financing."
        ),
        headline=True,
    ),
    Figure(
        "own_revenue_share",
        "ratios",
        "ratio",
        HIGHER,
        _("Own-revenue share"),
        _("Own revenue ÷ (own revenue + external support): the part of its resources it earns itself."),
        headline=True,
    ),
    Figure(
        "top_funder_share",
        "ratios",
        "ratio",
        LOWER,
        _("Top-funder share"),
        _("Largest external source ÷ (own revenue + external support): how much rests on one funder."),
        headline=True,
    ),
    Figure(
        "hhi",
        "ratios",
        "ratio",
        LOWER,
        _("Revenue concentration (HHI)"),
        _(
            "Herfindahl–Hirschman index by kind of source: the sum of the squared shares of services "
            "revenue, the member margin and each external source. 1 means a single stream; "
            "1 ÷ HHI is the effective number of sources."
        ),
        headline=True,
        index=True,
    ),
    Figure(
        "budget_execution",
        "ratios",
        "ratio",
        NEUTRAL,
        _("Budget execution"),
        _(
            "(Total costs − in-kind shared services) ÷ budgeted costs: budgets plan what is paid, so "
            "donated services stay out."
        ),
        headline=True,
    ),
    Figure(
        "client_concentration",
        "ratios",
        "ratio",
        LOWER,
        _("Client concentration"),
        _("Services revenue from the largest client ÷ services revenue."),
        headline=True,
    ),
)

BY_KEY: dict[str, Figure] = {f.key: f for f in FIGURES}


def figure(key: str) -> Figure:
    return BY_KEY[key]


def labels() -> dict[str, str]:
    """key -> label in the active language."""
    return {f.key: str(f.label) for f in FIGURES}


def headline_figures() -> list[Figure]:
    return [f for f in FIGURES if f.headline]


def docs_table() -> str:
    """The registry as the Markdown table of docs/figures.md (in English, the language of the docs)."""
    lines = [
        "| key | section | kind | polarity | label | definition | drill-down (accrual / cash) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    with translation.override("en"):
        for f in FIGURES:
            targets = " / ".join(
                getattr(f.drilldown.get(basis), "__name__", "—") for basis in ("accrual", "cash")
            )
            lines.append(
                f"| `{f.key}` | {f.section} | {f.kind} | {f.polarity} | {f.label} | {f.definition} "
                f"| {targets} |"
            )
    return "\n".join(lines)
