"""A row of an `invoices` file that names an existing draft turns it into the file's invoice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from services import actions
from services.models import Invoice
from smartiberica.kernel.importing import ImportResult
from tests.services.factories import line, make_client, service

pytestmark = pytest.mark.django_db
Run = Callable[..., ImportResult]

HEADER = "number,issue_date,client,client_tax_id,service,net_amount,vat_rate,status\n"
ROW = "EXT-0042,2024-04-15,Hachette,A28765436,project-support,1000,21,issued\n"


@pytest.fixture
def draft() -> Invoice:
    """A draft staff typed with the number another program gave it, not yet complete."""
    return actions.invoice_create(
        client=make_client(name="Acme Ediciones SL", tax_id="B58818501"),
        service_line=service("it-licensing"),
        issue_date=date(2024, 3, 1),
        lines=[line("10.00")],
        number="EXT-0042",
    )


def test_the_files_date_client_service_and_amounts_win_over_the_drafts(run: Run, draft: Invoice) -> None:
    result = run("invoices", HEADER + ROW)
    assert (result.ok, result.updated) == (True, 1), result.error_lines()
    invoice = Invoice.objects.get(pk=draft.pk)
    assert invoice.status == "issued"
    assert invoice.number == "EXT-0042"
    assert invoice.issue_date == date(2024, 4, 15)
    assert (invoice.client.tax_id, invoice.client.name) == ("A28765436", "Hachette")
    assert invoice.service_line.code == "project-support"
    assert (invoice.net_amount, invoice.gross_amount) == (Decimal("1000.00"), Decimal("1210.00"))
    assert invoice.due_date == date(2024, 5, 15)
    assert invoice.lines.count() == 1


def test_re_importing_the_same_file_changes_nothing(run: Run, draft: Invoice) -> None:
    assert run("invoices", HEADER + ROW).ok
    again = run("invoices", HEADER + ROW)
    assert (again.ok, again.unchanged, again.updated, again.created) == (True, 1, 0, 0), again.error_lines()


def test_a_draft_the_file_cancels_is_cancelled_with_the_files_values(run: Run, draft: Invoice) -> None:
    result = run("invoices", HEADER + ROW.replace(",issued", ",cancelled"))
    assert result.ok, result.error_lines()
    invoice = Invoice.objects.get(pk=draft.pk)
    assert (invoice.status, invoice.issue_date) == ("cancelled", date(2024, 4, 15))
    assert run("invoices", HEADER + ROW.replace(",issued", ",cancelled")).unchanged == 1
