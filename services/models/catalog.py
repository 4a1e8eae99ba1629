"""What the cooperative sells: its service lines, their yearly targets, and revenue partners."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartiberica.kernel.dates import validate_record_year, year_not_before_earliest
from smartiberica.kernel.models_base import RulesFirst
from smartiberica.kernel.money import MONEY
from smartiberica.kernel.translated import TranslatedName

from .. import validation as v


class ServiceLine(RulesFirst, TranslatedName):
    """A line of self-financing business (seeded codes are stable; staff may add more)."""

    history = HistoricalRecords()

    code = models.SlugField(_("code"), max_length=40, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service line")
        verbose_name_plural = _("service lines")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="services_serviceline_code_not_blank")
        ]

    def __str__(self) -> str:
        return self.name


class RevenueTarget(RulesFirst):
    """The income budget of a service line for a year, compared with the actual revenue."""

    history = HistoricalRecords()

    service_line = models.ForeignKey(
        ServiceLine, on_delete=models.CASCADE, related_name="targets", verbose_name=_("service line")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_record_year])
    amount = models.DecimalField(_("target (net)"), **MONEY)

    class Meta:
        verbose_name = _("revenue target")
        verbose_name_plural = _("revenue targets")
        ordering = ["-year", "service_line__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "year"],
                name="services_target_unique_service_year",
                violation_error_message=v.ERR_TARGET_TAKEN,
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="services_target_amount_not_negative"),
            # The upper bound follows today: the validator checks it.
            year_not_before_earliest("year", name="services_target_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.service_line} {self.year}"

    def clean(self) -> None:
        v.validate_not_negative(self.amount, field="amount")


class Partner(RulesFirst):
    """A partner that shares the revenue of some contracts (e.g. Nanoma for crowdfunding advice)."""

    history = HistoricalRecords()

    name = models.CharField(_("name"), max_length=200, unique=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
