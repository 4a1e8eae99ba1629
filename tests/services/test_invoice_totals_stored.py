"""Stored totals survive the database round trip exactly (SQLite keeps decimals as REAL)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services import actions
from services.actions import LineInput
from services.models import Client, Invoice
from tests.services.factories import service

CENT = Decimal("0.01")
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999.999"), places=3)
rates = st.sampled_from([Decimal("0"), Decimal("4"), Decimal("10"), Decimal("21")])


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(quantities, prices, rates), min_size=1, max_size=6))
def test_stored_totals_equal_a_plain_decimal_computation(
    acme: Client, lines: list[tuple[Decimal, ...]]
) -> None:
    invoice = actions.invoice_create(
        client=acme,
        service_line=service(),
        issue_date=date(2024, 1, 1),
        lines=[LineInput("x", q, p, r) for q, p, r in lines],
    )
    nets: dict[Decimal, Decimal] = {}
    for q, p, r in lines:
        nets[r] = nets.get(r, Decimal(0)) + (q * p).quantize(CENT, rounding=ROUND_HALF_UP)
    net = sum(nets.values(), Decimal(0))
    vat = sum(((n * r / 100).quantize(CENT, rounding=ROUND_HALF_UP) for r, n in nets.items()), Decimal(0))
    stored = Invoice.objects.get(pk=invoice.pk)
    assert (stored.net_amount, stored.vat_amount, stored.gross_amount) == (net, vat, net + vat)
