"""Migration 0020: the contracts recorded before it get their expectations, as the actions write them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.db.migrations.state import StateApps

from services.models import ContractExpectation
from tests.migrating import migrated_to, migrated_to_latest

BEFORE = [("services", "0019_receivables_by_client_and_due_date")]
AFTER = [("services", "0020_contract_expectation")]
D = Decimal


@pytest.fixture
def before_expectations(transactional_db: None) -> Iterator[StateApps]:
    yield migrated_to(BEFORE)
    migrated_to_latest()


def test_the_counted_contracts_get_their_three_amounts_and_the_others_none(
    before_expectations: StateApps,
) -> None:
    apps = before_expectations
    client = apps.get_model("services", "Client").objects.create(name="Acme", tax_id="B00000000")
    # Its own line: a transactional test before this one may have flushed the seeded ones.
    line = apps.get_model("services", "ServiceLine").objects.create(
        code="expectations", name_es="Previsiones", name_fr="Prévisions", name_en="Expectations"
    )
    contracts = apps.get_model("services", "Contract").objects
    terms = {"client": client, "service_line": line, "vat_rate": D("21.00")}
    monthly = contracts.create(
        **terms,
        reference="M",
        start_date=date(2024, 4, 15),
        kind="recurring",
        billing_period="monthly",
        quantity=D("2"),
        unit_price=D("10.00"),
        status="active",
    )
    fee = contracts.create(
        **terms,
        reference="F",
        start_date=date(2025, 6, 1),
        kind="fixed_fee",
        fixed_amount=D("900.00"),
        status="ended",
    )
    contracts.create(
        **terms,
        reference="D",
        start_date=date(2025, 6, 1),
        kind="fixed_fee",
        fixed_amount=D("5.00"),
        status="draft",
    )

    migrated_to(AFTER)
    rows = {
        row.contract_id: (row.first_year, row.last_year, row.first_amount, row.middle_amount, row.last_amount)
        for row in ContractExpectation.objects.all()
    }
    assert rows == {
        monthly.pk: (2024, None, D("180.00"), D("240.00"), D("0.00")),
        fee.pk: (2025, None, D("900.00"), D("0.00"), D("0.00")),
    }
