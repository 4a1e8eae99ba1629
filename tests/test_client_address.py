"""Login throttling sees each client's own address: behind the configured proxies, and never a forged one."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from smartiberica.settings import client_address_settings
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"


# The keyword names are the request's WSGI environ keys, as the test client takes them.
def login(client: Client, password: str, *, REMOTE_ADDR: str, HTTP_X_FORWARDED_FOR: str) -> Any:
    return client.post(
        reverse("login"),
        {"username": "berta", "password": password},
        REMOTE_ADDR=REMOTE_ADDR,
        HTTP_X_FORWARDED_FOR=HTTP_X_FORWARDED_FOR,
    )


@pytest.fixture
def behind_one_proxy(settings: Any) -> None:
    for name, value in client_address_settings(1).items():
        setattr(settings, name, value)


@pytest.fixture
def no_proxy(settings: Any) -> None:
    for name, value in client_address_settings(0).items():
        setattr(settings, name, value)


def test_behind_one_proxy_a_lockout_stays_with_the_client_that_earned_it(
    behind_one_proxy: None, board_user: Any
) -> None:
    client = Client()
    for _ in range(5):
        login(client, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert login(client, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # Another person, through the same proxy, logs in as the same user.
    other = login(Client(), PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert other.status_code == 302


def test_without_a_proxy_a_forged_forwarded_for_is_ignored(no_proxy: None, board_user: Any) -> None:
    client = Client()
    for n in range(5):
        # Each attempt claims another address: the connection's own address is what counts.
        login(client, "wrong", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    locked = login(client, PASSWORD, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert locked.status_code == 429


def test_a_negative_proxy_count_is_a_configuration_error() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        client_address_settings(-1)


def test_the_proxy_count_reaches_django_axes() -> None:
    assert client_address_settings(1)["AXES_IPWARE_META_PRECEDENCE_ORDER"][0] == "HTTP_X_FORWARDED_FOR"
    assert client_address_settings(0)["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]
    import ipware  # noqa: F401  (django-axes reads addresses through it only when it is installed)
