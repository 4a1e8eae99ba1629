"""Switching language remembers a signed-in user's choice, for the e-mails sent to them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from smartiberica.board.alert_actions import user_language_set
from smartiberica.board.alert_models import UserPreference

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_switching_language_is_remembered(board_client: Client, board_user: Any) -> None:
    response = board_client.post(reverse("set_language"), {"language": "fr", "next": "/years/"})
    assert (response.status_code, response["Location"]) == (302, "/years/")
    assert response.cookies["django_language"].value == "fr"
    assert UserPreference.objects.get(user=board_user).language == "fr"
    board_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert UserPreference.objects.get(user=board_user).language == "en"
    assert UserPreference.objects.count() == 1


def test_signed_out_the_switcher_still_works_and_remembers_nobody(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.cookies["django_language"].value == "en"
    assert not UserPreference.objects.exists()


def test_an_unknown_language_changes_nothing(board_client: Client, board_user: Any) -> None:
    board_client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert not UserPreference.objects.exists()
    with pytest.raises(ValidationError):
        user_language_set(user=board_user, language="de")
