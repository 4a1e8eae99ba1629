"""The bank side of the demo story (issue 20): the cooperative's two accounts, a statement a month
for each from January of last year to yesterday, and their reconciliation.

- Fiare Banca Etica, the current account (CAMT.053 statements): most clients pay into it, the
  payroll and the bank's quarterly charges leave it, and so did the Fiare loan's instalments.
- Caja Rural del Sur (Norma 43 statements): the associations and foundations pay into it, the
  suppliers are paid from it.

Every line comes from a record of the story (a payment, a refund, a funding receipt, a loan
repayment, an expense), read through the apps' selectors; the statements are imported with
`banking.actions.statement_import`, as a file would be, and each line is reconciled with the record
it came from. About a dozen lines are left for staff: bank charges nobody booked as expenses, a
member's capital contribution, interest credited, and two clients' transfers whose payment nobody
recorded yet (the reconciliation page suggests their open invoice). Each account opens on 1 January
of last year with a balance that keeps it above `CUSHION` all along. Deterministic, like the rest
of the story.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from stdnum.es import ccc

from banking import actions as banking_actions
from banking import selectors as banking_selectors
from banking.selectors import MatchKind
from funding import selectors as funding_selectors
from services import selectors as services_selectors
from smartiberica.demo.story_calendar import months_between
from smartiberica.kernel.dates import add_months
from smartiberica.kernel.statements import ParsedFile, Statement, StatementFormat, StatementLine

D = Decimal
ZERO = D("0.00")
HOLDER = "SMART IBERICA S.COOP.AND."
CUSHION = D("5000.00")  # the lowest balance each account falls to
UNRECORDED_TRANSFERS = 2  # clients' transfers whose payment is not recorded yet


def spanish_iban(bank: str, branch: str, account: str) -> str:
    """The IBAN of a Spanish account number (CCC), its control digits computed: made up, but valid."""
    return ccc.to_iban(bank + branch + ccc.calc_check_digits(bank + branch + "00" + account) + account)


@dataclass(frozen=True)
class Account:
    name: str
    iban: str
    file_format: StatementFormat
    file_name: str  # with the month: "fiare-2025-01.xml"


FIARE = Account(
    "Fiare Banca Etica · cuenta corriente",
    spanish_iban("1550", "0001", "0000318402"),
    StatementFormat.CAMT053,
    "fiare-{month:%Y-%m}.xml",
)
CAJA = Account(
    "Caja Rural del Sur · cuenta de gestión",
    spanish_iban("3187", "0152", "1100457263"),
    StatementFormat.NORMA43,
    "caja-rural-{month:%Y-%m}.n43",
)
# How each format codes a movement: CAMT's BkTxCd, Norma 43's concepto común.
BANK_CODES = {
    StatementFormat.CAMT053: {"in": "PMNT/RCDT/ESCT", "out": "PMNT/ICDT/ESCT", "fee": "ACMT/MDOP/CHRG"},
    StatementFormat.NORMA43: {"in": "02", "out": "04", "fee": "17"},
}


@dataclass(frozen=True)
class Movement:
    """A line of the story's statements and the record it came from (None: left for staff)."""

    account: Account
    day: date
    amount: Decimal
    description: str
    counterparty: str = ""
    reference: str = ""
    code: str = "in"
    kind: MatchKind | None = None
    record_id: int | None = None

    def line(self) -> StatementLine:
        return StatementLine(
            booking_date=self.day,
            value_date=self.day,
            amount=self.amount,
            currency="EUR",
            reference=self.reference,
            end_to_end=self.reference if self.code == "in" else "",
            description=self.description,
            counterparty_name=self.counterparty,
            counterparty_iban="",
            bank_code=BANK_CODES[self.account.file_format][self.code],
        )


@dataclass
class BankSummary:
    statements: int = 0
    lines: int = 0
    reconciled: int = 0


def _client_account(tax_id: str) -> Account:
    # Associations (G) and public bodies (Q) pay into the Caja Rural account, the rest into Fiare.
    return CAJA if tax_id[:1] in ("G", "Q") else FIARE


def _services_movements(first: date, last: date) -> list[Movement]:
    records = services_selectors.money_movements_between(first=first, last=last)
    moves = [
        Movement(
            _client_account(p.client_tax_id),
            p.date,
            p.amount,
            f"TRANSFERENCIA DE {p.client_name.upper()} FRA {p.invoice_number}",
            p.client_name,
            p.invoice_number,
            kind=MatchKind.PAYMENT,
            record_id=p.id,
        )
        for p in records.payments
    ]
    moves += [
        Movement(
            _client_account(r.client_tax_id),
            r.date,
            -r.amount,
            f"DEVOLUCION A {r.client_name.upper()} FRA {r.invoice_number}",
            r.client_name,
            r.reference,
            "out",
            MatchKind.REFUND,
            r.id,
        )
        for r in records.refunds
    ]
    return moves


