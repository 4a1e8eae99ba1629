"""Bank accounts, the statements imported for them and the statements' lines.

A statement is what the bank says; nothing here is typed by staff but an account's name (and its
opening balance when it is created by hand). A line may be reconciled with the record it is (a
payment, a receipt, an expense, ...): that record lives in another app, so the line names it by
kind and id (`matched_kind`, `matched_id`), and one record is matched by one line at most.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from banking import validation as v
from banking.choices import MatchKind
from smartiberica.kernel.dates import validate_record_date
from smartiberica.kernel.models_base import RulesFirst
from smartiberica.kernel.money import MONEY, ZERO
from smartiberica.kernel.statements import StatementFormat


class BankAccount(RulesFirst):
    history = HistoricalRecords()

    name = models.CharField(_("name"), max_length=120)
    iban = models.CharField(
        _("IBAN"),
        max_length=34,
        unique=True,
        validators=[v.validate_iban],
        error_messages={"unique": v.ERR_IBAN_TAKEN},
    )
    opening_date = models.DateField(
        _("opening date"),
        validators=[validate_record_date],
        help_text=_("The day the opening balance is known."),
    )
    opening_balance = models.DecimalField(_("opening balance"), **MONEY)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["name", "iban"]
        constraints = [
            models.CheckConstraint(condition=~Q(iban=""), name="bank_account_has_iban"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.iban})"


class BankStatementQuerySet(models.QuerySet["BankStatement"]):
    def latest_of(self, account: BankAccount) -> BankStatement | None:
        return self.filter(account=account).order_by("-closing_date", "-pk").first()


class BankStatement(models.Model):
    account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="statements", verbose_name=_("account")
    )
    format = models.CharField(_("format"), max_length=10, choices=StatementFormat.choices)
    opening_date = models.DateField(_("opening date"))
    opening_balance = models.DecimalField(_("opening balance"), **MONEY)
    closing_date = models.DateField(_("closing date"))
    closing_balance = models.DecimalField(_("closing balance"), **MONEY)
    # SHA-256 of what the statement says (account, dates, balances, lines): importing the same
    # statement again, from the same file or another, changes nothing.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True, editable=False)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    objects = BankStatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-closing_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closing_date__gte=F("opening_date")), name="bank_statement_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.name} · {self.opening_date} – {self.closing_date}"


class StatementLineQuerySet(models.QuerySet["StatementLine"]):
    def matched(self) -> StatementLineQuerySet:
        return self.filter(matched_kind__isnull=False)

    def unmatched(self) -> StatementLineQuerySet:
        return self.filter(matched_kind__isnull=True)

    def up_to(self, day: date) -> StatementLineQuerySet:
        return self.filter(booking_date__lte=day)

    def total(self) -> Decimal:
        return self.aggregate(total=Sum("amount", default=ZERO))["total"]


class StatementLine(models.Model):
    statement = models.ForeignKey(
        BankStatement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("statement")
    )
    # Denormalised from the statement: balances and unmatched lists read lines by account and date.
    account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="lines", verbose_name=_("account")
    )
    position = models.PositiveIntegerField(_("position"))
    booking_date = models.DateField(_("booking date"), db_index=True)
    value_date = models.DateField(_("value date"))
    amount = models.DecimalField(
        _("amount"), **MONEY, help_text=_("Money in is positive, money out negative.")
    )
    reference = models.CharField(_("bank reference"), max_length=80, blank=True)
    end_to_end = models.CharField(_("end-to-end reference"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    counterparty_iban = models.CharField(_("counterparty IBAN"), max_length=34, blank=True)
    bank_code = models.CharField(_("bank code"), max_length=40, blank=True)
    matched_kind = models.CharField(
        _("reconciled with"), max_length=12, choices=MatchKind.choices, null=True, blank=True
    )
    matched_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    matched_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reconciled by"),
    )

    objects = StatementLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("bank line")
        verbose_name_plural = _("bank lines")
        ordering = ["booking_date", "statement_id", "position"]
        indexes = [models.Index(fields=["account", "booking_date"], name="bank_line_account_date")]
        constraints = [
            models.UniqueConstraint(fields=["statement", "position"], name="bank_line_position_unique"),
            models.UniqueConstraint(
                fields=["matched_kind", "matched_id"],
                condition=Q(matched_kind__isnull=False),
                name="bank_line_one_line_per_record",
                violation_error_message=v.ERR_RECORD_ALREADY_MATCHED,
            ),
            models.CheckConstraint(
                condition=Q(matched_kind__isnull=True, matched_id__isnull=True)
                | Q(matched_kind__isnull=False, matched_id__isnull=False),
                name="bank_line_match_has_kind_and_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} · {self.amount} · {self.description[:40]}"
