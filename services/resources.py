"""Exports of services records from the admin, with exactly the columns the imports read.

An exported file re-imports as it is, unchanged (public contract 2). Importing through these
resources runs `services.importers` (see `smartiberica.kernel.import_admin.RecordsResource`).
Draft invoices are not exported: the import takes issued or cancelled invoices only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from import_export.fields import Field

from smartiberica.kernel.import_admin import RecordsResource

from .choices import InvoiceStatus
from .importers import (
    InvoiceImporter,
    MemberTurnoverImporter,
    PaymentImporter,
    RefundImporter,
    single_vat_rate,
)
from .models import Invoice, MemberTurnover, Payment, Refund

INVOICE_COLUMNS = (
    "number",
    "issue_date",
    "client",
    "client_tax_id",
    "service",
    "net_amount",
    "vat_rate",
    "status",
    "due_date",
    "contract",
    "corrects",
)


def _blank(value: Any) -> Any:
    return "" if value is None else value


class InvoiceResource(RecordsResource):
    importer_class = InvoiceImporter

    number = Field(column_name="number")
    issue_date = Field(column_name="issue_date")
    client = Field(column_name="client")
    client_tax_id = Field(column_name="client_tax_id")
    service = Field(column_name="service")
    net_amount = Field(column_name="net_amount")
    vat_rate = Field(column_name="vat_rate")
    status = Field(column_name="status")
    due_date = Field(column_name="due_date")
    contract = Field(column_name="contract")
    corrects = Field(column_name="corrects")

    class Meta:
        model = Invoice
        fields = INVOICE_COLUMNS
        export_order = INVOICE_COLUMNS

    def filter_export(self, queryset: QuerySet[Any], **kwargs: Any) -> QuerySet[Any]:
        # Originals before their credit notes, so that the file re-imports in one pass.
        return (
            queryset.exclude(status=InvoiceStatus.DRAFT)
            .select_related("client", "service_line", "contract", "corrects")
            .prefetch_related("lines")
            .order_by("corrects_id", "issue_date", "number")
        )

    def dehydrate_number(self, obj: Invoice) -> str:
        return obj.number or ""

    def dehydrate_issue_date(self, obj: Invoice) -> Any:
        return obj.issue_date

    def dehydrate_client(self, obj: Invoice) -> str:
        return obj.client.name

    def dehydrate_client_tax_id(self, obj: Invoice) -> str:
        return obj.client.tax_id

    def dehydrate_service(self, obj: Invoice) -> str:
        return obj.service_line.code

    def dehydrate_net_amount(self, obj: Invoice) -> Any:
        return obj.net_amount

    def dehydrate_vat_rate(self, obj: Invoice) -> Any:
        # An invoice with lines at several rates has no single rate: the cell stays empty (and
        # the import refuses the row rather than guess).
        return _blank(single_vat_rate(obj))

    def dehydrate_status(self, obj: Invoice) -> str:
        return obj.status

    def dehydrate_due_date(self, obj: Invoice) -> Any:
        return _blank(obj.due_date)

    def dehydrate_contract(self, obj: Invoice) -> str:
        return obj.contract.reference if obj.contract is not None else ""

    def dehydrate_corrects(self, obj: Invoice) -> str:
        return (obj.corrects.number or "") if obj.corrects is not None else ""


class PaymentResource(RecordsResource):
    importer_class = PaymentImporter

    invoice = Field(column_name="invoice")
    date = Field(column_name="date")
    amount = Field(column_name="amount")

    class Meta:
        model = Payment
        fields = ("invoice", "date", "amount")
        export_order = ("invoice", "date", "amount")

    def filter_export(self, queryset: QuerySet[Any], **kwargs: Any) -> QuerySet[Any]:
        return queryset.select_related("invoice").order_by("date", "pk")

    def dehydrate_invoice(self, obj: Payment) -> str:
        return obj.invoice.number or ""

    def dehydrate_date(self, obj: Payment) -> Any:
        return obj.date

    def dehydrate_amount(self, obj: Payment) -> Any:
        return obj.amount


class RefundResource(RecordsResource):
    importer_class = RefundImporter

    invoice = Field(column_name="invoice")
    date = Field(column_name="date")
    amount = Field(column_name="amount")
    reference = Field(column_name="reference")

    class Meta:
        model = Refund
        fields = ("invoice", "date", "amount", "reference")
        export_order = ("invoice", "date", "amount", "reference")

    def filter_export(self, queryset: QuerySet[Any], **kwargs: Any) -> QuerySet[Any]:
        return queryset.select_related("invoice").order_by("date", "pk")

    def dehydrate_invoice(self, obj: Refund) -> str:
        return obj.invoice.number or ""

    def dehydrate_date(self, obj: Refund) -> Any:
        return obj.date

    def dehydrate_amount(self, obj: Refund) -> Any:
        return obj.amount

    def dehydrate_reference(self, obj: Refund) -> str:
        return obj.reference


class MemberTurnoverResource(RecordsResource):
    importer_class = MemberTurnoverImporter

    month = Field(column_name="month")
    turnover = Field(column_name="turnover")
    structure_rate = Field(column_name="structure_rate")
    fund_rate = Field(column_name="fund_rate")
    active_members = Field(column_name="active_members")

    class Meta:
        model = MemberTurnover
        fields = ("month", "turnover", "structure_rate", "fund_rate", "active_members")
        export_order = ("month", "turnover", "structure_rate", "fund_rate", "active_members")

    def filter_export(self, queryset: QuerySet[Any], **kwargs: Any) -> QuerySet[Any]:
        return queryset.order_by("month")

    def dehydrate_month(self, obj: MemberTurnover) -> str:
        return obj.month.strftime("%Y-%m")

    def dehydrate_turnover(self, obj: MemberTurnover) -> Any:
        return obj.turnover

    def dehydrate_structure_rate(self, obj: MemberTurnover) -> Any:
        return _blank(obj.structure_rate)

    def dehydrate_fund_rate(self, obj: MemberTurnover) -> Any:
        return _blank(obj.fund_rate)

    def dehydrate_active_members(self, obj: MemberTurnover) -> Any:
        return _blank(obj.active_members)
