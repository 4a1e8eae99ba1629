"""An imported expense that looks like a loan payment is imported with a warning, never refused."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from funding import actions
from funding.models import Expense, Loan
from smartiberica.kernel.importing import ImportResult

pytestmark = pytest.mark.django_db
D = Decimal

HEADER = "date,category,supplier,amount,reference\n"
# 120.00 is the interest due on 15 Nov 2023 (see the fixture); row 3 is a normal bank charge.
INTEREST_AS_EXPENSE = (
    HEADER + "2023-11-15,financial,Banco,120.00,INT-11\n2023-11-20,financial,Banco,9.00,FEE-11\n"
)
LENDER_AS_SUPPLIER = HEADER + "2023-11-03,financial,fiare,45.00,FIARE-FEE\n"


@pytest.fixture
def loan(db: None) -> Loan:
    lender = actions.source_create(code="fiare", name="Fiare Banca Etica", kind="loan")
    # 12,000 at 12 % (1 % a month), 3 interest-only instalments: 120.00 of interest on 15 Nov 2023.
    return actions.loan_create(
        source=lender,
        reference="FIARE-G",
        principal=D("12000.00"),
        annual_rate=D("12.00"),
        term_instalments=4,
        grace_instalments=3,
        start_date=date(2023, 10, 15),
    )


def command(tmp_path: Path, content: str) -> tuple[int, str, str]:
    path = tmp_path / "expenses.csv"
    path.write_text(content)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_records", "expenses", str(path), stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_command_prints_the_warning_and_still_imports_the_expense(loan: Loan, tmp_path: Path) -> None:
    code, out, err = command(tmp_path, INTEREST_AS_EXPENSE)
    assert (code, err) == (0, "")
    lines = out.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("row 2, column amount: warning: ")
    assert "FIARE-G" in lines[0]
    assert lines[1] == "expenses: 2 created, 0 updated, 0 unchanged."
    assert set(Expense.objects.values_list("reference", flat=True)) == {"INT-11", "FEE-11"}


def test_an_expense_whose_supplier_is_the_lender_is_warned_about_on_the_supplier_column(
    loan: Loan, run: Callable[..., ImportResult]
) -> None:
    result = run("expenses", LENDER_AS_SUPPLIER)
    assert result.ok and result.created == 1
    assert [(w.row, w.column) for w in result.warnings] == [(2, "supplier")]
    assert "Fiare Banca Etica" in result.warning_lines()[0]


def test_a_normal_expense_has_no_warning(loan: Loan, run: Callable[..., ImportResult]) -> None:
    result = run("expenses", HEADER + "2023-11-20,financial,Banco,9.00,FEE-11\n")
    assert result.ok and result.created == 1
    assert list(result.warnings) == []


def test_a_refused_row_gets_its_error_and_no_warning(loan: Loan, run: Callable[..., ImportResult]) -> None:
    result = run("expenses", HEADER + "2023-11-15,nope,Banco,120.00,INT-11\n")
    assert [(e.row, e.column) for e in result.errors] == [(2, "category")]
    assert list(result.warnings) == []


def test_the_admin_preview_lists_the_warning_before_the_confirm(loan: Loan, staff_client: Client) -> None:
    upload = io.BytesIO(INTEREST_AS_EXPENSE.encode())
    upload.name = "expenses.csv"
    page = staff_client.post("/admin/funding/expense/import/", {"import_file": upload}, follow=True)
    assert page.status_code == 200
    warnings = [(w.row, w.column) for w in page.context["result"].warnings]
    assert warnings == [(2, "amount")]
    html = page.content.decode()
    assert 'id="row-warnings"' in html
    assert "FIARE-G" in html
    assert "Confirm the import" in html
    assert Expense.objects.count() == 0  # a preview writes nothing


def test_the_preview_of_normal_expenses_shows_no_warnings(loan: Loan, staff_client: Client) -> None:
    upload = io.BytesIO((HEADER + "2023-11-20,financial,Banco,9.00,FEE-11\n").encode())
    upload.name = "expenses.csv"
    page = staff_client.post("/admin/funding/expense/import/", {"import_file": upload}, follow=True)
    assert page.status_code == 200
    assert 'id="row-warnings"' not in page.content.decode()
