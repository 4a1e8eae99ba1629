"""On the demo: every year that is over projects to its yearly figures, key for key, on both
bases; the current year's months add up to its projected figures."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from smartiberica.board.figures import yearly_figures
from smartiberica.board.projection import forecast

pytestmark = pytest.mark.django_db
KEYS = ("own_revenue", "external_support", "total_costs", "cash_in", "cash_out")


@pytest.fixture
def demo() -> Iterator[None]:
    with time_machine.travel("2026-11-26 10:00:00+01:00", tick=False):
        call_command("load_demo", "--force", stdout=StringIO())
        yield


def test_every_demo_year_projects_to_its_figures_and_its_months_add_up(demo: None) -> None:
    for basis in ("accrual", "cash"):
        for year in range(2017, 2027):
            data = forecast(year=year, basis=basis).as_json()
            sums = {key: sum((Decimal(m[key]) for m in data["months"]), Decimal("0.00")) for key in KEYS}
            assert {key: str(sums[key]) for key in KEYS} == {key: data[key] for key in KEYS}, (year, basis)
            if year < 2026:
                recorded = yearly_figures(year=year, basis=basis).as_json()
                assert {key: data[key] for key in recorded} == recorded, (year, basis)
                assert all(m["actual"] for m in data["months"])
            else:
                assert data["as_of"] == "2026-10-31"
                assert [m["actual"] for m in data["months"]] == [True] * 10 + [False] * 2
