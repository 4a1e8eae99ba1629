"""The clients invoiced by the cooperative."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartiberica.kernel.models_base import RulesFirst

from .. import client_rules as terms
from .. import validation as v
from ..choices import DEFAULT_PAYMENT_TERM_DAYS, VatRegime


class Client(RulesFirst):
    history = HistoricalRecords()

    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(
        _("tax id"),
        max_length=32,
        unique=True,
        error_messages={"unique": v.ERR_TAX_ID_TAKEN},
        help_text=_("Spanish NIF, CIF or NIE, or EU VAT number with its country prefix."),
    )
    is_foreign = models.BooleanField(
        _("foreign client"), default=False, help_text=_("Accept a tax id that is neither Spanish nor EU VAT.")
    )
    contact = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=DEFAULT_PAYMENT_TERM_DAYS,
        db_default=DEFAULT_PAYMENT_TERM_DAYS,  # rows written by raw SQL (the data generator) too
        validators=[terms.validate_payment_terms],
        help_text=_("Days from an invoice's issue date to its due date, when the invoice gives none."),
    )
    vat_regime = models.CharField(
        _("VAT regime"),
        max_length=30,
        choices=VatRegime.choices,
        default=VatRegime.DOMESTIC,
        db_default=VatRegime.DOMESTIC,
        help_text=_(
            "Sets the default VAT rate of the client's invoices: the general rate when domestic, "
            "none (0) under the intra-EU reverse charge and for exports."
        ),
    )

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(tax_id=""), name="services_client_tax_id_not_blank"),
            models.CheckConstraint(
                condition=Q(payment_terms_days__gte=0, payment_terms_days__lte=terms.MAX_PAYMENT_TERMS_DAYS),
                name="services_client_payment_terms_range",
                violation_error_message=terms.ERR_PAYMENT_TERMS_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(vat_regime__in=VatRegime.values), name="services_client_vat_regime_valid"
            ),
        ]
        indexes = [models.Index(fields=["name"], name="services_client_name_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.tax_id = v.validate_tax_id(self.tax_id, is_foreign=self.is_foreign)
        except ValidationError as error:
            raise ValidationError({"tax_id": error}) from error
