from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from smartiberica.roles import BOARD, STAFF

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_it_refuses_to_run_with_debug_off_unless_forced(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        load()
    assert not get_user_model().objects.exists()
    load("--force")
    assert get_user_model().objects.count() == 3


def test_it_creates_the_three_demo_users_and_prints_their_logins(settings: Any) -> None:
    settings.DEBUG = True
    out = load("--password", "s3cret")
    users = {u.username: u for u in get_user_model().objects.all()}
    assert list(users["board"].groups.values_list("name", flat=True)) == [BOARD]
    assert list(users["staff"].groups.values_list("name", flat=True)) == [STAFF]
    assert users["admin"].is_superuser
    assert not users["board"].is_superuser
    assert all(u.check_password("s3cret") for u in users.values())
    assert "board  / s3cret" in out


def test_running_it_twice_changes_nothing(settings: Any) -> None:
    settings.DEBUG = True
    load()
    before = list(get_user_model().objects.order_by("pk").values())
    load()
    assert list(get_user_model().objects.order_by("pk").values()) == before
