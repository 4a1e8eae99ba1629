"""Password reset by e-mail: Django's views, public, in the app's pages and languages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def berta(board_user: Any) -> Any:
    board_user.email = "berta@example.org"
    board_user.save(update_fields=["email"])
    return board_user


@pytest.mark.django_db
def test_the_login_page_links_to_the_password_reset(client: Client) -> None:
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "¿Ha olvidado su contraseña?" in page or "Forgot your password?" in page


@pytest.mark.django_db
def test_a_user_resets_a_forgotten_password_by_e_mail_and_logs_in_with_it(
    client: Client, berta: Any, mailoutbox: list[Any]
) -> None:
    form = client.get(reverse("password_reset"))
    assert form.status_code == 200
    assert "<script>" not in form.content.decode()  # the CSP allows no inline script

    response = client.post(reverse("password_reset"), {"email": "berta@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert client.get(response["Location"]).status_code == 200

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["berta@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert link, message.body

    # The link redirects to a URL without the token (Django keeps it in the session), then the form.
    confirm = client.get(link.group(1), follow=True)
    assert confirm.status_code == 200
    assert confirm.context["validlink"] is True
    set_url = confirm.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert client.get(done["Location"]).status_code == 200

    fresh = Client()
    login = fresh.post(reverse("login"), {"username": "berta", "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert fresh.session["_auth_user_id"] == str(berta.pk)
    # The link works once only.
    assert client.get(link.group(1), follow=True).context["validlink"] is False


def _without_csrf_tokens(response: Any) -> str:
    # The page's forms (language switcher) carry a per-response masked token; the rest must match.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.django_db
def test_an_unknown_e_mail_gets_the_same_answer_and_no_message(
    client: Client, berta: Any, mailoutbox: list[Any]
) -> None:
    known = client.post(reverse("password_reset"), {"email": "berta@example.org"}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert unknown.redirect_chain == known.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert _without_csrf_tokens(unknown) == _without_csrf_tokens(known)
    assert [m.to for m in mailoutbox] == [["berta@example.org"]]


@pytest.mark.django_db
def test_the_reset_pages_need_no_login(client: Client) -> None:
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200, name
    bad_link = client.get(reverse("password_reset_confirm", args=["MQ", "set-password"]))
    assert bad_link.status_code == 200
    assert bad_link.context["validlink"] is False


def test_e_mail_is_printed_in_the_console_unless_email_url_says_otherwise(settings: Any) -> None:
    from smartiberica import settings as project_settings

    assert project_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
