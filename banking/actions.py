"""Writes of the banking app: accounts, statement imports, reconciliation links.

Typed, keyword-only, validated, in one transaction each. A statement file is imported all or
nothing: every statement in it follows its account's last balance, or nothing is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from banking import validation as v
from banking.choices import MatchKind

# Reconciling a line by its id (issue 20), for the board: its own module, re-exported here.
from banking.line_actions import line_reconcile as line_reconcile
from banking.line_actions import line_unreconcile as line_unreconcile
from banking.models import BankAccount, BankStatement, StatementLine
from smartiberica.kernel.money import format_money, round_money
from smartiberica.kernel.statements import ParsedFile, Statement

CURRENCY = "EUR"


@transaction.atomic
def account_create(*, name: str, iban: str, opening_date: date, opening_balance: Decimal) -> BankAccount:
    account = BankAccount(
        name=name.strip(),
        iban=v.compact_iban(iban),
        opening_date=opening_date,
        opening_balance=round_money(opening_balance),
    )
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def account_rename(*, account: BankAccount, name: str) -> BankAccount:
    account.name = name.strip()
    account.full_clean()
    account.save(update_fields=["name"])
    return account


FIXED_BY_STATEMENTS = ("iban", "opening_date", "opening_balance")


@transaction.atomic
def account_save(*, account: BankAccount) -> BankAccount:
    """The admin's save of an account, new or changed: its name always; its IBAN and opening balance
    and date only while no statement was imported for it (the statements follow from them)."""
    account.name = account.name.strip()
    account.iban = v.compact_iban(account.iban)
    account.opening_balance = round_money(account.opening_balance)
    if account.pk is not None:
        stored = BankAccount.objects.select_for_update().get(pk=account.pk)
        changed = [name for name in FIXED_BY_STATEMENTS if getattr(stored, name) != getattr(account, name)]
        if changed and stored.statements.exists():
            raise ValidationError(
                {
                    name: ValidationError(v.ERR_ACCOUNT_HAS_STATEMENTS, code="account_has_statements")
                    for name in changed
                }
            )
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def account_delete(*, account: BankAccount) -> None:
    """Delete an account typed by mistake; one with statements is kept (they are the bank's word)."""
    if account.statements.exists():
        raise ValidationError(v.ERR_ACCOUNT_DELETE_HAS_STATEMENTS, code="account_has_statements")
    account.delete()


@transaction.atomic
def records_wipe() -> None:
    """Delete every bank line, statement and account: for `load_demo --reset`, children first."""
    StatementLine.objects.all().delete()
    BankStatement.objects.all().delete()
    BankAccount.objects.all().delete()


def fingerprint(statement: Statement) -> str:
    """What identifies a statement whatever file it comes in: its account, dates, balances, lines."""
    content = [
        v.compact_iban(statement.account_iban),
        statement.opening_date.isoformat(),
        str(statement.opening_balance),
        statement.closing_date.isoformat(),
        str(statement.closing_balance),
        [
            [line.booking_date.isoformat(), line.value_date.isoformat(), str(line.amount), line.reference,
             line.description]
            for line in statement.lines
        ],
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


@dataclass
class StatementOutcome:
    iban: str
    account_name: str
    opening_date: date
    closing_date: date
    lines: int
    # What the file says (balances, lines): the admin's preview shows it.
    statement: Statement
    new_account: bool = False
    already_imported: bool = False
    # The statement written (or imported before); None on a dry run, whose writes are undone.
    statement_id: int | None = None


@dataclass
class ImportOutcome:
    """What a statement file did (or, on a dry run, would do)."""

    format: str
    statements: list[StatementOutcome] = field(default_factory=list)
    dry_run: bool = False

    @property
    def lines_imported(self) -> int:
        return sum(s.lines for s in self.statements if not s.already_imported)


class _DryRun(Exception):
    """Raised to roll a dry run's transaction back once everything was checked."""


def _check_follows(account: BankAccount, statement: Statement) -> None:
    last = BankStatement.objects.latest_of(account)
    last_date, last_balance = (
        (last.closing_date, last.closing_balance) if last else (account.opening_date, account.opening_balance)
    )
    params: dict[str, Any] = {
        "iban": account.iban,
        "opening_date": statement.opening_date.isoformat(),
        "opening": format_money(statement.opening_balance),
        "last": format_money(last_balance),
        "last_date": last_date.isoformat(),
    }
    if last is not None and statement.opening_date < last.closing_date:
        raise ValidationError(v.ERR_STATEMENT_BEFORE_LAST, code="statement_before_last", params=params)
    if last is None and statement.opening_date < account.opening_date:
        # Lines booked before the account's opening balance would be counted twice in its cash.
        raise ValidationError(v.ERR_STATEMENT_BEFORE_OPENING, code="statement_before_opening", params=params)
    if statement.opening_balance != last_balance:
        raise ValidationError(v.ERR_STATEMENT_GAP, code="statement_gap", params=params)


def _write_statement(
    parsed_format: str, statement: Statement, *, file_name: str, user: Any, outcome: ImportOutcome
) -> None:
    if statement.currency != CURRENCY:
        raise ValidationError(
            v.ERR_STATEMENT_CURRENCY, code="currency", params={"currency": statement.currency}
        )
    iban = v.compact_iban(statement.account_iban)
    account = BankAccount.objects.select_for_update().filter(iban=iban).first()
    new_account = account is None
    if account is None:
        account = account_create(
            name=(statement.account_name or iban)[: BankAccount._meta.get_field("name").max_length],
            iban=iban,
            opening_date=statement.opening_date,
            opening_balance=statement.opening_balance,
        )
    done = StatementOutcome(
        iban=iban,
        account_name=account.name,
        opening_date=statement.opening_date,
        closing_date=statement.closing_date,
        lines=len(statement.lines),
        statement=statement,
        new_account=new_account,
    )
    outcome.statements.append(done)
    key = fingerprint(statement)
    imported_before = BankStatement.objects.filter(fingerprint=key).values_list("pk", flat=True).first()
    if imported_before is not None:
        done.already_imported = True
        done.statement_id = None if outcome.dry_run else imported_before
        return
    _check_follows(account, statement)
    saved = BankStatement.objects.create(
        account=account,
        format=parsed_format,
        opening_date=statement.opening_date,
        opening_balance=statement.opening_balance,
        closing_date=statement.closing_date,
        closing_balance=statement.closing_balance,
        fingerprint=key,
        file_name=file_name[:255],
        imported_by=user if getattr(user, "pk", None) else None,
    )
    # Thousands of lines: one INSERT per batch, not per line.
    StatementLine.objects.bulk_create(
        [
            StatementLine(
                statement=saved,
                account=account,
                position=position,
                booking_date=line.booking_date,
                value_date=line.value_date,
                amount=line.amount,
                reference=line.reference[:80],
                end_to_end=line.end_to_end[:80],
                description=line.description,
                counterparty_name=line.counterparty_name[:200],
                counterparty_iban=line.counterparty_iban[:34],
                bank_code=line.bank_code[:40],
            )
            for position, line in enumerate(statement.lines, start=1)
        ],
        batch_size=1000,
    )
    done.statement_id = None if outcome.dry_run else saved.pk


def statement_import(
    *, parsed: ParsedFile, file_name: str = "", user: Any = None, dry_run: bool = False
) -> ImportOutcome:
    """Import every statement of a parsed file, in date order per account, all or nothing.

    A statement imported before (same fingerprint) is skipped; a new account is created from the
    first statement of an IBAN the app does not know, with that statement's opening balance.
    Raises `ValidationError` naming the statement that does not follow its account's last balance.
    """
    outcome = ImportOutcome(format=parsed.format, dry_run=dry_run)
    ordered = sorted(
        parsed.statements, key=lambda s: (v.compact_iban(s.account_iban), s.opening_date, s.closing_date)
    )
    try:
        with transaction.atomic():
            for statement in ordered:
                _write_statement(parsed.format, statement, file_name=file_name, user=user, outcome=outcome)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return outcome


@transaction.atomic
def line_match(
    *, line: StatementLine, kind: MatchKind | str, record_id: int, user: Any = None
) -> StatementLine:
    """Reconcile a bank line with the record it is (the caller checked that the record exists)."""
    line = StatementLine.objects.select_for_update().get(pk=line.pk)
    if line.matched_kind is not None:
        raise ValidationError(v.ERR_LINE_ALREADY_MATCHED, code="line_matched")
    if StatementLine.objects.filter(matched_kind=kind, matched_id=record_id).exists():
        raise ValidationError(v.ERR_RECORD_ALREADY_MATCHED, code="record_matched")
    line.matched_kind = MatchKind(kind)
    line.matched_id = record_id
    line.matched_at = timezone.now()
    line.matched_by = user if getattr(user, "pk", None) else None
    line.save(update_fields=["matched_kind", "matched_id", "matched_at", "matched_by"])
    return line


@dataclass(frozen=True)
class LineLink:
    """A bank line and the record it is, for `lines_match`."""

    line_id: int
    kind: MatchKind
    record_id: int


MATCH_BATCH = 500  # ids per query: under SQLite's 999 parameters


@transaction.atomic
def lines_match(*, links: Sequence[LineLink], user: Any = None) -> int:
    """Reconcile many lines at once, all or nothing, in a few queries a batch (`line_match` for each
    would take four queries a line): for a writer that knows what each line is, such as the demo.
    The caller checked that the records exist. Returns how many lines were reconciled."""
    if len({link.line_id for link in links}) < len(links):
        raise ValidationError(v.ERR_LINE_ALREADY_MATCHED, code="line_matched")
    if len({(link.kind, link.record_id) for link in links}) < len(links):
        raise ValidationError(v.ERR_RECORD_ALREADY_MATCHED, code="record_matched")
    now, by = timezone.now(), user if getattr(user, "pk", None) else None
    for start in range(0, len(links), MATCH_BATCH):
        batch = links[start : start + MATCH_BATCH]
        lines = StatementLine.objects.select_for_update().in_bulk([link.line_id for link in batch])
        if len(lines) < len(batch):
            raise StatementLine.DoesNotExist(f"{len(batch) - len(lines)} bank line(s) not found")
        if any(line.matched_kind is not None for line in lines.values()):
            raise ValidationError(v.ERR_LINE_ALREADY_MATCHED, code="line_matched")
        wanted = {(MatchKind(link.kind), link.record_id) for link in batch}
        taken = StatementLine.objects.filter(
            matched_kind__in={kind for kind, _id in wanted}, matched_id__in={i for _kind, i in wanted}
        ).values_list("matched_kind", "matched_id")
        if any((kind, record) in wanted for kind, record in taken):  # a MatchKind equals its value
            raise ValidationError(v.ERR_RECORD_ALREADY_MATCHED, code="record_matched")
        for link in batch:
            line = lines[link.line_id]
            line.matched_kind, line.matched_id = MatchKind(link.kind), link.record_id
            line.matched_at, line.matched_by = now, by
        StatementLine.objects.bulk_update(
            list(lines.values()), ["matched_kind", "matched_id", "matched_at", "matched_by"]
        )
    return len(links)


@transaction.atomic
def line_unmatch(*, line: StatementLine) -> StatementLine:
    line = StatementLine.objects.select_for_update().get(pk=line.pk)
    if line.matched_kind is None:
        raise ValidationError(v.ERR_LINE_NOT_MATCHED, code="line_not_matched")
    line.matched_kind = None
    line.matched_id = None
    line.matched_at = None
    line.matched_by = None
    line.save(update_fields=["matched_kind", "matched_id", "matched_at", "matched_by"])
    return line
