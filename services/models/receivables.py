"""What clients owe and how long they take to pay, kept in step with the records (issue 17).

The receivables of a day add, over every invoice issued by then, its credit notes, payments and
refunds dated by then (`services.receivables`). Re-adding a whole history at each page costs
seconds at a million invoices, so the actions keep, in the transaction of each write:

- `InvoiceSettlement`, one row per issued invoice (credit notes aside): what the client owes on
  it given every record, and the latest day any of them is dated. On any day from that one on,
  the invoice owes exactly `amount_due`; only the invoices with a later movement need the sums.
- `ReceivableCell`, one row per client and due date, and its sums: `ReceivableClient`, one row
  per client owing something, and `ReceivableDate`, one row per due date.
- `PaymentDaysYear`, one row per year and client who paid: the sums behind the average days to
  payment.

Derived data, without history: `services.actions.receivable_rollups` recomputes the rows a
write touches from the records, `services_rollups_rebuild` all of them, and `check_rollups`
compares them with the records.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.money import MONEY, Digits

from .clients import Client
from .invoices import Invoice

# Σ amount × days of a client's year: a money amount times up to a few thousand days.
AMOUNT_DAYS: Digits = {"max_digits": 20, "decimal_places": 2}


class InvoiceSettlement(models.Model):
    """Where an issued invoice stands given every record: see the module's docstring."""

    invoice = models.OneToOneField(
        Invoice,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="settlement",
        verbose_name=_("invoice"),
    )
    # The invoice's, copied: the receivables read this narrow table alone.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    due_date = models.DateField(_("due date"))
    amount_due = models.DecimalField(_("amount due"), **MONEY)
    last_event_on = models.DateField(_("last movement"))

    class Meta:
        verbose_name = _("invoice settlement")
        verbose_name_plural = _("invoice settlements")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_due__gte=0), name="services_invoice_settlement_due_not_negative"
            ),
        ]
        indexes = [
            # What is due now by due date (the ageing's recent days), and a client's open invoices.
            models.Index(
                fields=["due_date", "client"],
                condition=Q(amount_due__gt=0),
                name="services_settlement_open_due",
            ),
            models.Index(
                fields=["client", "due_date"],
                condition=Q(amount_due__gt=0),
                name="services_settle_open_client",
            ),
            # The invoices with a movement after a day: their amount due then is summed again.
            models.Index(fields=["last_event_on"], name="services_settlement_last_event"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} · {self.amount_due} · {self.last_event_on}"


class ReceivableCell(models.Model):
    """What one client owes given every record on its invoices due on one day: Σ of those
    `InvoiceSettlement` rows. A large client has thousands of open invoices but at most one row
    a day here: its recent buckets add a few hundred rows, whatever its size."""

    # No index of its own: the unique (client, due date) index leads with it, and serves "this
    # client's cells due from a day on" in one range where a client-only index made PostgreSQL
    # read every cell of the client and filter (3× slower on the overdue alerts at 10 M).
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client"), db_index=False
    )
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    invoices = models.PositiveIntegerField(_("invoices"))

    class Meta:
        verbose_name = _("receivable of a client and due date")
        verbose_name_plural = _("receivables by client and due date")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="services_receivable_cell_positive"),
            models.UniqueConstraint(fields=["client", "due_date"], name="services_receivable_cell_unique"),
        ]
        indexes = [models.Index(fields=["due_date"], name="services_receivable_cell_due")]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.due_date} · {self.amount}"


class ReceivableClient(models.Model):
    """What one client owes given every record: Σ of its `InvoiceSettlement` rows with something due."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("client")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    invoices = models.PositiveIntegerField(_("invoices"))
    oldest_due_date = models.DateField(_("oldest due date"))

    class Meta:
        verbose_name = _("receivable of a client")
        verbose_name_plural = _("receivables by client")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="services_receivable_client_positive"),
        ]
        # The largest debtors first.
        indexes = [models.Index(fields=["-amount", "client"], name="services_receivable_rank")]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.amount}"


class ReceivableDate(models.Model):
    """What every client owes given every record on the invoices due on one day: Σ of the
    `InvoiceSettlement` rows of that due date. The ageing's buckets and the overdue totals add a
    few hundred of these instead of the open invoices themselves. A row may hold zero: it is also
    the lock two refreshes of the same due date take one after the other."""

    due_date = models.DateField(_("due date"), primary_key=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    invoices = models.PositiveIntegerField(_("invoices"))

    class Meta:
        verbose_name = _("receivable of a due date")
        verbose_name_plural = _("receivables by due date")

    def __str__(self) -> str:
        return f"{self.due_date} · {self.amount}"


class PaymentDaysYear(models.Model):
    """The payments of one client dated in one year: Σ amount, Σ amount × days since the invoice's
    issue date, and how many."""

    year = models.PositiveSmallIntegerField(_("year"))
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    amount = models.DecimalField(_("amount"), **MONEY)
    amount_days = models.DecimalField(_("amount × days"), **AMOUNT_DAYS)
    payments = models.PositiveIntegerField(_("payments"))

    class Meta:
        verbose_name = _("payment days of a client in a year")
        verbose_name_plural = _("payment days by client and year")
        constraints = [
            models.UniqueConstraint(fields=["year", "client"], name="services_payment_days_year_unique"),
        ]
        indexes = [
            models.Index(fields=["client", "year"], name="services_payment_days_client"),
            # The year's largest payers.
            models.Index(fields=["year", "-amount"], name="services_payment_days_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.client_id} · {self.amount}"


class AgeingSnapshot(models.Model):
    """The ageing of receivables at a day long past, kept once computed: one row per client owing
    something then, and one row without a client holding the totals (present even when nobody
    owed anything, so that it says the day is kept).

    Written for 31 December when the board approves a year (and by `rebuild_rollups` for the
    approved years); deleted by any write dated on or before the day, so a kept day is always
    the records' ageing.
    """

    on = models.DateField(_("day"))
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("client")
    )
    not_due = models.DecimalField(_("not yet due"), **MONEY)
    days_0_30 = models.DecimalField(_("0–30 days"), **MONEY)
    days_31_60 = models.DecimalField(_("31–60 days"), **MONEY)
    days_61_90 = models.DecimalField(_("61–90 days"), **MONEY)
    days_over_90 = models.DecimalField(_("over 90 days"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)

    class Meta:
        verbose_name = _("ageing snapshot")
        verbose_name_plural = _("ageing snapshots")
        constraints = [
            models.UniqueConstraint(fields=["on", "client"], name="services_ageing_snapshot_unique"),
            models.UniqueConstraint(
                fields=["on"], condition=Q(client__isnull=True), name="services_ageing_snapshot_one_total"
            ),
        ]
        indexes = [models.Index(fields=["on", "-total"], name="services_ageing_snapshot_rank")]

    def __str__(self) -> str:
        return f"{self.on} · {self.client_id} · {self.total}"
