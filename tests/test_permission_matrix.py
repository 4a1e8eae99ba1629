"""Every URL × every role → the expected status. Board reads, never writes."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from funding import actions as funding_actions
from funding.models import FundingSource
from services import actions as services_actions
from services.models import Payment
from services.selectors import service_lines_by_code
from smartiberica.roles import BOARD, STAFF
from tests.board.story import build

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("funding", "services")
PAGES = [
    "/",
    "/years/",
    "/years/2024/",
    "/years/2024/export.xlsx",
    "/years/2024/export.csv",
    "/api/years/2024/",
]


def everything() -> None:
    """The story, plus one record of each model the story leaves out."""
    build()
    smart = FundingSource.objects.get(code="smart-belgium")
    agreement = funding_actions.agreement_create(
        source=smart,
        title="Convenio",
        committed_amount=Decimal("1000.00"),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
    )
    funding_actions.obligation_add(agreement=agreement, description="Informe", due_date=date(2025, 3, 31))
    lines = service_lines_by_code()
    services_actions.revenue_target_set(
        service_line=lines["crowdfunding"], year=2024, amount=Decimal("100.00")
    )
    partner, _ = services_actions.partner_get_or_create(name="Nanoma")
    client, _ = services_actions.client_get_or_create(name="Cliente", tax_id="B91834267")
    services_actions.contract_create(
        client=client,
        service_line=lines["crowdfunding"],
        reference="C-1",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 6, 30),
        kind="fixed_fee",
        fixed_amount=Decimal("2400.00"),
        partner=partner,
        partner_share=Decimal("30.00"),
    )
    paid = Payment.objects.order_by("pk").first()
    services_actions.refund_record(invoice=paid.invoice, date=paid.date, amount=Decimal("1.00"))


def admin_urls() -> list[tuple[str, str, str]]:
    """(label, view, url) for every domain model registered in the admin."""
    urls = []
    for model, _model_admin in admin.site._registry.items():
        meta = model._meta
        if meta.app_label not in DOMAIN_APPS:
            continue
        instance = model._default_manager.order_by("pk").first()
        assert instance is not None, f"the matrix needs a {meta.label}"
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        urls += [
            (meta.label, "changelist", reverse(f"{prefix}_changelist")),
            (meta.label, "add", reverse(f"{prefix}_add")),
            (meta.label, "change", reverse(f"{prefix}_change", args=[instance.pk])),
            (meta.label, "delete", reverse(f"{prefix}_delete", args=[instance.pk])),
            (meta.label, "history", reverse(f"{prefix}_history", args=[instance.pk])),
        ]
    return urls


def client_for(role: str) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    user = get_user_model().objects.create_user(
        username=role, password="x", is_staff=True, is_superuser=role == "superuser"
    )
    if role in (BOARD, STAFF):
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


# What staff (and superusers) may not do even with every permission, on purpose: an
# issued invoice is cancelled or credited, never deleted (the matrix's invoice is issued).
STAFF_REFUSED: dict[tuple[str, str], int] = {("services.Invoice", "delete"): 403}


def expected(role: str, label: str, view: str) -> int:
    if role == "anonymous":
        return 302
    if role == BOARD:
        return {"changelist": 200, "add": 403, "change": 200, "delete": 403, "history": 200}[view]
    return STAFF_REFUSED.get((label, view), 200)


@pytest.mark.parametrize("role", ["anonymous", BOARD, STAFF, "superuser"])
def test_every_admin_url_answers_each_role_as_expected(role: str) -> None:
    everything()
    client = client_for(role)
    wrong = []
    for label, view, url in admin_urls():
        status = client.get(url).status_code
        if status != expected(role, label, view):
            wrong.append(
                f"{role} GET {url} ({label} {view}): {status}, expected {expected(role, label, view)}"
            )
    assert wrong == []


@pytest.mark.parametrize("role", [BOARD])
def test_the_board_cannot_write_anything_through_the_admin(role: str) -> None:
    everything()
    client = client_for(role)
    wrong = []
    for label, view, url in admin_urls():
        if view in ("add", "change", "delete"):
            status = client.post(url, {"post": "yes"}).status_code
            if status != 403:
                wrong.append(f"POST {url} ({label} {view}): {status}")
    assert wrong == []


@pytest.mark.parametrize(
    ("role", "statuses"),
    [
        ("anonymous", [302, 302, 302, 302, 302, 401]),
        (BOARD, [302, 200, 200, 200, 200, 200]),
        (STAFF, [302, 200, 200, 200, 200, 200]),
        ("superuser", [302, 200, 200, 200, 200, 200]),
        ("outsider", [403, 403, 403, 403, 403, 403]),
    ],
)
def test_every_page_answers_each_role_as_expected(role: str, statuses: list[int]) -> None:
    build()
    client = client_for(role)
    assert [client.get(page).status_code for page in PAGES] == statuses


def test_the_admin_lists_only_what_a_role_may_see(board_client: Client) -> None:
    html = board_client.get("/admin/").content.decode()
    assert "/admin/services/invoice/" in html
    assert "/admin/auth/user/" not in html
    assert "/admin/axes/" not in html
    assert reverse("admin:services_invoice_add") not in html
