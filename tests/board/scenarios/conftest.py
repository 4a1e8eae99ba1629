"""The world of the scenario tests: a funder, a client, the seeded lines and categories, a reader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client as WebClient

from funding.choices import SourceKind
from funding.models import ExpenseCategory, FundingSource
from services.models import Client, ServiceLine
from tests.funding.factories import category, make_source
from tests.services.factories import make_client, service


@pytest.fixture
def belgium(db: None) -> FundingSource:
    return make_source(code="smart-belgium", name="Smart Belgium", kind=SourceKind.PARENT_SUPPORT)


@pytest.fixture
def hachette(db: None) -> Client:
    return make_client(name="Hachette Livre", tax_id="FR04602060147", is_foreign=True)


@pytest.fixture
def support(db: None) -> ServiceLine:
    return service("project-support")


@pytest.fixture
def licences(db: None) -> ServiceLine:
    return service("it-licensing")


@pytest.fixture
def it_costs(db: None) -> ExpenseCategory:
    return category("it")


@pytest.fixture
def staff_costs(db: None) -> ExpenseCategory:
    return category("staff")


@pytest.fixture
def reader(make_user: Callable[..., Any]) -> Any:
    """Someone who may read the dashboards and nothing more: no role, one permission."""
    user = make_user("lola")
    user.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    return user


@pytest.fixture
def reader_client(reader: Any) -> WebClient:
    client = WebClient()
    client.force_login(reader)
    return client
