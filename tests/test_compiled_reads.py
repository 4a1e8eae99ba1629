"""A compiled read turns its QuerySet into SQL once per arguments, and asks the database at every call."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext

from smartiberica.kernel import compiled_reads
from smartiberica.kernel.closed_years import close_year_lock
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.models import ClosedYear

pytestmark = pytest.mark.django_db

built: list[tuple[int, ...]] = []


@compiled_read
def years_from(first: int) -> QuerySet[Any, Any]:
    built.append((first,))
    return ClosedYear.objects.filter(year__gte=first).order_by("year").values_list("year", flat=True)


@compiled_read
def years_among(years: tuple[int, ...]) -> QuerySet[Any, Any]:
    built.append(years)
    return ClosedYear.objects.filter(year__in=years).order_by("year").values("year")


@compiled_read
def counted(first: int) -> QuerySet[Any, Any]:
    return ClosedYear.objects.filter(year__gte=first).values_list("year").annotate(n=Count("year"))


@pytest.fixture(autouse=True)
def nothing_built() -> None:
    built.clear()


def test_a_read_is_built_once_and_sees_the_data_as_it_is_at_each_call() -> None:
    close_year_lock(year=2020)
    with CaptureQueriesContext(connection) as queries:
        assert years_from(1990) == [2020]
        close_year_lock(year=2021)
        assert years_from(1990) == [2020, 2021]
    assert built == [(1990,)]
    table = ClosedYear._meta.db_table
    reads = [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and f'"{table}"."year" >=' in q["sql"]
    ]
    assert len(reads) == 2  # the database was asked each time


def test_other_arguments_build_another_read() -> None:
    close_year_lock(year=2020)
    close_year_lock(year=2022)
    assert years_from(2021) == [2022]
    assert years_from(2019) == [2020, 2022]
    assert years_from(2021) == [2022]
    assert built == [(2021,), (2019,)]


def test_values_rows_come_back_as_dicts_and_tuples_as_tuples() -> None:
    close_year_lock(year=2020)
    assert years_among((2020, 2021)) == [{"year": 2020}]
    assert counted(2000) == [(2020, 1)]


def test_an_empty_list_of_ids_asks_the_database_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert years_among(()) == []
        assert years_among(()) == []
    assert len(queries) == 0


def test_model_instances_are_refused() -> None:
    @compiled_read
    def instances() -> QuerySet[Any, Any]:
        return ClosedYear.objects.all()

    with pytest.raises(TypeError, match="values"):
        instances()


def test_past_the_limit_the_oldest_read_is_built_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled_reads, "KEPT", 1)
    years_from(2001)
    years_from(2002)
    years_from(2002)
    years_from(2001)
    assert built == [(2001,), (2002,), (2001,)]
