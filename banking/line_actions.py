"""Reconciling a bank line by its id, for the board's reconciliation (issue 20); re-exported by
`banking.actions`.

The board does not hold the line's model (it reaches the app through its selectors and actions):
it names the line by id and says how much the record it chose is, and these actions check, with
the line locked, that the line is still open, that the record is on the line's side (money in or
out) and that both amounts are the same, before `line_match` links them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from banking import validation as v
from banking.choices import MatchKind
from banking.lines import MONEY_IN_KINDS
from banking.models import StatementLine
from smartiberica.kernel.money import format_money, round_money


def _locked(line_id: int) -> StatementLine:
    line = StatementLine.objects.select_for_update().filter(pk=line_id).first()
    if line is None:
        raise ValidationError(v.ERR_LINE_NOT_FOUND, code="line_not_found")
    return line


@transaction.atomic
def line_reconcile(
    *, line_id: int, kind: MatchKind | str, record_id: int, record_amount: Decimal, user: Any = None
) -> StatementLine:
    """Reconcile the line `line_id` with the record `kind` #`record_id`, whose amount (positive:
    what was received or paid) is `record_amount`. The caller read the record."""
    from banking.actions import line_match  # banking.actions re-exports this module

    line = _locked(line_id)
    if line.matched_kind is not None:
        raise ValidationError(v.ERR_LINE_ALREADY_MATCHED, code="line_matched")
    match_kind = MatchKind(kind)
    if (match_kind in MONEY_IN_KINDS) != (line.amount > 0):
        raise ValidationError(
            v.ERR_WRONG_SIDE,
            code="wrong_side",
            params={"kind": match_kind.label, "line": format_money(line.amount)},
        )
    if round_money(abs(line.amount)) != round_money(record_amount):
        raise ValidationError(
            v.ERR_AMOUNT_MISMATCH,
            code="amount_mismatch",
            params={"record": format_money(record_amount), "line": format_money(abs(line.amount))},
        )
    return line_match(line=line, kind=match_kind, record_id=record_id, user=user)


@transaction.atomic
def line_unreconcile(*, line_id: int) -> tuple[MatchKind, int]:
    """Undo the line's reconciliation; returns what it was reconciled with (kind, id). The record
    stays: deleting it, if it was wrong, is for its own admin page."""
    from banking.actions import line_unmatch

    line = _locked(line_id)
    if line.matched_kind is None or line.matched_id is None:
        raise ValidationError(v.ERR_LINE_NOT_MATCHED, code="line_not_matched")
    was = (MatchKind(line.matched_kind), line.matched_id)
    line_unmatch(line=line)
    return was
