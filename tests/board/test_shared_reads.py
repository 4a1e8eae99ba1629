"""A page's parts share their reference reads within one request, and nothing outside it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smartiberica.kernel.shared_reads import shared_read, shared_reads

calls: list[int] = []


@shared_read
def doubled(n: int) -> int:
    calls.append(n)
    return n * 2


@pytest.fixture(autouse=True)
def no_calls() -> None:
    calls.clear()


def test_outside_a_scope_every_call_reads_again() -> None:
    assert [doubled(2), doubled(2)] == [4, 4]
    assert calls == [2, 2]


def test_within_a_scope_a_read_runs_once_per_distinct_arguments() -> None:
    with shared_reads():
        assert [doubled(2), doubled(3), doubled(2), doubled(n=2)] == [4, 6, 4, 4]
    assert calls == [2, 3, 2]  # keyword arguments are another key: the function decides its own


def test_nothing_is_kept_after_the_scope() -> None:
    with shared_reads():
        doubled(2)
    with shared_reads():
        doubled(2)
    doubled(2)
    assert calls == [2, 2, 2]


@pytest.mark.django_db
@pytest.mark.usefixtures("story")
def test_the_year_page_reads_the_margin_rules_once(board_client: Client) -> None:
    # The yearly figures, the projection and the guarantee fund all price the members' turnover.
    with CaptureQueriesContext(connection) as captured:
        assert board_client.get("/years/2025/").status_code == 200
    reads = [q["sql"] for q in captured if 'FROM "services_marginrule"' in q["sql"]]
    assert len(reads) == 1, reads
