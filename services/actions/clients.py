"""Clients and the partners that share the revenue of some contracts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import validation as v
from ..models import Client, Partner


@transaction.atomic
def client_get_or_create(
    *, name: str, tax_id: str, is_foreign: bool = False, contact: str = "", email: str = "", notes: str = ""
) -> tuple[Client, bool]:
    """The client with this tax id (matched on its normalised form), or a new one.

    An existing client is returned unchanged (its name is not overwritten).
    """
    try:
        normalized = v.validate_tax_id(tax_id, is_foreign=is_foreign)
    except ValidationError as error:
        raise ValidationError({"tax_id": error}) from error
    existing = Client.objects.filter(tax_id=normalized).first()
    if existing is not None:
        return existing, False
    client = Client(
        name=name, tax_id=normalized, is_foreign=is_foreign, contact=contact, email=email, notes=notes
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
