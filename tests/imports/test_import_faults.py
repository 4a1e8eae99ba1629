"""Faults during an import are messages, never tracebacks: nothing is written, the command exits 1."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client as HttpClient
from django.urls import reverse

from funding.importers import FundingSourceImporter
from funding.models import FundingSource
from services.models import Invoice, InvoiceNumberCounter
from services.validation import ERR_NUMBERING_BUSY
from smartiberica.kernel.importing import ERR_DATABASE_LOST, ERR_IMPORT_RUNNING, ImportResult
from smartiberica.kernel.locks import IMPORT_LOCK_KEY
from tests.imports.test_admin import upload
from tests.imports.test_command import command, write
from tests.services.factories import make_client, make_invoice

SOURCES = "code,name,kind\n" + "".join(f"s{n},Source {n},parent_support\n" for n in range(5))


@pytest.fixture
def database_lost_on_row_4(monkeypatch: pytest.MonkeyPatch) -> None:
    original = FundingSourceImporter.apply

    def apply(self: FundingSourceImporter, parsed: Any, row: int) -> Any:
        if row == 4:
            raise OperationalError("server closed the connection unexpectedly")
        return original(self, parsed, row)

    monkeypatch.setattr(FundingSourceImporter, "apply", apply)


@pytest.mark.django_db
def test_a_database_lost_mid_import_is_one_message_and_nothing_is_written(
    database_lost_on_row_4: None, run: Callable[..., ImportResult]
) -> None:
    result = run("funding-sources", SOURCES)
    assert result.unreadable == str(ERR_DATABASE_LOST)
    assert result.errors == []
    assert FundingSource.objects.count() == 0


@pytest.mark.django_db
def test_the_command_says_the_database_was_lost_and_exits_1(
    database_lost_on_row_4: None, tmp_path: Path
) -> None:
    status, _out, err = command("funding-sources", write(tmp_path, SOURCES))
    assert status == 1
    assert str(ERR_DATABASE_LOST) in err
    assert "Traceback" not in err
    assert FundingSource.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_preview_says_the_database_was_lost(
    database_lost_on_row_4: None, staff_client: HttpClient
) -> None:
    page = upload(staff_client, "funding-sources", SOURCES.encode())
    assert page.status_code == 200
    assert str(ERR_DATABASE_LOST) in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["expenses", "invoices", "member-turnover"])
def test_dates_in_year_9999_are_row_errors(run: Callable[..., ImportResult], kind: str) -> None:
    files = {
        "expenses": "date,category,supplier,amount,reference\n9999-12-31,it,Acme,10,E1\n",
        "invoices": "number,issue_date,client,client_tax_id,service,net_amount,vat_rate,status\n"
        "F9999-0001,31/12/9999,Acme,B58818501,it-licensing,10,21,issued\n",
        "member-turnover": "month,turnover,structure_rate,fund_rate\n9999-12,10,5,2\n",
    }
    result = run(kind, files[kind])
    assert result.unreadable is None
    assert result.errors and result.errors[0].row == 2


def _hold(sql: str, params: list[Any], held: threading.Event, release: threading.Event) -> None:
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
            held.set()
            release.wait(30)
    finally:
        connection.close()


@pytest.fixture
def holder() -> Iterator[Callable[[str, list[Any]], None]]:
    release = threading.Event()
    threads: list[threading.Thread] = []

    def hold(sql: str, params: list[Any]) -> None:
        held = threading.Event()
        thread = threading.Thread(target=_hold, args=(sql, params, held, release))
        thread.start()
        threads.append(thread)
        assert held.wait(10)

    yield hold
    release.set()
    for thread in threads:
        thread.join()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_second_import_while_one_runs_is_refused_at_once(
    holder: Callable[[str, list[Any]], None], run: Callable[..., ImportResult]
) -> None:
    holder("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
    started = time.monotonic()
    result = run("funding-sources", SOURCES)
    assert time.monotonic() - started < 5
    assert result.unreadable == str(ERR_IMPORT_RUNNING)
    assert FundingSource.objects.count() == 0


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
def test_issuing_while_an_import_holds_the_numbering_is_a_message_not_a_500(
    holder: Callable[[str, list[Any]], None], superuser: Any, settings: Any
) -> None:
    settings.LOCK_WAIT_SECONDS = 0.5
    draft = make_invoice(client=make_client(), status="draft", issue_date=date(2024, 5, 1))
    InvoiceNumberCounter.objects.create(series="F", year=2024)
    holder("SELECT * FROM services_invoicenumbercounter WHERE year = %s FOR UPDATE", [2024])
    client = HttpClient(raise_request_exception=False)
    client.force_login(superuser)
    started = time.monotonic()
    response = client.post(
        reverse("admin:services_invoice_changelist"),
        {"action": "mark_issued", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert any(str(ERR_NUMBERING_BUSY) in str(m.message) for m in response.context["messages"])
    assert Invoice.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_bounded_wait_applies_inside_its_block_only() -> None:
    from smartiberica.kernel.locks import bounded_lock_wait

    def lock_timeout() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            return cursor.fetchone()[0]

    with transaction.atomic():
        before = lock_timeout()
        with bounded_lock_wait(0.5):
            assert lock_timeout() == "500ms"
        assert lock_timeout() == before
