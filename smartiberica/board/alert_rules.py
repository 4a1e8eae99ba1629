"""Each alert rule, as a pure function of the figures it reads: it fires or not, and says what.

An `Alert` carries its rule, a stable `key` (`top_funder_share:2020`, `obligation:17`,
`overdue:client-12`), the value and threshold in the rule's unit, the details its message names
and the links to the records behind it. Its `message` is written when it is read, in the active
language, so one evaluation serves every reader (the page's, each e-mail's). Its `fingerprint` is
the key and what the message shows (the value rounded as shown, an amount, a date): the digest
sends an alert again only when the fingerprint changes. The semantics of each threshold are
`alert_validation`'s and docs/alerts.md's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from smartiberica.board import alert_validation as av
from smartiberica.board import drilldown
from smartiberica.board.alert_models import AlertRule
from smartiberica.board.cash_outlook import Runway
from smartiberica.board.figures import YearlyFigures
from smartiberica.kernel.money import format_money, format_number, format_percent

HUNDREDTH = Decimal("0.01")
PERCENT_SHOWN = Decimal("0.1")  # shares and ratios are shown to a tenth of a percent
POINTS_SHOWN = Decimal("1")  # costs ahead of the budget: whole points (rounded down too)

# The year page's sections an alert points to (their headings' ids, templates/board/year.html).
SECTIONS = {
    "resources": "resources-title",
    "costs": "costs-title",
    "trend": "trend-title",
    "clients": "clients-title",
    "cash": "cash-title",
    "projection": "projection-title",
}


SHORT_LABELS: dict[str, Promise] = {
    av.TOP_FUNDER_SHARE: _("Top funder"),
    av.SELF_FINANCING: _("Self-financing"),
    av.CLIENT_CONCENTRATION: _("Largest client"),
}


@dataclass(frozen=True)
class AlertLink:
    label: Promise  # translated when read, with `name` put in its "%(name)s"
    url: str  # a path of the app (the digest makes it absolute)
    name: str = ""

    @property
    def text(self) -> str:
        return str(self.label) % {"name": self.name} if self.name else str(self.label)


@dataclass(frozen=True)
class Alert:
    rule: str  # an `AlertRule.Rule` value
    key: str
    value: Decimal  # in the rule's unit
    threshold: Decimal
    details: dict[str, Any] = field(hash=False)
    links: tuple[AlertLink, ...] = ()
    # What changes the alert, beyond its key: the value as shown, an amount, a date...
    shown: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        return "|".join((self.key, *self.shown))

    @property
    def message(self) -> str:
        """What the alert says, in the active language."""
        return MESSAGES[self.rule](self)

    @property
    def short_label(self) -> str:
        """A few words naming the rule, for a narrow cell (the multi-year page's marks)."""
        return str(SHORT_LABELS.get(self.rule, self.label))

    @property
    def shown_value(self) -> str:
        """The value as the message writes it, in the active language."""
        unit = av.RULES[self.rule].unit
        return _percent(self.value) if unit == "percent" else format_number(self.value, places=0)

    @property
    def label(self) -> str:
        """The rule's name, in the active language."""
        return str(AlertRule.Rule(self.rule).label)


def shown_percent(value: Decimal) -> Decimal:
    """A share or ratio as an alert shows it: to a tenth of a percent, rounded down, so that what is
    shown never contradicts the threshold (99.99 % below 100 % is "99.9 %", not "100.0 %")."""
    return value.quantize(PERCENT_SHOWN, rounding=ROUND_FLOOR)


def _percent(value: Decimal) -> str:
    return format_percent(shown_percent(value), places=1)


def _threshold(rule: str, threshold: Decimal) -> str:
    places = 0 if threshold == threshold.to_integral_value() else 2
    unit = av.RULES[rule].unit
    if unit == "percent":
        return format_percent(threshold, places=places)
    return format_number(threshold, places=places)


def _year_page(year: int, section: str) -> str:
    return f"{reverse('year', args=[year])}#{SECTIONS[section]}"


def _points(ratio: Decimal | None) -> Decimal | None:
    """A ratio (a fraction, 4 places) in percent, exactly: 0.3000 → 30.00."""
    return None if ratio is None else (ratio * 100).quantize(HUNDREDTH)


# --- Year-level rules: a year's figures -----------------------------------------------------------


def top_funder_share(figures: YearlyFigures, *, threshold: Decimal) -> Alert | None:
    """Fires when the largest external source brings `threshold` % of the resources or more."""
    value = _points(figures.ratios.top_funder_share)
    code = figures.top_funder
    if value is None or code is None or value < threshold:
        return None
    year = figures.year
    name = figures.source_names.get(code, code)
    records = (
        drilldown.shared_service_costs(year, source=code)
        if code in figures.in_kind_by_source
        else drilldown.receipts(year, source=code)
    )
    return Alert(
        rule=av.TOP_FUNDER_SHARE,
        key=f"{av.TOP_FUNDER_SHARE}:{year}",
        value=value,
        threshold=threshold,
        details={"year": year, "source": name},
        links=(
            AlertLink(_("What %(name)s brought"), records, name),
            AlertLink(_("Resources"), _year_page(year, "resources")),
        ),
        shown=(code, str(shown_percent(value))),
    )


def self_financing(
    figures: YearlyFigures, *, threshold: Decimal, projected: YearlyFigures | None = None
) -> Alert | None:
    """Fires when own revenue covers less than `threshold` % of the costs: the year's actual ratio,
    or, for the year in progress, the ratio projected at year end (`projected`)."""
    measured = projected if projected is not None else figures
    value = _points(measured.ratios.self_financing)
    if value is None or value >= threshold:
        return None
    year = figures.year
    links = [AlertLink(_("Self-financing over the years"), _year_page(year, "trend"))]
    if projected is not None:
        links.insert(0, AlertLink(_("Year-end projection"), _year_page(year, "projection")))
    return Alert(
        rule=av.SELF_FINANCING,
        key=f"{av.SELF_FINANCING}:{year}",
        value=value,
        threshold=threshold,
        details={"year": year, "projected": projected is not None},
        links=tuple(links),
        shown=(str(shown_percent(value)), "projected" if projected is not None else "actual"),
    )


def client_concentration(figures: YearlyFigures, *, threshold: Decimal) -> Alert | None:
    """Fires when the largest client brings `threshold` % of the year's services revenue or more."""
    value = _points(figures.ratios.client_concentration)
    if value is None or value < threshold or not figures.revenue_by_client:
        return None
    year = figures.year
    client = figures.revenue_by_client[0]  # the largest (the selectors sort them so)
    return Alert(
        rule=av.CLIENT_CONCENTRATION,
        key=f"{av.CLIENT_CONCENTRATION}:{year}",
        value=value,
        threshold=threshold,
        details={"year": year, "client": client.name},
        links=(
            AlertLink(
                _("Revenue from %(name)s"),
                drilldown.revenue(year, figures.basis, client_id=client.client_id),
                client.name,
            ),
            AlertLink(_("Top clients"), _year_page(year, "clients")),
        ),
        shown=(str(client.client_id), str(shown_percent(value))),
    )


# --- Rules of the day: the year in progress ------------------------------------------------------


def budget_to_date(
    *, year: int, execution: Decimal | None, budget: Decimal | None, threshold: Decimal
) -> Alert | None:
    """Fires when the costs to date run `threshold` points or more above the pro-rata budget
    (`execution`: costs to date ÷ budget to date, a fraction; see `dashboard.year_to_date`)."""
    if execution is None or budget is None:
        return None
    value = ((execution - 1) * 100).quantize(HUNDREDTH)  # exact: `execution` has 4 places
    if value < threshold:
        return None
    return Alert(
        rule=av.BUDGET_TO_DATE,
        key=f"{av.BUDGET_TO_DATE}:{year}",
        value=value,
        threshold=threshold,
        details={"year": year, "budget": budget},
        links=(
            AlertLink(_("Expenses of the year"), drilldown.expenses(year)),
            AlertLink(_("Costs: budget and actual"), _year_page(year, "costs")),
        ),
        shown=(str(value.quantize(POINTS_SHOWN, rounding=ROUND_FLOOR)),),
    )


def runway(*, year: int, found: Runway | None, threshold: Decimal) -> Alert | None:
    """Fires when the cash falls below zero in fewer than `threshold` months (beyond the horizon, or
    no cash projected, never fires)."""
    if found is None or found.months is None or found.months >= threshold:
        return None
    return Alert(
        rule=av.RUNWAY,
        key=av.RUNWAY,
        value=Decimal(found.months),
        threshold=threshold,
        details={"months": found.months, "below_zero_by": found.below_zero_by},
        links=(
            AlertLink(_("Cash"), _year_page(year, "cash")),
            AlertLink(_("Bank accounts"), reverse("bank")),
        ),
        shown=(str(found.months), str(found.below_zero_by)),
    )


def obligation(item: Any, *, on: date, threshold: Decimal) -> Alert:
    """An obligation to a funder (`funding.selectors.ObligationDue`) overdue or due within
    `threshold` days: the selector chose it, the alert says which."""
    overdue = bool(item.overdue)
    return Alert(
        rule=av.OBLIGATION_DUE,
        key=f"obligation:{item.id}",
        value=Decimal((item.due_date - on).days),
        threshold=threshold,
        details={
            "description": item.description,
            "source": item.source_name,
            "due_date": item.due_date,
            "overdue": overdue,
        },
        links=(AlertLink(_("The obligation"), reverse("admin:funding_obligation_change", args=[item.id])),),
        shown=(str(item.due_date), "overdue" if overdue else "due"),
    )


def overdue_client(item: Any, *, threshold: Decimal) -> Alert:
    """A client (`services.selectors.ClientOverdue`) owing invoices overdue by more than
    `threshold` days."""
    query = f"client__id__exact={item.client_id}&payment=overdue"
    return Alert(
        rule=av.OVERDUE_INVOICES,
        key=f"overdue:client-{item.client_id}",
        value=item.amount,
        threshold=threshold,
        details={
            "client": item.client_name,
            "amount": item.amount,
            "invoices": item.invoices,
            "oldest_due_date": item.oldest_due_date,
        },
        links=(
            AlertLink(
                _("Overdue invoices of %(name)s"),
                f"{reverse('admin:services_invoice_changelist')}?{query}",
                item.client_name,
            ),
        ),
        shown=(str(item.amount), str(item.invoices)),
    )


def overdue_others(overdue: Any, *, threshold: Decimal) -> Alert:
    """The clients beyond the largest debtors (`services.selectors.OverdueClients`) owing invoices
    overdue by more than `threshold` days, together: a list of thousands of clients helps nobody."""
    return Alert(
        rule=av.OVERDUE_INVOICES,
        key="overdue:others",
        value=overdue.other_amount,
        threshold=threshold,
        details={
            "clients": overdue.other_clients,
            "amount": overdue.other_amount,
            "invoices": overdue.other_invoices,
            "oldest_due_date": overdue.other_oldest_due_date,
        },
        links=(AlertLink(_("What every client owes, by days past due"), reverse("receivables")),),
        shown=(str(overdue.other_amount), str(overdue.other_invoices), str(overdue.other_clients)),
    )


# --- What each alert says ---------------------------------------------------------------------------


def _top_funder_message(alert: Alert) -> str:
    return gettext("%(year)s: %(source)s brings %(share)s of the resources (alert from %(threshold)s).") % {
        "year": alert.details["year"],
        "source": alert.details["source"],
        "share": _percent(alert.value),
        "threshold": _threshold(alert.rule, alert.threshold),
    }


def _self_financing_message(alert: Alert) -> str:
    if alert.details["projected"]:
        text = gettext("%(year)s: self-financing projected at year end is %(value)s, below %(threshold)s.")
    else:
        text = gettext("%(year)s: self-financing was %(value)s, below %(threshold)s.")
    return text % {
        "year": alert.details["year"],
        "value": _percent(alert.value),
        "threshold": _threshold(alert.rule, alert.threshold),
    }


def _client_message(alert: Alert) -> str:
    return gettext(
        "%(year)s: %(client)s brings %(share)s of services revenue (alert from %(threshold)s)."
    ) % {
        "year": alert.details["year"],
        "client": alert.details["client"],
        "share": _percent(alert.value),
        "threshold": _threshold(alert.rule, alert.threshold),
    }


def _budget_message(alert: Alert) -> str:
    points = int(alert.value.quantize(POINTS_SHOWN, rounding=ROUND_FLOOR))
    return ngettext(
        "Costs to date run %(points)s point above the pro-rata budget (alert from %(threshold)s).",
        "Costs to date run %(points)s points above the pro-rata budget (alert from %(threshold)s).",
        points,
    ) % {"points": points, "threshold": _threshold(alert.rule, alert.threshold)}


def _runway_message(alert: Alert) -> str:
    months = alert.details["months"]
    if months == 0:
        return gettext("The cash in the bank is below zero already.")
    return ngettext(
        "The cash lasts %(months)s month: below zero at the end of %(month)s.",
        "The cash lasts %(months)s months: below zero at the end of %(month)s.",
        months,
    ) % {"months": months, "month": date_format(alert.details["below_zero_by"], "YEAR_MONTH_FORMAT")}


def _obligation_message(alert: Alert) -> str:
    if alert.details["overdue"]:
        text = gettext("Overdue since %(day)s: %(description)s (%(source)s).")
    else:
        text = gettext("Due on %(day)s: %(description)s (%(source)s).")
    return text % {
        "day": date_format(alert.details["due_date"], "DATE_FORMAT"),
        "description": alert.details["description"],
        "source": alert.details["source"],
    }


def _overdue_message(alert: Alert) -> str:
    if "clients" in alert.details:
        return _overdue_others_message(alert)
    invoices = alert.details["invoices"]
    return ngettext(
        "%(client)s owes %(amount)s on %(count)s invoice overdue by more than %(days)s days "
        "(the oldest due on %(day)s).",
        "%(client)s owes %(amount)s on %(count)s invoices overdue by more than %(days)s days "
        "(the oldest due on %(day)s).",
        invoices,
    ) % {
        "client": alert.details["client"],
        "amount": format_money(alert.details["amount"]),
        "count": invoices,
        "days": int(alert.threshold),
        "day": date_format(alert.details["oldest_due_date"], "DATE_FORMAT"),
    }


def _overdue_others_message(alert: Alert) -> str:
    clients = alert.details["clients"]
    return ngettext(
        "%(count)s other client owes %(amount)s on %(invoices)s invoices overdue by more than "
        "%(days)s days (the oldest due on %(day)s).",
        "%(count)s other clients owe %(amount)s on %(invoices)s invoices overdue by more than "
        "%(days)s days (the oldest due on %(day)s).",
        clients,
    ) % {
        "count": clients,
        "amount": format_money(alert.details["amount"]),
        "invoices": alert.details["invoices"],
        "days": int(alert.threshold),
        "day": date_format(alert.details["oldest_due_date"], "DATE_FORMAT"),
    }


MESSAGES: dict[str, Callable[[Alert], str]] = {
    av.TOP_FUNDER_SHARE: _top_funder_message,
    av.SELF_FINANCING: _self_financing_message,
    av.CLIENT_CONCENTRATION: _client_message,
    av.BUDGET_TO_DATE: _budget_message,
    av.RUNWAY: _runway_message,
    av.OBLIGATION_DUE: _obligation_message,
    av.OVERDUE_INVOICES: _overdue_message,
}
