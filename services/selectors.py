"""Reads of the services app for the dashboards: a fixed number of queries per call.

`services_years()` answers, for some years and a basis, with frozen dataclasses of
`Decimal`s. Every aggregate is a SQL SUM over a date range (so the date indexes
serve it) and is re-quantized with `round_money` (SQLite sums decimals as REAL).

Definitions (domain.md):

- accrual basis: Σ net amount of invoices with status "issued" and an issue date
  in the year; credit notes count with their negative net; drafts and cancelled
  invoices are left out.
- cash basis (v2): Σ over payments dated in the year of round(payment × invoice net /
  invoice gross) − Σ over refunds dated in the year of round(refund × invoice net /
  invoice gross). That product is stored on each payment and refund (`net_amount`)
  when it is recorded, so the cash revenue is an exact SQL sum too. The refunds of
  the years asked for are read in one more query, grouped by month, service line and
  client, and taken off the payments' sums in Python (refunds are few).
- member margin: per month, round(turnover × structure rate / 100); guarantee
  fund: round(turnover × fund rate / 100). The month's own rates win, else the
  margin rule in force on the month's first day (flat, or the band the month's
  turnover falls in, applied to the whole turnover).
- rollups: the accrual and cash sums above are read, by default, from `RevenueLineMonth` (by
  month and service line) and `RevenueClientYear` (by year and client), refunds already taken
  off, kept in step with the records by the actions; `source="raw"` aggregates the records
  themselves (the oracle `check_rollups` compares with the rollups).
- expected contract revenue: see `calculations.expected_revenue`, summed over
  contracts whose status is active or ended (an ended contract did run in the
  years it covered; drafts and cancelled ones never count) and whose dates meet the year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import Any, Literal

from django.db.models import QuerySet, Sum

from smartiberica.kernel.basis import LISTED, Basis, Clients, Source
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.dates import year_bounds
from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.periods import YearMonthOf, YearProbe, years_present_many
from smartiberica.kernel.shared_reads import shared_read

# Receivables and days to payment (issue 22) live in their own module; the board reads them here.
from .ageing import AgeingBuckets as AgeingBuckets
from .ageing import ClientOverdue as ClientOverdue
from .ageing import ClientReceivables as ClientReceivables
from .ageing import Receivables as Receivables
from .ageing import add_buckets as add_buckets
from .calculations import Band, band_rates

# Every payment and refund of a period (the demo's bank statements).
from .cash_records import invoices_issued_between as invoices_issued_between
from .cash_records import money_movements_between as money_movements_between
from .choices import COUNTED_CONTRACT_STATUSES as COUNTED_CONTRACT_STATUSES
from .choices import MarginRuleKind, SimulatedRuleKind

# The guarantee fund's ledger (issue 22) lives in its own module; the board reads it here.
from .expectations import expected_by_year
from .guarantee import GuaranteeYear as GuaranteeYear
from .guarantee import guarantee_ledger as guarantee_ledger

# The simulator's arithmetic, re-exported: the board reaches the app through its selectors only.
from .margin_rules import MarginDrop as MarginDrop
from .margin_rules import SimulatedRule
from .margin_rules import rule_drops as rule_drops
from .margin_rules import simulated_margin as simulated_margin

# The bank reconciliation's reads (issue 20) live in their own module; the board reads them here.
from .matching import MoneyMovement as MoneyMovement
from .matching import OpenInvoice as OpenInvoice
from .matching import ServicesRecords as ServicesRecords
from .matching import invoice_for_payment as invoice_for_payment
from .matching import invoice_number_id as invoice_number_id
from .matching import services_candidates as services_candidates
from .matching import services_records as services_records
from .models import (
    Client,
    Invoice,
    MarginRule,
    MemberTurnover,
    Payment,
    Refund,
    RevenueTarget,
    ServiceLine,
)

# The monthly reads of the year-end projection live in their own module; the board reads them here.
from .monthly import ClientRevenue as ClientRevenue
from .monthly import ExpectedInvoice as ExpectedInvoice
from .monthly import ServicesMonths as ServicesMonths
from .monthly import services_months as services_months
from .partner_shares import partner_shares_by_line as partner_shares_by_line
from .payment_days import ClientPaymentDays as ClientPaymentDays
from .payment_days import average_days as average_days
from .payment_days import days_to_payment as days_to_payment
from .payment_days import payment_days_top as payment_days_top
from .receivables import overdue_by_client as overdue_by_client
from .receivables import receivables as receivables
from .receivables_check import RollupDifference as RollupDifference
from .receivables_check import receivables_rollup_differences as receivables_rollup_differences

# The partners' shares of each line's revenue (issue 22): the board's contribution margin reads them here.
from .revenue_sums import client_year_rows, month_sums, raw_client_sums, service_sums

MONTHS = range(1, 13)


@dataclass(frozen=True)
class MonthMargin:
    month: date
    turnover: Decimal
    active_members: int | None
    structure_rate: Decimal
    fund_rate: Decimal
    # "month" (the month's own rates), "rule" (the rule in force) or "none" (no rate found: zero).
    source: Literal["month", "rule", "none"]
    rule_name: str | None
    member_margin: Decimal
    guarantee_fund: Decimal


@dataclass(frozen=True)
class ServicesYear:
    year: int
    basis: Basis
    services_revenue: Decimal
    revenue_by_service: dict[str, Decimal]
    revenue_by_client: list[ClientRevenue]
    revenue_by_month: dict[int, Decimal]
    member_margin: Decimal
    guarantee_fund: Decimal
    member_turnover: Decimal
    expected_contract_revenue: Decimal
    revenue_targets: dict[str, Decimal]
    service_names: dict[str, str]


@dataclass(frozen=True)
class _RefundGroup:
    """The refunds' net parts of one month, service line and client (cash basis)."""

    year: int
    month: int
    service_line_id: int
    client_id: int
    name: str
    tax_id: str
    amount: Decimal


