"""The receivables page: what every client owes on a day, by days past due (issue 22)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from smartiberica.board.receivables import receivables_page
from smartiberica.kernel.roles import DASHBOARD_PERMISSION


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def receivables(request: HttpRequest) -> HttpResponse:
    # Read whole here (tuples of dataclasses), so the template runs no query.
    page = receivables_page(on=request.GET.get("on", "").strip())
    return render(request, "board/receivables.html", {"page": page})
