"""Importing statement files: all or nothing, the account read from the file, nothing twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from banking.actions import statement_import
from banking.models import BankAccount, BankStatement, StatementLine
from smartiberica.kernel.statements import read_statement_file
from tests.banking.factories import (
    CAJA_IBAN,
    CAMT053_EXAMPLE,
    FIARE_IBAN,
    NORMA43_EXAMPLE,
    april,
    import_statements,
    line,
    march,
    statement,
)

pytestmark = pytest.mark.django_db

D = Decimal


def everything() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (
        list(BankAccount.objects.order_by("pk").values_list()),
        list(BankStatement.objects.order_by("pk").values_list()),
        list(StatementLine.objects.order_by("pk").values_list()),
    )


def import_file(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_statement", str(path), *args, stdout=out)
    return out.getvalue()


def refusal(*statements: object) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_statements(*statements)  # type: ignore[arg-type]
    return " ".join(refused.value.messages)


def test_the_norma43_example_creates_both_its_accounts_with_their_opening_balance_and_date() -> None:
    out = import_file(NORMA43_EXAMPLE)
    accounts = {a.iban: a for a in BankAccount.objects.all()}
    assert set(accounts) == {"ES9115500001210000202001", "ES4230580990262720012345"}
    first = accounts["ES9115500001210000202001"]
    assert (first.opening_date, first.opening_balance) == (date(2024, 3, 1), D("12345.67"))
    assert first.name == "SMART IBÉRICA S.COOP.AND."
    assert StatementLine.objects.filter(account=first).count() == 5
    assert StatementLine.objects.filter(account=first).total() == D("844.10")
    statement = BankStatement.objects.get(account=first)
    assert (statement.format, statement.closing_balance, statement.file_name) == (
        "norma43",
        D("13189.77"),
        "norma43-two-accounts.n43",
    )
    assert "norma43: imported 7 lines." in out
    assert "(new account)" in out


def test_the_camt053_example_keeps_each_line_as_the_bank_wrote_it() -> None:
    import_file(CAMT053_EXAMPLE)
    account = BankAccount.objects.get()
    assert (account.iban, account.opening_balance) == ("ES5314910001252110045678", D("8500.00"))
    lines = list(StatementLine.objects.order_by("position"))
    assert [x.amount for x in lines] == [D("2420.00"), D("-605.00"), D("-38.72"), D("150.00")]
    assert lines[0].counterparty_name == "Formaciones Prevención Andaluza SL"
    assert "2024-0057" in lines[0].description
    assert [x.position for x in lines] == [1, 2, 3, 4]
    assert all(x.account_id == account.pk and x.matched_kind is None for x in lines)


def test_importing_the_same_file_again_changes_nothing() -> None:
    import_file(NORMA43_EXAMPLE)
    before = everything()
    out = import_file(NORMA43_EXAMPLE)
    assert everything() == before
    assert out.count("already imported") == 2
    assert "imported 0 lines" in out


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing() -> None:
    out = import_file(NORMA43_EXAMPLE, "--dry-run")
    assert "would import 7 lines" in out
    assert everything() == ([], [], [])
    outcome = statement_import(parsed=read_statement_file(CAMT053_EXAMPLE.read_bytes()), dry_run=True)
    assert outcome.dry_run and outcome.lines_imported == 4
    assert outcome.statements[0].new_account and outcome.statements[0].statement_id is None
    assert everything() == ([], [], [])


def test_a_statement_that_does_not_follow_the_last_balance_is_refused_with_both_balances() -> None:
    import_statements(march())
    before = everything()
    message = refusal(april(opening="2000.00"))
    assert message == (
        f"The statement of {FIARE_IBAN} opens on 2026-04-01 with €2,000.00, but the account's last "
        "balance is €2,360.00 on 2026-03-31: a statement is missing or this one is out of order."
    )
    assert everything() == before


def test_a_statement_opening_before_the_last_one_closes_is_refused() -> None:
    import_statements(march(), april())
    overlapping = statement(opening_date=date(2026, 4, 20), closing_date=date(2026, 5, 31), opening="1760.00")
    assert "before the end of the last statement imported (2026-04-30)" in refusal(overlapping)


def test_a_file_is_imported_all_or_nothing_across_its_statements() -> None:
    import_statements(march())
    before = everything()
    # A new account that would be fine, and a gap in the known one: neither is written.
    message = refusal(march(iban=CAJA_IBAN), april(opening="9.99"))
    assert "a statement is missing" in message
    assert everything() == before


def test_the_statements_of_a_file_are_taken_in_date_order_for_each_account() -> None:
    outcome = import_statements(april(), march(), march(iban=CAJA_IBAN))
    assert [(s.iban, s.opening_date.month) for s in outcome.statements] == sorted(
        [(FIARE_IBAN, 3), (FIARE_IBAN, 4), (CAJA_IBAN, 3)]
    )
    assert BankAccount.objects.count() == 2
    assert [s.new_account for s in outcome.statements].count(True) == 2
    assert BankStatement.objects.count() == 3 and outcome.lines_imported == 7


def test_a_file_holding_a_statement_imported_before_imports_the_others() -> None:
    import_statements(march())
    outcome = import_statements(march(), april())
    assert [s.already_imported for s in outcome.statements] == [True, False]
    assert outcome.statements[0].statement_id == BankStatement.objects.earliest("pk").pk
    assert BankStatement.objects.count() == 2 and StatementLine.objects.count() == 4


def test_a_statement_in_another_currency_is_refused() -> None:
    assert refusal(march().__class__(**{**march().__dict__, "currency": "USD"})) == (
        "Only accounts in euros are kept: this statement is in USD."
    )
    assert everything() == ([], [], [])


def test_a_statement_before_an_account_typed_by_hand_opens_is_refused() -> None:
    from banking.actions import account_create

    account_create(
        name="Fiare", iban=FIARE_IBAN, opening_date=date(2026, 3, 15), opening_balance=D("1000.00")
    )
    assert refusal(march()) == (
        f"The statement of {FIARE_IBAN} opens on 2026-03-01, before the account's opening date (2026-03-15)."
    )


def test_the_first_statement_of_an_account_typed_by_hand_follows_its_opening_balance() -> None:
    from banking.actions import account_create

    account = account_create(
        name="Fiare", iban=FIARE_IBAN, opening_date=date(2026, 3, 1), opening_balance=D("1000.00")
    )
    outcome = import_statements(march())
    assert not outcome.statements[0].new_account
    assert outcome.statements[0].account_name == "Fiare"
    assert account.statements.count() == 1
    account_create(name="Caja", iban=CAJA_IBAN, opening_date=date(2026, 3, 1), opening_balance=D("500.00"))
    assert "the account's last balance is €500.00 on 2026-03-01" in refusal(march(iban=CAJA_IBAN))


def test_ten_thousand_lines_are_written_in_a_few_inserts() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lines = tuple(line(date(2026, 3, 1 + i % 28), "1.00", f"L{i}") for i in range(10_000))
    with CaptureQueriesContext(connection) as queries:
        import_statements(
            statement(opening_date=date(2026, 3, 1), closing_date=date(2026, 3, 31), lines=lines)
        )
    assert StatementLine.objects.count() == 10_000
    inserts = [
        q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "banking_statementline"')
    ]
    # As many rows an INSERT as the database takes (SQLite: its 999 parameters), never one a line.
    assert len(inserts) <= 10_000 // 50


def test_the_command_refuses_a_gap_with_the_message_and_exit_code_1(tmp_path: Path) -> None:
    import_file(NORMA43_EXAMPLE)
    # The same balances a month later: the March statements are not followed by these.
    later = NORMA43_EXAMPLE.read_bytes().replace(b"240301240331", b"240401240430")
    path = tmp_path / "april.n43"
    path.write_bytes(later)
    with translation.override("en"), pytest.raises(CommandError) as refused:
        import_file(path)
    assert refused.value.returncode == 1
    assert str(refused.value).startswith(
        "april.n43: The statement of ES4230580990262720012345 opens on 2024-04-01"
    )
    assert "a statement is missing" in str(refused.value)


def test_the_command_refuses_a_file_it_cannot_read_with_the_readers_sentence(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError) as refused:
        import_file(path)
    assert str(refused.value) == (
        "notes.txt: The file is neither a Norma 43 bank statement (cuaderno 43) nor a CAMT.053 XML bank "
        "statement."
    )
    with pytest.raises(CommandError, match=r"missing\.n43"):
        import_file(tmp_path / "missing.n43")
    assert everything() == ([], [], [])


def test_the_command_refuses_a_file_in_another_currency(tmp_path: Path) -> None:
    path = tmp_path / "dollars.n43"
    path.write_bytes(NORMA43_EXAMPLE.read_bytes().replace(b"9783SMART", b"8403SMART"))
    with translation.override("en"), pytest.raises(CommandError) as refused:
        import_file(path)
    assert refused.value.returncode == 1
    assert str(refused.value) == "dollars.n43: Only statements in euros can be imported: this file is in USD."
    assert everything() == ([], [], [])
