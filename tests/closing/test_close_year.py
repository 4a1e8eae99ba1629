"""Public contract 3: closing a year, its snapshot, the lock and reopening.

The records come in through `import_records` (public contract 2), as staff would bring them.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))

FILES = {
    "funding-sources": "code,name,kind\nfundacion-sur,Fundación Sur,grant\n",
    "funding-receipts": "date,source,amount,reference\n2024-03-01,fundacion-sur,5000.00,FS-2024-1\n",
    "expenses": "date,category,supplier,amount,reference\n2024-02-01,premises,Casero SL,900.00,ALQ-2024-02\n",
    "invoices": (
        "number,issue_date,client,client_tax_id,service,net_amount,vat_rate\n"
        "F2024-0001,2024-05-01,Cooperativa La Huerta,G41234568,prl-training,1000.00,21\n"
    ),
    "payments": "invoice,date,amount\nF2024-0001,2024-06-01,500.00\n",
    "refunds": "invoice,date,amount\nF2024-0001,2024-06-02,100.00\n",
    "member-turnover": "month,turnover,structure_rate,fund_rate\n2024-01,10000.00,6.00,1.00\n",
}
# Rows of each kind dated in 2024 that the lock must refuse once 2024 is closed.
LATE_FILES = {
    "funding-receipts": "date,source,amount,reference\n2024-09-01,fundacion-sur,10.00,FS-2024-9\n",
    "expenses": "date,category,supplier,amount,reference\n2024-09-01,it,Hosting SL,10.00,IT-2024-9\n",
    "invoices": (
        "number,issue_date,client,client_tax_id,service,net_amount,vat_rate\n"
        "F2024-0009,2024-09-01,Cooperativa La Huerta,G41234568,prl-training,10.00,21\n"
    ),
    "payments": "invoice,date,amount\nF2024-0001,2024-09-01,10.00\n",
    "refunds": "invoice,date,amount\nF2024-0001,2024-09-02,10.00\n",
    "member-turnover": "month,turnover,structure_rate,fund_rate\n2024-09,10.00,6.00,1.00\n",
}


def run(*args: str, language: str = "en") -> tuple[int, str, str]:
    """Run a command in `language` (English: the messages read as the contract writes them)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with translation.override(language):
            call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    except CommandError as error:
        return 1, out.getvalue(), str(error)
    return 0, out.getvalue(), err.getvalue()


def import_file(tmp_path: Path, kind: str, content: str, language: str = "en") -> tuple[int, str, str]:
    path = tmp_path / f"{kind}.csv"
    path.write_text(content, encoding="utf-8")
    return run("import_records", kind, str(path), language=language)


@pytest.fixture
def year_2024(tmp_path: Path) -> Any:
    with time_machine.travel(NOW, tick=False):
        for kind, content in FILES.items():
            code, out, err = import_file(tmp_path, kind, content)
            assert code == 0, (kind, out, err)
        yield


def figures(year: int, basis: str = "accrual") -> dict[str, Any]:
    code, out, err = run("yearly_figures", str(year), "--basis", basis)
    assert code == 0, err
    return json.loads(out)


def test_closing_a_year_freezes_its_figures_and_names_who_approved(year_2024: None, board_user: Any) -> None:
    before = {basis: figures(2024, basis) for basis in ("accrual", "cash")}
    assert before["accrual"]["status"] == "open" and before["accrual"]["approved"] is None

    code, _out, err = run("close_year", "2024", "--user", board_user.username, "--note", "Cuentas aprobadas")

    assert code == 0, err
    for basis in ("accrual", "cash"):
        after = figures(2024, basis)
        assert after["status"] == "closed"
        assert after["approved"]["by"] == board_user.username
        assert after["approved"]["note"] == "Cuentas aprobadas"
        datetime.fromisoformat(after["approved"]["at"])
        strip = ("status", "approved")
        assert {k: v for k, v in after.items() if k not in strip} == {
            k: v for k, v in before[basis].items() if k not in strip
        }


