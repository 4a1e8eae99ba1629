"""Contracts, the yearly revenue targets, and the invoices drafted for the periods of recurring contracts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import validation as v
from ..calculations import period_containing, period_end
from ..choices import ContractKind, ContractStatus
from ..models import Client, Contract, Invoice, Partner, RevenueTarget, ServiceLine
from .contract_expectations import contract_expectation_refresh
from .invoices import LineInput, invoice_create


@transaction.atomic
def contract_create(
    *,
    client: Client,
    service_line: ServiceLine,
    reference: str,
    start_date: date,
    kind: str,
    end_date: date | None = None,
    billing_period: str = "",
    quantity: Decimal = Decimal("1"),
    unit_price: Decimal | None = None,
    fixed_amount: Decimal | None = None,
    estimated_amount: Decimal | None = None,
    vat_rate: Decimal | None = None,  # None: the default rate of the client's VAT regime
    status: str = ContractStatus.ACTIVE,
    partner: Partner | None = None,
    partner_share: Decimal | None = None,
    description: str = "",
    notes: str = "",
) -> Contract:
    contract = Contract(
        client=client,
        service_line=service_line,
        reference=reference,
        start_date=start_date,
        end_date=end_date,
        kind=kind,
        billing_period=billing_period,
        quantity=quantity,
        unit_price=unit_price,
        fixed_amount=fixed_amount,
        estimated_amount=estimated_amount,
        vat_rate=vat_rate,  # type: ignore[misc]  # None: `Contract.clean()` sets the regime's rate
        status=status,
        partner=partner,
        partner_share=partner_share,
        description=description,
        notes=notes,
    )
    contract.full_clean()
    contract.save()
    contract_expectation_refresh(contract=contract)
    return contract


@transaction.atomic
def revenue_target_set(*, service_line: ServiceLine, year: int, amount: Decimal) -> RevenueTarget:
    """Create or update the target of a service line for a year."""
    target = RevenueTarget.objects.select_for_update().filter(service_line=service_line, year=year).first()
    if target is None:
        target = RevenueTarget(service_line=service_line, year=year)
    target.amount = amount
    target.full_clean()
    target.save()
    return target


# --- Contracts: drafting the invoices of recurring contracts -------------------------------


@transaction.atomic
def contract_draft_invoices(*, contract: Contract, period_start: date) -> tuple[Invoice, bool]:
    """Draft the invoice of one period of a recurring contract; (invoice, created).

    Idempotent: if the contract already has an invoice for that period (in any
    status), that invoice is returned with created=False and nothing is written.
    A unique constraint on (contract, period_start) backs this up.
    """
    contract = Contract.objects.select_for_update().select_related("service_line").get(pk=contract.pk)
    existing = Invoice.objects.filter(contract=contract, period_start=period_start).first()
    if existing is not None:
        return existing, False
    v.validate_draftable_period(
        kind=contract.kind,
        status=contract.status,
        start=contract.start_date,
        end=contract.end_date,
        billing_period=contract.billing_period,
        period_start=period_start,
        already_drafted=False,
    )
    last_day = period_end(
        start=contract.start_date, period_start=period_start, billing_period=contract.billing_period
    )
    what = contract.description or f"{contract.service_line.name} ({contract.reference})"
    description = _("%(what)s, %(start)s to %(end)s") % {
        "what": what,
        "start": date_format(period_start, "SHORT_DATE_FORMAT"),
        "end": date_format(last_day, "SHORT_DATE_FORMAT"),
    }
    assert contract.unit_price is not None  # a recurring contract always has one
    invoice = invoice_create(
        client=contract.client,
        service_line=contract.service_line,
        contract=contract,
        issue_date=period_start,
        lines=[
            LineInput(
                description=description,
                quantity=contract.quantity,
                unit_price=contract.unit_price,
                vat_rate=contract.vat_rate,
            )
        ],
        period_start=period_start,
    )
    return invoice, True


def contracts_draft_due_invoices(*, on: date, contracts: Iterable[Contract] | None = None) -> list[Invoice]:
    """Draft, for each active recurring contract, the invoice of the period containing `on`.

    Returns only the invoices created now; contracts already drafted for that
    period, or not running on that day, are skipped.
    """
    if contracts is None:
        contracts = Contract.objects.active().recurring().overlapping(on, on)
    created = []
    for contract in contracts:
        if contract.kind != ContractKind.RECURRING or contract.status != ContractStatus.ACTIVE:
            continue
        if contract.end_date is not None and on > contract.end_date:
            continue
        start = period_containing(start=contract.start_date, billing_period=contract.billing_period, on=on)
        if start is None:
            continue
        invoice, was_created = contract_draft_invoices(contract=contract, period_start=start)
        if was_created:
            created.append(invoice)
    return created