def _refund_groups(first: date, last: date) -> list[_RefundGroup]:
    """The net parts of the refunds paid between two dates, by month, service line and client.

    One query whatever the number of years; its rows are few (refunds are rare, and grouped).
    """
    rows = (
        Refund.objects.filter(date__range=(first, last))
        .order_by()
        .annotate(ym=YearMonthOf("date"))
        .values(
            "ym",
            "invoice__service_line_id",
            "invoice__client_id",
            "invoice__client__name",
            "invoice__client__tax_id",
        )
        .annotate(amount=Sum("net_amount"))
    )
    return [
        _RefundGroup(
            year=row["ym"] // 100,
            month=row["ym"] % 100,
            service_line_id=row["invoice__service_line_id"],
            client_id=row["invoice__client_id"],
            name=row["invoice__client__name"],
            tax_id=row["invoice__client__tax_id"],
            amount=round_money(row["amount"]),
        )
        for row in rows
    ]


def _client_revenue(amounts: dict[int, ClientRevenue]) -> list[ClientRevenue]:
    """Clients with a non-zero revenue, largest first (then by name)."""
    found = [c for c in amounts.values() if c.amount != 0]
    # The rows come largest first (`client_year_rows`), so this sort mostly checks an order it
    # finds; only clients of equal amounts are then sorted by name. Sorting every client by name
    # (or by a key tuple) cost the API several milliseconds for a year's 5,000 clients.
    found.sort(key=attrgetter("amount"), reverse=True)
    start = 0
    for end in range(1, len(found) + 1):
        if end == len(found) or found[end].amount != found[start].amount:
            if end - start > 1:
                found[start:end] = sorted(found[start:end], key=attrgetter("name", "client_id"))
            start = end
    return found


def _take_off(clients: dict[int, ClientRevenue], group: _RefundGroup) -> None:
    """Take a refund group off its client's revenue (a client may have refunds only)."""
    known = clients.get(group.client_id)
    before = known.amount if known is not None else ZERO
    clients[group.client_id] = ClientRevenue(
        client_id=group.client_id, name=group.name, tax_id=group.tax_id, amount=before - group.amount
    )


