"""Reads of the services app month by month, for the year-end projection (issue 19).

`services_months(year=Y, basis=B, as_of=D)` answers with the revenue and the member margin of the
months of Y up to `as_of` (read from the same rollups as `services.selectors.services_years`, so
that the twelve months of a year that is over add up to its yearly figures), the members' turnover
of the two years up to `as_of` (the projection's growth and same-month base), the margin rules
that apply after it, and the invoices the contracts are expected to bring after it. Eleven queries
at most, whatever the volume.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from smartiberica.kernel.basis import TOP_CLIENTS, Basis, Clients
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.dates import add_months, year_bounds
from smartiberica.kernel.money import ZERO, round_money, round_sums
from smartiberica.kernel.periods import YearMonthOf

from .calculations import CONTRACT_TERM_FIELDS, line_net, period_starts
from .choices import COUNTED_CONTRACT_STATUSES, ContractKind
from .models import (
    Client,
    Contract,
    MarginRule,
    MemberTurnover,
    RevenueClientYear,
    RevenueContractMonth,
    RevenueLineMonth,
    RevenueMonth,
)


@dataclass(frozen=True)
class ClientRevenue:
    """A client's revenue on a basis (the yearly figures' `revenue_by_client` rows)."""

    client_id: int
    name: str
    tax_id: str
    amount: Decimal


@dataclass(frozen=True)
class MarginRates:
    """The rates that apply to a month's turnover, and what they give."""

    structure_rate: Decimal
    fund_rate: Decimal
    member_margin: Decimal
    guarantee_fund: Decimal


@dataclass(frozen=True)
class RuleBook:
    """The margin rules in force over a period (bands prefetched): what a turnover would give."""

    rules: tuple[MarginRule, ...]

    def margin(self, month: date, turnover: Decimal) -> MarginRates:
        """The month's margin under the rule in force, as `services.selectors.month_margin`
        computes it for a recorded month without rates of its own (zero without a rule)."""
        from services.selectors import month_margin

        found = month_margin(MemberTurnover(month=month, turnover=turnover), self.rules)
        return MarginRates(found.structure_rate, found.fund_rate, found.member_margin, found.guarantee_fund)


@dataclass(frozen=True)
class ExpectedInvoice:
    """What a contract is expected to invoice on a day after `as_of` (net, VAT excluded)."""

    date: date
    service: str  # the service line's code
    client: ClientRevenue


@dataclass(frozen=True)
class MonthActuals:
    revenue_by_service: dict[str, Decimal]  # the basis's revenue, every line with a non-zero sum
    cash_revenue: Decimal  # the cash basis's revenue (net parts of payments − refunds)
    turnover: Decimal
    structure_rate: Decimal | None  # the rate applied to the turnover (None without a recorded month)
    member_margin: Decimal
    guarantee_fund: Decimal


@dataclass(frozen=True)
class ServicesMonths:
    year: int
    basis: Basis
    as_of: date
    actuals: dict[int, MonthActuals]  # months of the year up to `as_of` (1–12), each present
    clients: tuple[ClientRevenue, ...]  # revenue by client of the year up to `as_of` (non-zero)
    turnover_history: dict[date, Decimal]  # first day of month -> turnover, 24 months up to `as_of`
    rules: RuleBook  # the rules meeting the months after `as_of` within the year
    expected: tuple[ExpectedInvoice, ...]  # contracts' invoices expected after `as_of` within the year
    service_names: dict[str, str]  # every service line, by code


_CONTRACT_FIELDS = ("pk", *CONTRACT_TERM_FIELDS, "service_line_id", "client_id")


def _month_starts(after: date, end: date) -> list[date]:
    first = after.replace(day=1)
    return [add_months(first, k) for k in range((end.year - first.year) * 12 + end.month - first.month + 1)]


def _invoiced_a_year_before(after: date, end: date, as_of: date) -> dict[tuple[int, int], Decimal]:
    """One query: what the time-and-materials contracts running by `after` (a subquery: their ids
    as a list of parameters cost more to prepare than the query takes) invoiced (net, issued) in
    the months a year before the projected ones, by (contract id, year × 100 + month), from the
    contracts' monthly rollup (their invoices, summed, grew with the history); only what was dated
    by `as_of` (the last day of a month) is known."""
    first = add_months(after.replace(day=1), -12)
    last = min(add_months(end.replace(day=1), -11) - timedelta(days=1), as_of)
    if last < first:
        return {}
    rows = _contract_months(after, end, first, last)
    return {(contract, month.year * 100 + month.month): amount for contract, month, amount in rows}


