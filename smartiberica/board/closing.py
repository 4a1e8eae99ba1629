"""Closing a year (public contract 3): the board approves a finished year and its figures freeze.

`year_close` stores the snapshot of both bases with who, when and the note, and locks the year
(`kernel.closed_years`): from then on every write dated in it is refused. `year_reopen`
(superusers, with a reason) lifts the lock; every approval and reopening stays listed.
`closed_year_differences` recomputes each closed year and compares it with its snapshot: a
difference means a write slipped past the lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from services.actions import receivables_freeze
from smartiberica.board.figures import BASES, compute_yearly_figures_many
from smartiberica.board.models import YearApproval
from smartiberica.board.snapshots import to_snapshot, to_summary
from smartiberica.kernel.closed_years import close_year_lock, closed_years, is_closed, reopen_year_lock
from smartiberica.kernel.dates import EARLIEST_RECORD_YEAR, current_year
from smartiberica.kernel.roles import APPROVE_YEAR_PERMISSION
from smartiberica.kernel.text import validate_multi_line

ERR_YEAR_NOT_FINISHED = _("Only a finished year can be approved: %(year)s is not over yet.")
ERR_YEAR_BEFORE_RECORDS = _("There are no records before %(first)s.")
ERR_YEAR_ALREADY_CLOSED = _("%(year)s is already approved and closed.")
ERR_YEAR_NOT_CLOSED = _("%(year)s is not closed.")
ERR_MAY_NOT_APPROVE = _("Only board members may approve a year.")
ERR_MAY_NOT_REOPEN = _("Only a superuser may reopen an approved year.")
ERR_REASON_REQUIRED = _("Say why the year is reopened.")


def _check_may_close(*, year: int, user: Any) -> None:
    if not (user.is_active and user.has_perm(APPROVE_YEAR_PERMISSION)):
        raise ValidationError(ERR_MAY_NOT_APPROVE, code="may_not_approve")
    if year < EARLIEST_RECORD_YEAR:
        raise ValidationError(
            ERR_YEAR_BEFORE_RECORDS, code="year_before_records", params={"first": EARLIEST_RECORD_YEAR}
        )
    if year >= current_year():
        raise ValidationError(ERR_YEAR_NOT_FINISHED, code="year_not_finished", params={"year": year})
    if is_closed(year):
        raise ValidationError(ERR_YEAR_ALREADY_CLOSED, code="year_closed", params={"year": year})


def may_close(*, year: int, user: Any) -> bool:
    """Whether `user` may approve `year` now (the pages show the button only then)."""
    try:
        _check_may_close(year=year, user=user)
    except ValidationError:
        return False
    return True


@transaction.atomic
def year_close(*, year: int, user: Any, note: str = "") -> YearApproval:
    """Approve `year`: freeze its figures on both bases and lock it. Refused with a clear message
    when the year is not over, is closed already, or `user` may not approve years."""
    _check_may_close(year=year, user=user)
    validate_multi_line(note)
    # The lock first: from here on the year's records cannot move under the snapshot.
    close_year_lock(year=year)
    # The receivables at the year's end, kept: the closed year's page reads them at once.
    receivables_freeze(on=date(year, 12, 31))
    snapshot = {
        basis: to_snapshot(compute_yearly_figures_many(years=[year], basis=basis)[year]) for basis in BASES
    }
    approval = YearApproval(
        year=year,
        event=YearApproval.Event.APPROVED,
        by=user,
        note=note,
        snapshot=snapshot,
        summary={basis: to_summary(figures) for basis, figures in snapshot.items()},
    )
    approval.full_clean()
    approval.save()
    return approval


@transaction.atomic
def year_reopen(*, year: int, user: Any, reason: str) -> YearApproval:
    """Lift the lock of an approved year (superusers only, with a reason, kept in the history)."""
    if not (user.is_active and user.is_superuser):
        raise ValidationError(ERR_MAY_NOT_REOPEN, code="may_not_reopen")
    if not reason.strip():
        raise ValidationError({"note": ValidationError(ERR_REASON_REQUIRED, code="reason_required")})
    validate_multi_line(reason)
    if not is_closed(year):
        raise ValidationError(ERR_YEAR_NOT_CLOSED, code="year_not_closed", params={"year": year})
    reopen_year_lock(year=year)
    approval = YearApproval(year=year, event=YearApproval.Event.REOPENED, by=user, note=reason.strip())
    approval.full_clean()
    approval.save()
    return approval


@dataclass(frozen=True)
class Difference:
    year: int
    basis: str
    key: str
    approved: Any
    now: Any


def closed_year_differences() -> list[Difference]:
    """Every figure of a closed year whose recomputation differs from the approved snapshot."""
    years = sorted(closed_years())
    if not years:
        return []
    latest = latest_approvals(years)
    found = []
    for basis in BASES:
        recomputed = compute_yearly_figures_many(years=years, basis=basis)
        for year in years:
            approved, now = latest[year].snapshot[basis], to_snapshot(recomputed[year])
            found += [
                Difference(year, basis, key, approved.get(key), now[key])
                for key in sorted(now)
                if approved.get(key) != now[key]
            ]
    return found


def latest_approvals(years: list[int]) -> dict[int, YearApproval]:
    """The latest approval of each of `years` that has one (one query)."""
    latest: dict[int, YearApproval] = {}
    for approval in YearApproval.objects.approvals().filter(year__in=years).select_related("by"):
        latest[approval.year] = approval  # ordered by year, then time: the last one wins
    return latest


@dataclass(frozen=True)
class YearClosing:
    """What the year page says about closing: the history, and what the reader may do."""

    year: int
    closed: bool
    history: list[YearApproval]
    may_approve: bool
    may_reopen: bool


def year_closing(*, year: int, user: Any) -> YearClosing:
    """The closing state of `year` for `user` (two queries)."""
    # list(): evaluated here, so the template runs no query. The history shows who, when and
    # why: the frozen figures stay unread.
    history = list(YearApproval.objects.of_year(year).select_related("by").defer("snapshot", "summary"))
    closed = is_closed(year)
    may_approve = (
        not closed
        and user.has_perm(APPROVE_YEAR_PERMISSION)
        and EARLIEST_RECORD_YEAR <= year < current_year()
    )
    return YearClosing(
        year=year,
        closed=closed,
        history=history,
        may_approve=may_approve,
        may_reopen=closed and user.is_superuser,
    )


@transaction.atomic
def closings_wipe() -> None:
    """Forget every approval, funder link and lock (the demo's `--reset`, before its records go)."""
    # Imported here: funder links build on this module's actions.
    from smartiberica.board.models import FunderLink

    FunderLink.objects.all().delete()
    YearApproval.objects.all().delete()
    for year in closed_years():
        reopen_year_lock(year=year)
