"""Choices of the banking app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchKind(models.TextChoices):
    """What a bank line is, once reconciled: the kind of record it was matched with."""

    PAYMENT = "payment", _("payment of an invoice")
    REFUND = "refund", _("refund of an invoice")
    RECEIPT = "receipt", _("funding receipt")
    REPAYMENT = "repayment", _("loan repayment")
    EXPENSE = "expense", _("expense")
