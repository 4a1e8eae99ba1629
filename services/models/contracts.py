"""Contracts: what a client buys from a service line, at a fixed fee, per period or by the hour."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartiberica.kernel.dates import not_before_earliest, validate_planned_date, validate_record_date
from smartiberica.kernel.models_base import RulesFirst
from smartiberica.kernel.money import MONEY, RATE

from .. import client_rules as terms
from .. import validation as v
from ..choices import BillingPeriod, ContractKind, ContractStatus
from .catalog import Partner, ServiceLine
from .clients import Client
from .rate_constraint import rate_between_0_and_100


class ContractQuerySet(models.QuerySet["Contract"]):
    def active(self) -> ContractQuerySet:
        return self.filter(status=ContractStatus.ACTIVE)

    def overlapping(self, start: date, end: date) -> ContractQuerySet:
        return self.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))

    def recurring(self) -> ContractQuerySet:
        return self.filter(kind=ContractKind.RECURRING)


class Contract(RulesFirst):
    history = HistoricalRecords()

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("client")
    )
    service_line = models.ForeignKey(
        ServiceLine, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("service line")
    )
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("Text of the lines of the drafted invoices."),
    )
    start_date = models.DateField(_("start date"), validators=[validate_record_date])
    # A contract may run for years: its end is a planned date (up to 2099).
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Empty while open-ended."),
        validators=[validate_planned_date],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind.choices)
    billing_period = models.CharField(
        _("billing period"),
        max_length=10,
        choices=BillingPeriod.choices,
        blank=True,
        help_text=_("Recurring only."),
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, default=Decimal("1"), help_text=_("E.g. 40 licences.")
    )
    unit_price = models.DecimalField(
        _("unit price"), **MONEY, null=True, blank=True, help_text=_("Net price per unit and billing period.")
    )
    fixed_amount = models.DecimalField(_("fixed amount"), **MONEY, null=True, blank=True)
    estimated_amount = models.DecimalField(
        _("estimated amount"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("Time and materials: the expected net total, counted in the year the contract starts."),
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), **RATE, blank=True, help_text=_("Empty: the rate of the client's VAT regime.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("partner"),
    )
    partner_share = models.DecimalField(
        _("partner's share (%)"),
        **RATE,
        null=True,
        blank=True,
        help_text=_("Part of the revenue due to the partner."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_date", "reference"]
        constraints = [
            models.CheckConstraint(condition=~Q(reference=""), name="services_contract_reference_not_blank"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="services_contract_end_not_before_start",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="services_contract_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0),
                name="services_contract_unit_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(fixed_amount__isnull=True) | Q(fixed_amount__gte=0),
                name="services_contract_fixed_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(estimated_amount__isnull=True) | Q(estimated_amount__gte=0),
                name="services_contract_estimate_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ContractKind.values), name="services_contract_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="services_contract_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=ContractKind.RECURRING,
                        billing_period__in=BillingPeriod.values,
                        unit_price__isnull=False,
                    )
                    | (~Q(kind=ContractKind.RECURRING) & Q(billing_period=""))
                ),
                name="services_contract_recurring_has_period_and_price",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ContractKind.FIXED_FEE) | Q(fixed_amount__isnull=False),
                name="services_contract_fixed_fee_has_amount",
            ),
            rate_between_0_and_100("vat_rate", "services_contract_vat_rate_range"),
            rate_between_0_and_100("partner_share", "services_contract_partner_share_range", nullable=True),
            models.CheckConstraint(
                condition=Q(partner_share__isnull=True) | Q(partner__isnull=False),
                name="services_contract_share_needs_partner",
            ),
            not_before_earliest("start_date", name="services_contract_start_from_1990"),
        ]
        indexes = [models.Index(fields=["status", "start_date"], name="services_contract_status_idx")]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        regime = self.client.vat_regime if self.client_id is not None else None
        if self.vat_rate is None and regime is not None:
            self.vat_rate = terms.default_vat_rate(regime)
        v.collect(
            lambda: v.validate_end_not_before_start(self.start_date, self.end_date),
            lambda: terms.validate_vat_rate_for_regime(regime=regime or "", vat_rate=self.vat_rate),
            lambda: v.validate_contract_terms(
                kind=self.kind,
                billing_period=self.billing_period,
                quantity=self.quantity,
                unit_price=self.unit_price,
                fixed_amount=self.fixed_amount,
                estimated_amount=self.estimated_amount,
                partner_id=self.partner_id,
                partner_share=self.partner_share,
                vat_rate=self.vat_rate,
            ),
        )
