"""The board's calendar: what falls due, day by day (issue 21).

Four kinds of entries, read through `funding.selectors` in four queries whatever the range:

- the obligations owed to funders (reports, audits, covenants), whatever their status;
- the tranches support agreements expect;
- the loans' instalments, paid or not;
- the approval of next year's cost budget, on 31 December of each year of the range, done once an
  approved cost budget for the following year exists.

The calendar page groups them by month; the iCalendar feed (`board.calendar_ics`) lists them as
all-day events. Texts are built in the active language: the feed switches to its owner's first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funding.selectors import (
    ObligationDue,
    ObligationKind,
    ObligationStatus,
    budget_approvals,
    instalments_between,
    obligations_between,
    obligations_due,
    tranches_between,
)
from smartiberica.kernel.dates import EARLIEST_RECORD_DATE, LATEST_PLANNED_DATE, add_months, today
from smartiberica.kernel.money import format_money


class EntryKind(models.TextChoices):
    OBLIGATION = "obligation", gettext_lazy("obligation to a funder")
    TRANCHE = "tranche", gettext_lazy("expected tranche")
    INSTALMENT = "instalment", gettext_lazy("loan instalment")
    BUDGET = "budget", gettext_lazy("budget approval")


class EntryStatus(models.TextChoices):
    DUE = "due", gettext_lazy("due")
    OVERDUE = "overdue", gettext_lazy("overdue")
    DONE = "done", gettext_lazy("done")
    WAIVED = "waived", gettext_lazy("waived")
    EXPECTED = "expected", gettext_lazy("expected")


# Within a day: what the cooperative owes first, then what it expects.
_KIND_ORDER = {kind: n for n, kind in enumerate(EntryKind)}

# The admin list or page a reader with this view permission opens for an entry of each kind.
_ADMIN_PERMISSIONS = {
    EntryKind.OBLIGATION: "funding.view_obligation",
    EntryKind.TRANCHE: "funding.view_supportagreement",
    EntryKind.INSTALMENT: "funding.view_loan",
    EntryKind.BUDGET: "funding.view_costbudget",
}


@dataclass(frozen=True)
class CalendarEntry:
    day: date
    kind: str  # an EntryKind value
    title: str
    detail: str
    url: str  # the record's admin page, or the board's page of its year (relative)
    status: str  # an EntryStatus value
    uid: str  # stable for the record whatever changes: "obligation-17", "instalment-3-12"

    @property
    def kind_label(self) -> str:
        return str(EntryKind(self.kind).label)

    @property
    def status_label(self) -> str:
        return str(EntryStatus(self.status).label)

    @property
    def overdue(self) -> bool:
        return self.status == EntryStatus.OVERDUE


@dataclass(frozen=True)
class EntryLinks:
    """Where an entry leads a reader: the record's admin page if the reader may open it, else the
    board's page of the entry's year."""

    admin_kinds: frozenset[str]

    @classmethod
    def for_user(cls, user: User | AnonymousUser) -> EntryLinks:
        """The permissions are read once (two queries at most, then Django caches them)."""
        if not user.is_staff:
            return cls(frozenset())
        return cls(frozenset(kind for kind, perm in _ADMIN_PERMISSIONS.items() if user.has_perm(perm)))

    def url(
        self, kind: EntryKind, *, year: int, admin: str, args: tuple[int, ...] = (), query: str = ""
    ) -> str:
        """The admin page `admin` (a URL name) with `args` and `query`, or the page of `year`."""
        if kind in self.admin_kinds:
            return reverse(admin, args=args) + query
        return reverse("year", args=[year])


def _obligation_status(due: ObligationDue) -> EntryStatus:
    if due.status == ObligationStatus.PENDING:
        return EntryStatus.OVERDUE if due.overdue else EntryStatus.DUE
    if due.status == ObligationStatus.WAIVED:
        return EntryStatus.WAIVED
    return EntryStatus.DONE


def _obligations(first: date, last: date, links: EntryLinks) -> list[CalendarEntry]:
    return [obligation_entry(due, links) for due in obligations_between(first=first, last=last)]


def obligation_entry(due: ObligationDue, links: EntryLinks) -> CalendarEntry:
    kind = ObligationKind(due.kind).label
    detail = " · ".join(str(part) for part in (due.source_name, kind, due.document_reference) if part)
    return CalendarEntry(
        day=due.due_date,
        kind=EntryKind.OBLIGATION,
        title=due.description,
        detail=detail,
        url=links.url(
            EntryKind.OBLIGATION,
            year=due.due_date.year,
            admin="admin:funding_obligation_change",
            args=(due.id,),
        ),
        status=_obligation_status(due),
        uid=f"obligation-{due.id}",
    )


def _tranches(first: date, last: date, links: EntryLinks) -> list[CalendarEntry]:
    return [
        CalendarEntry(
            day=tranche.date,
            kind=EntryKind.TRANCHE,
            title=_("Expected tranche: %(agreement)s") % {"agreement": tranche.agreement_title},
            detail=f"{tranche.source_name} · {format_money(tranche.amount)}",
            url=links.url(
                EntryKind.TRANCHE,
                year=tranche.date.year,
                admin="admin:funding_supportagreement_change",
                args=(tranche.agreement_id,),
            ),
            status=EntryStatus.EXPECTED,
            uid=f"tranche-{tranche.id}",
        )
        for tranche in tranches_between(first=first, last=last)
    ]


def _instalments(first: date, last: date, links: EntryLinks, on: date) -> list[CalendarEntry]:
    entries = []
    for row in instalments_between(first=first, last=last):
        status = (
            EntryStatus.DONE if row.paid else EntryStatus.OVERDUE if row.due_date < on else EntryStatus.DUE
        )
        entries.append(
            CalendarEntry(
                day=row.due_date,
                kind=EntryKind.INSTALMENT,
                title=_("Instalment %(number)d of the loan %(loan)s")
                % {"number": row.number, "loan": row.loan_reference},
                detail=f"{row.source_name} · {format_money(row.instalment)}",
                url=links.url(
                    EntryKind.INSTALMENT,
                    year=row.due_date.year,
                    admin="admin:funding_loan_change",
                    args=(row.loan_id,),
                ),
                status=status,
                # The schedule's rows are re-generated by a prepayment: the loan and the number stay.
                uid=f"instalment-{row.loan_id}-{row.number}",
            )
        )
    return entries


def _budget_years(first: date, last: date) -> list[int]:
    """The years whose 31 December falls in the range."""
    return [year for year in range(first.year, last.year + 1) if first <= date(year, 12, 31) <= last]


def _budgets(first: date, last: date, links: EntryLinks, on: date) -> list[CalendarEntry]:
    years = _budget_years(first, last)
    approved = budget_approvals(years=[year + 1 for year in years])
    entries = []
    for year in years:
        day, budget_year = date(year, 12, 31), year + 1
        approved_on = approved.get(budget_year)
        if approved_on is not None:
            status = EntryStatus.DONE
            detail = _("Approved on %(date)s.") % {"date": date_format(approved_on, "SHORT_DATE_FORMAT")}
        else:
            status = EntryStatus.OVERDUE if day < on else EntryStatus.DUE
            detail = _("No cost budget for %(year)d is approved yet.") % {"year": budget_year}
        entries.append(
            CalendarEntry(
                day=day,
                kind=EntryKind.BUDGET,
                title=_("Approve the cost budget for %(year)d") % {"year": budget_year},
                detail=detail,
                url=links.url(
                    EntryKind.BUDGET,
                    year=budget_year,
                    admin="admin:funding_costbudget_changelist",
                    query=f"?year={budget_year}",
                ),
                status=status,
                uid=f"budget-approval-{budget_year}",
            )
        )
    return entries


def calendar_entries(*, first: date, last: date, links: EntryLinks) -> list[CalendarEntry]:
    """Every entry from `first` to `last` (both included), by day, kind, then record. Four queries."""
    on = today()
    entries = [
        *_obligations(first, last, links),
        *_tranches(first, last, links),
        *_instalments(first, last, links, on),
        *_budgets(first, last, links, on),
    ]
    return sorted(entries, key=lambda e: (e.day, _KIND_ORDER[EntryKind(e.kind)], e.uid))


# --- The page: twelve months from a month --------------------------------------------------------------

MONTHS_SHOWN = 12
# The first months a page may start from: its twelve months stay within the dates records may have.
FIRST_START = EARLIEST_RECORD_DATE.replace(day=1)
LAST_START = add_months(LATEST_PLANNED_DATE.replace(day=1), 1 - MONTHS_SHOWN)


@dataclass(frozen=True)
class CalendarMonth:
    first_day: date
    entries: tuple[CalendarEntry, ...]


@dataclass(frozen=True)
class CalendarPage:
    first: date
    last: date
    months: tuple[CalendarMonth, ...]
    # Obligations still pending from before the first month, when the page shows the current one.
    earlier_overdue: tuple[CalendarEntry, ...]
    previous_start: date | None  # None at the edge of the dates records may have
    next_start: date | None


def parse_start(value: str | None) -> date | None:
    """The first day of the month `YYYY-MM` names, within the pages' range; None otherwise."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        start = date(year, month, 1)
    except ValueError:
        return None
    return start if FIRST_START <= start <= LAST_START else None


