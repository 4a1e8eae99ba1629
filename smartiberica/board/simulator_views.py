"""The margin simulator's page: a thin view over `smartiberica.board.simulator`."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from smartiberica.board import simulator
from smartiberica.kernel.roles import DASHBOARD_PERMISSION


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def margin_simulator(request: HttpRequest) -> HttpResponse:
    """A GET form, so that a simulation has a URL to share; every query runs before rendering."""
    page = simulator.simulator_page(query=request.GET)
    return render(request, "board/margin_simulator.html", {"page": page, "simulation": page.simulation})
