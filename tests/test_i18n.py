import os
import shutil
from pathlib import Path

import polib  # type: ignore[import-untyped]  # no stubs in the project's dependencies
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from smartiberica.kernel.management.commands.translations import check_catalogs


def require_gettext() -> None:
    if shutil.which("xgettext") is None:
        message = "GNU gettext (xgettext) is not installed; apt-get install gettext"
        if os.environ.get("REQUIRE_GETTEXT") == "1":
            pytest.fail(message)
        pytest.skip(message + " (REQUIRE_GETTEXT=1 makes this a failure)")


def test_every_string_in_the_code_is_in_complete_compiled_catalogs() -> None:
    require_gettext()
    problems = check_catalogs(Path(settings.BASE_DIR), against_code=True)
    assert problems == []


def test_the_catalogs_are_translated_and_compiled_even_without_gettext() -> None:
    assert check_catalogs(Path(settings.BASE_DIR), against_code=False) == []


def test_the_check_finds_an_untranslated_string(tmp_path: Path) -> None:
    po_dir = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Budget", msgstr=""))
    po.append(polib.POEntry(msgid="Loan", msgstr="Prêt", flags=["fuzzy"]))
    po.save(str(po_dir / "django.po"))
    po.save_as_mofile(str(po_dir / "django.mo"))
    problems = check_catalogs(tmp_path, against_code=False)
    assert "locale/fr/LC_MESSAGES/django.po: untranslated entry 'Budget'" in problems
    assert "locale/fr/LC_MESSAGES/django.po: fuzzy entry 'Loan'" in problems


def test_the_command_fails_on_an_incomplete_catalog(tmp_path: Path, settings: object) -> None:
    settings.BASE_DIR = tmp_path  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="no catalog found"):
        call_command("translations", "--check", "--no-extract")


@pytest.mark.django_db
def test_spanish_is_the_default_language(board_client: Client) -> None:
    response = board_client.get(reverse("login"))
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()
    assert "Cerrar sesión" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "logout"), [("en", "Log out"), ("fr", "Se déconnecter")])
def test_the_language_switcher_changes_the_language(board_client: Client, language: str, logout: str) -> None:
    login = reverse("login")
    response = board_client.post(reverse("set_language"), {"language": language, "next": login}, follow=True)
    assert response.redirect_chain[-1][0] == login
    assert logout in response.content.decode()
    assert f'<option value="{language}" selected>' in response.content.decode()


@pytest.mark.django_db
def test_the_login_page_can_switch_language_signed_out(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "fr", "next": reverse("login")}, follow=True)
    assert "Se connecter" in response.content.decode()
