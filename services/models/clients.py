"""The clients invoiced by the cooperative."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartiberica.kernel.models_base import RulesFirst

from .. import validation as v


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

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(tax_id=""), name="services_client_tax_id_not_blank")
        ]
        indexes = [models.Index(fields=["name"], name="services_client_name_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.tax_id = v.validate_tax_id(self.tax_id, is_foreign=self.is_foreign)
        except ValidationError as error:
            raise ValidationError({"tax_id": error}) from error
