"""Bank accounts: created by hand with a valid IBAN or by their first statement, renamed by staff,
their IBAN and opening balance and date fixed once a statement was imported."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from banking import actions
from banking.choices import MatchKind
from banking.models import BankAccount, StatementLine
from tests.banking.factories import CAJA_IBAN, FIARE_IBAN, import_statements, march

pytestmark = pytest.mark.django_db

D = Decimal


def create(**values: object) -> BankAccount:
    fields = {
        "name": "Fiare · cuenta corriente",
        "iban": FIARE_IBAN,
        "opening_date": date(2025, 1, 1),
        "opening_balance": D("1000.00"),
        **values,
    }
    return actions.account_create(**fields)  # type: ignore[arg-type]


def refusal(**values: object) -> dict[str, list[str]]:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        create(**values)
    return refused.value.message_dict


def test_an_account_is_created_with_its_iban_stored_without_spaces() -> None:
    account = create(iban="es45 1550 0001 2600 0031 8402", opening_balance=D("1000.005"))
    assert account.iban == FIARE_IBAN
    assert account.opening_balance == D("1000.01")  # rounded half up
    assert str(account) == f"Fiare · cuenta corriente ({FIARE_IBAN})"


def test_an_iban_with_wrong_check_digits_is_refused_with_a_message() -> None:
    assert refusal(iban="ES4615500001260000318402") == {
        "iban": ["“ES4615500001260000318402” is not a valid IBAN."]
    }
    assert refusal(iban="not an iban")["iban"] == ["“NOTANIBAN” is not a valid IBAN."]
    assert not BankAccount.objects.exists()


def test_two_accounts_cannot_share_an_iban() -> None:
    create()
    assert refusal(name="Again") == {"iban": ["An account with this IBAN exists already."]}


def test_an_account_opening_beyond_next_year_is_refused() -> None:
    assert "opening_date" in refusal(opening_date=date(2099, 1, 1))


def test_staff_rename_an_account_and_its_history_keeps_the_old_name() -> None:
    account = create()
    actions.account_rename(account=account, name="  Cuenta Fiare  ")
    account.refresh_from_db()
    assert account.name == "Cuenta Fiare"
    assert [h.name for h in account.history.order_by("history_id")] == [
        "Fiare · cuenta corriente",
        "Cuenta Fiare",
    ]


def test_an_account_created_by_its_first_statement_may_be_renamed() -> None:
    import_statements(march())
    account = BankAccount.objects.get()
    assert (account.name, account.opening_date, account.opening_balance) == (
        "SMART IBERICA S.COOP.AND.",
        date(2026, 3, 1),
        D("1000.00"),
    )
    actions.account_rename(account=account, name="Fiare")
    assert BankAccount.objects.get().name == "Fiare"


def test_without_statements_the_iban_and_opening_fields_may_change() -> None:
    account = create()
    account.iban, account.opening_balance = CAJA_IBAN, D("50.00")
    actions.account_save(account=account)
    stored = BankAccount.objects.get()
    assert (stored.iban, stored.opening_balance) == (CAJA_IBAN, D("50.00"))


def test_once_a_statement_is_imported_only_the_name_may_change() -> None:
    import_statements(march())
    account = BankAccount.objects.get()
    account.name, account.opening_balance, account.opening_date = "Fiare", D("5.00"), date(2026, 1, 1)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        actions.account_save(account=account)
    assert set(refused.value.message_dict) == {"opening_balance", "opening_date"}
    assert "Only its name can." in refused.value.message_dict["opening_date"][0]
    stored = BankAccount.objects.get()
    assert (stored.name, stored.opening_balance) == ("SMART IBERICA S.COOP.AND.", D("1000.00"))
    stored.name = "Fiare"
    actions.account_save(account=stored)
    assert BankAccount.objects.get().name == "Fiare"


def test_an_account_without_statements_may_be_deleted_one_with_statements_may_not() -> None:
    actions.account_delete(account=create())
    import_statements(march())
    with translation.override("en"), pytest.raises(ValidationError, match="cannot be deleted"):
        actions.account_delete(account=BankAccount.objects.get())
    assert BankAccount.objects.count() == 1


def test_many_lines_are_reconciled_at_once_each_with_its_record() -> None:
    import_statements(march())
    ids = list(StatementLine.objects.order_by("position").values_list("pk", flat=True))
    links = [
        actions.LineLink(line_id=ids[0], kind=MatchKind.PAYMENT, record_id=7),
        actions.LineLink(line_id=ids[1], kind=MatchKind.EXPENSE, record_id=7),
    ]
    assert actions.lines_match(links=links) == 2
    matched = StatementLine.objects.matched().order_by("position")
    assert [(x.matched_kind, x.matched_id) for x in matched] == [("payment", 7), ("expense", 7)]
    assert StatementLine.objects.unmatched().count() == 1


def test_reconciling_at_once_refuses_a_record_already_matched_and_writes_nothing() -> None:
    import_statements(march())
    first, second, third = StatementLine.objects.order_by("position")
    actions.line_match(line=first, kind=MatchKind.PAYMENT, record_id=7)
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="reconciled with another bank line"),
    ):
        actions.lines_match(
            links=[
                actions.LineLink(line_id=second.pk, kind=MatchKind.EXPENSE, record_id=1),
                actions.LineLink(line_id=third.pk, kind=MatchKind.PAYMENT, record_id=7),
            ]
        )
    with translation.override("en"), pytest.raises(ValidationError, match="reconciled already"):
        actions.lines_match(links=[actions.LineLink(line_id=first.pk, kind=MatchKind.EXPENSE, record_id=2)])
    assert StatementLine.objects.matched().count() == 1