def _counted(after: date, end: date) -> QuerySet[Contract]:
    return Contract.objects.filter(status__in=COUNTED_CONTRACT_STATUSES).overlapping(after, end)


@compiled_read
def _contract_months(after: date, end: date, first: date, last: date) -> QuerySet[Any, Any]:
    running = (
        _counted(after, end).filter(kind=ContractKind.TIME_AND_MATERIALS, start_date__lt=after).order_by()
    )
    return RevenueContractMonth.objects.filter(
        contract_id__in=running.order_by().values("pk"), month__range=(first, last)
    ).values_list("contract_id", "month", "amount")


@compiled_read
def _contracts(after: date, end: date) -> QuerySet[Any, Any]:
    # A fixed fee or an estimate started before `after` brings nothing more: not read.
    brings_more = Q(kind__in=(ContractKind.RECURRING, ContractKind.TIME_AND_MATERIALS)) | Q(
        start_date__gte=after
    )
    return (
        _counted(after, end).filter(brings_more).order_by("start_date", "pk").values_list(*_CONTRACT_FIELDS)
    )


# An invoice a contract is expected to bring: its day, its service line's code, its client's id and
# its net amount (`ExpectedInvoice` once the client's name is known).
Bill = tuple[date, str, int, Decimal]


def _expected_bills(after: date, end: date, as_of: date, lines: dict[int, str]) -> list[Bill]:
    """Two queries: the invoices active (and ended) contracts should bring between two dates.

    Recurring contracts bill round(quantity × unit price) at the start of each period; fixed-fee
    and time-and-materials contracts their fee (or estimate) on their start date, as
    `calculations.expected_revenue` counts them in a year. A time-and-materials contract already
    running by then bills each month what it billed the same month a year before (it has no
    schedule: its own history is the best guess, as for the members' turnover). The clients'
    names are read with those of the clients to date (`_clients`): joining the contracts to
    every client cost more than reading the contracts.
    """
    contracts = _contracts(after, end)
    known = any(row[1] == ContractKind.TIME_AND_MATERIALS and row[2] < after for row in contracts)
    history = _invoiced_a_year_before(after, end, as_of) if known else {}
    # Each projected month: the day a running contract bills it, and the month a year before.
    months = [
        (max(month, after), (month.year - 1) * 100 + month.month) for month in _month_starts(after, end)
    ]
    billed: list[Bill] = []
    for pk, kind, start, end_date, period, quantity, price, fixed, estimate, line_id, client_id in contracts:
        line = lines[line_id]
        if kind == ContractKind.RECURRING:
            if price is not None and period:
                amount = line_net(quantity, price)
                days = period_starts(start=start, end=end_date, billing_period=period, window=(after, end))
                billed += [(day, line, client_id, amount) for day in days]
        elif kind == ContractKind.TIME_AND_MATERIALS and start < after:
            for day, year_before in months:
                if end_date is None or day <= end_date:
                    billed.append((day, line, client_id, history.get((pk, year_before), ZERO)))
        elif after <= start <= end:
            fee = fixed if kind == ContractKind.FIXED_FEE else estimate
            billed.append((start, line, client_id, round_money(fee or ZERO)))
    return [bill for bill in billed if bill[3] > 0]


def _later_by_client(basis: Basis, as_of: date, last: date) -> dict[int, Decimal]:
    """One query: each client's revenue dated after `as_of` within the year, by client id (to the
    cent: SQLite sums money as floats)."""
    if as_of >= last:
        return {}
    return round_sums(_later_sums(basis, as_of, last))


@compiled_read
def _later_sums(basis: Basis, as_of: date, last: date) -> QuerySet[Any, Any]:
    return (
        RevenueMonth.objects.filter(basis=basis, month__range=(as_of + timedelta(days=1), last))
        .order_by()
        .values("client_id")
        .annotate(total=Sum("amount"))
        .values_list("client_id", "total")
    )


def _candidates(to_date: dict[int, Decimal], projected: dict[int, Decimal]) -> set[int]:
    """The clients that can be among the `TOP_CLIENTS` largest once the projection is added.

    A client with nothing projected keeps its amount so far: the tenth largest of those, T, is
    the least the tenth largest client will have, so a client ends below the top when even
    everything projected for it leaves it under T (ties at T are kept: the names decide them).
    """
    kept = sorted((amount for pk, amount in to_date.items() if pk not in projected), reverse=True)
    if len(kept) < TOP_CLIENTS:
        return set(to_date)
    threshold = kept[TOP_CLIENTS - 1]
    return {pk for pk, amount in to_date.items() if amount + projected.get(pk, ZERO) >= threshold}