def _funding_movements(first: date, last: date) -> list[Movement]:
    records = funding_selectors.funding_movements_between(first=first, last=last)
    moves = [
        Movement(FIARE, r.date, r.amount, f"{r.source_name.upper()} {r.reference}", r.source_name,
                 r.reference, kind=MatchKind.RECEIPT, record_id=r.id)
        for r in records.receipts
    ] + [
        Movement(FIARE, r.date, -r.amount, f"ADEUDO CUOTA PRESTAMO {r.loan_reference}", r.lender_name,
                 code="out", kind=MatchKind.REPAYMENT, record_id=r.id)
        for r in records.repayments
    ]  # fmt: skip
    for e in records.expenses:
        # The payroll and the bank's own charges leave Fiare; the suppliers are paid from Caja Rural.
        account = FIARE if e.category_code in ("staff", "financial") else CAJA
        code = "fee" if e.category_code == "financial" else "out"
        text = f"{e.supplier.upper()} {e.reference}"
        moves.append(
            Movement(account, e.date, -e.amount, text, e.supplier, e.reference, code, MatchKind.EXPENSE, e.id)
        )
    return moves


def _unrecorded(first: date, last: date) -> list[Movement]:
    """What reached the bank without a record of the story: left for staff to reconcile."""
    moves = []
    for year in range(first.year, last.year + 1):
        moves += [
            Movement(CAJA, date(year, 3, 2), D("-35.00"), "CUOTA ANUAL TARJETA DEBITO", code="fee"),
            Movement(CAJA, date(year, 9, 2), D("-35.00"), "CUOTA ANUAL TARJETA CREDITO", code="fee"),
            Movement(FIARE, date(year, 1, 21), D("-18.00"), "COMISION TRANSFERENCIA NO SEPA", code="fee"),
            Movement(FIARE, date(year, 6, 30), D("1.20"), "ABONO INTERESES 1S"),
            Movement(CAJA, date(year, 4, 15), D("300.00"), "INGRESO APORTACION CAPITAL SOCIA", "Socia nueva"),
        ]
    # Two clients paid an invoice the story has not recorded as paid yet: the latest open ones.
    open_invoices = [
        invoice
        for invoice in services_selectors.invoices_issued_between(first=last - timedelta(days=60), last=last)
        if invoice.amount_due > 0 and invoice.issue_date < last
    ]
    for invoice in sorted(open_invoices, key=lambda i: (i.issue_date, i.id))[-UNRECORDED_TRANSFERS:]:
        moves.append(
            Movement(
                _client_account(invoice.client_tax_id),
                min(last, invoice.issue_date + timedelta(days=20)),
                invoice.amount_due,
                f"TRANSFERENCIA DE {invoice.client_name.upper()} FRA {invoice.number}",
                invoice.client_name,
                invoice.number,
            )
        )
    return [move for move in moves if first <= move.day <= last]


def _opening_balance(moves: Iterable[Movement]) -> Decimal:
    """A round opening balance that keeps the account at `CUSHION` or more all along."""
    balance = lowest = ZERO
    for move in moves:
        balance += move.amount
        lowest = min(lowest, balance)
    thousands = ((CUSHION - lowest) / 1000).to_integral_value(rounding=ROUND_CEILING)
    return (thousands * 1000).quantize(D("0.01"))


def _import_account(
    account: Account, moves: list[Movement], first: date, last: date, user: Any, summary: BankSummary
) -> list[banking_actions.LineLink]:
    """The account's monthly statements, imported; the links of their lines to their records."""
    moves = sorted(moves, key=lambda m: (m.day, -m.amount, m.description))
    balance = _opening_balance(moves)
    banking_actions.account_create(
        name=account.name, iban=account.iban, opening_date=first, opening_balance=balance
    )
    links = []
    for month in months_between(first, last):
        end = min(add_months(month, 1) - timedelta(days=1), last)
        in_month = [m for m in moves if month <= m.day <= end]
        closing = balance + sum((m.amount for m in in_month), ZERO)
        statement = Statement(
            account_iban=account.iban,
            account_name=HOLDER,
            currency="EUR",
            opening_date=month,
            opening_balance=balance,
            closing_date=end,
            closing_balance=closing,
            lines=tuple(m.line() for m in in_month),
        )
        outcome = banking_actions.statement_import(
            parsed=ParsedFile(format=account.file_format, statements=(statement,)),
            file_name=account.file_name.format(month=month),
            user=user,
        )
        statement_id = outcome.statements[0].statement_id
        assert statement_id is not None  # a new statement, written
        line_ids = banking_selectors.statement_line_ids(statement_id=statement_id)
        links += [
            banking_actions.LineLink(line_id=line_id, kind=m.kind, record_id=m.record_id)
            for line_id, m in zip(line_ids, in_month, strict=True)
            if m.kind is not None and m.record_id is not None
        ]
        summary.statements += 1
        summary.lines += len(in_month)
        balance = closing
    return links


def load_bank(*, today: date, user: Any) -> BankSummary:
    """Both accounts with their statements from 1 January of last year to yesterday, reconciled."""
    summary = BankSummary()
    first, last = date(today.year - 1, 1, 1), today - timedelta(days=1)
    moves = _services_movements(first, last) + _funding_movements(first, last) + _unrecorded(first, last)
    links = []
    for account in (FIARE, CAJA):
        links += _import_account(
            account, [m for m in moves if m.account is account], first, last, user, summary
        )
    summary.reconciled = banking_actions.lines_match(links=links, user=user)
    return summary
