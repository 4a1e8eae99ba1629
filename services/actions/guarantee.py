"""The guarantee fund's advances to members: paid, changed, recovered, deleted.

Each write locks the advance's invoice before the rules read what it still has due, so that two
advances cannot together pass the "never above the amount due" rule (the second waits).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from smartiberica.kernel.closed_years import validate_date_open
from smartiberica.kernel.records import delete_unless_protected

from .. import guarantee_rules as rules
from ..models import GuaranteeAdvance, Invoice
from .invoices import lock_invoice


@transaction.atomic
def guarantee_advance_save(*, advance: GuaranteeAdvance) -> GuaranteeAdvance:
    """Validate and save a new or changed advance (what the admin's form calls).

    The invoice row is locked first (and, when the advance moves to another invoice, both, in
    primary-key order), then the advance is `full_clean()`-ed against what the invoice has due.
    """
    if advance.invoice_id is None:
        advance.full_clean()  # refuses it: the invoice is required
    former = (
        GuaranteeAdvance.objects.filter(pk=advance.pk).values_list("invoice_id", flat=True).first()
        if advance.pk
        else None
    )
    ids = sorted({pk for pk in (advance.invoice_id, former) if pk is not None})
    locked = Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk").in_bulk()
    advance.invoice = locked[advance.invoice_id]
    advance.full_clean()
    advance.save()
    return advance


def guarantee_advance_create(
    *,
    member_reference: str,
    invoice: Invoice,
    amount: Decimal,
    date: date,
    recovered_on: date | None = None,
    notes: str = "",
) -> GuaranteeAdvance:
    """Record an advance paid to a member on an invoice their client has not paid."""
    return guarantee_advance_save(
        advance=GuaranteeAdvance(
            member_reference=member_reference,
            invoice=invoice,
            amount=amount,
            date=date,
            recovered_on=recovered_on,
            notes=notes,
        )
    )


def guarantee_advance_update(
    *,
    advance: GuaranteeAdvance,
    member_reference: str | None = None,
    invoice: Invoice | None = None,
    amount: Decimal | None = None,
    date: date | None = None,
    notes: str | None = None,
) -> GuaranteeAdvance:
    """Change an advance; None leaves a field as it is. The recovery has its own action."""
    changes = {
        "member_reference": member_reference,
        "invoice": invoice,
        "amount": amount,
        "date": date,
        "notes": notes,
    }
    for name, value in changes.items():
        if value is not None:
            setattr(advance, name, value)
    return guarantee_advance_save(advance=advance)


@transaction.atomic
def guarantee_advance_recover(*, advance: GuaranteeAdvance, on: date) -> GuaranteeAdvance:
    """The client paid: the whole advance went back to the fund on `on` (once; partial recoveries
    are not recorded). Allowed for an advance paid in a closed year, when `on` is in an open one."""
    locked = GuaranteeAdvance.objects.select_for_update().get(pk=advance.pk)
    rules.validate_not_recovered(locked.recovered_on)
    locked.recovered_on = on
    locked.full_clean()
    locked.save()
    advance.recovered_on = on
    return locked


@transaction.atomic
def guarantee_advance_delete(*, advance: GuaranteeAdvance) -> None:
    """Delete an advance, unless it was paid or recovered in a closed year."""
    lock_invoice(Invoice(pk=advance.invoice_id))
    stored = GuaranteeAdvance.objects.filter(pk=advance.pk).values_list("recovered_on", flat=True).first()
    validate_date_open(stored, field=None)
    delete_unless_protected(advance)