def _clients(
    basis: Basis, year: int, as_of: date, scope: Clients, projected: dict[int, Decimal]
) -> tuple[tuple[ClientRevenue, ...], Names]:
    """The year's revenue by client up to `as_of` (its yearly rows less what is dated later), and
    the names of those clients and of the clients with something `projected` (by client id).

    `scope="none"`: no client (nothing read). `scope="all"`: every client. `scope="top"`: only the
    clients that can be among the `TOP_CLIENTS` largest once the projection is added, the others
    left out, and only the largest clients' amounts read (`_top_to_date`). The amounts are read
    by id (one row per client of the year, no join) and then the names: three queries for every
    client, four for the top, none with a list of ids longer than the clients kept and projected
    (Django prepares every parameter of an `IN (…)` one by one, which cost more than the rows
    with thousands of clients).
    """
    first, last = year_bounds(year)
    if scope == "none":
        return (), {}
    if as_of < first:
        return (), _names(_client_names(tuple(sorted(projected)))) if projected else {}
    later = _later_by_client(basis, as_of, last)
    if scope == "top":
        to_date = _top_to_date(basis, year, later, projected)
        rows = _client_names(tuple(sorted({*to_date, *projected})))
    else:
        to_date = _nonzero(_to_date(_year_amounts(basis, year, None, None), later, every=True))
        rows = _client_names(None)
    listed = tuple(
        ClientRevenue(client_id=pk, name=name, tax_id=tax_id, amount=to_date[pk])
        for pk, name, tax_id in rows
        if pk in to_date
    )
    return listed, _names(rows)


# Clients' names and tax ids, by id.
Names = dict[int, tuple[str, str]]


def _names(rows: Iterable[tuple[int, str, str]]) -> Names:
    return {pk: (name, tax_id) for pk, name, tax_id in rows}


@compiled_read
def _client_names(ids: tuple[int, ...] | None) -> QuerySet[Any, Any]:
    """The names of the clients `ids` (of every client for None)."""
    clients = Client.objects.order_by()
    return (clients if ids is None else clients.filter(pk__in=ids)).values_list("pk", "name", "tax_id")


@compiled_read
def _year_amounts(basis: Basis, year: int, first: int | None, least: Decimal | None) -> QuerySet[Any, Any]:
    """The year's amount of each client: all of them, the `first` largest (by the rank index,
    basis, year, amount descending), or those of at least `least`."""
    rows = RevenueClientYear.objects.filter(basis=basis, year=year)
    if least is not None:
        rows = rows.filter(amount__gte=least)
    if first is not None:
        rows = rows.order_by("-amount", "client_id")[:first]
    return rows.values_list("client_id", "amount")


# How many of the year's largest clients the pages' projection reads first (by the rank index) to
# bound how far down the list a client can still reach the top once the projection is added.
FIRST_CLIENTS = 200


def _to_date(
    rows: Iterable[tuple[int, Decimal]], later: dict[int, Decimal], *, every: bool = False
) -> dict[int, Decimal]:
    """Each client's amount to date: its yearly amount (`rows`) less what is dated later. `every`:
    the rows are all of the year's, and a client whose year sums to zero (it has no row) but
    billed something later owes the year the opposite of that until `as_of`."""
    # A stored money field holds cents already: no rounding for thousands of rows.
    to_date = {pk: amount - later.get(pk, ZERO) for pk, amount in rows}
    if every:
        for pk, total in later.items():
            to_date.setdefault(pk, -total)
    return to_date


def _nonzero(amounts: dict[int, Decimal]) -> dict[int, Decimal]:
    return {pk: amount for pk, amount in amounts.items() if amount != 0}


