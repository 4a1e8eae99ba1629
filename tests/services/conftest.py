"""Fixtures of the services tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services import actions
from services.models import Client, MarginRule
from tests.services.factories import make_client


@pytest.fixture
def acme(db: None) -> Client:
    return make_client(name="Acme Ediciones SL", tax_id="B58818501")


@pytest.fixture
def hachette(db: None) -> Client:
    return make_client(name="Hachette Livre España", tax_id="A28004885")


@pytest.fixture
def historical_rule(db: None) -> MarginRule:
    """The historical margin: 5.50 % structure + 2.00 % guarantee fund, from 2015."""
    return actions.margin_rule_create(
        name="Historical 7.5 %",
        valid_from=date(2015, 1, 1),
        structure_rate=Decimal("5.50"),
        fund_rate=Decimal("2.00"),
    )
