"""The bank pages (issue 20): cash position, lines left to reconcile with their suggestions, one
line with its record; the buttons that confirm, create and undo.

Thin views: the reads are `banking.selectors` and `smartiberica.board.reconciliation`, the writes
`smartiberica.board.reconciliation_actions`; every query has run before the template renders.
Board members read (`banking.view_statementline`); staff reconcile (`banking.change_statementline`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from banking.selectors import BankLine, MatchKind, bank_line, cash_position, unmatched_page
from smartiberica.board.bank_forms import CreateRecordForm, ReconcileForm, RecordChoices
from smartiberica.board.reconciliation import Candidate, Suggestion, records_by_id, suggest
from smartiberica.board.reconciliation_actions import (
    create_and_reconcile,
    reconcile,
    reconcile_confident,
    unreconcile,
)
from smartiberica.kernel.dates import today

VIEW_LINES = "banking.view_statementline"
CHANGE_LINES = "banking.change_statementline"
PER_PAGE = 50


@dataclass(frozen=True)
class LineRow:
    """A line as the pages show it: its age and its ranked suggestions."""

    line: BankLine
    age_days: int
    suggestions: tuple[Suggestion, ...]
    more: int  # candidates beyond those shown
    confident: bool


def _rows(lines: tuple[BankLine, ...], *, on: date, shown: int | None) -> list[LineRow]:
    rows = []
    for found in suggest(lines):
        kept = found.suggestions if shown is None else found.shown
        rows.append(
            LineRow(
                line=found.line,
                age_days=found.line.age_days(on),
                suggestions=kept,
                more=len(found.suggestions) - len(kept),
                confident=found.confident is not None,
            )
        )
    return rows


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back where the button was (a `next` on this site), else `default`."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return HttpResponseRedirect(target if target and safe else default)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
@permission_required(VIEW_LINES, raise_exception=True)
def bank(request: HttpRequest) -> HttpResponse:
    """Cash per account and in total; the lines left to reconcile, oldest first, 50 a page."""
    on = today()
    page = unmatched_page(number=_page_number(request), per_page=PER_PAGE)
    rows = _rows(page.lines, on=on, shown=3)
    context = {
        "position": cash_position(on=on),
        "page": page,
        "rows": rows,
        "confident_here": sum(1 for row in rows if row.confident),
        "choices": RecordChoices() if request.user.has_perm(CHANGE_LINES) else None,
    }
    return render(request, "board/bank.html", context)


@require_GET
@permission_required(VIEW_LINES, raise_exception=True)
def line_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One line: the record it was reconciled with, or every suggestion and the create forms."""
    line = bank_line(line_id=pk)
    if line is None:
        raise Http404
    record: Candidate | None = None
    row: LineRow | None = None
    if line.matched_kind is not None and line.matched_id is not None:
        record = records_by_id([(line.matched_kind, line.matched_id)]).get(
            (line.matched_kind, line.matched_id)
        )
    else:
        row = _rows((line,), on=today(), shown=None)[0]
    context = {
        "line": line,
        # The kind in the reader's words, for a record that no longer exists.
        "matched_label": MatchKind(line.matched_kind).label if line.matched_kind else "",
        "record": record,
        "row": row,
        "age_days": line.age_days(today()),
        "choices": RecordChoices() if row is not None and request.user.has_perm(CHANGE_LINES) else None,
    }
    return render(request, "board/bank_line.html", context)


@require_POST
@permission_required(CHANGE_LINES, raise_exception=True)
def line_reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    """A suggestion confirmed (for an open invoice: its payment recorded and reconciled)."""
    form = ReconcileForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This suggestion cannot be read: reload the page and try again."))
        return _back(request, reverse("bank"))
    try:
        reconcile(
            line_id=pk,
            kind=form.cleaned_data["kind"],
            record_id=form.cleaned_data["record_id"],
            user=request.user,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Bank line reconciled."))
    return _back(request, reverse("bank"))


@require_POST
@permission_required(CHANGE_LINES, raise_exception=True)
def line_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The record a line is, created with the line's date and amount, and reconciled."""
    form = CreateRecordForm(request.POST, choices=RecordChoices())
    if not form.is_valid():
        for message in [m for errors in form.errors.values() for m in errors]:
            messages.error(request, str(message))
        return _back(request, reverse("bank-line", args=[pk]))
    try:
        create_and_reconcile(line_id=pk, user=request.user, record=form.new_record())
    except ValidationError as error:
        _refused(request, error)
        return _back(request, reverse("bank-line", args=[pk]))
    messages.success(request, _("Record created and bank line reconciled."))
    return _back(request, reverse("bank"))


@require_POST
@permission_required(CHANGE_LINES, raise_exception=True)
def line_unreconcile(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        unreconcile(line_id=pk, user=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The bank line is no longer reconciled; its record is kept."))
    return redirect("bank-line", pk=pk)


@require_POST
@permission_required(CHANGE_LINES, raise_exception=True)
def reconcile_all_confident(request: HttpRequest) -> HttpResponse:
    """Every confident suggestion of every line left to reconcile, confirmed at once."""
    done = reconcile_confident(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d bank line reconciled.", "%(count)d bank lines reconciled.", done)
        % {"count": done},
    )
    return _back(request, reverse("bank"))
