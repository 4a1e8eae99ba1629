"""CAMT.053 (ISO 20022 BankToCustomerStatement) statements, read with the standard library's XML parser.

defusedxml stands in front of the parser: a file that declares a DTD or entities (a "billion
laughs" bomb, an external entity reading local files) is refused before anything is expanded.
Elements are found by their local names (`{*}Stmt`), so every version of the message reads alike
(camt.053.001.02 as most Spanish banks send it, .04, .08 and later, where a party's name moved
under `Pty`). docs/bank-statements.md says why no CAMT library does this for us.

What is read, per statement (`Stmt`): the account's IBAN (`Acct/Id/IBAN`), its currency and
holder (`Acct/Ccy`, `Acct/Ownr/Nm` or `Acct/Nm`), the opening booked balance (`Bal` of type OPBD,
or PRCD, the previous closing) and the closing booked balance (CLBD); per booked entry (`Ntry`):
amount and currency, credit or debit, booking and value dates, the bank's reference
(`AcctSvcrRef`), the bank transaction code (`BkTxCd`), and from the transaction details the
end-to-end reference, the other party's name and IBAN and the remittance information.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumValidationError

from smartiberica.kernel.money import round_money
from smartiberica.kernel.parsing import MAX_AMOUNT
from smartiberica.kernel.statements.errors import EURO, check_euro, money, refuse
from smartiberica.kernel.statements.model import Statement, StatementLine

ERR_MALFORMED = _("The XML file is malformed or cut short (line %(line)s, column %(column)s).")
ERR_FORBIDDEN = _(
    "The XML file declares a DTD or entities, which a bank statement never does: it is refused for safety."
)
ERR_ENCODING = _("The XML file declares a character encoding that does not exist: %(reason)s.")
ERR_NOT_CAMT053 = _("The XML file is not a CAMT.053 bank statement (it is “%(kind)s”).")
ERR_NO_STATEMENT = _("The CAMT.053 file holds no statement (Stmt).")
ERR_MISSING = _("The %(element)s element is missing in %(where)s.")
ERR_AMOUNT = _("“%(value)s” (%(element)s in %(where)s) is not an amount with at most two decimals.")
ERR_DATE = _("“%(value)s” (%(element)s in %(where)s) is not a date.")
ERR_INDICATOR = _("“%(value)s” (%(element)s in %(where)s) is neither CRDT (credit) nor DBIT (debit).")
ERR_IBAN = _("“%(value)s” (%(element)s in %(where)s) is not a valid IBAN.")
ERR_NO_OPENING = _("Statement “%(statement)s” has no opening booked balance (OPBD or PRCD).")
ERR_NO_CLOSING = _("Statement “%(statement)s” has no closing booked balance (CLBD).")
ERR_BALANCE = _(
    "Statement “%(statement)s” of account %(account)s opens at %(opening)s and its booked entries "
    "add %(movements)s, which makes %(expected)s, but its closing booked balance (CLBD) is %(closing)s."
)
WHERE_STATEMENT = _("statement “%(statement)s”")
WHERE_ENTRY = _("entry %(entry)s of statement “%(statement)s”")

NAMESPACE = "camt.053"
OPENING_CODES = ("OPBD", "PRCD")  # opening booked; previously closed booked, which some banks send
CLOSING_CODES = ("CLBD",)
NOT_BOOKED = ("PDNG", "INFO", "FUTR")  # pending, information, future: not on the booked balance
NOT_PROVIDED = "NOTPROVIDED"  # what SEPA writes when the payer gave no end-to-end reference


def _path(path: str) -> str:
    """The path `Acct/Id/IBAN` in any namespace: `{*}Acct/{*}Id/{*}IBAN`."""
    return "/".join(f"{{*}}{step}" for step in path.split("/"))


def _text(element: Element, path: str) -> str:
    found = element.find(_path(path))
    return " ".join((found.text or "").split()) if found is not None else ""


def _first_text(element: Element, *paths: str) -> str:
    return next((text for path in paths if (text := _text(element, path))), "")


def looks_like_xml(data: bytes) -> bool:
    head = data[:1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def read_camt053(data: bytes) -> tuple[Statement, ...]:
    """Every statement of the file, or StatementFileError saying why the file is refused."""
    root = _parse(data)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    report = root.find(_path("BkToCstmrStmt"))
    if report is None or (namespace and NAMESPACE not in namespace):
        kind = namespace.rpartition(":")[2] or root.tag
        raise refuse(ERR_NOT_CAMT053, kind=kind)
    statements = report.findall(_path("Stmt"))
    if not statements:
        raise refuse(ERR_NO_STATEMENT)
    return tuple(_statement(stmt, index) for index, stmt in enumerate(statements, start=1))


def _parse(data: bytes) -> Element:
    # The XML declaration must open the document: a UTF-8 byte-order mark or blank lines that some
    # programs put before it would make the parser refuse a file that is otherwise right.
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    try:
        root: Element = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except ParseError as error:
        line, column = error.position
        raise refuse(ERR_MALFORMED, line=line, column=column + 1) from error
    except defusedxml.DefusedXmlException as error:
        raise refuse(ERR_FORBIDDEN) from error
    except LookupError as error:  # <?xml version="1.0" encoding="UTF-9"?>
        raise refuse(ERR_ENCODING, reason=error) from error
    return root


# --- Values ---------------------------------------------------------------------------------------------


def _amount(element: Element | None, name: str, where: str) -> tuple[Decimal, str]:
    """(amount, currency) of an `Amt` element, the amount as written (never negative in CAMT)."""
    if element is None:
        raise refuse(ERR_MISSING, element=name, where=where)
    text = (element.text or "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT or value != round_money(value):
        raise refuse(ERR_AMOUNT, value=text, element=name, where=where)
    currency = element.get("Ccy", "").strip()
    if not currency:
        raise refuse(ERR_MISSING, element=f"{name}/@Ccy", where=where)
    return round_money(value), currency


def _signed(element: Element, amount: Decimal, where: str) -> Decimal:
    indicator = _text(element, "CdtDbtInd")
    if indicator == "CRDT":
        return amount
    if indicator == "DBIT":
        return -amount
    if not indicator:
        raise refuse(ERR_MISSING, element="CdtDbtInd", where=where)
    raise refuse(ERR_INDICATOR, value=indicator, element="CdtDbtInd", where=where)


def _date(element: Element, name: str, where: str, *, required: bool = True) -> date | None:
    """The date of a `Dt` or `DtTm` child (`BookgDt/Dt`), or None when it is absent and not required."""
    text = _first_text(element, f"{name}/Dt", f"{name}/DtTm")
    if not text:
        if required:
            raise refuse(ERR_MISSING, element=name, where=where)
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError as error:
        raise refuse(ERR_DATE, value=text, element=name, where=where) from error


def _iban(value: str, name: str, where: str) -> str:
    try:
        return str(stdnum_iban.validate(value))
    except StdnumValidationError as error:
        raise refuse(ERR_IBAN, value=value, element=name, where=where) from error


# --- Statements and entries -----------------------------------------------------------------------------


def _balance(stmt: Element, codes: tuple[str, ...], where: str) -> tuple[Decimal, date] | None:
    """The signed amount and date of the statement's first balance of the first type found in `codes`."""
    balances = stmt.findall(_path("Bal"))
    for code in codes:
        for balance in balances:
            if _first_text(balance, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry") == code:
                amount, currency = _amount(balance.find(_path("Amt")), f"Bal {code}/Amt", where)
                check_euro(currency)
                booked = _date(balance, "Dt", where)
                assert booked is not None  # required
                return _signed(balance, amount, where), booked
    return None


def _statement(stmt: Element, index: int) -> Statement:
    ident = _text(stmt, "Id") or str(index)
    where = str(WHERE_STATEMENT % {"statement": ident})
    iban_text = _text(stmt, "Acct/Id/IBAN")
    if not iban_text:
        raise refuse(ERR_MISSING, element="Acct/Id/IBAN", where=where)
    account_iban = _iban(iban_text, "Acct/Id/IBAN", where)
    if currency := _text(stmt, "Acct/Ccy"):
        check_euro(currency)
    opening = _balance(stmt, OPENING_CODES, where)
    if opening is None:
        raise refuse(ERR_NO_OPENING, statement=ident)
    closing = _balance(stmt, CLOSING_CODES, where)
    if closing is None:
        raise refuse(ERR_NO_CLOSING, statement=ident)
    entries = stmt.findall(_path("Ntry"))
    statement = Statement(
        account_iban=account_iban,
        account_name=_first_text(stmt, "Acct/Ownr/Nm", "Acct/Nm"),
        currency=EURO,
        opening_date=opening[1],
        opening_balance=opening[0],
        closing_date=closing[1],
        closing_balance=closing[0],
        lines=tuple(
            _line(entry, str(WHERE_ENTRY % {"entry": number, "statement": ident}))
            for number, entry in enumerate(entries, start=1)
            if _first_text(entry, "Sts/Cd", "Sts") not in NOT_BOOKED
        ),
    )
    if not statement.balances_agree:
        raise refuse(
            ERR_BALANCE,
            statement=ident,
            account=account_iban,
            opening=money(statement.opening_balance),
            movements=money(statement.movements_total),
            expected=money(statement.opening_balance + statement.movements_total),
            closing=money(statement.closing_balance),
        )
    return statement


def _line(entry: Element, where: str) -> StatementLine:
    amount, currency = _amount(entry.find(_path("Amt")), "Amt", where)
    check_euro(currency)
    amount = _signed(entry, amount, where)
    booked = _date(entry, "BookgDt", where)
    assert booked is not None  # required
    details = entry.findall(_path("NtryDtls/TxDtls"))
    counterparty_name, counterparty_iban = _counterparty(details, credit=amount >= 0, where=where)
    remittance = [
        " ".join((text.text or "").split())
        for detail in details
        for text in detail.findall(_path("RmtInf/Ustrd"))
    ]
    return StatementLine(
        booking_date=booked,
        value_date=_date(entry, "ValDt", where, required=False) or booked,
        amount=amount,
        currency=EURO,
        reference=_first_text(entry, "AcctSvcrRef", "NtryDtls/TxDtls/Refs/AcctSvcrRef", "NtryRef"),
        end_to_end=_end_to_end(details),
        description=" ".join(part for part in remittance if part)
        or _first_text(entry, "NtryDtls/TxDtls/AddtlTxInf", "AddtlNtryInf"),
        counterparty_name=counterparty_name,
        counterparty_iban=counterparty_iban,
        bank_code=_bank_code(entry),
    )


def _counterparty(details: list[Element], *, credit: bool, where: str) -> tuple[str, str]:
    """(name, IBAN) of the other party: the payer of a credit, the payee of a debit. An entry that
    books several transactions at once (a batch) has no single other party."""
    if len(details) != 1:
        return "", ""
    side = "Dbtr" if credit else "Cdtr"
    # Up to camt.053.001.07 the name is `Dbtr/Nm`; from .08 on, `Dbtr/Pty/Nm`.
    name = _first_text(details[0], f"RltdPties/{side}/Nm", f"RltdPties/{side}/Pty/Nm")
    iban_path = f"RltdPties/{side}Acct/Id/IBAN"
    iban_text = _text(details[0], iban_path)
    return name, (_iban(iban_text, iban_path, where) if iban_text else "")


def _end_to_end(details: list[Element]) -> str:
    references = [_text(detail, "Refs/EndToEndId") for detail in details]
    return next((reference for reference in references if reference and reference != NOT_PROVIDED), "")


def _bank_code(entry: Element) -> str:
    """The ISO code "domain/family/sub-family" (PMNT/RCDT/ESCT), or the bank's own code."""
    iso = [_text(entry, f"BkTxCd/Domn/{part}") for part in ("Cd", "Fmly/Cd", "Fmly/SubFmlyCd")]
    if all(iso):
        return "/".join(iso)
    return _text(entry, "BkTxCd/Prtry/Cd")
