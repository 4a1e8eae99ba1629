"""Monthly totals of the big funding tables, kept in step with the records by the actions (issue 17).

The board's yearly figures read a few hundred of these rows instead of aggregating every receipt
and expense of the years asked for. Each row is the exact sum of the records of its month and
key: `funding.actions.rollups` recomputes a month's rows, in the transaction that wrote its
records, under the month's lock row. Only non-zero buckets are stored. No history: they are
derived data, rebuilt from the records at will (`funding_rollups_rebuild`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from funding.models.costs import ExpenseCategory
from funding.models.sources import FundingSource
from smartiberica.kernel.money import MONEY


class ReceiptMonth(models.Model):
    """Σ amount of the receipts of one source dated in one month."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    # A source or a category with records cannot be deleted (PROTECT): by then its rows are gone.
    source = models.ForeignKey(
        FundingSource, on_delete=models.CASCADE, related_name="+", verbose_name=_("funding source")
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("receipts of a month")
        verbose_name_plural = _("receipts by month")
        # The unique index leads with the month: it serves the reads of "rows of these months".
        constraints = [models.UniqueConstraint(fields=["month", "source"], name="receipt_month_unique")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.source_id}"


class ExpenseMonth(models.Model):
    """Σ amount of the expenses of one category dated in one month."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("expenses of a month")
        verbose_name_plural = _("expenses by month")
        # The unique index leads with the month: it serves the reads of "rows of these months".
        constraints = [models.UniqueConstraint(fields=["month", "category"], name="expense_month_unique")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.category_id}"


class FundingMonthLock(models.Model):
    """One row per month ever refreshed: transactions refreshing the same month lock it
    (`SELECT … FOR UPDATE`) and so recompute its rollups one after the other."""

    month = models.DateField(_("month"), primary_key=True)

    class Meta:
        verbose_name = _("funding month lock")
        verbose_name_plural = _("funding month locks")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
