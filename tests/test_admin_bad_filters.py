"""Admin lists answer a bad filter value with the unfiltered list or a 400, never a 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.services.factories import make_invoice

pytestmark = pytest.mark.django_db

BAD_VALUES = (
    "0",
    "99999",
    "-1",
    "²",
    "١٢٣",
    "２０２４",
    "\x00",
    "a\x00b",
    "9" * 40,
    "1e5",
    " ",
    "%",
    "'\"<>",
)


def changelists() -> list[tuple[str, Any]]:
    return sorted(
        (
            (f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist", model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in ("funding", "services", "banking")
        ),
        key=lambda pair: pair[0],
    )


def filter_parameters(client: Client, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200, url
    changelist = page.context["cl"]
    return sorted({p for spec in changelist.filter_specs for p in spec.expected_parameters()})


def test_no_admin_list_answers_a_bad_filter_value_with_a_500(superuser: Any) -> None:
    make_invoice()
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    failures = []
    for name, _model_admin in changelists():
        url = reverse(name)
        for parameter in filter_parameters(client, url):
            for value in BAD_VALUES:
                response = client.get(f"{url}?{quote(parameter)}={quote(value)}")
                if response.status_code not in (200, 302, 400):
                    failures.append((url, parameter, value, response.status_code))
    assert failures == [], "\n".join(map(str, failures))


def test_a_bad_year_shows_the_unfiltered_list(superuser: Any) -> None:
    make_invoice()
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    url = reverse("admin:services_invoice_changelist")
    for value in ("0", "99999", "²", "١٢٣"):
        response = client.get(url, {"issue_date_year": value}, follow=True)
        assert response.status_code == 200, value
        assert response.context["cl"].result_count == 1, value
        assert [m.level_tag for m in response.context["messages"]] == ["warning"], value


def test_a_nul_byte_in_a_filter_is_dropped_with_a_message(superuser: Any) -> None:
    make_invoice()
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:services_invoice_changelist")
    response = client.get(url, {"status__exact": "\x00", "credit_note": "no"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?credit_note=no"
    page = client.get(response["Location"])
    assert page.context["cl"].result_count == 1
    assert [m.level_tag for m in page.context["messages"]] == ["warning"]
