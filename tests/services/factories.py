"""Deterministic factories for the services app (no randomness: sequences only).

Invoices, payments, refunds and member turnover are written through `services.actions`, as
the admin and the importers do, so their computed fields are always right.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from services import actions
from services.actions import LineInput
from services.choices import BillingPeriod, ContractKind, ContractStatus, InvoiceStatus, PaymentMethod
from services.models import (
    Client,
    Contract,
    Invoice,
    MemberTurnover,
    Partner,
    Payment,
    Refund,
    ServiceLine,
)

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def valid_dni(n: int) -> str:
    """A valid Spanish DNI-type NIF built from a number: 00000001R, 00000002W, …"""
    return f"{n:08d}{DNI_LETTERS[n % 23]}"


def service(code: str = "it-licensing") -> ServiceLine:
    """One of the service lines seeded by the data migration."""
    return ServiceLine.objects.get(code=code)


def line(amount: str = "100.00", vat: str = "21.00", quantity: str = "1", text: str = "Service") -> LineInput:
    return LineInput(
        description=text, quantity=Decimal(quantity), unit_price=Decimal(amount), vat_rate=Decimal(vat)
    )


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        django_get_or_create = ("tax_id",)

    name = factory.Sequence(lambda n: f"Client {n:03d}")
    tax_id = factory.Sequence(lambda n: valid_dni(1000 + n))
    is_foreign = False


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("name",)

    name = "Nanoma"


class ContractFactory(factory.django.DjangoModelFactory):
    """A recurring monthly contract: 40 Teams licences × €12 from 1 Jan 2024."""

    class Meta:
        model = Contract

    client = factory.SubFactory(ClientFactory)
    service_line = factory.LazyFunction(lambda: service("it-licensing"))
    reference = factory.Sequence(lambda n: f"C-{n:04d}")
    start_date = date(2024, 1, 1)
    end_date = None
    kind = ContractKind.RECURRING
    billing_period = BillingPeriod.MONTHLY
    quantity = Decimal("40")
    unit_price = Decimal("12.00")
    status = ContractStatus.ACTIVE

    @classmethod
    def _create(cls, model_class: type[Contract], *args: Any, **kwargs: Any) -> Contract:
        return actions.contract_create(**kwargs)


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An issued invoice of one €100 line at 21 % VAT, dated 1 March 2024."""

    class Meta:
        model = Invoice

    client = factory.SubFactory(ClientFactory)
    service_line = factory.LazyFunction(lambda: service("it-licensing"))
    issue_date = date(2024, 3, 1)
    lines = factory.LazyFunction(lambda: [line()])
    status = InvoiceStatus.ISSUED

    @classmethod
    def _create(cls, model_class: type[Invoice], *args: Any, **kwargs: Any) -> Invoice:
        return actions.invoice_create(**kwargs)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    invoice = factory.SubFactory(InvoiceFactory)
    date = date(2024, 3, 15)
    amount = Decimal("121.00")
    method = PaymentMethod.TRANSFER

    @classmethod
    def _create(cls, model_class: type[Payment], *args: Any, **kwargs: Any) -> Payment:
        return actions.payment_record(**kwargs)


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    invoice = factory.SubFactory(InvoiceFactory)
    date = date(2024, 4, 15)
    amount = Decimal("21.00")
    reference = ""

    @classmethod
    def _create(cls, model_class: type[Refund], *args: Any, **kwargs: Any) -> Refund:
        return actions.refund_record(**kwargs)


class MemberTurnoverFactory(factory.django.DjangoModelFactory):
    """A month with its own historical rates (5.50 + 2.00), so no rule is needed."""

    class Meta:
        model = MemberTurnover

    month = date(2024, 1, 1)
    turnover = Decimal("10000.00")
    active_members = 120
    structure_rate = Decimal("5.50")
    fund_rate = Decimal("2.00")

    @classmethod
    def _create(cls, model_class: type[MemberTurnover], *args: Any, **kwargs: Any) -> MemberTurnover:
        return actions.member_turnover_record(**kwargs)
