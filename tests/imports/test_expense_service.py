"""The `expenses` import's optional `service` column: the service line an expense serves."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from funding.models import Expense
from funding.resources import ExpenseResource
from smartiberica.kernel.importing import ImportResult
from tests.services.factories import service

pytestmark = pytest.mark.django_db
Run = Callable[..., ImportResult]

HEADER = "date,category,supplier,amount,reference,service\n"


def line_of(reference: str) -> str | None:
    expense = Expense.objects.select_related("service_line").get(reference=reference)
    return None if expense.service_line is None else expense.service_line.code


def test_a_service_code_makes_the_expense_a_direct_cost_of_that_line(run: Run) -> None:
    result = run(
        "expenses",
        HEADER
        + "2024-01-20,it,Microsoft Ibérica,5000.00,MS-1,it-licensing\n2024-01-21,staff,Nóminas,900,N-1,\n",
    )

    assert result.ok, result.error_lines()
    assert (line_of("MS-1"), line_of("N-1")) == ("it-licensing", None)


def test_an_unknown_service_code_is_a_row_error_and_nothing_is_written(run: Run) -> None:
    result = run(
        "expenses", HEADER + "2024-01-20,it,Microsoft,10,MS-1,it-licensing\n2024-01-21,it,X,10,X-1,nope\n"
    )

    assert result.error_lines() == ["row 3, column service: No service line has the code “nope”."]
    assert not Expense.objects.exists()


def test_re_importing_the_same_file_changes_nothing(run: Run) -> None:
    content = HEADER + "2024-01-20,it,Microsoft,10,MS-1,it-licensing\n2024-01-21,it,X,10,X-1,\n"
    run("expenses", content)

    again = run("expenses", content)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_new_code_moves_the_expense_and_a_blank_one_takes_it_off_its_line(run: Run) -> None:
    run(
        "expenses",
        HEADER + "2024-01-20,it,Microsoft,10,MS-1,it-licensing\n2024-01-21,it,X,10,X-1,crowdfunding\n",
    )

    result = run(
        "expenses",
        HEADER + "2024-01-20,it,Microsoft,10,MS-1,prl-training\n2024-01-21,it,X,10,X-1,\n",
        keep_reports=10,
    )

    assert result.updated == 2
    assert [report.changes for report in result.reports] == [
        {"service": ("it-licensing", "prl-training")},
        {"service": ("crowdfunding", "")},
    ]
    assert (line_of("MS-1"), line_of("X-1")) == ("prl-training", None)


def test_a_file_without_the_column_keeps_the_line_an_expense_has(run: Run) -> None:
    run("expenses", HEADER + "2024-01-20,it,Microsoft,10,MS-1,it-licensing\n")

    result = run("expenses", "date,category,supplier,amount,reference\n2024-01-20,it,Microsoft,12,MS-1\n")

    assert result.updated == 1
    assert line_of("MS-1") == "it-licensing"
    assert Expense.objects.get(reference="MS-1").service_line == service("it-licensing")


def test_the_example_file_names_the_line_of_the_licences_bought_for_resale(
    imported_examples: dict[str, ImportResult],
) -> None:
    assert line_of("MS-2021-0042") == "it-licensing"
    assert line_of("NOM-2021-01") is None


def test_the_admins_export_writes_the_service_column_back(run: Run) -> None:
    run("expenses", HEADER + "2024-01-20,it,Microsoft,10,MS-1,it-licensing\n2024-01-21,it,X,10,X-1,\n")

    dataset = ExpenseResource().export()

    assert dataset.headers[-1] == "service"
    assert [row[-1] for row in dataset] == ["it-licensing", ""]