def month_margin(row: MemberTurnover, rules: Sequence[MarginRule]) -> MonthMargin:
    """The rates that apply to a month and its margin, given the rules (bands prefetched)."""
    rule = next(
        (r for r in rules if r.valid_from <= row.month and (r.valid_to is None or row.month <= r.valid_to)),
        None,
    )
    rates: tuple[Decimal, Decimal] | None = None
    source: Literal["month", "rule", "none"] = "none"
    rule_name = None
    if row.structure_rate is not None and row.fund_rate is not None:
        rates, source = (row.structure_rate, row.fund_rate), "month"
    elif rule is not None:
        source, rule_name = "rule", rule.name
        if rule.kind == MarginRuleKind.BANDED:
            bands = [Band(b.lower_bound, b.structure_rate, b.fund_rate) for b in rule.bands.all()]
            rates = band_rates(bands, row.turnover)
        elif rule.structure_rate is not None and rule.fund_rate is not None:
            rates = (rule.structure_rate, rule.fund_rate)
    if rates is None:
        rates, source = (ZERO, ZERO), "none"
    structure_rate, fund_rate = rates
    turnover = round_money(row.turnover)
    return MonthMargin(
        month=row.month,
        turnover=turnover,
        active_members=row.active_members,
        structure_rate=structure_rate,
        fund_rate=fund_rate,
        source=source,
        rule_name=rule_name,
        member_margin=round_money(turnover * structure_rate / 100),
        guarantee_fund=round_money(turnover * fund_rate / 100),
    )


@dataclass(frozen=True)
class TurnoverBook:
    """Every recorded month of members' turnover and every margin rule (bands prefetched)."""

    months: tuple[MemberTurnover, ...]  # in date order
    rules: tuple[MarginRule, ...]

    def between(self, first: date, last: date) -> list[MemberTurnover]:
        return [row for row in self.months if first <= row.month <= last]


@shared_read
def turnover_book() -> TurnoverBook:
    """Two or three queries: all of it, a row a month and a few rules, so that the yearly figures,
    the projection and the guarantee fund of one page read it once (`shared_reads`). The rules
    never overlap (`validate_no_overlap`): any month meets at most one, whichever set it is in."""
    months = tuple(MemberTurnover.objects.order_by("month"))
    return TurnoverBook(months=months, rules=tuple(MarginRule.objects.prefetch_related("bands")))


@shared_read
def service_lines() -> tuple[ServiceLine, ...]:
    """Every service line, by code (one query; once per page within `shared_reads`)."""
    return tuple(ServiceLine.objects.order_by("code"))


def _margins(first: date, last: date) -> list[MonthMargin]:
    """The months between two dates with their margin (`turnover_book`)."""
    book = turnover_book()
    return [month_margin(row, book.rules) for row in book.between(first, last)]


def member_margin_by_month(*, year: int) -> list[MonthMargin]:
    """The months of `year` with a recorded turnover, with the rates applied and the results."""
    return _margins(*year_bounds(year))


# --- The margin simulator (the arithmetic is `margin_rules`'s, re-exported here for the board) ---


@dataclass(frozen=True)
class MarginHistory:
    """Some years' recorded months as they were charged, and every margin rule (newest first, by
    primary key) as the simulator reads it."""

    months: dict[int, list[MonthMargin]]
    rules: dict[int, SimulatedRule]


def simulated_rule(rule: MarginRule) -> SimulatedRule:
    """A stored rule (bands prefetched) as a `SimulatedRule`."""
    if rule.kind == MarginRuleKind.BANDED:
        bands = tuple(Band(b.lower_bound, b.structure_rate, b.fund_rate) for b in rule.bands.all())
        return SimulatedRule(kind=SimulatedRuleKind.BANDED, bands=bands, name=rule.name)
    return SimulatedRule.flat(
        structure_rate=rule.structure_rate or ZERO, fund_rate=rule.fund_rate or ZERO, name=rule.name
    )


def margin_history(*, years: Iterable[int]) -> MarginHistory:
    """Three queries whatever the years (`turnover_book`): the months, every rule, their bands.
    The rules are few and the picker lists them all, so all price the months."""
    wanted = sorted(set(years))
    book = turnover_book()
    rules = book.rules
    months: dict[int, list[MonthMargin]] = {year: [] for year in wanted}
    for row in book.months:
        if row.month.year in months:
            months[row.month.year].append(month_margin(row, rules))
    return MarginHistory(months=months, rules={rule.pk: simulated_rule(rule) for rule in rules})


