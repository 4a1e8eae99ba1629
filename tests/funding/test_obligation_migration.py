"""Migrations 0008 and 0009: the obligations recorded before issue 21 get their agreement's source."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.db.migrations.state import StateApps
from django.utils import timezone

from tests.migrating import migrated_to, migrated_to_latest

BEFORE = [("funding", "0007_fill_rollups")]
AFTER = [("funding", "0009_obligation_source_required")]


@pytest.fixture
def before_issue_21(transactional_db: None) -> Iterator[StateApps]:
    yield migrated_to(BEFORE)
    migrated_to_latest()


def test_the_existing_obligations_and_their_history_get_the_agreement_source(
    before_issue_21: StateApps,
) -> None:
    apps = before_issue_21
    source = apps.get_model("funding", "FundingSource").objects.create(
        code="junta", name="Junta de Andalucía", kind="grant"
    )
    agreement = apps.get_model("funding", "SupportAgreement").objects.create(
        source=source,
        title="Subvención 2020",
        committed_amount=Decimal("1000.00"),
        period_start=date(2020, 1, 1),
        period_end=date(2020, 12, 31),
    )
    obligation = apps.get_model("funding", "Obligation").objects.create(
        agreement=agreement, description="Justificación", due_date=date(2021, 3, 31), status="pending"
    )
    apps.get_model("funding", "HistoricalObligation").objects.create(
        id=obligation.pk,
        agreement_id=agreement.pk,
        description="Justificación",
        due_date=date(2021, 3, 31),
        status="pending",
        history_date=timezone.now(),
        history_type="+",
    )

    apps = migrated_to(AFTER)
    migrated = apps.get_model("funding", "Obligation").objects.get(pk=obligation.pk)
    assert (migrated.source_id, migrated.agreement_id) == (source.pk, agreement.pk)
    assert (migrated.kind, migrated.document_reference) == ("report", "")
    history = apps.get_model("funding", "HistoricalObligation").objects.get(id=obligation.pk)
    assert history.source_id == source.pk
