"""The partners' shares of the service lines' revenue (issue 22): a direct cost of each line.

A contract with a partner (Nanoma, for crowdfunding advice) owes the partner `partner_share` %
of the revenue it brings. The partner's part of a revenue row is round(net × share / 100),
ROUND_HALF_UP, row by row, over the same rows as `services_revenue` on the basis:

- accrual: each invoice issued in Y (credit notes count negative; drafts and cancelled invoices
  are left out) whose contract has a share; a credit note without a contract of its own takes
  the contract of the invoice it corrects;
- cash: each payment dated in Y of such an invoice (its stored net part), less each refund dated
  in Y (its net part). Payments and refunds are only ever recorded on ordinary invoices.

The parts are summed by year and by the invoice's service line. SQL groups the rows by (year,
line, share, net amount) and counts them, so Python rounds each distinct amount once and the
rows it reads do not grow with the invoices: one query on the accrual basis, two on the cash one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce

from smartiberica.kernel.basis import BASES, Basis
from smartiberica.kernel.dates import year_bounds
from smartiberica.kernel.money import round_money
from smartiberica.kernel.periods import YearOf

from .choices import InvoiceStatus
from .models import Invoice, Payment, Refund


def _grouped(rows: QuerySet[Any], *, date_field: str, line: str, share: Any) -> QuerySet[Any]:
    """(year, line code, share, net amount, how many) of the rows that have a share."""
    return (
        rows.order_by()
        .annotate(y=YearOf(date_field), share=share)
        .filter(share__isnull=False)
        .values_list("y", line, "share", "net_amount")
        .annotate(n=Count("pk"))
    )


def _add(
    shares: dict[int, dict[str, Decimal]], rows: QuerySet[Any], *, sign: int
) -> dict[int, dict[str, Decimal]]:
    for year, code, share, net, count in rows:
        if year in shares:
            part = round_money(round_money(net) * share / 100) * count * sign
            shares[year][code] = shares[year].get(code, Decimal("0.00")) + part
    return shares


def _accrual(shares: dict[int, dict[str, Decimal]], first: date, last: date) -> None:
    invoices = Invoice.objects.filter(status=InvoiceStatus.ISSUED, issue_date__range=(first, last))
    share = Coalesce(F("contract__partner_share"), F("corrects__contract__partner_share"))
    _add(shares, _grouped(invoices, date_field="issue_date", line="service_line__code", share=share), sign=1)


def _cash(shares: dict[int, dict[str, Decimal]], first: date, last: date) -> None:
    share = F("invoice__contract__partner_share")
    line = "invoice__service_line__code"
    payments = Payment.objects.filter(date__range=(first, last))
    _add(shares, _grouped(payments, date_field="date", line=line, share=share), sign=1)
    refunds = Refund.objects.filter(date__range=(first, last))
    _add(shares, _grouped(refunds, date_field="date", line=line, share=share), sign=-1)


def partner_shares_by_line(
    *, years: Iterable[int], basis: Basis = "accrual"
) -> dict[int, dict[str, Decimal]]:
    """Each year asked for → service line code → the partners' parts of its revenue on `basis`.

    Lines without a partner's part are absent; every year asked for is present. One query on the
    accrual basis, two on the cash basis (payments, refunds), whatever the number of years.
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    wanted = sorted(set(years))
    shares: dict[int, dict[str, Decimal]] = {year: {} for year in wanted}
    if not wanted:
        return shares
    first, last = year_bounds(wanted[0])[0], year_bounds(wanted[-1])[1]
    if basis == "accrual":
        _accrual(shares, first, last)
    else:
        _cash(shares, first, last)
    return shares
