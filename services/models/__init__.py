"""Revenue services: service lines, clients, contracts, invoices, payments, member margin.

Fields, database constraints (the last line of defence behind `validation.py`) and
QuerySet vocabulary only, one module per concept; writes go through `services.actions`.
Every model is importable from here (`from services.models import Invoice`), as Django
and the migrations expect.
"""

from .catalog import Partner, RevenueTarget, ServiceLine
from .clients import Client
from .contracts import Contract, ContractQuerySet
from .expectations import ContractExpectation
from .guarantee import GuaranteeAdvance, GuaranteeAdvanceQuerySet
from .invoices import Invoice, InvoiceLine, InvoiceNumberCounter, InvoiceQuerySet
from .margins import MarginBand, MarginRule, MarginRuleQuerySet, MemberTurnover
from .payments import Payment, PaymentQuerySet, Refund, RefundQuerySet
from .receivables import (
    AgeingSnapshot,
    InvoiceSettlement,
    PaymentDaysYear,
    ReceivableCell,
    ReceivableClient,
    ReceivableDate,
)
from .rollups import (
    RevenueClientYear,
    RevenueContractMonth,
    RevenueLineMonth,
    RevenueMonth,
    RevenueMonthLock,
)

__all__ = [
    "AgeingSnapshot",
    "Client",
    "Contract",
    "ContractExpectation",
    "ContractQuerySet",
    "GuaranteeAdvance",
    "GuaranteeAdvanceQuerySet",
    "Invoice",
    "InvoiceLine",
    "InvoiceNumberCounter",
    "InvoiceQuerySet",
    "InvoiceSettlement",
    "MarginBand",
    "MarginRule",
    "MarginRuleQuerySet",
    "MemberTurnover",
    "Partner",
    "Payment",
    "PaymentDaysYear",
    "PaymentQuerySet",
    "ReceivableCell",
    "ReceivableClient",
    "ReceivableDate",
    "Refund",
    "RefundQuerySet",
    "RevenueClientYear",
    "RevenueContractMonth",
    "RevenueLineMonth",
    "RevenueMonth",
    "RevenueMonthLock",
    "RevenueTarget",
    "ServiceLine",
]