def test_every_kind_dated_in_a_closed_year_is_refused_and_accepted_again_after_reopening(
    year_2024: None, tmp_path: Path, board_user: Any, superuser: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        assert run("close_year", "2024", "--user", board_user.username)[0] == 0
        before = figures(2024)
        for kind, content in LATE_FILES.items():
            code, out, err = import_file(tmp_path, kind, content)
            assert code == 1, (kind, out)
            assert "row 2, column" in err and "year 2024 is closed" in err, (kind, err)
        assert figures(2024) == before

        assert (
            run("reopen_year", "2024", "--user", superuser.username, "--reason", "Factura olvidada")[0] == 0
        )
        for kind, content in LATE_FILES.items():
            code, out, err = import_file(tmp_path, kind, content)
            assert code == 0, (kind, err)
        assert figures(2024)["status"] == "open"


def test_the_refusal_names_the_closed_year_in_the_readers_language(
    year_2024: None, tmp_path: Path, board_user: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        run("close_year", "2024", "--user", board_user.username)
        code, _out, err = import_file(tmp_path, "expenses", LATE_FILES["expenses"], language="es")
    assert code == 1
    assert "row 2, column date: el año 2024 está cerrado" in err


def test_the_current_year_and_later_cannot_be_closed(board_user: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        for year in ("2026", "2027"):
            code, _out, err = run("close_year", year, "--user", board_user.username)
            assert code == 1 and year in err


def test_a_year_cannot_be_closed_twice(year_2024: None, board_user: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        assert run("close_year", "2024", "--user", board_user.username)[0] == 0
        code, _out, err = run("close_year", "2024", "--user", board_user.username)
    assert code == 1 and "2024 is already approved" in err


def test_staff_may_not_close_a_year_but_superusers_may(
    year_2024: None, staff_user: Any, superuser: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        code, _out, err = run("close_year", "2024", "--user", staff_user.username)
        assert code == 1 and "Only board members" in err
        assert run("close_year", "2024", "--user", superuser.username)[0] == 0


def test_only_a_superuser_reopens_and_only_with_a_reason(
    year_2024: None, board_user: Any, superuser: Any
) -> None:
    from smartiberica.board.models import YearApproval

    with time_machine.travel(NOW, tick=False):
        run("close_year", "2024", "--user", board_user.username, "--note", "ok")
        assert run("reopen_year", "2024", "--user", board_user.username, "--reason", "x")[0] == 1
        assert run("reopen_year", "2024", "--user", superuser.username, "--reason", "  ")[0] == 1
        assert (
            run("reopen_year", "2024", "--user", superuser.username, "--reason", "Error en una factura")[0]
            == 0
        )
        assert run("close_year", "2024", "--user", board_user.username, "--note", "otra vez")[0] == 0

    history = [(a.event, a.by.username, a.note) for a in YearApproval.objects.of_year(2024)]
    assert history == [
        ("approved", board_user.username, "ok"),
        ("reopened", superuser.username, "Error en una factura"),
        ("approved", board_user.username, "otra vez"),
    ]


def test_check_closed_years_reports_a_figure_that_no_longer_matches_its_snapshot(
    year_2024: None, board_user: Any
) -> None:
    from smartiberica.board.models import YearApproval

    with time_machine.travel(NOW, tick=False):
        run("close_year", "2024", "--user", board_user.username)
        assert run("check_closed_years")[0] == 0
        approval = YearApproval.objects.get(year=2024)
        # What a write past the lock would do, seen from the other side: the snapshot and the
        # records no longer agree.
        approval.snapshot["accrual"]["services_revenue"] = "1.00"
        approval.save()
        code, out, _err = run("check_closed_years")
    assert code == 1
    assert "2024 (accrual) services_revenue: approved 1.00, now 1000.00" in out


def test_the_board_group_may_approve_years_and_staff_may_not(board_user: Any, staff_user: Any) -> None:
    assert board_user.has_perm("smartiberica.approve_year")
    assert not staff_user.has_perm("smartiberica.approve_year")
