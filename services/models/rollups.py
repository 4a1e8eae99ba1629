"""Monthly revenue totals, kept in step with the invoices, payments and refunds by the actions (issue 17).

The board's yearly figures read a few hundred of these rows instead of aggregating every invoice
and payment of the years asked for. Each row is the exact sum of the records of its month and key
(`services.selectors` has the definitions): `services.actions.rollups` recomputes a month's rows,
in the transaction that wrote its records, under the month's lock row. Only non-zero buckets are
stored. No history: they are derived data, rebuilt from the records at will
(`services_rollups_rebuild`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.basis import BASES
from smartiberica.kernel.money import MONEY

from .catalog import ServiceLine
from .clients import Client


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

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.basis} · {self.service_line_id} · {self.client_id}"


class RevenueMonthLock(models.Model):
    """One row per month ever refreshed: transactions refreshing the same month lock it
    (`SELECT … FOR UPDATE`) and so recompute its rollups one after the other."""

    month = models.DateField(_("month"), primary_key=True)

    class Meta:
        verbose_name = _("revenue month lock")
        verbose_name_plural = _("revenue month locks")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
