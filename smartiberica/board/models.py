"""What the board decides about a year: its approvals and reopenings, with the frozen figures."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class YearApprovalQuerySet(models.QuerySet["YearApproval"]):
    def approvals(self) -> YearApprovalQuerySet:
        return self.filter(event=YearApproval.Event.APPROVED)

    def of_year(self, year: int) -> YearApprovalQuerySet:
        return self.filter(year=year)


class YearApproval(models.Model):
    """One approval (closing) or reopening of a year, kept forever.

    An approval holds the snapshot of the year's figures on both bases at that moment; while the
    year stays closed, every page, the API, the exports and `yearly_figures` serve the snapshot of
    its latest approval, not a recomputation.
    """

    class Event(models.TextChoices):
        APPROVED = "approved", _("approved")
        REOPENED = "reopened", _("reopened")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    # The approval's note, or the reason given for a reopening.
    note = models.TextField(_("note"), blank=True)
    # {"accrual": {...}, "cash": {...}}: the figures of each basis (`board.snapshots`); empty for
    # a reopening.
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    # The same figures listing only the largest clients (`board.snapshots.to_summary`): what the
    # pages read, since a snapshot of a year with thousands of clients weighs megabytes.
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    objects = YearApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("year approval")
        verbose_name_plural = _("year approvals")
        ordering = ["year", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event="reopened") | ~models.Q(snapshot={}),
                name="year_approval_has_snapshot",
            ),
            models.CheckConstraint(
                condition=models.Q(event="reopened") | ~models.Q(summary={}),
                name="year_approval_has_summary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_event_display()}"


class FunderLinkQuerySet(models.QuerySet["FunderLink"]):
    def usable(self, *, now: datetime) -> FunderLinkQuerySet:
        """Links that still open their pack: not revoked, not expired, for a year still closed."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class FunderLink(models.Model):
    """A read-only link to one closed year's board pack for an outside reader (a funder, a bank).

    The token is shown once, when the link is created; only its SHA-256 is stored, and a visit's
    token is compared with `hmac.compare_digest`. The link opens that year's pack (page and PDF)
    and nothing else; it can be revoked and expires (90 days by default).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    reader_name = models.CharField(_("reader's name"), max_length=200)
    reader_email = models.EmailField(_("reader's e-mail"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = FunderLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("funder link")
        verbose_name_plural = _("funder links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} → {self.reader_name}"


class FunderLinkView(models.Model):
    """One visit of a funder link: when and from where (kept with the link)."""

    link = models.ForeignKey(
        FunderLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="views"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    path = models.CharField(_("page"), max_length=300)

    class Meta:
        verbose_name = _("funder link view")
        verbose_name_plural = _("funder link views")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.link} {self.at:%Y-%m-%d %H:%M}"
