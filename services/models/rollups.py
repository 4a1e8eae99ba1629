"""Revenue totals, kept in step with the invoices, payments and refunds by the actions (issue 17).

Three shapes of the same sums, each the exact total of the records of its key
(`services.selectors` has the definitions):

- `RevenueMonth` (month, service line, client): the detail a month's refresh recomputes from the
  records; the other two are derived from it. The pages never read it: a year of it holds up to
  clients × lines × 12 rows (100,000 at 10 M invoices).
- `RevenueLineMonth` (month, service line): what the pages read for the totals, the months and the
  lines, a few dozen rows a year.
- `RevenueClientYear` (year, client): what the pages read for the clients, one row per client.

And one of the invoices alone: `RevenueContractMonth` (month, contract), the accrual revenue of
each contract's invoices, which the projection reads for what the running time-and-materials
contracts billed a year before (summing their invoices grew with the history).

`services.actions.rollups` recomputes them in the transaction that wrote the records, under the
year's lock row. Only non-zero buckets are stored. No history: they are derived data, rebuilt
from the records at will (`services_rollups_rebuild`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.basis import BASES
from smartiberica.kernel.money import MONEY, ZERO

from .catalog import ServiceLine
from .clients import Client
from .contracts import Contract


class RevenueMonth(models.Model):
    """The revenue of one month, service line and client, on one basis.

    accrual: Σ net amount of the issued invoices (credit notes negative) issued in the month;
    cash: Σ net part of the payments dated in the month − Σ net part of the refunds dated in it.
    """

    basis = models.CharField(_("basis"), max_length=10, choices=[(b, b) for b in BASES])
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    # A service line or a client with invoices cannot be deleted (PROTECT): by then its rows are gone.
    service_line = models.ForeignKey(
        ServiceLine, on_delete=models.CASCADE, related_name="+", verbose_name=_("service line")
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    amount = models.DecimalField(_("amount"), **MONEY)
    # The partners' parts of those rows (`services.partner_shares`), counted the same way.
    partner_shares = models.DecimalField(_("partner shares"), **MONEY, default=ZERO)

    class Meta:
        verbose_name = _("revenue of a month")
        verbose_name_plural = _("revenue by month")
        # The unique index leads with the month: it serves the reads of "rows of these months"
        # (a refresh's delete, a selector's years, which also filter on the basis).
        constraints = [
            models.CheckConstraint(condition=Q(basis__in=BASES), name="services_revenue_month_basis_valid"),
            models.UniqueConstraint(
                fields=["month", "basis", "service_line", "client"], name="services_revenue_month_unique"
            ),
        ]
        # A client's year is summed from its rows when one of its months changed.
        indexes = [models.Index(fields=["client", "month"], name="services_revenue_month_client")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.basis} · {self.service_line_id} · {self.client_id}"


class RevenueLineMonth(models.Model):
    """The revenue of one month and service line on one basis: Σ `RevenueMonth` over the clients."""

    basis = models.CharField(_("basis"), max_length=10, choices=[(b, b) for b in BASES])
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    service_line = models.ForeignKey(
        ServiceLine, on_delete=models.CASCADE, related_name="+", verbose_name=_("service line")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    partner_shares = models.DecimalField(_("partner shares"), **MONEY, default=ZERO)

    class Meta:
        verbose_name = _("revenue of a month by service line")
        verbose_name_plural = _("revenue by month and service line")
        constraints = [
            models.CheckConstraint(
                condition=Q(basis__in=BASES), name="services_revenue_line_month_basis_valid"
            ),
            models.UniqueConstraint(
                fields=["month", "basis", "service_line"], name="services_revenue_line_month_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.basis} · {self.service_line_id}"


class RevenueClientYear(models.Model):
    """The revenue of one client in one year on one basis: Σ `RevenueMonth` over the year's months
    and the service lines."""

    basis = models.CharField(_("basis"), max_length=10, choices=[(b, b) for b in BASES])
    year = models.PositiveSmallIntegerField(_("year"))
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("revenue of a client in a year")
        verbose_name_plural = _("revenue by client and year")
        constraints = [
            models.CheckConstraint(
                condition=Q(basis__in=BASES), name="services_revenue_client_year_basis_valid"
            ),
            models.UniqueConstraint(
                fields=["year", "basis", "client"], name="services_revenue_client_year_unique"
            ),
        ]
        # The pages' top clients of a year: the first entries of this index.
        indexes = [models.Index(fields=["basis", "year", "-amount"], name="services_revenue_client_rank")]

    def __str__(self) -> str:
        return f"{self.year} · {self.basis} · {self.client_id}"


class RevenueContractMonth(models.Model):
    """The accrual revenue of one contract in one month: Σ net amount of its issued invoices
    (credit notes negative) issued in the month. Invoices without a contract have no row."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    # A contract with invoices cannot be deleted (PROTECT): by then its rows are gone.
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="+", verbose_name=_("contract")
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("revenue of a contract in a month")
        verbose_name_plural = _("revenue by contract and month")
        # Leads with the month: a refresh replaces months, the projection reads a few months.
        constraints = [
            models.UniqueConstraint(
                fields=["month", "contract"], name="services_revenue_contract_month_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.contract_id}"


class RevenueMonthLock(models.Model):
    """One row per year ever refreshed, keyed by its first day: transactions refreshing months of
    the same year lock it (`SELECT … FOR UPDATE`) and so recompute its rollups one after the other
    (a client's year total depends on every month of the year)."""

    month = models.DateField(_("month"), primary_key=True)

    class Meta:
        verbose_name = _("revenue month lock")
        verbose_name_plural = _("revenue month locks")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
