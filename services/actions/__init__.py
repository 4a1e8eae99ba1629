"""Writes of the services app: typed, keyword-only, validated, atomic.

Every function validates with the rules of `validation.py` (through `full_clean()`)
and saves inside `transaction.atomic`, so the admin, the demo loader and the
importers all go through the same checks. Invoice totals and a payment's net part
are computed here and never typed by hand. One module per concept; every action is
importable from here (`from services import actions; actions.invoice_issue(...)`).
"""

from ..choices import VatRegime  # what `client_get_or_create(vat_regime=…)` takes
from .clients import client_get_or_create, partner_get_or_create
from .contract_expectations import contract_expectation_refresh, contract_expectations_rebuild
from .contracts import (
    contract_create,
    contract_draft_invoices,
    contracts_draft_due_invoices,
    revenue_target_set,
)
from .guarantee import (
    guarantee_advance_create,
    guarantee_advance_delete,
    guarantee_advance_recover,
    guarantee_advance_save,
    guarantee_advance_update,
)
from .invoice_batches import PreparedInvoice, invoice_prepare, invoices_save_batch
from .invoices import (
    LineInput,
    LineLike,
    apply_totals,
    credit_note_create,
    invoice_cancel,
    invoice_complete_draft,
    invoice_create,
    invoice_issue,
    invoice_recompute_totals,
    invoice_set_lines,
    lock_invoice,
)
from .margins import margin_rule_create, member_turnover_record
from .numbering import format_number
from .payments import (
    invoice_record_full_payment,
    payment_delete,
    payment_record,
    payment_save,
    refund_delete,
    refund_record,
    refund_save,
)
from .receivable_rollups import receivables_freeze
from .rollups import (
    Touched,
    services_rollups_batch,
    services_rollups_deferred,
    services_rollups_rebuild,
    services_rollups_refresh,
)
from .wipe import records_wipe

__all__ = [
    "LineInput",
    "LineLike",
    "PreparedInvoice",
    "Touched",
    "VatRegime",
    "apply_totals",
    "client_get_or_create",
    "contract_create",
    "contract_draft_invoices",
    "contract_expectation_refresh",
    "contract_expectations_rebuild",
    "contracts_draft_due_invoices",
    "credit_note_create",
    "format_number",
    "guarantee_advance_create",
    "guarantee_advance_delete",
    "guarantee_advance_recover",
    "guarantee_advance_save",
    "guarantee_advance_update",
    "invoice_cancel",
    "invoice_complete_draft",
    "invoice_create",
    "invoice_issue",
    "invoice_prepare",
    "invoice_recompute_totals",
    "invoice_record_full_payment",
    "invoice_set_lines",
    "invoices_save_batch",
    "lock_invoice",
    "margin_rule_create",
    "member_turnover_record",
    "partner_get_or_create",
    "payment_delete",
    "payment_record",
    "payment_save",
    "receivables_freeze",
    "records_wipe",
    "refund_delete",
    "refund_record",
    "refund_save",
    "revenue_target_set",
    "services_rollups_batch",
    "services_rollups_deferred",
    "services_rollups_rebuild",
    "services_rollups_refresh",
]
