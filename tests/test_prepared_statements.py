"""On PostgreSQL a compiled read runs as a statement prepared once per connection; its rows are
those the ORM gives, on both databases."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet, Sum
from django.test.utils import CaptureQueriesContext

from services.models import Client, Invoice
from smartiberica.kernel.closed_years import close_year_lock
from smartiberica.kernel.compiled_reads import compiled_read
from smartiberica.kernel.models import ClosedYear
from tests.services.factories import line, make_client, make_invoice, valid_dni
from tests.test_settings import manage

pytestmark = pytest.mark.django_db


@compiled_read
def years_from(first: int) -> QuerySet[Any, Any]:
    return ClosedYear.objects.filter(year__gte=first).order_by("year").values_list("year", flat=True)


def _prepared(fragment: str) -> list[str]:
    """The statements prepared on this connection whose text holds `fragment`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [text for (text,) in cursor.fetchall() if fragment in text]


@pytest.fixture
def fresh_reads() -> None:
    # Each connection keeps its compiled reads: start these tests from none.
    connection._compiled_reads = OrderedDict()  # type: ignore[attr-defined]


@pytest.mark.postgresql
def test_a_read_is_prepared_once_and_still_sees_new_rows(fresh_reads: None) -> None:
    close_year_lock(year=2020)
    assert years_from(1991) == [2020]
    close_year_lock(year=2021)
    with CaptureQueriesContext(connection) as queries:
        assert years_from(1991) == [2020, 2021]
    assert _prepared(">= 1991") == [next(q["sql"] for q in queries if ">= 1991" in q["sql"])]


@pytest.mark.postgresql
def test_with_prepared_statements_off_a_read_runs_unprepared(
    fresh_reads: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "prepare_threshold", None)
    close_year_lock(year=2020)
    assert years_from(1992) == [2020]
    assert _prepared(">= 1992") == []


@compiled_read
def client_names_by_tax_id() -> QuerySet[Any, Any]:
    # DISTINCT ordered by a column it does not return: Django selects that column too.
    return Client.objects.order_by("tax_id").values_list("name", flat=True).distinct()


@compiled_read
def invoiced_by_day(first: date) -> QuerySet[Any, Any]:
    invoices = Invoice.objects.filter(issue_date__gte=first).order_by("issue_date")
    return invoices.values_list("issue_date").annotate(total=Sum("lines__quantity"))


def test_rows_are_those_the_orm_gives_with_their_types(fresh_reads: None) -> None:
    zeta = make_client(name="Zeta", tax_id=valid_dni(9002))
    alfa = make_client(name="Alfa", tax_id=valid_dni(9001))
    make_invoice(client=zeta, issue_date=date(2024, 3, 1), lines=[line(quantity="2.50")])
    make_invoice(client=alfa, issue_date=date(2024, 3, 1), lines=[line(quantity="1.25")])
    make_invoice(client=alfa, issue_date=date(2024, 5, 2), lines=[line(quantity="1")])
    assert client_names_by_tax_id() == ["Alfa", "Zeta"]
    assert client_names_by_tax_id() == list(Client.objects.order_by("tax_id").values_list("name", flat=True))
    rows = invoiced_by_day(date(2024, 1, 1))
    assert rows == [(date(2024, 3, 1), Decimal("3.75")), (date(2024, 5, 2), Decimal("1"))]
    assert [(type(day), type(total)) for day, total in rows] == [(date, Decimal), (date, Decimal)]
    built = Invoice.objects.filter(issue_date__gte=date(2024, 1, 1)).order_by("issue_date")
    assert rows == list(built.values_list("issue_date").annotate(total=Sum("lines__quantity")))


def test_the_settings_turn_prepared_statements_off_on_request() -> None:
    probe = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"

    def options(**extra: str) -> str:
        result = manage(
            "shell", "-c", probe, DJANGO_DEBUG="1", DATABASE_URL="postgres://u@h:5432/db", **extra
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "'prepare_threshold': 5" in options()
    assert "prepare_threshold" not in options(DJANGO_DB_PREPARED_STATEMENTS="0")
