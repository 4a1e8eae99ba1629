"""Exports of funding records from the admin, with exactly the columns the imports read.

An exported file re-imports as it is, unchanged (public contract 2). Importing through these
resources runs `funding.importers` (see `smartiberica.kernel.import_admin.RecordsResource`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from import_export.fields import Field

from funding.importers import ExpenseImporter, FundingReceiptImporter, FundingSourceImporter
from funding.models import Expense, FundingReceipt, FundingSource
from smartiberica.kernel.import_admin import RecordsResource


class FundingSourceResource(RecordsResource):
    importer_class = FundingSourceImporter

    code = Field(column_name="code", attribute="code")
    name = Field(column_name="name", attribute="name")
    kind = Field(column_name="kind", attribute="kind")

    class Meta:
        model = FundingSource
        fields = ("code", "name", "kind")
        export_order = ("code", "name", "kind")

    def filter_export(self, queryset: QuerySet[Any], **kwargs: Any) -> QuerySet[Any]:
        return queryset.order_by("code")


class FundingReceiptResource(RecordsResource):
    importer_class = FundingReceiptImporter

    date = Field(column_name="date")
    source = Field(column_name="source")
    amount = Field(column_name="amount")
    reference = Field(column_name="reference")
    description = Field(column_name="description")

    class Meta:
        model = FundingReceipt
        fields = ("date", "source", "amount", "reference", "description")
        export_order = ("date", "source", "amount", "reference", "description")

    def filter_export(self, queryset: QuerySet[Any], **kwargs: Any) -> QuerySet[Any]:
        return queryset.select_related("source").order_by("date", "pk")

    def dehydrate_date(self, obj: FundingReceipt) -> Any:
        return obj.date

    def dehydrate_source(self, obj: FundingReceipt) -> str:
        return obj.source.code

    def dehydrate_amount(self, obj: FundingReceipt) -> Any:
        return obj.amount

    def dehydrate_reference(self, obj: FundingReceipt) -> str:
        return obj.reference

    def dehydrate_description(self, obj: FundingReceipt) -> str:
        return obj.description


class ExpenseResource(RecordsResource):
    importer_class = ExpenseImporter

    date = Field(column_name="date")
    category = Field(column_name="category")
    supplier = Field(column_name="supplier")
    amount = Field(column_name="amount")
    reference = Field(column_name="reference")
    description = Field(column_name="description")
    service = Field(column_name="service")

    class Meta:
        model = Expense
        fields = ("date", "category", "supplier", "amount", "reference", "description", "service")
        export_order = ("date", "category", "supplier", "amount", "reference", "description", "service")

    def filter_export(self, queryset: QuerySet[Any], **kwargs: Any) -> QuerySet[Any]:
        return queryset.select_related("category", "service_line").order_by("date", "pk")

    def dehydrate_date(self, obj: Expense) -> Any:
        return obj.date

    def dehydrate_category(self, obj: Expense) -> str:
        return obj.category.code

    def dehydrate_supplier(self, obj: Expense) -> str:
        return obj.supplier

    def dehydrate_amount(self, obj: Expense) -> Any:
        return obj.amount

    def dehydrate_reference(self, obj: Expense) -> str:
        return obj.reference

    def dehydrate_description(self, obj: Expense) -> str:
        return obj.description

    def dehydrate_service(self, obj: Expense) -> str:
        # The service line's code (the import's `service` column), empty for none.
        return str(obj.service_line.code) if obj.service_line is not None else ""
