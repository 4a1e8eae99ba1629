from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_every_page_needs_a_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.mark.django_db
def test_the_login_page_is_public_and_logs_in(client: Client, board_user: Any) -> None:
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "berta", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(board_user.pk)


@pytest.mark.django_db
def test_a_wrong_password_says_so(client: Client, board_user: Any) -> None:
    response = client.post(reverse("login"), {"username": "berta", "password": "nope"})
    assert response.status_code == 200
    assert "no coinciden" in response.content.decode()


@pytest.mark.django_db
def test_logging_out_needs_a_post_and_ends_the_session(board_client: Client) -> None:
    response = board_client.post(reverse("logout"))
    assert response.status_code == 302
    assert board_client.get("/").status_code == 302


@pytest.mark.django_db
def test_static_files_need_no_login(client: Client, settings: Any) -> None:
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert b"--accent" in b"".join(response.streaming_content)


def test_collectstatic_writes_compressed_files_with_hashed_names(settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = [p.name for p in (tmp_path / "css").glob("app.*.css")]
    assert len(hashed) == 1
    assert (tmp_path / "css" / f"{hashed[0]}.gz").exists()
    assert (tmp_path / "staticfiles.json").exists()
