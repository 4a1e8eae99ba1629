"""Reads of the banking app: cash positions, balances by month, lines to reconcile.

A fixed number of queries each; money as `Decimal` re-quantized with `round_money` (SQLite sums
decimals as REAL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

# What a line may be once reconciled (the board compares with these, never with strings).
from banking.choices import MatchKind as MatchKind

# The reconciliation's reads of lines (issue 20) live in their own module; the board reads them here.
from banking.lines import MONEY_IN_KINDS as MONEY_IN_KINDS
from banking.lines import MONEY_OUT_KINDS as MONEY_OUT_KINDS
from banking.lines import BankLine as BankLine
from banking.lines import LinePage as LinePage
from banking.lines import bank_line as bank_line
from banking.lines import bank_lines as bank_lines
from banking.lines import last_records_by_iban as last_records_by_iban
from banking.lines import reconciled_records as reconciled_records
from banking.lines import unmatched_batch as unmatched_batch
from banking.lines import unmatched_page as unmatched_page
from banking.models import BankAccount, BankStatement, StatementLine
from smartiberica.kernel.dates import add_months, today
from smartiberica.kernel.money import ZERO, round_money


@dataclass(frozen=True)
class AccountBalance:
    account_id: int
    iban: str
    name: str
    balance: Decimal


@dataclass(frozen=True)
class CashPosition:
    on: date
    accounts: tuple[AccountBalance, ...]

    @property
    def total(self) -> Decimal:
        return sum((a.balance for a in self.accounts), ZERO)

    def as_json(self) -> dict[str, object]:
        return {
            "date": self.on.isoformat(),
            "accounts": [{"iban": a.iban, "name": a.name, "balance": str(a.balance)} for a in self.accounts],
            "total": str(round_money(self.total)),
        }


def cash_position(*, on: date | None = None) -> CashPosition:
    """Each account's balance at the end of `on` (today): its opening balance and every line booked
    up to that day. Accounts opened later are left out. One query."""
    day = on or today()
    rows = (
        BankAccount.objects.filter(opening_date__lte=day)
        .annotate(moved=Sum("lines__amount", filter=Q(lines__booking_date__lte=day), default=ZERO))
        .order_by("name", "iban")
        .values_list("pk", "iban", "name", "opening_balance", "moved")
    )
    return CashPosition(
        on=day,
        accounts=tuple(
            AccountBalance(
                account_id=pk, iban=iban, name=name, balance=round_money(opening + round_money(moved))
            )
            for pk, iban, name, opening, moved in rows
        ),
    )


def month_end_balances(*, year: int) -> dict[date, Decimal] | None:
    """The total cash at the end of the year before and at each month end of `year` (up to today),
    or None when no account was open by the end of the year. Three queries: the accounts, the lines
    before the year, the year's lines by month."""
    accounts = list(BankAccount.objects.values_list("opening_date", "opening_balance"))
    start = date(year, 1, 1) - timedelta(days=1)
    end = min(date(year, 12, 31), today())
    if not any(opened <= end for opened, _b in accounts):
        return None
    ends = [start] + [add_months(date(year, m, 1), 1) - timedelta(days=1) for m in range(1, 13)]
    ends = [d for d in ends if d <= end] or [start]
    before = round_money(
        StatementLine.objects.filter(booking_date__lte=start).aggregate(t=Sum("amount", default=ZERO))["t"]
    )
    by_month = {
        ym: round_money(total)
        for ym, total in StatementLine.objects.filter(booking_date__range=(start + timedelta(days=1), end))
        .values_list("booking_date__month")
        .annotate(total=Sum("amount"))
        .values_list("booking_date__month", "total")
    }
    balances: dict[date, Decimal] = {}
    for day in ends:
        opened = sum((b for d, b in accounts if d <= day), ZERO)
        moved = before + sum((t for m, t in by_month.items() if day.year == year and m <= day.month), ZERO)
        balances[day] = round_money(opened + moved)
    return balances


@dataclass(frozen=True)
class OpenLine:
    """A bank line not reconciled yet, with its age in days."""

    line_id: int
    account: str
    booking_date: date
    amount: Decimal
    description: str
    counterparty_name: str
    age_days: int


def unmatched_lines(*, on: date | None = None, limit: int = 500) -> list[OpenLine]:
    """The lines left to reconcile, oldest first, with their age on `on` (today). One query."""
    day = on or today()
    rows = (
        StatementLine.objects.unmatched()
        .order_by("booking_date", "pk")
        .values_list("pk", "account__name", "booking_date", "amount", "description", "counterparty_name")[
            :limit
        ]
    )
    return [
        OpenLine(
            line_id=pk,
            account=account,
            booking_date=booked,
            amount=amount,
            description=description,
            counterparty_name=counterparty,
            age_days=(day - booked).days,
        )
        for pk, account, booked, amount, description, counterparty in rows
    ]


def statement_line_ids(*, statement_id: int) -> tuple[int, ...]:
    """The ids of a statement's lines in the order of the statement (the order of its file). One
    query: a writer that knows what each line of a file is (the demo) reconciles them by position."""
    return tuple(
        StatementLine.objects.filter(statement_id=statement_id)
        .order_by("position")
        .values_list("pk", flat=True)
    )


def last_statement_end() -> date | None:
    """The latest closing date of any statement (None without one). One query."""
    return BankStatement.objects.order_by("-closing_date").values_list("closing_date", flat=True).first()
