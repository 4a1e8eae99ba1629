"""Save and delete one services record as a whole: what the admin's change forms call.

Each function takes a record built by a form (new or changed, not yet saved) and, for records
entered with their rows (an invoice's lines, a rule's bands, a service line's targets), the new
and changed rows and the removed ones. It validates and writes everything inside one
transaction and re-checks the rules that span rows once they are all written. The keyword
builders of `actions` (`invoice_create`, `margin_rule_create`…) are for code (imports, the
demo); these are for a record edited as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef

from smartiberica.kernel.records import delete_unless_protected, save_children, save_validated

from . import validation as v
from .actions import apply_totals, contract_expectation_refresh, lock_invoice
from .choices import InvoiceStatus
from .models import (
    Client,
    Contract,
    Invoice,
    InvoiceLine,
    MarginBand,
    MarginRule,
    MemberTurnover,
    Partner,
    RevenueTarget,
    ServiceLine,
)

# Fields of an issued invoice that may still change: everything else is on the issued document.
ISSUED_EDITABLE_FIELDS = {"notes"}


@transaction.atomic
def service_line_save(
    *,
    service_line: ServiceLine,
    targets: Sequence[RevenueTarget] = (),
    removed: Sequence[RevenueTarget] = (),
) -> ServiceLine:
    save_validated(service_line)
    save_children(targets, deleted=removed)
    return service_line


@transaction.atomic
def service_line_delete(*, service_line: ServiceLine) -> None:
    delete_unless_protected(service_line)


@transaction.atomic
def revenue_target_save(*, target: RevenueTarget) -> RevenueTarget:
    return save_validated(target)


@transaction.atomic
def revenue_target_delete(*, target: RevenueTarget) -> None:
    delete_unless_protected(target)


@transaction.atomic
def client_save(*, client: Client) -> Client:
    return save_validated(client)


@transaction.atomic
def client_delete(*, client: Client) -> None:
    delete_unless_protected(client)


@transaction.atomic
def partner_save(*, partner: Partner) -> Partner:
    return save_validated(partner)


@transaction.atomic
def partner_delete(*, partner: Partner) -> None:
    delete_unless_protected(partner)


@transaction.atomic
def contract_save(*, contract: Contract) -> Contract:
    save_validated(contract)
    contract_expectation_refresh(contract=contract)
    return contract


@transaction.atomic
def contract_delete(*, contract: Contract) -> None:
    delete_unless_protected(contract)


# --- Invoices ----------------------------------------------------------------------------------


@transaction.atomic
def invoice_save(
    *, invoice: Invoice, lines: Sequence[InvoiceLine] = (), removed: Sequence[InvoiceLine] = ()
) -> Invoice:
    """A draft with its new, changed and removed lines; totals computed from all its lines.

    A draft has no number of the app's series (it gets one when issued). Of an issued or
    cancelled invoice only the notes may change. A credit note locks the invoice it corrects,
    so that two credit notes cannot together credit more than it.
    """
    if invoice.pk is not None:
        stored = lock_invoice(invoice)
        if stored.status != InvoiceStatus.DRAFT:
            changed = {
                f.attname
                for f in Invoice._meta.concrete_fields
                if getattr(stored, f.attname) != getattr(invoice, f.attname)
            }
            if changed - ISSUED_EDITABLE_FIELDS or lines or removed:
                v.validate_is_draft(stored.status)
            return save_validated(invoice)  # the notes only: no rollup counts them
    # A draft counts in no rollup (it has no payments); it does once issued (`invoice_issue`).
    invoice.status = InvoiceStatus.DRAFT
    v.validate_typed_number(series=invoice.series, number=invoice.number)
    if invoice.corrects_id is not None:
        lock_invoice(Invoice(pk=invoice.corrects_id))
    save_validated(invoice)
    save_children(lines, deleted=removed)
    apply_totals(invoice, list(InvoiceLine.objects.filter(invoice=invoice).order_by("pk")))
    return save_validated(invoice)


@transaction.atomic
def invoice_delete_draft(*, invoice: Invoice) -> None:
    """Only drafts may disappear: an issued number stays in its series (cancel it instead)."""
    v.validate_is_draft(lock_invoice(invoice).status)
    InvoiceLine.objects.filter(invoice=invoice).delete()
    delete_unless_protected(invoice)


# --- Member turnover and margin rules ----------------------------------------------------------


@transaction.atomic
def member_turnover_save(*, row: MemberTurnover) -> MemberTurnover:
    return save_validated(row)


@transaction.atomic
def member_turnover_delete(*, row: MemberTurnover) -> None:
    delete_unless_protected(row)


def _validate_months_keep_a_rule() -> None:
    """Every recorded month without rates of its own must still find exactly one rule in force."""
    in_force = MarginRule.objects.filter(valid_from__lte=OuterRef("month")).exclude(
        valid_to__lt=OuterRef("month")
    )
    orphans = list(
        MemberTurnover.objects.filter(structure_rate__isnull=True)
        .exclude(Exists(in_force))
        .order_by("month")
        .values_list("month", flat=True)[:6]
    )
    v.validate_months_keep_a_rule(orphans)


@transaction.atomic
def margin_rule_save(
    *, rule: MarginRule, bands: Sequence[MarginBand] = (), removed: Sequence[MarginBand] = ()
) -> MarginRule:
    """A rule with its new, changed and removed bands.

    A new rule that starts while an open-ended rule is in force takes over from it: that rule
    ends the day before. Refused when it would leave a recorded month without a rule (ended,
    or moved, before months that take it), and when its bands do not fit its kind.
    """
    if rule.pk is None and rule.valid_from is not None:
        for previous in MarginRule.objects.select_for_update().filter(
            valid_to__isnull=True, valid_from__lt=rule.valid_from
        ):
            previous.valid_to = rule.valid_from - timedelta(days=1)
            save_validated(previous)
    save_validated(rule)
    save_children(bands, deleted=removed)
    v.validate_bands(
        kind=rule.kind,
        lower_bounds=list(MarginBand.objects.filter(rule=rule).values_list("lower_bound", flat=True)),
    )
    _validate_months_keep_a_rule()
    return rule


@transaction.atomic
def margin_rule_delete(*, rule: MarginRule) -> None:
    """Delete a rule no recorded month depends on."""
    MarginBand.objects.filter(rule=rule).delete()
    rule.delete()
    _validate_months_keep_a_rule()  # raising rolls the deletion back
