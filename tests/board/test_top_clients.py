"""The pages list only the largest clients, and read no more than that (issue 17).

At 5,000 clients a year, decoding every client of every year of a trend (snapshots and rollups)
was most of a page's time. The pages ask for `clients="top"`: the first `TOP_CLIENTS` of the
whole sorted list, no more, read from the client rollups' top ranks and the approvals' summaries.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from services.selectors import services_years
from smartiberica.board.closing import year_close
from smartiberica.board.figures import yearly_figures_many
from smartiberica.kernel.basis import BASES, TOP_CLIENTS
from tests.services.factories import line, make_client, make_invoice, make_payment

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))


@pytest.fixture(autouse=True)
def _in_mid_2026() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fourteen_clients() -> None:
    """Fourteen clients in 2024 and 2025; in each year the 9th to 12th largest tie at 500.00, so
    the tenth place is decided by the name, as in the whole list."""
    amounts = ["9000", "8000", "7000", "6000", "5000", "4000", "3000", "2000"] + ["500"] * 4 + ["100", "50"]
    names = [f"Client {chr(ord('N') - n)}" for n in range(len(amounts))]  # N, M, L, ...: not in name order
    for year in (2024, 2025):
        for name, amount in zip(names, amounts, strict=True):
            invoice = make_invoice(
                client=make_client(name=name), issue_date=date(year, 4, 1), lines=[line(f"{amount}.00")]
            )
            make_payment(invoice=invoice, date=date(year, 5, 1), amount=invoice.gross_amount)


@pytest.mark.usefixtures("fourteen_clients")
@pytest.mark.parametrize("basis", BASES)
@pytest.mark.parametrize("source", ["rollups", "raw"])
def test_the_top_clients_are_the_first_of_the_whole_list_ties_at_the_edge_decided_as_there(
    basis: Any, source: Any
) -> None:
    whole = services_years(years=[2024, 2025], basis=basis, source=source)
    top = services_years(years=[2024, 2025], basis=basis, source=source, clients="top")
    for year in (2024, 2025):
        assert len(whole[year].revenue_by_client) == 14
        assert top[year].revenue_by_client == whole[year].revenue_by_client[:TOP_CLIENTS]
        names = [c.name for c in top[year].revenue_by_client[8:]]
        assert names == ["Client C", "Client D"]  # four tie at 500.00: the first two by name
        assert top[year].services_revenue == whole[year].services_revenue


@pytest.mark.usefixtures("fourteen_clients")
def test_a_closed_years_figures_for_the_pages_come_from_its_summary_not_its_snapshot(board_user: Any) -> None:
    year_close(year=2024, user=board_user)
    whole = yearly_figures_many(years=[2024], basis="accrual")[2024]
    with CaptureQueriesContext(connection) as queries:
        top = yearly_figures_many(years=[2024], basis="accrual", clients="top")[2024]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"board_yearapproval"."summary"' in sql
    assert '"board_yearapproval"."snapshot"' not in sql  # megabytes at thousands of clients
    assert len(whole.revenue_by_client) == 14
    assert top.revenue_by_client == whole.revenue_by_client[:TOP_CLIENTS]
    assert top.ratios == whole.ratios and top.own_revenue == whole.own_revenue == Decimal("46150.00")
    assert top.approval == whole.approval is not None


@pytest.mark.usefixtures("fourteen_clients")
def test_the_year_page_lists_the_top_clients_and_reads_no_full_snapshot(
    board_user: Any, client: Client
) -> None:
    year_close(year=2024, user=board_user)
    client.force_login(board_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/years/2025/")
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"board_yearapproval"."snapshot"' not in sql
    listed = [line.label for line in response.context["page"].clients]
    assert listed == [c.name for c in yearly_figures_many(years=[2025])[2025].revenue_by_client[:TOP_CLIENTS]]
    assert len(listed) == TOP_CLIENTS
