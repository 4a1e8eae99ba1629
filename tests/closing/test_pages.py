"""The board's pages for closing a year: the approve button, the confirmation, the history, reopening."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.closing.test_close_year import NOW, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_2026() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_board_member_sees_approve_on_a_finished_year_only(board_client: Client) -> None:
    page = board_client.get(reverse("year", args=[2024])).content.decode()
    assert reverse("year-approve", args=[2024]) in page
    assert 'data-closed="false"' in page
    current = board_client.get(reverse("year", args=[2026])).content.decode()
    assert reverse("year-approve", args=[2026]) not in current


def test_staff_see_no_approve_button_and_may_not_open_the_page(staff_client: Client) -> None:
    page = staff_client.get(reverse("year", args=[2024])).content.decode()
    assert reverse("year-approve", args=[2024]) not in page
    assert staff_client.get(reverse("year-approve", args=[2024])).status_code == 403
    assert staff_client.post(reverse("year-approve", args=[2024]), {"note": "x"}).status_code == 403


def test_approving_from_the_page_closes_the_year_and_shows_who_approved(
    board_client: Client, board_user: Any
) -> None:
    confirmation = board_client.get(reverse("year-approve", args=[2024]))
    assert confirmation.status_code == 200
    assert 'name="note"' in confirmation.content.decode()

    response = board_client.post(reverse("year-approve", args=[2024]), {"note": "Acta 12/2025"})

    assert response.status_code == 302 and response["Location"] == reverse("year", args=[2024])
    page = board_client.get(reverse("year", args=[2024]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert board_user.username in page and "Acta 12/2025" in page
    assert reverse("year-approve", args=[2024]) not in page
    assert board_client.get(reverse("year-approve", args=[2024])).status_code == 404
    assert board_client.get(reverse("year-reopen", args=[2024])).status_code == 404


def test_a_superuser_reopens_with_a_reason_and_the_history_keeps_both(
    board_user: Any, superuser: Any
) -> None:
    assert run("close_year", "2024", "--user", board_user.username, "--note", "Aprobado")[0] == 0
    client = Client()
    client.force_login(superuser)
    assert client.post(reverse("year-reopen", args=[2024]), {"note": ""}).status_code == 200

    response = client.post(reverse("year-reopen", args=[2024]), {"note": "Falta una factura"})

    assert response.status_code == 302
    page = client.get(reverse("year", args=[2024])).content.decode()
    assert "Aprobado" in page and "Falta una factura" in page
    assert reverse("year-approve", args=[2024]) in page


def test_the_year_page_of_a_closed_year_serves_the_snapshot(
    board_client: Client, board_user: Any, tmp_path: Path
) -> None:
    assert run("close_year", "2024", "--user", board_user.username)[0] == 0
    response = board_client.get(reverse("year", args=[2024]))
    assert response.context["figures"].approval.by == board_user.username
    assert response.context["closing"].closed is True
