"""The 403, 404 and 500 pages: the app's own pages, in the reader's language.

Before: a refusal showed Django's bare English "403 Forbidden", whatever the reader's language.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import translation

from smartiberica import errors
from smartiberica.kernel.roles import DASHBOARD_PERMISSION

pytestmark = pytest.mark.django_db

# (language, then the 403, 404 and 500 headings: words Django's own catalogs already translate)
LANGUAGES = [
    ("es", "Prohibido", "Página no encontrada", "Error del servidor"),
    ("en", "Forbidden", "Page not found", "Server error"),
]


def translated(language: str, msgid: str) -> str:
    """`msgid` in `language` as the catalogs have it (the English msgid until it is translated)."""
    with translation.override(language):
        return translation.gettext(msgid)


def reader(language: str, user: Any | None = None) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def outsider(db: None) -> Any:
    """Logged in, in neither role: no dashboard permission."""
    user = get_user_model().objects.create_user("otto", password="x")
    assert not user.has_perm(DASHBOARD_PERMISSION)
    return user


def assert_site_page(html: str, language: str) -> None:
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html  # extends base.html: the site's header and styles
    assert "css/app.css" in html


@pytest.mark.parametrize(("language", "forbidden", "_not_found", "_error"), LANGUAGES)
def test_a_refusal_is_the_sites_own_page_in_the_readers_language(
    outsider: Any, language: str, forbidden: str, _not_found: str, _error: str
) -> None:
    response = reader(language, outsider).get("/years/2024/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_site_page(html, language)
    assert f"<title>{forbidden}" in html
    assert translated(language, "You may not open this page") in html
    assert "403 Forbidden" not in html
    assert "otto" in html  # the header still says who is logged in, with the logout button


@pytest.mark.parametrize(("language", "_forbidden", "not_found", "_error"), LANGUAGES)
@pytest.mark.parametrize("path", ["/years/1234/", "/no-such-page/"])
def test_a_missing_page_is_the_sites_own_page_in_the_readers_language(
    board_user: Any, language: str, _forbidden: str, not_found: str, _error: str, path: str
) -> None:
    response = reader(language, board_user).get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert_site_page(html, language)
    assert f">{not_found}</h1>" in html
    assert translated(language, "There is no page at this address.") in html


@pytest.mark.parametrize(("language", "_forbidden", "_not_found", "error"), LANGUAGES)
def test_a_server_error_is_the_sites_own_page_in_the_readers_language(
    board_user: Any, language: str, _forbidden: str, _not_found: str, error: str, monkeypatch: Any
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("smartiberica.board.views.dashboard.year_page", broken)
    response = reader(language, board_user).get("/years/2024/")
    assert response.status_code == 500
    html = response.content.decode()
    assert_site_page(html, language)
    assert f">{error}</h1>" in html
    assert "a bug" not in html
    assert "language-switcher" not in html  # its form needs a CSRF token the page does not have


def test_the_server_error_page_renders_without_touching_the_database() -> None:
    def refuse(execute: Any, sql: str, *rest: Any) -> Any:
        raise AssertionError(f"query while rendering the 500 page: {sql}")

    request = RequestFactory().get("/years/2024/")
    with translation.override("es"), connection.execute_wrapper(refuse):
        response = errors.server_error(request)
    assert response.status_code == 500
    assert ">Error del servidor</h1>" in response.content.decode()


def test_the_server_error_page_still_answers_when_its_template_fails(monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("template broken")

    monkeypatch.setattr(errors, "render_to_string", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"500" in response.content
