"""The reconciliation pages' forms (issue 20): read what staff posted, the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banking.selectors import MatchKind
from funding.selectors import categories_by_code, sources_for_choice
from smartiberica.board.reconciliation import INVOICE
from smartiberica.board.reconciliation_actions import (
    ERR_CATEGORY_NOT_FOUND,
    ERR_SOURCE_NOT_FOUND,
    NewExpense,
    NewPayment,
    NewReceipt,
    NewRecord,
)

PAYMENT, RECEIPT, EXPENSE = "payment", "receipt", "expense"

ERR_INVOICE_NUMBER_MISSING = _("Type the number of the invoice this money pays.")


class ReconcileForm(forms.Form):
    """A suggestion confirmed: the record's kind and id."""

    kind = forms.ChoiceField(choices=[(kind, kind) for kind in (*MatchKind.values, INVOICE)])
    record_id = forms.IntegerField(min_value=1)


class CreateRecordForm(forms.Form):
    """The record a line is, created in one step: a payment of an invoice, a funding receipt or
    an expense (the line gives its date and amount)."""

    what = forms.ChoiceField(
        choices=[
            (PAYMENT, _("payment of an invoice")),
            (RECEIPT, _("funding receipt")),
            (EXPENSE, _("expense")),
        ]
    )
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=32, required=False)
    source = forms.TypedChoiceField(label=_("Funding source"), coerce=int, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    supplier = forms.CharField(label=_("Supplier"), max_length=200, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False)

    def __init__(self, *args: Any, choices: RecordChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source_field = self.fields["source"]
        category_field = self.fields["category"]
        assert isinstance(source_field, forms.TypedChoiceField)
        assert isinstance(category_field, forms.ChoiceField)
        source_field.choices = [("", "—"), *choices.sources]
        category_field.choices = [("", "—"), *choices.categories]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        what = data.get("what")
        if what == PAYMENT and not data.get("invoice_number", "").strip():
            self.add_error("invoice_number", ERR_INVOICE_NUMBER_MISSING)
        if what == RECEIPT and not data.get("source"):
            self.add_error("source", ERR_SOURCE_NOT_FOUND)
        if what == EXPENSE and not data.get("category"):
            self.add_error("category", ERR_CATEGORY_NOT_FOUND)
        return data

    def new_record(self) -> NewRecord:
        data = self.cleaned_data
        if data["what"] == PAYMENT:
            return NewPayment(invoice_number=data["invoice_number"])
        if data["what"] == RECEIPT:
            return NewReceipt(source_id=data["source"], reference=data["reference"])
        return NewExpense(
            category_code=data["category"], supplier=data["supplier"], reference=data["reference"]
        )


class RecordChoices:
    """What the create forms offer: funding sources (id, name) and expense categories (code, name).
    Two queries, once per page."""

    def __init__(self) -> None:
        self.sources = [(source.id, source.name) for source in sources_for_choice()]
        self.categories = [(code, category.name) for code, category in categories_by_code().items()]
