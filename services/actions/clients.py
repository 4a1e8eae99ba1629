"""Clients and the partners that share the revenue of some contracts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import validation as v
from ..choices import DEFAULT_PAYMENT_TERM_DAYS, VatRegime
from ..models import Client, Partner


@transaction.atomic
def client_get_or_create(
    *,
    name: str,
    tax_id: str,
    is_foreign: bool = False,
    contact: str = "",
    email: str = "",
    notes: str = "",
    payment_terms_days: int = DEFAULT_PAYMENT_TERM_DAYS,
    vat_regime: str = VatRegime.DOMESTIC,
) -> tuple[Client, bool]:
    """The client with this tax id (matched on its normalised form), or a new one.

    An existing client is returned unchanged (its name is not overwritten). `payment_terms_days`
    sets the due date of its invoices written without one; `vat_regime` their default VAT rate.
    """
    try:
        normalized = v.validate_tax_id(tax_id, is_foreign=is_foreign)
    except ValidationError as error:
        raise ValidationError({"tax_id": error}) from error
    existing = Client.objects.filter(tax_id=normalized).first()
    if existing is not None:
        return existing, False
    client = Client(
        name=name,
        tax_id=normalized,
        is_foreign=is_foreign,
        contact=contact,
        email=email,
        notes=notes,
        payment_terms_days=payment_terms_days,
        vat_regime=vat_regime,
    )
    client.full_clean()
    client.save()
    return client, True


@transaction.atomic
def partner_get_or_create(*, name: str, notes: str = "") -> tuple[Partner, bool]:
    existing = Partner.objects.filter(name=name).first()
    if existing is not None:
        return existing, False
    partner = Partner(name=name, notes=notes)
    partner.full_clean()
    partner.save()
    return partner, True
