"""The partners' shares of the service lines' revenue (issue 22): a direct cost of each line.

A contract with a partner (Nanoma, for crowdfunding advice) owes the partner `partner_share` %
of the revenue it brings. The partner's part of a revenue row is round(net × share / 100),
ROUND_HALF_UP, row by row, over the same rows as `services_revenue` on the basis:

- accrual: each invoice issued in Y (credit notes count negative; drafts and cancelled invoices
  are left out) whose contract has a share; a credit note without a contract of its own takes
  the contract of the invoice it corrects;
- cash: each payment dated in Y of such an invoice (its stored net part), less each refund dated
  in Y (its net part). Payments and refunds are only ever recorded on ordinary invoices.

The parts are kept by month, service line and client in the revenue rollups (`RevenueMonth`,
`RevenueLineMonth`, column `partner_shares`), recomputed with the revenue by the actions; the
pages read them summed by year and line. SQL groups the rows by (month, line, client, share, net
amount) and counts them, so Python rounds each distinct amount once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce

from smartiberica.kernel.basis import BASES, Basis
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.dates import year_bounds
from smartiberica.kernel.money import ZERO, round_money
from smartiberica.kernel.months import within_runs
from smartiberica.kernel.periods import YearMonthOf, YearOf

from .choices import InvoiceStatus
from .models import Invoice, Payment, Refund, RevenueLineMonth, ServiceLine

# (basis, first day of the month, service line id, client id)
PartKey = tuple[Basis, date, int, int]


def _grouped(rows: QuerySet[Any], *, date_field: str, relation: str, share: Any) -> QuerySet[Any]:
    """(month, line, client, share, net amount, how many) of the rows that have a share."""
    return (
        rows.order_by()
        .annotate(ym=YearMonthOf(date_field), share=share)
        .filter(share__isnull=False)
        .values_list("ym", f"{relation}service_line_id", f"{relation}client_id", "share", "net_amount")
        .annotate(n=Count("pk"))
    )


def _add(parts: dict[PartKey, Decimal], basis: Basis, rows: QuerySet[Any], *, sign: int) -> None:
    for ym, line, client, share, net, count in rows:
        year, month = divmod(ym, 100)
        part = round_money(round_money(net) * share / 100) * count * sign
        parts[basis, date(year, month, 1), line, client] += part


def partner_parts(*, runs: list[tuple[date, date]], basis: Basis) -> dict[PartKey, Decimal]:
    """The partners' parts on `basis` by month, line and client, of the rows dated in `runs`
    (first day, first day after). Zero keys are dropped. One query on the accrual basis, two on
    the cash basis (payments, refunds)."""
    parts: dict[PartKey, Decimal] = defaultdict(lambda: ZERO)
    if basis == "accrual":
        invoices = Invoice.objects.filter(within_runs("issue_date", runs), status=InvoiceStatus.ISSUED)
        own_or_corrected = Coalesce(F("contract__partner_share"), F("corrects__contract__partner_share"))
        _add(
            parts,
            basis,
            _grouped(invoices, date_field="issue_date", relation="", share=own_or_corrected),
            sign=1,
        )
    else:
        share = F("invoice__contract__partner_share")
        for rows, sign in (
            (Payment.objects.filter(within_runs("date", runs)), 1),
            (Refund.objects.filter(within_runs("date", runs)), -1),
        ):
            _add(
                parts, basis, _grouped(rows, date_field="date", relation="invoice__", share=share), sign=sign
            )
    return {key: part for key, part in parts.items() if part != 0}


@compiled_read
def _share_sums(basis: Basis, first: date, last: date) -> QuerySet[Any, Any]:
    return (
        RevenueLineMonth.objects.filter(basis=basis, month__range=(first, last))
        .exclude(partner_shares=0)
        .order_by()
        .annotate(y=YearOf("month"))
        .values_list("y", "service_line__code")
        .annotate(total=Sum("partner_shares"))
    )


def partner_shares_by_line(
    *, years: Iterable[int], basis: Basis = "accrual", source: Literal["rollups", "raw"] = "rollups"
) -> dict[int, dict[str, Decimal]]:
    """Each year asked for → service line code → the partners' parts of its revenue on `basis`.

    Lines without a partner's part are absent; every year asked for is present. One query, over
    the month-and-line rollups (`source="rollups"`, the pages) or the records (`"raw"`, what
    `check_rollups` compares them with).
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    wanted = sorted(set(years))
    shares: dict[int, dict[str, Decimal]] = {year: {} for year in wanted}
    if not wanted:
        return shares
    first, last = year_bounds(wanted[0])[0], year_bounds(wanted[-1])[1]
    if source == "raw":
        codes = dict(ServiceLine.objects.values_list("pk", "code"))
        after = year_bounds(wanted[-1] + 1)[0]
        for (_basis, month, line, _client), part in partner_parts(runs=[(first, after)], basis=basis).items():
            if month.year in shares:
                code = codes[line]
                shares[month.year][code] = shares[month.year].get(code, ZERO) + part
    else:
        for year, code, total in _share_sums(basis, first, last):
            if year in shares:
                shares[year][code] = round_money(total)
    return {year: {code: part for code, part in lines.items() if part != 0} for year, lines in shares.items()}
