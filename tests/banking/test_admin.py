"""The bank pages of the admin: the statement import (upload, preview, confirm), accounts written
through the actions, read-only statements and lines with their totals, query counts pinned."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum.es.ccc import calc_check_digits, to_iban

from banking.actions import account_create
from banking.models import BankAccount, BankStatement, StatementLine
from smartiberica.kernel.dates import today
from tests.banking.factories import (
    CAJA_IBAN,
    FIARE_IBAN,
    NORMA43_EXAMPLE,
    import_statements,
    line,
    march,
    statement,
)

pytestmark = pytest.mark.django_db

D = Decimal
EN = {"Accept-Language": "en"}
IMPORT = reverse("admin:banking_bankstatement_import")
CONFIRM = reverse("admin:banking_bankstatement_import_confirm")


def upload(client: Client, data: bytes, name: str = "statement.n43") -> Any:
    return client.post(IMPORT, {"statement_file": SimpleUploadedFile(name, data)}, headers=EN)


def said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def changelist(model: str) -> str:
    return reverse(f"admin:banking_{model}_changelist")


# --- The import screen ------------------------------------------------------------------------------


def test_staff_preview_a_statement_file_then_confirm_it(staff_client: Client) -> None:
    preview = upload(staff_client, NORMA43_EXAMPLE.read_bytes())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Preview of statement.n43: nothing has been written yet." in page
    assert page.count('data-account="new"') == 2
    assert 'data-iban="ES9115500001210000202001"' in page and 'data-iban="ES4230580990262720012345"' in page
    assert "€12,345.67" in page and "€13,189.77" in page  # the balances of the first account
    assert "EDICIONES DEL GUADALQUIVIR SL" in page  # its first lines
    assert not BankStatement.objects.exists() and not BankAccount.objects.exists()

    done = staff_client.post(CONFIRM, {"token": preview.context["token"]}, follow=True, headers=EN)
    assert done.redirect_chain[-1][0] == changelist("bankstatement")
    assert said(done) == [
        "statement.n43 imported: 2 statements with 7 bank lines.",
        "2 new bank accounts were created from the file: you may rename them.",
    ]
    assert BankStatement.objects.count() == 2 and StatementLine.objects.count() == 7
    assert set(BankStatement.objects.values_list("imported_by__username", flat=True)) == {"sara"}


def test_a_preview_is_confirmed_once_and_only_by_its_uploader(staff_client: Client, make_user: Any) -> None:
    from smartiberica.kernel.roles import STAFF

    token = upload(staff_client, NORMA43_EXAMPLE.read_bytes()).context["token"]
    colleague = Client()
    colleague.force_login(make_user("otra", group=STAFF))
    refused = colleague.post(CONFIRM, {"token": token}, follow=True, headers=EN)
    assert said(refused) == ["The uploaded file is no longer available: upload it again."]
    assert not BankStatement.objects.exists()
    staff_client.post(CONFIRM, {"token": token}, follow=True, headers=EN)  # its messages shown
    again = staff_client.post(CONFIRM, {"token": token}, follow=True, headers=EN)
    assert said(again) == ["The uploaded file is no longer available: upload it again."]
    assert BankStatement.objects.count() == 2


def test_a_file_imported_before_is_previewed_as_such_and_changes_nothing(staff_client: Client) -> None:
    token = upload(staff_client, NORMA43_EXAMPLE.read_bytes()).context["token"]
    staff_client.post(CONFIRM, {"token": token}, follow=True, headers=EN)
    preview = upload(staff_client, NORMA43_EXAMPLE.read_bytes())
    assert preview.content.decode().count("data-already-imported") == 2
    done = staff_client.post(CONFIRM, {"token": preview.context["token"]}, follow=True, headers=EN)
    assert said(done) == ["Nothing new in statement.n43: every statement in it had been imported before."]
    assert StatementLine.objects.count() == 7


def test_a_refused_file_is_said_with_the_readers_sentence_and_nothing_is_kept(staff_client: Client) -> None:
    response = upload(staff_client, b"hello", name="notes.txt")
    assert response.status_code == 200 and "token" not in response.context
    assert said(response) == [
        "notes.txt was refused, nothing was written: The file is neither a Norma 43 bank statement "
        "(cuaderno 43) nor a CAMT.053 XML bank statement."
    ]


def test_a_statement_that_does_not_follow_its_account_is_refused_at_the_preview(staff_client: Client) -> None:
    token = upload(staff_client, NORMA43_EXAMPLE.read_bytes()).context["token"]
    staff_client.post(CONFIRM, {"token": token}, follow=True)  # its messages shown
    # The same balances a month later: the March statements are not followed by these.
    april = NORMA43_EXAMPLE.read_bytes().replace(b"240301240331", b"240401240430")
    response = upload(staff_client, april, name="april.n43")
    assert "token" not in response.context
    assert said(response) == [
        "april.n43 was refused, nothing was written: The statement of ES4230580990262720012345 opens on "
        "2024-04-01 with €3,000.00, but the account's last balance is €2,650.00 on 2024-03-31: a statement "
        "is missing or this one is out of order."
    ]
    assert BankStatement.objects.count() == 2


def test_a_file_above_the_upload_limit_is_refused_before_it_is_read(
    staff_client: Client, settings: Any
) -> None:
    settings.IMPORT_LIMITS = {**settings.IMPORT_LIMITS, "MAX_UPLOAD_BYTES": 1_000}
    response = upload(staff_client, NORMA43_EXAMPLE.read_bytes())
    assert said(response) == ["The file is larger than 0.001 MB: split it into smaller files."]


def test_board_members_may_not_import_nor_see_the_button(board_client: Client, staff_client: Client) -> None:
    assert board_client.get(IMPORT).status_code == 403
    assert board_client.post(CONFIRM, {"token": "0" * 32}).status_code == 403
    assert IMPORT not in board_client.get(changelist("bankstatement")).content.decode()
    assert IMPORT in staff_client.get(changelist("bankstatement")).content.decode()
    assert IMPORT in staff_client.get(changelist("bankaccount")).content.decode()


# --- Accounts ---------------------------------------------------------------------------------------


def account_form(**values: str) -> dict[str, str]:
    return {
        "name": "Caja Rural",
        "iban": "ES54 3187 0152 1111 0045 7263",
        "opening_date": "2026-01-01",
        "opening_balance": "500.00",
        **values,
    }


def test_staff_add_an_account_whose_iban_is_checked(staff_client: Client) -> None:
    add = reverse("admin:banking_bankaccount_add")
    refused = staff_client.post(add, account_form(iban="ES00 3187 0152 1111 0045 7263"), headers=EN)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["iban"] == [
        "“ES0031870152111100457263” is not a valid IBAN."
    ]
    assert staff_client.post(add, account_form(), headers=EN).status_code == 302
    assert BankAccount.objects.get().iban == CAJA_IBAN
    twice = staff_client.post(add, account_form(name="Again"), headers=EN)
    assert twice.context["adminform"].form.errors["iban"] == ["An account with this IBAN exists already."]


def test_once_statements_exist_staff_may_only_rename_an_account(staff_client: Client) -> None:
    import_statements(march())
    account = BankAccount.objects.get()
    url = reverse("admin:banking_bankaccount_change", args=[account.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="name"' in page and 'name="iban"' not in page and 'name="opening_balance"' not in page
    response = staff_client.post(
        url, {"name": "Fiare", "iban": CAJA_IBAN, "opening_balance": "1.00"}, headers=EN
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.iban, account.opening_balance) == ("Fiare", FIARE_IBAN, D("1000.00"))


def test_the_account_list_shows_each_balance_today(staff_client: Client) -> None:
    import_statements(march())
    account_create(
        name="Later", iban=CAJA_IBAN, opening_date=today() + timedelta(days=30), opening_balance=D("9")
    )
    page = staff_client.get(changelist("bankaccount"), headers=EN).content.decode()
    assert '<td class="field-balance">€2,360.00</td>' in page
    assert '<td class="field-balance">—</td>' in page  # opens later


# --- Statements and lines ---------------------------------------------------------------------------


def test_the_lines_list_filters_and_totals_every_filtered_line(staff_client: Client) -> None:
    import_statements(march())
    response = staff_client.get(changelist("statementline"), {"reconciled": "no"}, headers=EN)
    assert response.context["filtered_total"] == D("1360.00")
    assert 'data-total-field="amount"' in response.content.decode()
    out = staff_client.get(changelist("statementline"), {"reconciled": "no", "q": "COMISIONES"}, headers=EN)
    assert out.context["filtered_total"] == D("-150.00")
    reconciled = staff_client.get(changelist("statementline"), {"reconciled": "yes"}, headers=EN)
    assert reconciled.context["filtered_total"] == D("0.00")


def test_a_statement_links_to_its_lines_and_is_read_only(staff_client: Client) -> None:
    import_statements(march())
    statement_ = BankStatement.objects.get()
    listing = staff_client.get(changelist("bankstatement"), headers=EN).content.decode()
    assert f'?statement__id__exact={statement_.pk}">3 lines</a>' in listing
    lines = staff_client.get(changelist("statementline"), {"statement__id__exact": statement_.pk})
    assert len(lines.context["cl"].result_list) == 3
    page = staff_client.get(reverse("admin:banking_bankstatement_change", args=[statement_.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert staff_client.get(reverse("admin:banking_bankstatement_add")).status_code == 403
    assert staff_client.get(reverse("admin:banking_statementline_add")).status_code == 403


def iban(number: int) -> str:
    ccc = f"31870152{number:012d}"
    return to_iban(ccc[:8] + calc_check_digits(ccc) + ccc[10:])


def rows(count: int, start: int = 0) -> None:
    """`count` accounts, each with a statement of one line."""
    for number in range(start, start + count):
        day = date(2026, 3, 1) + timedelta(days=number)
        import_statements(
            statement(
                opening_date=day,
                closing_date=day,
                lines=(line(day, "10.00", f"L{number}"),),
                iban=iban(number),
            )
        )


def queries(client: Client, url: str) -> list[str]:
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("model", ["bankaccount", "bankstatement", "statementline"])
def test_each_list_makes_the_same_queries_for_one_and_fifty_rows(staff_client: Client, model: str) -> None:
    rows(1)
    one = queries(staff_client, changelist(model))
    rows(49, start=1)
    fifty = queries(staff_client, changelist(model))
    assert len(fifty) == len(one), fifty
    assert not any("DISTINCT" in sql.upper() for sql in fifty)
