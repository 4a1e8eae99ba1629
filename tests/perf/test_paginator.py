from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from funding import actions
from funding.models import Expense
from funding.selectors import categories_by_code
from smartiberica.kernel import paginator as module
from smartiberica.kernel.paginator import EstimatedCountPaginator

pytestmark = pytest.mark.django_db


def expenses(n: int) -> None:
    other = categories_by_code()["other"]
    for i in range(n):
        actions.expense_create(
            date=date(2024, 1, 1) + timedelta(days=i),
            category=other,
            supplier="S",
            amount=Decimal("1.00"),
            reference=f"E{i}",
        )


def counted(queryset: QuerySet[Expense]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        total = EstimatedCountPaginator(queryset, 10).count
    return total, [q["sql"] for q in queries]


@pytest.mark.sqlite
def test_sqlite_always_counts_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "EXACT_BELOW", 1)
    expenses(12)
    total, sql = counted(Expense.objects.all())
    assert total == 12
    assert any("COUNT(" in s.upper() for s in sql)


@pytest.mark.postgresql
def test_a_big_postgresql_list_is_estimated_without_a_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "EXACT_BELOW", 20)
    expenses(60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE funding_expense")
    total, sql = counted(Expense.objects.all())
    assert total == 60  # pg_class.reltuples after ANALYZE
    assert not any("COUNT(" in s.upper() for s in sql)
    total, sql = counted(Expense.objects.filter(date__lt=date(2024, 2, 15)))
    assert 20 <= total <= 80  # the planner's estimate for 45 rows
    assert not any("COUNT(" in s.upper() for s in sql)


@pytest.mark.postgresql
def test_a_small_postgresql_list_is_counted_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "EXACT_BELOW", 20)
    expenses(60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE funding_expense")
    total, sql = counted(Expense.objects.filter(reference="E7"))
    assert total == 1
    assert any("COUNT(" in s.upper() for s in sql)
