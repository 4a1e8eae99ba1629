"""The batched selectors (all years in a fixed number of queries) equal the one-year engine."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartiberica.board.figures import yearly_figures, yearly_figures_many, years_with_data
from tests.board.story import build
from tests.board.volume import add_volume


@pytest.mark.django_db
@pytest.mark.parametrize("basis", ["accrual", "cash"])
def test_all_years_at_once_give_exactly_the_figures_of_each_year(basis: str) -> None:
    build()
    add_volume(year=2024, times=3)
    years = [2021, *years_with_data(), 2026]  # with years without data around them
    many = yearly_figures_many(years=years, basis=basis)  # type: ignore[arg-type]
    assert sorted(many) == sorted(set(years))
    for year in years:
        assert many[year] == yearly_figures(year=year, basis=basis)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_batched_engine_makes_the_same_queries_for_two_and_ten_years() -> None:
    build()
    with CaptureQueriesContext(connection) as two:
        yearly_figures_many(years=[2023, 2024])
    with CaptureQueriesContext(connection) as ten:
        yearly_figures_many(years=list(range(2015, 2025)))
    assert len(two) == len(ten) <= 17, [q["sql"] for q in ten.captured_queries]
    assert not any("DISTINCT" in q["sql"].upper() for q in ten.captured_queries)


@pytest.mark.django_db
def test_the_years_with_data_need_no_distinct_scan() -> None:
    build()
    with CaptureQueriesContext(connection) as queries:
        assert years_with_data() == [2023, 2024]
    big = ("services_invoice", "services_payment", "funding_expense", "funding_fundingreceipt")
    for query in queries.captured_queries:
        sql = query["sql"]
        assert not ("DISTINCT" in sql.upper() and any(table in sql for table in big)), sql