def default_start() -> date:
    return today().replace(day=1)


# The feed: from the first day of the month twelve months back to the last of the month
# twenty-four months ahead.
FEED_MONTHS_BACK = 12
FEED_MONTHS_AHEAD = 24


def feed_range() -> tuple[date, date]:
    month = default_start()
    return add_months(month, -FEED_MONTHS_BACK), add_months(month, FEED_MONTHS_AHEAD + 1) - timedelta(days=1)


def _by_month(entries: Iterable[CalendarEntry], first: date) -> tuple[CalendarMonth, ...]:
    months = [add_months(first, n) for n in range(MONTHS_SHOWN)]
    grouped: dict[date, list[CalendarEntry]] = {month: [] for month in months}
    for entry in entries:
        grouped[entry.day.replace(day=1)].append(entry)
    return tuple(CalendarMonth(first_day=month, entries=tuple(grouped[month])) for month in months)


def calendar_page(*, start: date, links: EntryLinks) -> CalendarPage:
    """Twelve months from `start` (a month's first day). Four queries, five when the months
    include today (the obligations overdue from before them)."""
    first, last = start, add_months(start, MONTHS_SHOWN) - timedelta(days=1)
    on = today()
    earlier: tuple[CalendarEntry, ...] = ()
    if first <= on <= last:
        late = obligations_due(on=on, within_days=0)
        earlier = tuple(obligation_entry(due, links) for due in late if due.due_date < first)
    previous, following = add_months(start, -MONTHS_SHOWN), add_months(start, MONTHS_SHOWN)
    return CalendarPage(
        first=first,
        last=last,
        months=_by_month(calendar_entries(first=first, last=last, links=links), first),
        earlier_overdue=earlier,
        previous_start=previous if previous >= FIRST_START else None,
        next_start=following if following <= LAST_START else None,
    )
