"""The board's pages, API and exports: thin views over `smartiberica.board.dashboard`.

Each view checks the dashboard permission, calls one function and renders what
it returns; all queries have run by then.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from smartiberica.board import dashboard, exports
from smartiberica.board.alerts import enabled_rules, page_alerts, year_marks
from smartiberica.board.closing import year_closing
from smartiberica.board.export_tables import year_tables
from smartiberica.board.figures import yearly_figures
from smartiberica.kernel.basis import BASES, Basis
from smartiberica.kernel.dates import EARLIEST_RECORD_YEAR, today
from smartiberica.kernel.roles import DASHBOARD_PERMISSION
from smartiberica.kernel.shared_reads import with_shared_reads

# Pages of later years answer (empty) up to 2100, as the API contract wants; none before the
# first date a record may have.
FIRST_YEAR, LAST_YEAR = EARLIEST_RECORD_YEAR, 2100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and readiness in one: a real round trip to the database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's). The URL is
    # resolved per request: hashed static names exist only after collectstatic.
    return redirect(static("favicon.svg"), permanent=True)


def _basis(request: HttpRequest) -> Basis:
    value = request.GET.get("basis", "accrual")
    return next((basis for basis in BASES if basis == value), "accrual")


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("No figures for that year."))


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    return redirect("year", year=dashboard.latest_year())


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@with_shared_reads  # its parts (figures, projection, fund, receivables, alerts) share reference reads
def year(request: HttpRequest, year: int) -> HttpResponse:
    check_year(year)
    # The year in progress is projected at its end, under the scenario the picker names.
    page = dashboard.year_page(year=year, basis=_basis(request), scenario=request.GET.get("scenario", ""))
    context = {
        "page": page,
        "keep": page.picker.keep if page.picker else "",
        "closing": year_closing(year=year, user=request.user),
        "figures": page.figures,
        "basis": page.figures.basis,
        "definitions": dashboard.MONEY_DEFINITIONS,
        # The "Attention" panel: the enabled rules this year (or today) breaks (board/alerts.py).
        "attention": page_alerts(page, on=today()),
    }
    return render(request, "board/year.html", context)


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@with_shared_reads  # its parts (figures, projection, fund, receivables, alerts) share reference reads
def years(request: HttpRequest) -> HttpResponse:
    basis = _basis(request)
    page = dashboard.years_page(basis=basis)
    marks = year_marks(page, rules=enabled_rules())  # the years that broke a year-level rule
    return render(request, "board/years.html", {"page": page, "basis": basis, "marks": marks})


def api_refusal(request: HttpRequest) -> JsonResponse | None:
    """An API answers in JSON: 401/403 instead of the login page's redirect."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Authentication required.")}, status=401)
    if not request.user.has_perm(DASHBOARD_PERMISSION):
        return JsonResponse({"error": _("You may not see the yearly figures.")}, status=403)
    return None


@require_GET
@login_not_required
def api_year(request: HttpRequest, year: int) -> JsonResponse:
    if (refusal := api_refusal(request)) is not None:
        return refusal
    basis = request.GET.get("basis", "accrual")
    if basis not in BASES:
        return JsonResponse({"error": _("basis must be accrual or cash.")}, status=400)
    check_year(year)
    figures = yearly_figures(year=year, basis=basis)  # type: ignore[arg-type]
    return JsonResponse(figures.as_json(), json_dumps_params={"ensure_ascii": False})


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def export_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    check_year(year)
    figures = yearly_figures(year=year, basis=_basis(request))
    return _attachment(
        exports.to_xlsx(figures, year_tables(figures)), XLSX, f"smartiberica-{year}-{figures.basis}.xlsx"
    )


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def export_csv(request: HttpRequest, year: int) -> HttpResponse:
    check_year(year)
    figures = yearly_figures(year=year, basis=_basis(request))
    return _attachment(
        exports.to_csv(figures, year_tables(figures)),
        "text/csv; charset=utf-8",
        f"smartiberica-{year}-{figures.basis}.csv",
    )
