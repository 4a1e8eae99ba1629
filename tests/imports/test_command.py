"""`manage.py import_records`: exit codes, summary, every error, one message for an unreadable file."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from funding.models import Expense, FundingSource
from tests.imports.conftest import example

pytestmark = pytest.mark.django_db


def command(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_records", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path: Path, content: str | bytes, name: str = "file.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def test_a_valid_file_exits_0_with_a_summary(tmp_path: Path) -> None:
    code, out, err = command("funding-sources", str(example("funding-sources")))
    assert (code, err) == (0, "")
    assert out.strip() == "funding-sources: 3 created, 0 updated, 0 unchanged."
    code, out, _err = command("funding-sources", str(example("funding-sources")))
    assert out.strip() == "funding-sources: 0 created, 0 updated, 3 unchanged."


def test_an_update_is_counted_as_updated(tmp_path: Path) -> None:
    command("funding-sources", str(example("funding-sources")))
    changed = example("funding-sources").read_text().replace("Fiare Banca Etica", "Fiare Banca Ética")
    code, out, _err = command("funding-sources", write(tmp_path, changed))
    assert code == 0
    assert out.strip() == "funding-sources: 0 created, 1 updated, 2 unchanged."
    assert FundingSource.objects.get(code="fiare").name == "Fiare Banca Ética"


def test_one_bad_row_writes_nothing_and_every_error_is_listed_with_row_and_column(tmp_path: Path) -> None:
    content = (
        "date,category,supplier,amount,reference,description\n"
        "2024-01-05,it,Acme,10,E-1,\n"  # row 2: fine
        "\n"  # row 3: blank, skipped but counted
        "2024-02-30,it,Acme,10,E-2,\n"  # row 4: no such date
        "2024-01-07,nope,,0,E-3,\n"  # row 5: three errors
        "2024-01-08,it,Acme,10,E-1,\n"  # row 6: E-1 again
    )
    code, out, err = command("expenses", write(tmp_path, content))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "row 4, column date: “2024-02-30” is not a date (write YYYY-MM-DD or DD/MM/YYYY).",
        "row 5, column category: No expense category has the code “nope”.",
        "row 5, column supplier: This value is required.",
        "row 5, column amount: The amount must be greater than zero.",
        "row 6, column reference: the same key is already on row 2.",
        "5 errors: nothing was imported.",
    ]
    assert Expense.objects.count() == 0


def test_a_dry_run_reports_and_writes_nothing() -> None:
    code, out, _err = command("funding-sources", str(example("funding-sources")), "--dry-run")
    assert code == 0
    assert out.strip() == "funding-sources: 3 created, 0 updated, 0 unchanged. (dry run: nothing was written)"
    assert FundingSource.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"code,name\nx,y\n", "Missing columns: kind."),
        (b"code,name,kind\n", "The file has a header row but no records."),
        ("code,name,kind\nx,Caf\u00e9,grant\n".encode("latin-1"), "is not UTF-8 text"),
        (b"PK\x03\x04garbage", "The Excel file cannot be read"),
    ],
)
def test_an_unreadable_file_gets_one_clear_message_and_exit_1(
    tmp_path: Path, content: bytes, message: str
) -> None:
    code, _out, err = command("funding-sources", write(tmp_path, content))
    assert code == 1
    assert len(err.splitlines()) == 1
    assert message in err
    assert "Traceback" not in err


def test_a_missing_file_or_user_is_one_message() -> None:
    code, _out, err = command("funding-sources", "/nonexistent/file.csv")
    assert code == 1 and err.startswith("The file cannot be opened")
    code, _out, err = command("funding-sources", str(example("funding-sources")), "--user", "nobody")
    assert code == 1 and "nobody" in err
    assert FundingSource.objects.count() == 0


def test_history_rows_carry_the_user_given_with_user(staff_user: Any) -> None:
    code, _out, _err = command(
        "funding-sources", str(example("funding-sources")), "--user", staff_user.username
    )
    assert code == 0
    assert {h.history_user for h in FundingSource.history.all()} == {staff_user}


def test_without_user_the_history_rows_have_no_user() -> None:
    command("funding-sources", str(example("funding-sources")))
    assert FundingSource.history.count() == 3
    assert not FundingSource.history.filter(history_user__isnull=False).exists()


def test_the_command_run_as_a_process_exits_1_with_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xff\xfe\x00garbage\x00")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    process = subprocess.run(
        [sys.executable, "manage.py", "import_records", "expenses", path],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 1
    assert "Traceback" not in process.stderr
    assert len(process.stderr.strip().splitlines()) == 1
