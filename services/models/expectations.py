"""What each contract is expected to invoice year by year, kept by the contract actions (issue 17).

`services.calculations.expected_revenue` defines a contract's expected revenue in a year; the
yearly figures add it up over every counted contract (active or ended). Read from the contracts,
that is a Python loop over thousands of them at every page. A contract's expectation has only
three shapes of year, though: its first year, its last one, and every full year between (a
recurring contract bills the same number of periods in each: its period divides twelve months),
so three amounts per contract say it for every year, open-ended contracts included, and a year's
total is one grouped sum.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.money import MONEY

from .contracts import Contract


class ContractExpectation(models.Model):
    """A counted contract's expected revenue (net), by shape of year.

    In `first_year`: `first_amount`. In each year after it and before `last_year` (every later
    year when the contract has no end): `middle_amount`. In `last_year`, when later than the
    first: `last_amount`. Only counted contracts with something expected have a row.
    """

    contract = models.OneToOneField(
        Contract,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="expectation",
        verbose_name=_("contract"),
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    first_amount = models.DecimalField(_("first year's amount"), **MONEY)
    middle_amount = models.DecimalField(_("a full year's amount"), **MONEY)
    last_amount = models.DecimalField(_("last year's amount"), **MONEY)

    class Meta:
        verbose_name = _("expected revenue of a contract")
        verbose_name_plural = _("expected revenue of the contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=F("first_year")),
                name="services_contract_expectation_years",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} · {self.first_year}–{self.last_year or ''}"
