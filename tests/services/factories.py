"""Deterministic factories for the services app (no randomness: sequences only).

Every record is written through `services.actions`, as the admin and the importers do, so its
computed fields are always right and it obeys the same rules as a user's. Each factory is a
typed function: its defaults describe the record a test gets when it says nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from itertools import count

from services import actions
from services.actions import LineInput, LineLike
from services.choices import (
    BillingPeriod,
    ContractKind,
    ContractStatus,
    InvoiceStatus,
    PaymentMethod,
    VatRegime,
)
from services.models import (
    Client,
    Contract,
    GuaranteeAdvance,
    Invoice,
    MemberTurnover,
    Partner,
    Payment,
    Refund,
    ServiceLine,
)
from smartiberica.kernel.money import DEFAULT_VAT_RATE

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"

# Sequences shared by the whole run, so that names and references never collide.
_client_numbers = count()
_contract_numbers = count()


def valid_dni(n: int) -> str:
    """A valid Spanish DNI-type NIF built from a number: 00000001R, 00000002W, …"""
    return f"{n:08d}{DNI_LETTERS[n % 23]}"


def service(code: str = "it-licensing") -> ServiceLine:
    """One of the service lines seeded by the data migration."""
    return ServiceLine.objects.get(code=code)


def line(
    amount: str = "100.00", vat: str | None = "21.00", quantity: str = "1", text: str = "Service"
) -> LineInput:
    """A line of €100 at 21 % VAT; `vat=None` leaves the rate to the client's VAT regime."""
    return LineInput(
        description=text,
        quantity=Decimal(quantity),
        unit_price=Decimal(amount),
        vat_rate=None if vat is None else Decimal(vat),
    )


def make_client(
    *,
    name: str | None = None,
    tax_id: str | None = None,
    is_foreign: bool = False,
    payment_terms_days: int = 30,
    vat_regime: str = VatRegime.DOMESTIC,
) -> Client:
    """A domestic client paying at 30 days ("Client 001", a valid DNI); the existing one when its
    tax id is known already."""
    n = next(_client_numbers)
    client, _created = actions.client_get_or_create(
        name=name if name is not None else f"Client {n:03d}",
        tax_id=tax_id if tax_id is not None else valid_dni(1000 + n),
        is_foreign=is_foreign,
        payment_terms_days=payment_terms_days,
        vat_regime=vat_regime,
    )
    return client


def make_partner(*, name: str = "Nanoma") -> Partner:
    partner, _created = actions.partner_get_or_create(name=name)
    return partner


def make_contract(
    *,
    client: Client | None = None,
    service_line: ServiceLine | None = None,
    reference: str | None = None,
    start_date: date = date(2024, 1, 1),
    end_date: date | None = None,
    kind: str = ContractKind.RECURRING,
    billing_period: str = BillingPeriod.MONTHLY,
    quantity: Decimal = Decimal("40"),
    unit_price: Decimal | None = Decimal("12.00"),
    fixed_amount: Decimal | None = None,
    vat_rate: Decimal = DEFAULT_VAT_RATE,
    status: str = ContractStatus.ACTIVE,
    partner: Partner | None = None,
    partner_share: Decimal | None = None,
    description: str = "",
) -> Contract:
    """A recurring monthly contract: 40 Teams licences × €12 from 1 Jan 2024."""
    n = next(_contract_numbers)
    return actions.contract_create(
        client=client or make_client(),
        service_line=service_line or service("it-licensing"),
        reference=reference if reference is not None else f"C-{n:04d}",
        start_date=start_date,
        end_date=end_date,
        kind=kind,
        billing_period=billing_period,
        quantity=quantity,
        unit_price=unit_price,
        fixed_amount=fixed_amount,
        vat_rate=vat_rate,
        status=status,
        partner=partner,
        partner_share=partner_share,
        description=description,
    )


def make_invoice(
    *,
    client: Client | None = None,
    service_line: ServiceLine | None = None,
    issue_date: date = date(2024, 3, 1),
    lines: Sequence[LineLike] | None = None,
    status: str = InvoiceStatus.ISSUED,
    number: str | None = None,
    series: str | None = None,
    due_date: date | None = None,
    contract: Contract | None = None,
) -> Invoice:
    """An issued invoice of one €100 line at 21 % VAT, dated 1 March 2024."""
    return actions.invoice_create(
        client=client or make_client(),
        service_line=service_line or service("it-licensing"),
        issue_date=issue_date,
        lines=lines if lines is not None else [line()],
        status=status,
        number=number,
        series=series,
        due_date=due_date,
        contract=contract,
    )


def make_payment(
    *,
    invoice: Invoice,
    date: date = date(2024, 3, 15),
    amount: Decimal = Decimal("121.00"),
    method: str = PaymentMethod.TRANSFER,
) -> Payment:
    return actions.payment_record(invoice=invoice, date=date, amount=amount, method=method)


def make_refund(
    *,
    invoice: Invoice,
    date: date = date(2024, 4, 15),
    amount: Decimal = Decimal("21.00"),
    reference: str = "",
) -> Refund:
    return actions.refund_record(invoice=invoice, date=date, amount=amount, reference=reference)


def make_member_turnover(
    *,
    month: date = date(2024, 1, 1),
    turnover: Decimal = Decimal("10000.00"),
    active_members: int | None = 120,
    structure_rate: Decimal | None = Decimal("5.50"),
    fund_rate: Decimal | None = Decimal("2.00"),
) -> MemberTurnover:
    """A month with its own historical rates (5.50 + 2.00), so no rule is needed."""
    return actions.member_turnover_record(
        month=month,
        turnover=turnover,
        active_members=active_members,
        structure_rate=structure_rate,
        fund_rate=fund_rate,
    )


def make_advance(
    *,
    invoice: Invoice | None = None,
    amount: Decimal = Decimal("100.00"),
    date: date = date(2024, 4, 15),
    recovered_on: date | None = None,
    member_reference: str = "S-0107 Lucía Romero",
) -> GuaranteeAdvance:
    """The guarantee fund advances €100 on 15 April 2024 on an unpaid invoice (by default a new one
    of €121 issued on 1 March 2024), not recovered."""
    return actions.guarantee_advance_create(
        member_reference=member_reference,
        invoice=invoice or make_invoice(),
        amount=amount,
        date=date,
        recovered_on=recovered_on,
    )
