"""Settings fail loudly on bad or missing production values; production passes --deploy."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7!Qp2#vL9@sT4^mW8&zR1*kN6(bY3)hJ5_dF0+gC-aE=uI~oP",
    "DJANGO_ALLOWED_HOSTS": "funding.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    # No .env file: only what the test passes counts.
    base["DJANGO_ENV_FILE"] = os.devnull
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_debug_off_without_a_secret_key_refuses_to_start() -> None:
    result = manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="funding.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "DJANGO_ALLOWED_HOSTS" not in result.stderr.split("required:")[-1]


def test_debug_off_without_allowed_hosts_refuses_to_start() -> None:
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_a_malformed_boolean_is_a_configuration_error() -> None:
    result = manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_production_values_pass_the_deployment_checklist() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_an_http_only_proxy_setup_is_flagged_by_the_checklist() -> None:
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECURE_SSL_REDIRECT="0", **PRODUCTION
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_debug_mode_needs_no_configuration() -> None:
    result = manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
