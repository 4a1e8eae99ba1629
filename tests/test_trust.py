"""Keeping out whoever does not belong: login throttling, security headers, the audit trail."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from funding import actions as funding_actions
from funding.models import FundingSource
from funding.validation import ERR_SOURCE_IN_USE
from smartiberica.board.figures import yearly_figures, years_with_data
from tests.board.story import build
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client: Client, password: str) -> Any:
    return client.post(reverse("login"), {"username": "berta", "password": password}, REMOTE_ADDR="10.1.2.3")


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(board_user: Any) -> None:
    client = Client()
    with time_machine.travel("2026-03-02 09:00:00+01:00", tick=False):
        for _ in range(4):
            assert attempt(client, "wrong").status_code == 200
        locked = attempt(client, "wrong")
        assert locked.status_code == 429
        assert "Demasiados intentos" in locked.content.decode()
        # Even the right password is refused while locked.
        assert attempt(client, PASSWORD).status_code == 429
    # Each attempt while locked starts the fifteen minutes again.
    with time_machine.travel("2026-03-02 09:14:00+01:00", tick=False):
        assert attempt(client, PASSWORD).status_code == 429
    with time_machine.travel("2026-03-02 09:30:00+01:00", tick=False):
        response = attempt(client, PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == reverse("home")


def test_a_lockout_is_per_account_and_address(board_user: Any, staff_user: Any) -> None:
    client = Client()
    for _ in range(5):
        attempt(client, "wrong")
    other = client.post(reverse("login"), {"username": "sara", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_pages_carry_a_strict_content_security_policy(board_client: Client) -> None:
    build()
    response = board_client.get("/years/2024/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "<script>" not in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_admin_change_is_kept_in_the_history_with_its_author(
    staff_client: Client, staff_user: Any
) -> None:
    source = funding_actions.source_create(code="junta", name="Junta", kind="grant")
    url = reverse("admin:funding_fundingsource_change", args=[source.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["name"] = "Junta de Andalucía"
    data.update({"obligations-TOTAL_FORMS": "0", "obligations-INITIAL_FORMS": "0"})
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    history = list(source.history.order_by("history_date"))
    assert [h.name for h in history] == ["Junta", "Junta de Andalucía"]
    assert history[-1].history_user == staff_user
    assert history[-1].history_type == "~"
    listing = staff_client.get(reverse("admin:funding_fundingsource_history", args=[source.pk]))
    assert listing.status_code == 200
    assert "sara" in listing.content.decode()


def test_a_board_member_can_read_the_history_but_not_revert(board_client: Client) -> None:
    source = funding_actions.source_create(code="junta", name="Junta", kind="grant")
    history_url = reverse("admin:funding_fundingsource_history", args=[source.pk])
    assert board_client.get(history_url).status_code == 200
    record = source.history.get()
    revert = reverse("admin:funding_fundingsource_simple_history", args=[source.pk, record.pk])
    assert board_client.post(revert, {"name": "Hack"}).status_code in (403, 405)  # history answers GET only
    assert FundingSource.objects.get(pk=source.pk).name == "Junta"
    assert source.history.count() == 1


def test_a_failing_action_leaves_the_database_as_it_was() -> None:
    build()
    before = [yearly_figures(year=y).as_json() for y in years_with_data()]
    source = FundingSource.objects.get(code="junta")
    with pytest.raises(ValidationError):
        funding_actions.receipt_create(
            source=source, date=date(2024, 7, 1), amount=Decimal("-5.00"), reference="X"
        )
    with pytest.raises(ValidationError):
        funding_actions.receipt_create(
            source=source, date=date(2024, 7, 1), amount=Decimal("5.00"), reference="JA-1"
        )
    assert [yearly_figures(year=y).as_json() for y in years_with_data()] == before


def test_deleting_a_referenced_source_is_refused_with_a_message(staff_client: Client) -> None:
    build()
    source = FundingSource.objects.get(code="junta")
    url = reverse("admin:funding_fundingsource_delete", args=[source.pk])
    response = staff_client.post(url, {"post": "yes"}, follow=True)
    assert FundingSource.objects.filter(pk=source.pk).exists()
    assert response.status_code == 200
    assert str(ERR_SOURCE_IN_USE) in response.content.decode()


def test_a_backup_round_trip_gives_the_same_figures(tmp_path: Any) -> None:
    build()
    before = {y: yearly_figures(year=y).as_json() for y in years_with_data()}
    dump = tmp_path / "backup.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=sessions",
        "--exclude=admin.logentry",
        "--exclude=axes",
        "--exclude=smartiberica.dashboard",
        output=str(dump),
        verbosity=0,
    )
    if connection.vendor == "postgresql":
        # Inside the test's transaction, deferred foreign-key checks must run before a TRUNCATE.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    assert years_with_data() == []
    call_command("loaddata", str(dump), verbosity=0)
    assert {y: yearly_figures(year=y).as_json() for y in years_with_data()} == before
