"""The board's pages for closing a year: approve (board members) and reopen (superusers)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from smartiberica.board import dashboard
from smartiberica.board.closing import may_close, year_close, year_reopen
from smartiberica.kernel.closed_years import is_closed
from smartiberica.kernel.roles import APPROVE_YEAR_PERMISSION, DASHBOARD_PERMISSION


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


def _refused(form: forms.Form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@require_http_methods(["GET", "POST"])
@permission_required(APPROVE_YEAR_PERMISSION, raise_exception=True)
def approve(request: HttpRequest, year: int) -> HttpResponse:
    """A confirmation page with the year's figures and a note; POST approves and closes it."""
    if not may_close(year=year, user=request.user):
        raise Http404(_("This year cannot be approved."))
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            year_close(year=year, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("%(year)s approved and closed.") % {"year": year})
            return redirect("year", year=year)
    page = dashboard.year_page(year=year, basis="accrual")
    return render(request, "board/approve.html", {"page": page, "figures": page.figures, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def reopen(request: HttpRequest, year: int) -> HttpResponse:
    """Superusers reopen an approved year, saying why; the reason stays in the year's history."""
    if not (request.user.is_superuser and is_closed(year)):
        raise Http404(_("This year cannot be reopened."))
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            year_reopen(year=year, user=request.user, reason=form.cleaned_data["note"])
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("%(year)s reopened.") % {"year": year})
            return redirect("year", year=year)
    return render(request, "board/reopen.html", {"year": year, "form": form})
