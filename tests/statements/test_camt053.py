"""CAMT.053 files are read statement by statement, entry by entry, or refused naming the element."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from smartiberica.kernel.statements import StatementFormat, read_statement_file
from smartiberica.kernel.statements import camt053 as camt
from smartiberica.kernel.statements.errors import money
from tests.statements.conftest import EXAMPLES, refused

D = Decimal
IBAN = "ES5314910001252110045678"
OTHER_IBAN = "ES2721005731780200123456"


def balance(
    code: str, amount: str, *, indicator: str = "CRDT", currency: str = "EUR", day: str = "2024-04-01"
) -> str:
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy='{currency}'>{amount}</Amt>"
        f"<CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
    )


def entry(
    amount: str, indicator: str = "CRDT", *, currency: str = "EUR", status: str = "BOOK", details: str = ""
) -> str:
    return (
        f"<Ntry><Amt Ccy='{currency}'>{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts>{status}</Sts>"
        f"<BookgDt><Dt>2024-04-02</Dt></BookgDt><AcctSvcrRef>REF-{amount}</AcctSvcrRef>{details}</Ntry>"
    )


def camt_file(
    *entries: str,
    opening: str = "100.00",
    closing: str = "100.00",
    iban: str = IBAN,
    balances: str | None = None,
    version: str = "02",
) -> bytes:
    if balances is None:
        balances = balance("OPBD", opening) + balance("CLBD", closing, day="2024-04-30")
    return (
        f"<?xml version='1.0' encoding='UTF-8'?>"
        f"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}'><BkToCstmrStmt>"
        f"<GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>S1</Id><Acct><Id><IBAN>{iban}</IBAN></Id></Acct>"
        f"{balances}{''.join(entries)}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def test_the_example_file_gives_the_account_its_balances_and_four_entries() -> None:
    parsed = read_statement_file((EXAMPLES / "camt053-one-account.xml").read_bytes())

    assert parsed.format == StatementFormat.CAMT053
    (statement,) = parsed.statements
    assert (statement.account_iban, statement.account_name, statement.currency) == (
        IBAN,
        "Smart Ibérica de Impulso Empresarial S. Coop. And.",
        "EUR",
    )
    assert (statement.opening_date, statement.opening_balance) == (date(2024, 4, 1), D("8500.00"))
    assert (statement.closing_date, statement.closing_balance) == (date(2024, 4, 30), D("10426.28"))
    first, second, third, fourth = statement.lines
    assert (first.amount, first.counterparty_name, first.counterparty_iban) == (
        D("2420.00"),
        "Formaciones Prevención Andaluza SL",
        OTHER_IBAN,
    )
    assert (first.reference, first.end_to_end, first.bank_code) == (
        "2024040200017345",
        "PRL-2024-017",
        "PMNT/RCDT/ESCT",
    )
    assert first.description == "Factura 2024-0057 plataforma de formación PRL"
    # A debit names its payee (Cdtr), a credit its payer (Dbtr).
    assert (second.amount, second.counterparty_name) == (D("-605.00"), "Consultores del Aljarafe SL")
    # NOTPROVIDED is no reference; two remittance lines are joined.
    assert (third.end_to_end, third.description) == ("", "Recibo luz oficina periodo 01/03/2024 - 31/03/2024")
    assert (fourth.booking_date, fourth.value_date) == (date(2024, 4, 22), date(2024, 4, 23))


def test_version_08_names_parties_under_pty_and_its_status_under_cd() -> None:
    details = (
        "<NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs>"
        "<RltdPties><Dbtr><Pty><Nm>Ediciones del Sur SL</Nm></Pty></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{OTHER_IBAN}</IBAN></Id></DbtrAcct></RltdPties></TxDtls></NtryDtls>"
    )
    data = camt_file(entry("50.00", details=details), closing="150.00", version="08").replace(
        b"<Sts>BOOK</Sts>", b"<Sts><Cd>BOOK</Cd></Sts>"
    )

    (line,) = read_statement_file(data).statements[0].lines
    assert (line.counterparty_name, line.counterparty_iban, line.end_to_end) == (
        "Ediciones del Sur SL",
        OTHER_IBAN,
        "E2E-1",
    )


def test_pending_entries_are_not_booked_and_do_not_count() -> None:
    data = camt_file(entry("50.00"), entry("999.00", status="PDNG"), closing="150.00")

    assert [line.amount for line in read_statement_file(data).statements[0].lines] == [D("50.00")]


def test_the_previous_closing_balance_opens_a_statement_without_opbd() -> None:
    balances = balance("PRCD", "20.00", indicator="DBIT") + balance("CLBD", "30.00", day="2024-04-30")

    statement = read_statement_file(camt_file(entry("50.00"), balances=balances)).statements[0]
    assert (statement.opening_balance, statement.closing_balance) == (D("-20.00"), D("30.00"))


def test_an_entry_that_books_a_batch_has_no_single_counterparty() -> None:
    one = "<TxDtls><RltdPties><Dbtr><Nm>A</Nm></Dbtr></RltdPties><RmtInf><Ustrd>uno</Ustrd></RmtInf></TxDtls>"
    two = "<TxDtls><RltdPties><Dbtr><Nm>B</Nm></Dbtr></RltdPties><RmtInf><Ustrd>dos</Ustrd></RmtInf></TxDtls>"
    data = camt_file(entry("50.00", details=f"<NtryDtls>{one}{two}</NtryDtls>"), closing="150.00")

    (line,) = read_statement_file(data).statements[0].lines
    assert (line.counterparty_name, line.description) == ("", "uno dos")


def test_balances_that_do_not_add_up_are_refused_with_the_figures() -> None:
    data = camt_file(entry("50.00"), entry("20.00", "DBIT"), closing="200.00")

    assert refused(data) == str(
        camt.ERR_BALANCE
        % {
            "statement": "S1",
            "account": IBAN,
            "opening": money(D("100.00")),
            "movements": money(D("30.00")),
            "expected": money(D("130.00")),
            "closing": money(D("200.00")),
        }
    )


def test_a_statement_without_closing_balance_is_refused() -> None:
    data = camt_file(balances=balance("OPBD", "100.00"))

    assert refused(data) == str(camt.ERR_NO_CLOSING % {"statement": "S1"})


def test_a_statement_without_opening_balance_is_refused() -> None:
    data = camt_file(balances=balance("CLBD", "100.00"))

    assert refused(data) == str(camt.ERR_NO_OPENING % {"statement": "S1"})


def test_an_entry_in_dollars_is_refused_naming_the_currency() -> None:
    data = camt_file(entry("50.00", currency="USD"), closing="150.00")

    assert refused(data, language="en") == "Only statements in euros can be imported: this file is in USD."


def test_a_statement_whose_balances_are_in_another_currency_is_refused() -> None:
    balances = balance("OPBD", "1.00", currency="GBP") + balance("CLBD", "1.00", currency="GBP")

    assert refused(camt_file(balances=balances), language="en").endswith("this file is in GBP.")


def test_a_truncated_file_is_refused_as_malformed_xml_at_the_point_where_it_stops() -> None:
    lines = (EXAMPLES / "camt053-one-account.xml").read_bytes().split(b"\n")
    cut = b"\n".join(lines[:100])  # the 100th line ends on "            <AmtDtls>"

    assert refused(cut) == str(camt.ERR_MALFORMED % {"line": 100, "column": 22})


def test_an_entity_expansion_bomb_is_refused_before_it_expands() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<Document><BkToCstmrStmt>&lol2;</BkToCstmrStmt></Document>"
    )

    assert refused(bomb) == str(camt.ERR_FORBIDDEN)


def test_another_iso_20022_message_is_refused_by_name() -> None:
    data = camt_file().replace(b"camt.053.001.02", b"camt.052.001.02")

    assert refused(data) == str(camt.ERR_NOT_CAMT053 % {"kind": "camt.052.001.02"})


def test_an_invalid_account_iban_is_refused() -> None:
    data = camt_file(iban="ES5314910001252110045679")

    assert refused(data) == str(
        camt.ERR_IBAN
        % {
            "value": "ES5314910001252110045679",
            "element": "Acct/Id/IBAN",
            "where": str(camt.WHERE_STATEMENT % {"statement": "S1"}),
        }
    )


def test_an_amount_with_three_decimals_is_refused_naming_the_entry() -> None:
    data = camt_file(entry("50.005"), closing="150.01")

    assert refused(data, language="en") == (
        "“50.005” (Amt in entry 1 of statement “S1”) is not an amount with at most two decimals."
    )


def test_an_entry_without_booking_date_is_refused() -> None:
    data = camt_file(entry("50.00"), closing="150.00").replace(b"<BookgDt><Dt>2024-04-02</Dt></BookgDt>", b"")

    assert refused(data, language="en") == "The BookgDt element is missing in entry 1 of statement “S1”."


def test_a_credit_debit_indicator_other_than_crdt_or_dbit_is_refused() -> None:
    data = camt_file(entry("50.00", "CRED"), closing="150.00")

    assert refused(data, language="en") == (
        "“CRED” (CdtDbtInd in entry 1 of statement “S1”) is neither CRDT (credit) nor DBIT (debit)."
    )


def test_an_encoding_that_does_not_exist_is_refused() -> None:
    data = camt_file().replace(b"encoding='UTF-8'", b"encoding='UTF-9'")

    assert refused(data) == str(camt.ERR_ENCODING % {"reason": "unknown encoding: UTF-9"})


def test_an_amount_without_its_currency_is_refused_naming_the_attribute() -> None:
    data = camt_file(entry("50.00"), closing="150.00").replace(b"<Amt Ccy='EUR'>50.00", b"<Amt>50.00")

    assert refused(data, language="en") == "The Amt/@Ccy element is missing in entry 1 of statement “S1”."
