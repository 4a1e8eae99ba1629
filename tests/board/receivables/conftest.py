"""Receivables at the end of 2024, known by hand (the story of the board's receivables tests):

- Acme (domestic, 30 days): F1 of 1,210.00 issued 10 January, paid 9 February (30 days); F4 of
  1,210.00 issued 1 November, due 1 December, unpaid: 30 days past due on 31 December (0–30).
- Hachette Livre (intra-EU reverse charge, 0 % VAT): F2 of 2,000.00 issued 1 March, paid
  15 May (75 days); F3 of 2,000.00 issued 1 August, due 31 August, unpaid: 122 days past due on
  31 December (over 90).
- Eleven small clients "Cliente 01" to "Cliente 11": 121.00 each, issued 10 December, due
  9 January 2025: not yet due on 31 December.

On 31 December 2024: not yet due 1,331.00, 0–30 1,210.00, over 90 2,000.00, total 4,541.00; the
ten largest are Hachette, Acme and Cliente 01 to 08, the three others owe 363.00.
Days to payment in 2024: Acme 30.0, Hachette 75.0; all clients (1,210 × 30 + 2,000 × 75) ÷ 3,210
= 186,300 ÷ 3,210 = 58.04 → 58.0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from services.choices import VatRegime
from services.models import Client, Invoice
from tests.services.factories import line, make_client, make_invoice, make_payment

D = Decimal


@dataclass(frozen=True)
class Debts:
    acme: Client
    hachette: Client
    small: list[Client]
    hachette_open: Invoice


@pytest.fixture
def in_march_2025() -> Iterator[None]:
    """2024 is over, 2025 in progress (its ageing day is today, 15 March 2025)."""
    with time_machine.travel("2025-03-15 10:00:00+01:00", tick=False):
        yield


@pytest.fixture
def debts(db: None, in_march_2025: None) -> Debts:
    acme = make_client(name="Acme Ediciones SL", tax_id="B58818501")
    hachette = make_client(
        name="Hachette Livre", tax_id="FR04602060147", vat_regime=VatRegime.INTRA_EU_REVERSE_CHARGE
    )
    paid = make_invoice(client=acme, issue_date=date(2024, 1, 10), lines=[line("1000.00")])
    make_payment(invoice=paid, date=date(2024, 2, 9), amount=D("1210.00"))
    support = make_invoice(client=hachette, issue_date=date(2024, 3, 1), lines=[line("2000.00", vat=None)])
    make_payment(invoice=support, date=date(2024, 5, 15), amount=D("2000.00"))
    hachette_open = make_invoice(
        client=hachette, issue_date=date(2024, 8, 1), lines=[line("2000.00", vat=None)]
    )
    make_invoice(client=acme, issue_date=date(2024, 11, 1), lines=[line("1000.00")])
    small = [make_client(name=f"Cliente {n:02d}") for n in range(1, 12)]
    for client in small:
        make_invoice(client=client, issue_date=date(2024, 12, 10))
    return Debts(acme=acme, hachette=hachette, small=small, hachette_open=hachette_open)
