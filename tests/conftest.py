"""Fixtures shared by the whole suite: named personas and fast, offline settings."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from smartiberica.kernel.roles import BOARD, STAFF

DB_VENDOR = "postgresql" if "postgresql" in django_settings.DATABASES["default"]["ENGINE"] else "sqlite"


def pytest_report_header() -> str:
    return f"database backend: {DB_VENDOR} ({django_settings.DATABASES['default']['NAME']})"


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Backend-specific tests say so with a marker; on the other backend they are
    # reported as skipped with the reason, never dropped silently.
    for vendor in ("postgresql", "sqlite"):
        if item.get_closest_marker(vendor) and vendor != DB_VENDOR:
            pytest.skip(f"needs {vendor}; this run uses {DB_VENDOR} (set DATABASE_URL to change)")


@pytest.fixture(autouse=True)
def _default_language_and_empty_cache() -> Iterator[None]:
    # LocaleMiddleware leaves the last request's language active in this thread, and
    # the cache outlives a test: start every test from Spanish and an empty cache.
    translation.activate(django_settings.LANGUAGE_CODE)
    cache.clear()
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_offline_settings(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Admin import jobs run inside the request: a thread would not see the test's transaction.
    settings.IMPORT_JOBS_INLINE = True
    # No cache: every request makes the same queries, so query counts are exact.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    # Hashed static names need a collectstatic run; tests render with plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def seeded_reference_data(transactional_db: None) -> None:
    """The rows data migrations seed, which a transactional test's flush removed.

    (Roles and permissions come back by themselves: the flush re-runs post_migrate.)
    """
    from django.apps import apps

    for module, function in (
        ("funding.migrations.0002_seed_expense_categories", "seed_expense_categories"),
        ("services.migrations.0002_seed_service_lines", "seed_service_lines"),
        ("smartiberica.board.migrations.0009_default_alert_rules", "create_default_rules"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(django_user_model: Any) -> Callable[..., Any]:
    def make(username: str, *, group: str | None = None, is_superuser: bool = False) -> Any:
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, is_staff=True, is_superuser=is_superuser
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def board_user(make_user: Callable[..., Any]) -> Any:
    return make_user("berta", group=BOARD)


@pytest.fixture
def staff_user(make_user: Callable[..., Any]) -> Any:
    return make_user("sara", group=STAFF)


@pytest.fixture
def superuser(make_user: Callable[..., Any]) -> Any:
    return make_user("root", is_superuser=True)


@pytest.fixture
def board_client(board_user: Any) -> Client:
    client = Client()
    client.force_login(board_user)
    return client


@pytest.fixture
def staff_client(staff_user: Any) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client
