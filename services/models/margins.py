"""The members' monthly turnover and the margin rules that price it."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartiberica.kernel.dates import not_before_earliest, validate_planned_date, validate_record_date
from smartiberica.kernel.models_base import RulesFirst
from smartiberica.kernel.money import MONEY, RATE

from .. import validation as v
from ..choices import MarginRuleKind
from .rate_constraint import rate_between_0_and_100


class MarginRuleQuerySet(models.QuerySet["MarginRule"]):
    def in_force(self, on: date) -> MarginRuleQuerySet:
        return self.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def overlapping(self, start: date, end: date | None) -> MarginRuleQuerySet:
        qs = self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        return qs if end is None else qs.filter(valid_from__lte=end)


class MarginRule(RulesFirst):
    """The cooperative's share of its members' turnover, for a period of validity.

    Flat: a structure rate and a guarantee-fund rate (historically 5.50 + 2.00 = 7.5 %).
    Banded: the band the month's turnover falls in gives both rates, applied to the
    whole turnover of the month.
    """

    history = HistoricalRecords()

    name = models.CharField(_("name"), max_length=120)
    valid_from = models.DateField(
        _("valid from"), help_text=_("First day of a month."), validators=[validate_record_date]
    )
    # A rule may be decided to end years ahead: its end is a planned date.
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("Last day of a month; empty: open."),
        validators=[validate_planned_date],
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=MarginRuleKind.choices, default=MarginRuleKind.FLAT
    )
    structure_rate = models.DecimalField(_("structure rate (%)"), **RATE, null=True, blank=True)
    fund_rate = models.DecimalField(_("guarantee fund rate (%)"), **RATE, null=True, blank=True)

    objects = MarginRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("margin rule")
        verbose_name_plural = _("margin rules")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="services_marginrule_to_not_before_from",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MarginRuleKind.values), name="services_marginrule_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=MarginRuleKind.FLAT, structure_rate__isnull=False, fund_rate__isnull=False)
                    | Q(kind=MarginRuleKind.BANDED, structure_rate__isnull=True, fund_rate__isnull=True)
                ),
                name="services_marginrule_rates_match_kind",
            ),
            rate_between_0_and_100(
                "structure_rate", "services_marginrule_structure_rate_range", nullable=True
            ),
            rate_between_0_and_100("fund_rate", "services_marginrule_fund_rate_range", nullable=True),
            not_before_earliest("valid_from", name="services_marginrule_from_from_1990"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        v.validate_margin_rule(
            kind=self.kind,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            structure_rate=self.structure_rate,
            fund_rate=self.fund_rate,
        )
        if self.valid_from is not None:
            other = MarginRule.objects.exclude(pk=self.pk).overlapping(self.valid_from, self.valid_to).first()
            v.validate_no_overlap(overlapping_rule_name=other.name if other else None)


class MarginBand(RulesFirst):
    history = HistoricalRecords()

    rule = models.ForeignKey(
        MarginRule, on_delete=models.CASCADE, related_name="bands", verbose_name=_("rule")
    )
    lower_bound = models.DecimalField(
        _("from monthly turnover"), **MONEY, help_text=_("The band applies from this monthly turnover up.")
    )
    structure_rate = models.DecimalField(_("structure rate (%)"), **RATE)
    fund_rate = models.DecimalField(_("guarantee fund rate (%)"), **RATE)

    class Meta:
        verbose_name = _("margin band")
        verbose_name_plural = _("margin bands")
        ordering = ["rule", "lower_bound"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "lower_bound"], name="services_marginband_unique_bound"),
            models.CheckConstraint(
                condition=Q(lower_bound__gte=0), name="services_marginband_bound_not_negative"
            ),
            rate_between_0_and_100("structure_rate", "services_marginband_structure_rate_range"),
            rate_between_0_and_100("fund_rate", "services_marginband_fund_rate_range"),
        ]

    def __str__(self) -> str:
        return f"≥ {self.lower_bound}"

    def clean(self) -> None:
        v.validate_not_negative(self.lower_bound, field="lower_bound")
        v.validate_rate(self.structure_rate, field="structure_rate")
        v.validate_rate(self.fund_rate, field="fund_rate")


class MemberTurnover(RulesFirst):
    """What the members invoiced through the cooperative in a month (VAT excluded)."""

    # Refused in a closed year (kernel.closed_years).
    closed_year_field: ClassVar[str] = "month"

    history = HistoricalRecords()

    month = models.DateField(
        _("month"), unique=True, help_text=_("The first day of the month."), validators=[validate_record_date]
    )
    turnover = models.DecimalField(_("members' turnover"), **MONEY)
    active_members = models.PositiveIntegerField(_("active members"), null=True, blank=True)
    structure_rate = models.DecimalField(
        _("structure rate (%)"),
        **RATE,
        null=True,
        blank=True,
        help_text=_("Empty: the margin rule in force applies."),
    )
    fund_rate = models.DecimalField(
        _("guarantee fund rate (%)"),
        **RATE,
        null=True,
        blank=True,
        help_text=_("Empty: the margin rule in force applies."),
    )

    class Meta:
        verbose_name = _("member turnover")
        verbose_name_plural = _("member turnover")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(turnover__gte=0), name="services_turnover_not_negative"),
            rate_between_0_and_100("structure_rate", "services_turnover_structure_rate_range", nullable=True),
            rate_between_0_and_100("fund_rate", "services_turnover_fund_rate_range", nullable=True),
            models.CheckConstraint(
                condition=Q(structure_rate__isnull=True, fund_rate__isnull=True)
                | Q(structure_rate__isnull=False, fund_rate__isnull=False),
                name="services_turnover_rates_both_or_neither",
            ),
            not_before_earliest("month", name="services_turnover_month_from_1990"),
        ]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m") if self.month else "—"

    def clean(self) -> None:
        v.validate_month(self.month)
        v.validate_turnover(self.turnover)
        v.validate_month_rates(self.structure_rate, self.fund_rate)
        if self.month is not None and self.structure_rate is None:
            v.validate_month_has_rates(
                month=self.month,
                has_own_rates=False,
                rule_in_force=MarginRule.objects.in_force(self.month).exists(),
            )
