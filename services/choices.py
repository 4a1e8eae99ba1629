"""Choices of the services app, shared by the models, the rules and the actions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContractKind(models.TextChoices):
    FIXED_FEE = "fixed_fee", _("fixed fee")
    RECURRING = "recurring", _("recurring")
    TIME_AND_MATERIALS = "time_and_materials", _("time and materials")


class BillingPeriod(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly")


# Length of each billing period in months.
PERIOD_MONTHS = {BillingPeriod.MONTHLY: 1, BillingPeriod.QUARTERLY: 3, BillingPeriod.YEARLY: 12}


class ContractStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("contract status", "draft")
    ACTIVE = "active", pgettext_lazy("contract status", "active")
    ENDED = "ended", pgettext_lazy("contract status", "ended")
    CANCELLED = "cancelled", pgettext_lazy("contract status", "cancelled")


# Contract statuses whose expected revenue counts.
COUNTED_CONTRACT_STATUSES = (ContractStatus.ACTIVE, ContractStatus.ENDED)


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("invoice status", "draft")
    ISSUED = "issued", pgettext_lazy("invoice status", "issued")
    CANCELLED = "cancelled", pgettext_lazy("invoice status", "cancelled")


class PaymentState(models.TextChoices):
    """Derived from the payments (and credit notes) of an issued invoice, never stored."""

    NOT_DUE = "not_due", _("not paid yet")
    PARTIAL = "partial", _("partially paid")
    PAID = "paid", pgettext_lazy("invoice payment state", "paid")
    OVERDUE = "overdue", _("overdue")
    NONE = "none", _("not applicable")


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("bank transfer")
    CARD = "card", _("card")
    CASH = "cash", _("cash")
    DIRECT_DEBIT = "direct_debit", _("direct debit")
    OTHER = "other", _("other")


class VatRegime(models.TextChoices):
    """A client's VAT regime: it sets the default VAT rate of its invoices (see `client_rules`)."""

    DOMESTIC = "domestic", _("domestic (Spanish VAT)")
    INTRA_EU_REVERSE_CHARGE = "intra_eu_reverse_charge", _("intra-EU, reverse charge")
    EXPORT = "export", _("export (outside the EU)")


class MarginRuleKind(models.TextChoices):
    FLAT = "flat", _("flat rates")
    BANDED = "banded", _("banded rates")


class SimulatedRuleKind(models.TextChoices):
    """The kinds of rule the margin simulator prices: the stored kinds, and progressive bands,
    which only the simulator knows (each band's rates on its slice of turnover, as tax brackets)."""

    FLAT = "flat", _("flat rates")
    BANDED = "banded", _("banded rates")
    PROGRESSIVE = "progressive", _("progressive bands (like tax brackets)")


DEFAULT_SERIES = "F"
# Facturas rectificativas get their own series, as Spanish invoicing rules ask.
CREDIT_NOTE_SERIES = "R"
DEFAULT_PAYMENT_TERM_DAYS = 30
