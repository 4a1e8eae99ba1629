"""Every choice of the funding app: code compares with these members, never with string literals."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    LOAN = "loan", _("loan")
    PARENT_SUPPORT = "parent_support", _("parent support")
    GRANT = "grant", _("grant")
    SHARED_SERVICES = "shared_services", _("shared services")
    OTHER = "other", _("other")


# Receipts from these kinds are external support; loan receipts are drawdowns (financing).
EXTERNAL_SUPPORT_KINDS = (SourceKind.PARENT_SUPPORT, SourceKind.GRANT, SourceKind.OTHER)
# The kinds of source a support agreement may be signed with.
AGREEMENT_KINDS = (SourceKind.PARENT_SUPPORT, SourceKind.GRANT)
# The kinds a source must keep while records of each kind hang from it (see validation).
RECEIPT_KINDS = (SourceKind.LOAN, *EXTERNAL_SUPPORT_KINDS)


class ObligationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    WAIVED = "waived", _("waived")


class ObligationKind(models.TextChoices):
    REPORT = "report", _("report")
    AUDIT = "audit", _("audit")
    COVENANT = "covenant", _("covenant")
    OTHER = "other", _("other")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")


PERIODS_PER_YEAR = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4}


class RepaymentKind(models.TextChoices):
    INSTALMENT = "instalment", _("instalment")
    PREPAYMENT = "prepayment", _("prepayment")


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