def member_turnover_years() -> list[int]:
    """Sorted years with a member-turnover month: two queries (`years_present_many`)."""
    return sorted(years_present_many([(MemberTurnover.objects.all, "month")]))


def expected_contract_revenue(*, year: int) -> Decimal:
    """Net revenue expected in `year` from active (and ended) contracts: one query."""
    return expected_by_year([year])[year]


def _revenue_by_month(
    basis: Basis, source: Source, first: date, last: date, wanted: list[int]
) -> dict[int, dict[int, Decimal]]:
    """Each year's revenue by month (every month present, zero when empty): one query."""
    by_month: dict[int, dict[int, Decimal]] = {y: dict.fromkeys(MONTHS, ZERO) for y in wanted}
    for ym, total in month_sums(basis, source, first, last):
        year, month = divmod(ym, 100)
        if year in by_month:
            by_month[year][month] = round_money(total)
    return by_month


def _revenue_by_service(
    basis: Basis, source: Source, first: date, last: date, wanted: list[int], lines: list[ServiceLine]
) -> dict[int, dict[str, Decimal]]:
    """Each year's revenue by service line code (every line present, zero when empty): one query."""
    code_by_id = {line.pk: line.code for line in lines}
    by_service: dict[int, dict[str, Decimal]] = {y: {line.code: ZERO for line in lines} for y in wanted}
    for year, line_id, amount in service_sums(basis, source, first, last):
        if year in by_service:
            by_service[year][code_by_id[line_id]] = round_money(amount)
    return by_service


def _revenue_by_client(
    basis: Basis, first: date, last: date, wanted: list[int]
) -> dict[int, dict[int, ClientRevenue]]:
    """Each year's revenue by client id, summed from the records: one query."""
    clients: dict[int, dict[int, ClientRevenue]] = {y: {} for y in wanted}
    for year, client_id, name, tax_id, amount in raw_client_sums(basis, first, last):
        if year in clients:
            clients[year][client_id] = ClientRevenue(
                client_id=client_id, name=name, tax_id=tax_id, amount=round_money(amount)
            )
    return clients


def _rollup_clients(basis: Basis, wanted: list[int], scope: Clients) -> dict[int, dict[int, ClientRevenue]]:
    """Each year's revenue by client id from its year rows: one query.

    For the top clients only, each year's rows down to its `TOP_CLIENTS`-th largest amount (ties
    at the edge included, so that the caller's sort by amount, name and id picks the same ones as
    from the whole list). The amount is found by a subquery that reads that many entries of the
    rank index, so the query reads a few dozen rows, not the year's thousands.
    """
    clients: dict[int, dict[int, ClientRevenue]] = {y: {} for y in wanted}
    for year, client_id, name, tax_id, amount in client_year_rows(basis, tuple(wanted), scope):
        clients[year][client_id] = ClientRevenue(client_id=client_id, name=name, tax_id=tax_id, amount=amount)
    return clients


def _take_off_refunds(
    first: date,
    last: date,
    *,
    lines: list[ServiceLine],
    by_month: dict[int, dict[int, Decimal]],
    by_service: dict[int, dict[str, Decimal]],
    clients: dict[int, dict[int, ClientRevenue]],
) -> None:
    """Cash basis: take the refunds paid between two dates off the sums of their year (one query)."""
    code_by_id = {line.pk: line.code for line in lines}
    for group in _refund_groups(first, last):
        if group.year in by_month:
            by_month[group.year][group.month] -= group.amount
            by_service[group.year][code_by_id[group.service_line_id]] -= group.amount
            _take_off(clients[group.year], group)


@compiled_read
def _target_rows(wanted: tuple[int, ...]) -> QuerySet[Any, Any]:
    return RevenueTarget.objects.filter(year__in=wanted).values_list("year", "service_line__code", "amount")


def _targets_by_year(wanted: list[int]) -> dict[int, dict[str, Decimal]]:
    """Each year's revenue targets by service line code: one query."""
    targets: dict[int, dict[str, Decimal]] = {y: {} for y in wanted}
    for year, code, amount in _target_rows(tuple(wanted)):
        targets[year][code] = round_money(amount)
    return targets


