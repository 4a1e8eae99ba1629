"""Links for funders: a read-only link to one closed year's board pack, for a reader without an account."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smartiberica.board.closing import year_reopen
from smartiberica.board.funder_links import funder_link_create, funder_link_revoke
from smartiberica.board.models import FunderLink, FunderLinkView
from smartiberica.settings import client_address_settings
from tests.closing.packs import YEAR, build_closed_year, require_pdf_engine

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_year(board_user: Any) -> None:
    build_closed_year(board_user)


def create(client: Client, **data: Any) -> Any:
    fields = {"reader_name": "Ana Banca Ética", "reader_email": "ana@fiare.example", "days": "90", **data}
    return client.post(reverse("funder-link-new", args=[YEAR]), fields)


def token_of(response: Any) -> str:
    """The token shown once on the page after creation."""
    prefix = "http://testserver" + reverse("shared-pack", args=["TOKEN"]).replace("TOKEN/", "")
    url = response.context["url"]
    assert url.startswith(prefix)
    return str(url[len(prefix) :].rstrip("/"))


@pytest.mark.parametrize("persona", ["board_client", "staff_client"])
def test_staff_and_board_create_a_link_shown_once_and_stored_hashed(
    closed_year: None, persona: str, request: pytest.FixtureRequest
) -> None:
    client: Client = request.getfixturevalue(persona)
    response = create(client)

    assert response.status_code == 200
    token = token_of(response)
    assert len(token) >= 43  # token_urlsafe(32)
    assert response.context["url"] in response.content.decode()
    link = FunderLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {link.token_hash, link.reader_name, link.reader_email}
    assert timedelta(days=89, hours=23) < link.expires_at - link.created_at <= timedelta(days=90)
    # Never again: the year page lists the link without its token.
    year_page = client.get(reverse("year", args=[YEAR])).content.decode()
    assert "Ana Banca Ética" in year_page and token not in year_page


def test_the_funder_sees_the_pack_without_an_account_and_each_view_is_logged(
    closed_year: None, board_client: Client, settings: Any
) -> None:
    token = token_of(create(board_client))
    for name, value in client_address_settings(1).items():
        setattr(settings, name, value)
    funder = Client()

    response = funder.get(
        reverse("shared-pack", args=[token]),
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        HTTP_USER_AGENT="Lector/1.0",
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Ana Banca Ética" in body and "data-shared-with" in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    view = FunderLinkView.objects.get()
    assert (view.address, view.user_agent, view.path) == ("203.0.113.9", "Lector/1.0", f"/shared/{token}/")
    assert "_auth_user_id" not in funder.session


def test_the_pdf_opens_through_the_link(closed_year: None, board_client: Client) -> None:
    require_pdf_engine()
    token = token_of(create(board_client))

    response = Client().get(reverse("shared-pack-pdf", args=[token]), REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert FunderLinkView.objects.get().path == f"/shared/{token}/pack.pdf"


def test_the_link_opens_nothing_else(closed_year: None, board_client: Client) -> None:
    token = token_of(create(board_client))
    funder = Client()
    assert funder.get(reverse("shared-pack", args=[token])).status_code == 200

    for url in ("/", "/years/", f"/years/{YEAR}/", f"/years/{YEAR}/pack/", f"/api/years/{YEAR}/", "/admin/"):
        response = funder.get(url)
        assert response.status_code in (302, 401), url
        if response.status_code == 302:
            assert "login" in response["Location"], url


def test_a_revoked_link_answers_404_and_stays_listed(closed_year: None, board_client: Client) -> None:
    token = token_of(create(board_client))
    link = FunderLink.objects.get()

    response = board_client.post(reverse("funder-link-revoke", args=[link.pk]))

    assert response.status_code == 302
    assert Client().get(reverse("shared-pack", args=[token])).status_code == 404
    assert Client().get(reverse("shared-pack-pdf", args=[token])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is not None
    year_page = board_client.get(reverse("year", args=[YEAR])).content.decode()
    assert "Ana Banca Ética" in year_page
    assert reverse("funder-link-revoke", args=[link.pk]) not in year_page


def test_revoking_needs_a_post_with_its_csrf_token(closed_year: None, board_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(board_user)
    link, _token = funder_link_create(
        year=YEAR, reader_name="Ana", reader_email="ana@fiare.example", created_by=board_user
    )
    url = reverse("funder-link-revoke", args=[link.pk])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_an_expired_link_answers_404(closed_year: None, board_client: Client) -> None:
    token = token_of(create(board_client, days="1"))
    url = reverse("shared-pack", args=[token])
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        assert Client().get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert Client().get(url).status_code == 404


def test_a_reopened_year_kills_its_links_even_once_approved_again(
    closed_year: None, board_client: Client, board_user: Any, superuser: Any
) -> None:
    from smartiberica.board.closing import year_close

    token = token_of(create(board_client))
    url = reverse("shared-pack", args=[token])

    year_reopen(year=YEAR, user=superuser, reason="Factura olvidada")
    assert Client().get(url).status_code == 404
    year_close(year=YEAR, user=board_user, note="Otra vez")
    assert Client().get(url).status_code == 404
    assert FunderLinkView.objects.count() == 0


def test_an_unknown_token_answers_404(closed_year: None, board_client: Client) -> None:
    create(board_client)
    assert Client().get(reverse("shared-pack", args=["x" * 43])).status_code == 404
    assert FunderLinkView.objects.count() == 0


def test_a_link_is_refused_for_an_open_year_a_bad_address_or_a_name_on_two_lines(
    closed_year: None, board_client: Client, board_user: Any
) -> None:
    assert board_client.post(reverse("funder-link-new", args=[2023]), {}).status_code == 404
    with pytest.raises(ValidationError):
        funder_link_create(
            year=2023, reader_name="Ana", reader_email="ana@fiare.example", created_by=board_user
        )

    response = create(board_client, reader_email="not an address")
    assert response.status_code == 400 and response.context["form"].errors["reader_email"]
    with pytest.raises(ValidationError) as refused:
        funder_link_create(
            year=YEAR, reader_name="Ana\nBanca", reader_email="ana@fiare.example", created_by=board_user
        )
    assert "reader_name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        funder_link_create(
            year=YEAR, reader_name="Ana", reader_email="ana@fiare.example", created_by=board_user, days=0
        )
    assert "days" in refused.value.message_dict
    assert FunderLink.objects.count() == 0


def test_a_link_is_revoked_once(closed_year: None, board_user: Any) -> None:
    link, _token = funder_link_create(
        year=YEAR, reader_name="Ana", reader_email="ana@fiare.example", created_by=board_user
    )
    funder_link_revoke(link=link, user=board_user)
    with pytest.raises(ValidationError):
        funder_link_revoke(link=link, user=board_user)


def test_a_visitor_creates_no_link(closed_year: None, client: Client) -> None:
    response = create(client)
    assert response.status_code == 302 and "login" in response["Location"]
    assert FunderLink.objects.count() == 0


def test_the_closed_year_page_lists_links_with_their_views(closed_year: None, board_client: Client) -> None:
    token = token_of(create(board_client))
    for _ in range(3):
        Client().get(reverse("shared-pack", args=[token]))

    body = board_client.get(reverse("year", args=[YEAR])).content.decode()

    assert 'id="funder-links"' in body
    assert '<td class="num">3</td>' in body
    assert reverse("funder-link-new", args=[YEAR]) in body
    # An open year's page has no such section (and runs no query for it).
    assert 'id="funder-links"' not in board_client.get(reverse("year", args=[2023])).content.decode()


def test_the_shared_page_runs_a_fixed_number_of_queries(
    closed_year: None, board_client: Client, django_assert_num_queries: Any
) -> None:
    token = token_of(create(board_client))
    funder = Client()
    funder.get(reverse("shared-pack", args=[token]))  # warm up: the first request fills caches
    # The demo flag; a savepoint around the link (one query: hash, expiry, revocation, year closed
    # and not reopened since) and its logged view; the snapshot.
    with django_assert_num_queries(6):
        assert funder.get(reverse("shared-pack", args=[token])).status_code == 200
