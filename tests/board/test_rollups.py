"""`check_rollups` and `rebuild_rollups`: the figures from the rollups are the figures from the records."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from funding.models import ExpenseMonth
from services.models import InvoiceSettlement, RevenueContractMonth, RevenueLineMonth
from smartiberica.board.figures import compute_yearly_figures_many
from tests.board.story import build
from tests.services.factories import make_contract, make_invoice

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        with translation.override("en"):
            call_command(*args, stdout=out)
    except CommandError as error:
        return 1, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_the_rollups_the_actions_keep_give_the_figures_of_the_records() -> None:
    build()
    code, out = run("check_rollups")
    assert code == 0, out
    assert "The rollups match the records for 2 years" in out
    for basis in ("accrual", "cash"):
        raw = compute_yearly_figures_many(years=[2023, 2024], basis=basis, source="raw")
        rolled = compute_yearly_figures_many(years=[2023, 2024], basis=basis, source="rollups")
        assert rolled == raw


def test_a_rollup_out_of_step_is_reported_and_a_rebuild_puts_it_right() -> None:
    build()
    # What a write that bypassed the actions would leave behind.
    RevenueLineMonth.objects.filter(month__year=2024).update(amount=Decimal("1.00"))
    ExpenseMonth.objects.filter(month__year=2024).delete()

    code, out = run("check_rollups")

    assert code == 1
    assert "2024 (accrual) services_revenue: records 27000.00, rollups" in out
    assert "2024 (accrual) total_costs: records" in out
    assert run("rebuild_rollups") == (0, "Rollups rebuilt.\n")
    assert run("check_rollups")[0] == 0


def test_a_receivable_out_of_step_is_reported_and_a_rebuild_puts_it_right() -> None:
    build()
    assert run("check_rollups")[0] == 0
    # What a payment written around the actions would leave behind: an invoice still owed.
    settled = InvoiceSettlement.objects.filter(amount_due=0).first()
    assert settled is not None
    InvoiceSettlement.objects.filter(pk=settled.pk).update(amount_due=Decimal("5.00"))

    code, out = run("check_rollups")

    assert code == 1
    assert f"settlement {settled.pk}: records" in out
    assert run("rebuild_rollups") == (0, "Rollups rebuilt.\n")
    assert run("check_rollups")[0] == 0


def test_a_contract_month_out_of_step_is_reported_and_a_rebuild_puts_it_right() -> None:
    build()
    contract = make_contract()
    make_invoice(client=contract.client, contract=contract, issue_date=date(2024, 9, 5))
    row = RevenueContractMonth.objects.get(contract=contract)
    assert (row.month, row.amount) == (date(2024, 9, 1), Decimal("100.00"))
    # What an invoice written around the actions would leave behind: its contract's month unmoved.
    RevenueContractMonth.objects.filter(pk=row.pk).update(amount=row.amount + Decimal("10.00"))

    code, out = run("check_rollups")

    assert code == 1
    assert f"contract_month ({row.month!r}, {row.contract_id}): records {row.amount}, rollups" in out
    assert run("rebuild_rollups") == (0, "Rollups rebuilt.\n")
    assert run("check_rollups")[0] == 0
