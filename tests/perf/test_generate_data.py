"""`generate_data`: deterministic, valid records whose figures the engine finds back."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from funding.models import Expense, FundingReceipt
from services.calculations import compute_totals, payment_net
from services.choices import InvoiceStatus
from services.models import Client, Contract, Invoice, MemberTurnover, Payment
from smartiberica.board.figures import yearly_figures, yearly_figures_many
from smartiberica.demo import synthetic
from smartiberica.kernel.basis import BASES
from smartiberica.kernel.dates import current_year

OPTIONS = synthetic.Options(invoices=600, years=3, seed=7)
YEARS = list(range(current_year() - 2, current_year() + 1))


class _Rollback(Exception):
    pass


def _snapshot() -> dict[str, Any]:
    invoices = list(
        Invoice.objects.order_by("number", "id").values_list(
            "number", "issue_date", "status", "client__tax_id", "net_amount", "vat_amount", "gross_amount"
        )
    )
    figures = {
        basis: {y: f.as_json() for y, f in yearly_figures_many(years=YEARS, basis=basis).items()}
        for basis in BASES
    }
    return {"invoices": invoices, "figures": figures}


def _generate_and_roll_back(options: synthetic.Options) -> dict[str, Any]:
    snapshot: dict[str, Any] = {}
    try:
        with transaction.atomic():
            synthetic.generate(options)
            snapshot = _snapshot()
            raise _Rollback
    except _Rollback:
        return snapshot


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_records_and_figures() -> None:
    first = _generate_and_roll_back(OPTIONS)
    second = _generate_and_roll_back(OPTIONS)
    assert len(first["invoices"]) == OPTIONS.invoices
    assert first == second
    other = _generate_and_roll_back(synthetic.Options(invoices=600, years=3, seed=8))
    assert other["invoices"] != first["invoices"]


@pytest.mark.django_db
def test_generated_records_satisfy_the_rules_and_the_totals() -> None:
    synthetic.generate(OPTIONS)
    invoices = list(Invoice.objects.prefetch_related("lines"))
    assert any(i.corrects_id for i in invoices), "some credit notes"
    assert {i.status for i in invoices} >= {InvoiceStatus.ISSUED, InvoiceStatus.CANCELLED}
    for invoice in invoices:
        totals = compute_totals(
            (line.quantity, line.unit_price, line.vat_rate) for line in invoice.lines.all()
        )
        assert (invoice.net_amount, invoice.vat_amount, invoice.gross_amount) == (
            totals.net,
            totals.vat,
            totals.gross,
        ), invoice.number
    for payment in Payment.objects.select_related("invoice"):
        invoice = payment.invoice
        assert payment.net_amount == payment_net(payment.amount, invoice.net_amount, invoice.gross_amount)
    # The models' own validation (rules, unique and check constraints) on a sample of each kind.
    for model in (Client, Contract, Invoice, Payment, Expense, FundingReceipt, MemberTurnover):
        for record in model.objects.order_by("pk")[:40]:
            record.full_clean()
    for record in Invoice.objects.filter(corrects__isnull=False):
        record.full_clean()


@pytest.mark.django_db
def test_the_engine_finds_the_totals_the_generator_wrote() -> None:
    tally = synthetic.generate(OPTIONS)
    for year in YEARS:
        accrual = yearly_figures(year=year)
        cash = yearly_figures(year=year, basis="cash")
        assert accrual.services_revenue == tally.money(tally.accrual, year)
        assert cash.services_revenue == tally.money(tally.cash, year)
        assert accrual.expenses_total == tally.money(tally.expenses, year)
        assert accrual.budgeted_costs is not None and accrual.member_margin > 0


@pytest.mark.django_db
def test_the_command_refuses_a_database_with_records_unless_appending() -> None:
    call_command("generate_data", invoices=50, years=2, seed=1)
    with pytest.raises(CommandError, match="already holds records"):
        call_command("generate_data", invoices=50, years=2, seed=1)
    call_command("generate_data", invoices=50, years=2, seed=2, append=True)
    assert Invoice.objects.count() == 100