def _top_to_date(
    basis: Basis, year: int, later: dict[int, Decimal], projected: dict[int, Decimal]
) -> dict[int, Decimal]:
    """The amounts to date of the `_candidates` (exactly those), read without every client: two
    queries over the rank index (basis, year, amount descending).

    The first `FIRST_CLIENTS` by yearly amount give T0, the tenth largest amount to date of those
    with nothing projected: the final threshold T of `_candidates` is at least T0. A client's
    amount to date plus its projection exceeds its yearly amount by at most `lift` (what is
    projected for it less what it billed after `as_of`, at least zero), so a client whose yearly
    amount is below T0 − lift can reach neither T nor the ten largest without a projection; the
    second query reads the others (a client without a yearly row counts as zero: read them all
    when the bound is not above zero). Fewer than ten clients without a projection among the
    first: every client is read, as `_candidates` then keeps them all.
    """
    first = _to_date(_year_amounts(basis, year, FIRST_CLIENTS, None), later)
    unprojected = sorted((v for pk, v in first.items() if pk not in projected and v != 0), reverse=True)
    # A client with nothing projected lifts by −later at most: the least of `later` bounds them all
    # (a client with a projection lifts by more than −later, so counting it there changes nothing).
    lifts = [amount - later.get(pk, ZERO) for pk, amount in projected.items()]
    lift = max(*lifts, -min(later.values(), default=ZERO), ZERO)
    bound = unprojected[TOP_CLIENTS - 1] - lift if len(unprojected) >= TOP_CLIENTS else None
    if bound is None or bound <= 0:
        read = _to_date(_year_amounts(basis, year, None, None), later, every=True)
    else:
        read = _to_date(_year_amounts(basis, year, None, bound), later)
    to_date = _nonzero(read)
    return {pk: to_date[pk] for pk in _candidates(to_date, projected)}


@compiled_read
def _line_months(first: date, as_of: date) -> QuerySet[Any, Any]:
    return (
        RevenueLineMonth.objects.filter(month__range=(first, as_of))
        .annotate(ym=YearMonthOf("month"))
        .values_list("ym", "basis", "service_line_id", "amount")
    )


def services_months(*, year: int, basis: Basis, as_of: date, clients: Clients = "all") -> ServicesMonths:
    """The services records of `year` month by month up to `as_of`, and the plans after it.

    `as_of` is the last day of a month, from 31 December of the year before to 31 December of
    the year. At most eleven queries: lines, revenue by month (both bases), clients (three, four
    for the top ones), turnover, rules and their bands (`turnover_book`), contracts and what the
    running time-and-materials ones invoiced a year before. Within `shared_reads` the lines, the
    turnover, the rules and the bands are those the page read already.
    """
    from services.selectors import month_margin, service_lines, turnover_book

    first, last = year_bounds(year)
    lines = {line.pk: line for line in service_lines()}
    code_of = {pk: line.code for pk, line in lines.items()}

    revenue: dict[int, dict[str, Decimal]] = {}
    cash: dict[int, Decimal] = {}
    if as_of >= first:
        for ym, row_basis, line_id, amount in _line_months(first, as_of):
            month = ym % 100
            if row_basis == basis:
                bucket = revenue.setdefault(month, {})
                bucket[code_of[line_id]] = bucket.get(code_of[line_id], ZERO) + round_money(amount)
            if row_basis == "cash":
                cash[month] = cash.get(month, ZERO) + round_money(amount)

    history_start = min(first, add_months(as_of.replace(day=1), -23))
    book = turnover_book()
    rows = book.between(history_start, as_of)
    rules: Sequence[MarginRule] = book.rules
    margins = {row.month.month: month_margin(row, rules) for row in rows if row.month.year == year}

    ended = range(1, as_of.month + 1) if as_of.year == year else ()
    actuals = {
        month: MonthActuals(
            revenue_by_service=revenue.get(month, {}),
            cash_revenue=cash.get(month, ZERO),
            turnover=margins[month].turnover if month in margins else ZERO,
            structure_rate=margins[month].structure_rate if month in margins else None,
            member_margin=margins[month].member_margin if month in margins else ZERO,
            guarantee_fund=margins[month].guarantee_fund if month in margins else ZERO,
        )
        for month in ended
    }
    after = max(as_of + timedelta(days=1), first)
    bills = _expected_bills(after, last, as_of, code_of) if after <= last else []
    projected: dict[int, Decimal] = {}
    for _day, _line, client_id, amount in bills:
        projected[client_id] = projected.get(client_id, ZERO) + amount
    listed, names = _clients(basis, year, as_of, clients, projected)
    # Without clients (`clients="none"`) no name is read, nor shown.
    expected = tuple(
        ExpectedInvoice(date=day, service=line, client=ClientRevenue(pk, *names.get(pk, ("", "")), amount))
        for day, line, pk, amount in bills
    )
    return ServicesMonths(
        year=year,
        basis=basis,
        as_of=as_of,
        actuals=actuals,
        clients=listed,
        turnover_history={row.month: round_money(row.turnover) for row in rows},
        rules=RuleBook(tuple(rules)),
        expected=expected,
        service_names={line.code: line.name for line in lines.values()},
    )
