"""A figure's link opens its admin changelist, filtered, under whatever prefix the app is served."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import clear_script_prefix, set_script_prefix

from smartiberica.board import drilldown


@pytest.fixture
def served_under_a_prefix() -> Iterator[None]:
    set_script_prefix("/funding/")
    yield
    clear_script_prefix()


def test_a_link_is_the_changelist_with_its_filters() -> None:
    assert drilldown.issued_invoices(2024, service="it-licensing") == (
        "/admin/services/invoice/?issue_date_year=2024&status__exact=issued&service_line__code__exact=it-licensing"
    )


def test_a_link_follows_the_prefix_the_app_is_served_under(served_under_a_prefix: None) -> None:
    # The root first, then the prefix: a path kept for one is not handed to the other.
    clear_script_prefix()
    assert drilldown.payments(2024).startswith("/admin/services/payment/?")
    set_script_prefix("/funding/")
    assert drilldown.payments(2024) == "/funding/admin/services/payment/?date_year=2024"


def test_a_link_follows_another_urlconf(settings: object) -> None:
    drilldown.payments(2024)
    settings.ROOT_URLCONF = "tests.board.prefixed_urls"  # type: ignore[attr-defined]
    assert drilldown.payments(2024) == "/board/admin/services/payment/?date_year=2024"