def _margins_by_year(first: date, last: date, wanted: list[int]) -> dict[int, list[MonthMargin]]:
    """Each year's months of member turnover with their margin: two or three queries."""
    margins: dict[int, list[MonthMargin]] = {y: [] for y in wanted}
    for month in _margins(first, last):
        if month.month.year in margins:
            margins[month.month.year].append(month)
    return margins


def services_years(
    *, years: Iterable[int], basis: Basis = "accrual", source: Source = "rollups", clients: Clients = "all"
) -> dict[int, ServicesYear]:
    """The services figures of each year asked for, in a fixed number of queries (at most nine;
    ten on the cash basis from the raw records, which reads the refunds too), whatever the
    number of years.

    The one computation of these figures: one year is asked for as `services_years(years=[y])`.
    The sums are grouped by year (and month, service line, client) in one pass each over the
    date range that covers the years asked for: over the monthly rollups (`source="rollups"`,
    the pages) or over the records themselves (`"raw"`, the oracle the rollups are checked with).
    `clients="top"`: `revenue_by_client` holds only the largest `TOP_CLIENTS` clients.
    """
    wanted = sorted(set(years))
    if not wanted:
        return {}
    first, last = year_bounds(wanted[0])[0], year_bounds(wanted[-1])[1]
    if source == "rollups":
        by_client = _rollup_clients(basis, wanted, clients)
    elif source == "raw":
        by_client = _revenue_by_client(basis, first, last, wanted)
    else:
        raise ValueError(f"source must be rollups or raw, not {source!r}")
    lines = list(service_lines())
    by_month = _revenue_by_month(basis, source, first, last, wanted)
    by_service = _revenue_by_service(basis, source, first, last, wanted, lines)
    if basis == "cash" and source == "raw":
        _take_off_refunds(
            first, last, lines=lines, by_month=by_month, by_service=by_service, clients=by_client
        )
    listed = LISTED[clients]
    targets = _targets_by_year(wanted)
    margins = _margins_by_year(first, last, wanted)
    expected = expected_by_year(wanted, source=source)

    return {
        year: ServicesYear(
            year=year,
            basis=basis,
            services_revenue=round_money(sum(by_month[year].values(), ZERO)),
            revenue_by_service=by_service[year],
            revenue_by_client=_client_revenue(by_client[year])[:listed],
            revenue_by_month=by_month[year],
            member_margin=round_money(sum((m.member_margin for m in margins[year]), ZERO)),
            guarantee_fund=round_money(sum((m.guarantee_fund for m in margins[year]), ZERO)),
            member_turnover=round_money(sum((m.turnover for m in margins[year]), ZERO)),
            expected_contract_revenue=round_money(expected[year]),
            revenue_targets=targets[year],
            service_names={line.code: line.name for line in lines},
        )
        for year in wanted
    }


def service_lines_by_code() -> dict[str, ServiceLine]:
    """Every service line (active or not), by code: one query."""
    return {line.code: line for line in service_lines()}


@dataclass(frozen=True)
class ClientChoice:
    """A client as a form's picker offers it."""

    id: int
    name: str
    tax_id: str


def clients_for_choice() -> list[ClientChoice]:
    """Every client, by name (one query): the board's scenario form offers them."""
    rows = Client.objects.order_by("name", "id").values_list("id", "name", "tax_id")
    return [ClientChoice(id=pk, name=name, tax_id=tax_id) for pk, name, tax_id in rows]


def services_years_with_data() -> list[int]:
    """Sorted years with an issued invoice, a payment or a member-turnover month.

    Two queries (the tables' first and last dates over the date indexes, then a probe per year
    in between): no DISTINCT scan of the big tables.
    """
    return sorted(years_present_many(services_year_probes()))


def services_year_probes() -> list[YearProbe]:
    """The dated tables whose years have data (`years_present_many`): issued invoices, payments,
    members' turnover."""
    return [
        (Invoice.objects.issued, "issue_date"),
        (Payment.objects.all, "date"),
        (MemberTurnover.objects.all, "month"),
    ]
