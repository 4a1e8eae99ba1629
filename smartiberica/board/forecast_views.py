"""The year-end projection over HTTP: the JSON API of public contract 4 and the page that compares
scenarios (`smartiberica.board.comparison` builds it; every query runs before the template)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from smartiberica.board.comparison import comparison_page
from smartiberica.board.projection import ProjectionError, forecast
from smartiberica.board.scenario_params import BASELINE, BASELINE_SLUG, ScenarioParams
from smartiberica.board.views import api_refusal, check_year
from smartiberica.kernel.basis import BASES
from smartiberica.kernel.roles import DASHBOARD_PERMISSION


def chosen_scenario(slug: str) -> ScenarioParams:
    """The scenario a request names (`ScenarioNotFound` for an unknown slug)."""
    from smartiberica.board.scenarios import scenario_params

    return BASELINE if slug in ("", BASELINE_SLUG) else scenario_params(slug=slug)


@require_GET
@login_not_required
def api_forecast(request: HttpRequest, year: int) -> JsonResponse:
    if (refusal := api_refusal(request)) is not None:
        return refusal
    basis = request.GET.get("basis", "accrual")
    if basis not in BASES:
        return JsonResponse({"error": _("basis must be accrual or cash.")}, status=400)
    check_year(year)
    slug = request.GET.get("scenario", BASELINE_SLUG)
    from smartiberica.board.scenarios import ScenarioNotFound

    try:
        scenario = chosen_scenario(slug)
    except ScenarioNotFound:
        return JsonResponse({"error": _("No scenario named “%(slug)s”.") % {"slug": slug}}, status=404)
    as_of = None
    if raw := request.GET.get("as_of"):
        try:
            as_of = date.fromisoformat(raw)
        except ValueError:
            return JsonResponse({"error": _("as_of must be a date written YYYY-MM-DD.")}, status=400)
    try:
        projected = forecast(year=year, basis=basis, scenario=scenario, as_of=as_of)  # type: ignore[arg-type]
    except ProjectionError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(projected.as_json(), json_dumps_params={"ensure_ascii": False})


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def year_scenarios(request: HttpRequest, year: int) -> HttpResponse:
    """The baseline and the scenarios ticked, side by side (a GET form: a comparison has a URL)."""
    check_year(year)
    page = comparison_page(year=year, query=request.GET)
    context = {"page": page, "basis": page.basis, "keep": page.keep}
    return render(request, "board/scenarios_compare.html", context)
