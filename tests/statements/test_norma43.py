"""Norma 43 files are read record by record (11, 22, 23, 24, 33, 88) into statements, or refused with
the line to look at."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from smartiberica.kernel.statements import (
    StatementFileError,
    StatementFormat,
    StatementLine,
    read_statement_file,
)
from smartiberica.kernel.statements import norma43 as n43_reader
from smartiberica.kernel.statements.errors import money
from tests.statements.conftest import EXAMPLES, refused
from tests.statements.n43 import (
    concept,
    end,
    exchange,
    header,
    movement,
    n43_file,
    one_account,
    sepa_debit,
    sepa_transfer,
    totals,
)

D = Decimal
CREDIT = movement(booked=date(2024, 3, 4), amount=D("100.00"), common="02", reference2="ABC123")


def only_line(
    *records: str,
    opening: Decimal,
    closing: Decimal,
    debits: tuple[int, Decimal] = (0, D("0.00")),
    credits: tuple[int, Decimal] = (0, D("0.00")),
) -> StatementLine:
    """The one movement of a one-account file made of `records` and the totals given."""
    data = one_account(*records, opening=opening, closing=closing, debits=debits, credits=credits)
    (line,) = read_statement_file(data).statements[0].lines
    return line


def test_the_example_file_holds_two_accounts_with_their_balances_and_movements() -> None:
    parsed = read_statement_file((EXAMPLES / "norma43-two-accounts.n43").read_bytes())

    assert parsed.format == StatementFormat.NORMA43
    first, second = parsed.statements
    assert (first.account_iban, first.account_name, first.currency) == (
        "ES9115500001210000202001",
        "SMART IBÉRICA S.COOP.AND.",  # cp1252 text read as such
        "EUR",
    )
    assert (first.opening_date, first.opening_balance) == (date(2024, 3, 1), D("12345.67"))
    assert (first.closing_date, first.closing_balance) == (date(2024, 3, 31), D("13189.77"))
    assert [line.amount for line in first.lines] == [
        D("1815.00"),
        D("-48.40"),
        D("-1210.00"),
        D("300.00"),
        D("-12.50"),
    ]
    assert second.account_iban == "ES4230580990262720012345"
    assert (second.opening_balance, second.closing_balance) == (D("3000.00"), D("2650.00"))
    assert [line.description for line in second.lines] == [
        "ADEUDO CUOTA PRÉSTAMO MARZO 2024",
        "TRANSFERENCIA DE MARÍA JIMÉNEZ RUIZ CUOTA ANUAL SOCIA 2024",
    ]


def test_a_movement_record_22_gives_dates_signed_amount_references_and_concepto_comun() -> None:
    debit = movement(
        booked=date(2024, 3, 11),
        value=date(2024, 3, 12),
        amount=D("-1210.00"),
        common="13",
        document="0000004711",
        reference1="240311000032",
        reference2="EXT0311001210",
    )
    line = only_line(debit, opening=D("2000.00"), closing=D("790.00"), debits=(1, D("1210.00")))

    assert (line.booking_date, line.value_date) == (date(2024, 3, 11), date(2024, 3, 12))
    assert (line.amount, line.currency, line.bank_code) == (D("-1210.00"), "EUR", "13")
    assert line.reference == "0000004711 240311000032 EXT0311001210"
    assert (line.end_to_end, line.description, line.counterparty_name, line.counterparty_iban) == (
        "",
        "",
        "",
        "",
    )


def test_complementary_concepts_23_are_joined_into_the_description() -> None:
    records = (CREDIT, concept(1, "TRANSFERENCIA DE", "MARÍA   JIMÉNEZ RUIZ"), concept(2, "CUOTA SOCIA 2024"))
    line = only_line(*records, opening=D("0.00"), closing=D("100.00"), credits=(1, D("100.00")))

    assert line.description == "TRANSFERENCIA DE MARÍA JIMÉNEZ RUIZ CUOTA SOCIA 2024"


def test_five_concepts_of_a_sepa_transfer_give_the_payer_its_reference_and_the_remittance() -> None:
    records = (
        CREDIT,
        *sepa_transfer(
            originator="EDICIONES DEL GUADALQUIVIR SL", reference="FRA-2024-0042", remittance="FRA 42"
        ),
    )
    line = only_line(*records, opening=D("0.00"), closing=D("100.00"), credits=(1, D("100.00")))

    assert (line.counterparty_name, line.end_to_end, line.description) == (
        "EDICIONES DEL GUADALQUIVIR SL",
        "FRA-2024-0042",
        "FRA 42",
    )


def test_five_concepts_of_a_sepa_direct_debit_give_the_creditor_and_its_reference() -> None:
    records = (
        movement(booked=date(2024, 3, 5), amount=D("-48.40"), common="03"),
        *sepa_debit(
            creditor="TELECOMUNICACIONES DEL SUR SA",
            creditor_id="ES12000B41234567",
            mandate="MND-1",
            remittance="RECIBO MARZO",
            reference="REC-784",
        ),
    )
    line = only_line(*records, opening=D("100.00"), closing=D("51.60"), debits=(1, D("48.40")))

    assert (line.counterparty_name, line.end_to_end, line.description, line.bank_code) == (
        "TELECOMUNICACIONES DEL SUR SA",
        "REC-784",
        "RECIBO MARZO",
        "03",
    )


def test_a_currency_equivalence_24_adds_the_original_amount_to_the_description() -> None:
    records = (
        movement(booked=date(2024, 3, 11), amount=D("-1210.00"), common="13"),
        concept(1, "PAGO LICENCIAS"),
        exchange(amount=D("1312.50")),
    )
    line = only_line(*records, opening=D("2000.00"), closing=D("790.00"), debits=(1, D("1210.00")))

    # The movement itself is in euros: an equivalence in dollars is information, not a refusal.
    assert (line.amount, line.currency, line.description) == (
        D("-1210.00"),
        "EUR",
        "PAGO LICENCIAS USD 1312.50",
    )


def test_the_account_iban_is_built_from_entity_office_control_digits_and_account_number() -> None:
    data = n43_file(
        header(entity="2100", office="5731", account="0200123456"),
        totals(entity="2100", office="5731", account="0200123456"),
        end(2),
    )

    # CCC 2100 5731 78 0200123456: "78" are the two control digits, computed from the other parts.
    assert read_statement_file(data).statements[0].account_iban == "ES2721005731780200123456"


def test_an_account_without_movements_and_a_debit_opening_balance_is_read() -> None:
    data = one_account(opening=D("-25.30"), closing=D("-25.30"))

    (statement,) = read_statement_file(data).statements
    assert (statement.opening_balance, statement.closing_balance, statement.lines) == (
        D("-25.30"),
        D("-25.30"),
        (),
    )


def test_utf8_text_and_unix_line_ends_are_read_as_well() -> None:
    records = (header(name="SMART IBÉRICA"), totals(), end(2))

    statement = read_statement_file(n43_file(*records, newline="\n", encoding="utf-8")).statements[0]
    assert statement.account_name == "SMART IBÉRICA"


def test_a_record_of_the_wrong_length_is_refused_with_its_line() -> None:
    data = one_account(CREDIT[:79], opening=D("0.00"), closing=D("100.00"), credits=(1, D("100.00")))

    assert refused(data) == str(n43_reader.ERR_LENGTH % {"line": 2, "length": 79})


def test_an_unknown_record_code_is_refused_with_its_line() -> None:
    data = one_account(
        CREDIT, "45" + CREDIT[2:], opening=D("0.00"), closing=D("100.00"), credits=(1, D("100.00"))
    )

    assert refused(data) == str(n43_reader.ERR_UNKNOWN_RECORD % {"line": 3, "code": "45"})


def test_a_concept_before_any_movement_is_refused_as_out_of_place() -> None:
    data = one_account(concept(1, "SUELTO"), opening=D("0.00"), closing=D("0.00"))

    assert refused(data) == str(n43_reader.ERR_OUT_OF_PLACE % {"line": 2, "code": "23", "previous": "11"})


def test_the_reader_refuses_a_file_that_does_not_start_with_an_account_header() -> None:
    # read_statement_file would not take it for Norma 43 at all; the reader alone says why.
    with pytest.raises(StatementFileError) as caught:
        n43_reader.read_norma43(n43_file(CREDIT, totals(), end(2)))

    assert caught.value.message == str(n43_reader.ERR_FIRST_RECORD % {"line": 1, "code": "22"})


def test_a_record_after_the_end_of_file_is_refused() -> None:
    data = n43_file(header(), totals(), end(2), header())

    assert refused(data) == str(n43_reader.ERR_AFTER_END % {"line": 4})


def test_totals_of_another_account_are_refused() -> None:
    data = n43_file(header(), totals(account="0000202002"), end(2))

    assert refused(data) == str(
        n43_reader.ERR_TOTALS_ACCOUNT
        % {"line": 2, "found": "1550 0001 0000202002", "start": 1, "expected": "1550 0001 0000202001"}
    )


def test_a_sixth_concept_record_is_refused() -> None:
    concepts = [concept(n, "TEXTO") for n in range(1, 6)] + [concept(5, "DE MÁS")]
    data = one_account(CREDIT, *concepts, opening=D("0.00"), closing=D("100.00"), credits=(1, D("100.00")))

    assert refused(data) == str(n43_reader.ERR_TOO_MANY_CONCEPTS % {"line": 8})


def test_an_account_without_its_totals_record_has_no_closing_balance_and_is_refused() -> None:
    data = n43_file(header(), CREDIT, header(account="0000202002"), totals(), end(4))

    assert refused(data) == str(n43_reader.ERR_NO_TOTALS % {"line": 3, "start": 1})


def test_a_file_cut_short_before_its_end_record_is_refused() -> None:
    assert refused(n43_file(header(), totals())) == str(n43_reader.ERR_NO_END)
    assert refused(n43_file(header(), CREDIT)) == str(n43_reader.ERR_NO_TOTALS % {"line": 2, "start": 1})


def test_totals_that_do_not_match_the_movements_are_refused_with_both_sides() -> None:
    data = one_account(CREDIT, opening=D("0.00"), closing=D("100.00"), credits=(2, D("100.00")))

    assert refused(data) == str(
        n43_reader.ERR_TOTALS
        % {
            "line": 3,
            "account": "ES9115500001210000202001",
            "debits": 0,
            "debit_total": money(D("0.00")),
            "credits": 2,
            "credit_total": money(D("100.00")),
            "found_debits": 0,
            "found_debit_total": money(D("0.00")),
            "found_credits": 1,
            "found_credit_total": money(D("100.00")),
        }
    )


def test_a_closing_balance_that_is_not_opening_plus_movements_is_refused() -> None:
    data = one_account(CREDIT, opening=D("50.00"), closing=D("100.00"), credits=(1, D("100.00")))

    assert refused(data) == str(
        n43_reader.ERR_BALANCE
        % {
            "line": 3,
            "account": "ES9115500001210000202001",
            "opening": money(D("50.00")),
            "movements": money(D("100.00")),
            "expected": money(D("150.00")),
            "closing": money(D("100.00")),
        }
    )


def test_an_end_record_that_counts_wrong_is_refused() -> None:
    data = n43_file(header(), totals(), end(5))

    assert refused(data) == str(n43_reader.ERR_RECORD_COUNT % {"line": 3, "declared": 5, "found": 2})


def test_an_account_in_dollars_is_refused_naming_the_currency() -> None:
    data = n43_file(header(currency="840"), totals(currency="840"), end(2))

    assert refused(data, language="en") == "Only statements in euros can be imported: this file is in USD."


def test_an_account_number_that_is_not_digits_is_refused_as_no_spanish_account() -> None:
    data = n43_file(header(account="00002020AB"), totals(account="00002020AB"), end(2))

    assert refused(data) == str(
        n43_reader.ERR_ACCOUNT % {"line": 1, "entity": "1550", "office": "0001", "number": "00002020AB"}
    )


@pytest.mark.parametrize(
    "broken",
    [
        CREDIT[:10] + "2413" + CREDIT[14:],  # month 13 (a field csb43 converts when it is read)
        CREDIT[:28] + "00000000010A00" + CREDIT[42:],  # a letter in the amount
        CREDIT[:27] + "7" + CREDIT[28:],  # neither debit (1) nor credit (2)
    ],
    ids=["month 13", "letter in the amount", "sign 7"],
)
def test_a_field_that_csb43_cannot_read_is_refused_with_the_line_and_record(broken: str) -> None:
    data = one_account(broken, opening=D("0.00"), closing=D("100.00"), credits=(1, D("100.00")))

    message = refused(data)
    # csb43's own words fill the reason, in the library's language.
    before, after = str(n43_reader.ERR_RECORD % {"line": 2, "code": "22", "reason": "\0"}).split("\0")
    assert message.startswith(before) and message.endswith(after)
    assert len(message) > len(before) + len(after)


def test_a_record_cut_in_the_middle_is_a_statement_file_error_with_its_message() -> None:
    with pytest.raises(StatementFileError) as caught:
        read_statement_file(n43_file(header()[:40]))

    assert caught.value.message == str(n43_reader.ERR_LENGTH % {"line": 1, "length": 40})
