"""The contracts' kept expectations (`ContractExpectation`), written with the contract they sum.

A contract's row depends on that contract alone, so the action that saves the contract rewrites
its row in the same transaction (under the contract's own row lock: two writers of one contract
wait for each other, and writers of different contracts share nothing). A bulk load that bypasses
the actions (the data generator) rebuilds them all.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction

from ..calculations import CONTRACT_TERM_FIELDS, ContractTerms, expectation_shape
from ..choices import COUNTED_CONTRACT_STATUSES
from ..models import Contract, ContractExpectation

BATCH = 5000


def _expectation(contract_id: int, terms: ContractTerms) -> ContractExpectation | None:
    """The row of a counted contract, or None when nothing is expected of it in any year."""
    shape = expectation_shape(terms)
    if not (shape.first or shape.middle or shape.last):
        return None
    return ContractExpectation(
        contract_id=contract_id,
        first_year=shape.first_year,
        last_year=shape.last_year,
        first_amount=shape.first,
        middle_amount=shape.middle,
        last_amount=shape.last,
    )


@transaction.atomic
def contract_expectation_refresh(*, contract: Contract) -> None:
    """Rewrite the row of a contract just saved (none when it does not count, or expects nothing)."""
    ContractExpectation.objects.filter(contract_id=contract.pk).delete()
    if contract.status not in COUNTED_CONTRACT_STATUSES:
        return
    terms = ContractTerms(*(getattr(contract, name) for name in CONTRACT_TERM_FIELDS))
    row = _expectation(contract.pk, terms)
    if row is not None:
        row.save(force_insert=True)


def _every_row() -> Iterator[ContractExpectation]:
    counted = Contract.objects.filter(status__in=COUNTED_CONTRACT_STATUSES).order_by("pk")
    for pk, *values in counted.values_list("pk", *CONTRACT_TERM_FIELDS).iterator(chunk_size=BATCH):
        row = _expectation(pk, ContractTerms(*values))
        if row is not None:
            yield row


@transaction.atomic
def contract_expectations_rebuild() -> None:
    """Every row again from the contracts (after a bulk load or a restore)."""
    ContractExpectation.objects.all().delete()
    batch: list[ContractExpectation] = []
    for row in _every_row():
        batch.append(row)
        if len(batch) == BATCH:
            ContractExpectation.objects.bulk_create(batch)
            batch = []
    ContractExpectation.objects.bulk_create(batch)
