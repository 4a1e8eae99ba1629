"""The scenario pages: the list (readers of the dashboards), new, edit and delete (editors).

Thin views: the forms read the input (`scenario_forms`), the actions decide and write
(`scenario_actions`), the reads build what the list shows (`scenarios`); every query has run
before the template renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartiberica.board.models import Scenario
from smartiberica.board.scenario_actions import scenario_create, scenario_delete, scenario_update
from smartiberica.board.scenario_forms import ScenarioForms
from smartiberica.board.scenarios import scenario_choices, scenario_overview
from smartiberica.kernel.roles import DASHBOARD_PERMISSION, EDIT_SCENARIOS_PERMISSION

FORM_TEMPLATE = "board/scenario_form.html"


def _user(request: HttpRequest) -> User:
    # `permission_required` lets only a signed-in user through; this tells the type checker so.
    if isinstance(request.user, AnonymousUser):
        raise PermissionDenied
    return request.user


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def scenario_list(request: HttpRequest) -> HttpResponse:
    """Every stored scenario with what it changes; editors get the links to change them."""
    return render(request, "board/scenarios.html", {"rows": scenario_overview()})


@require_http_methods(["GET", "POST"])
@permission_required(EDIT_SCENARIOS_PERMISSION, raise_exception=True)
def scenario_new(request: HttpRequest) -> HttpResponse:
    forms = ScenarioForms(request.POST or None, choices=scenario_choices())
    if request.method == "POST" and forms.is_valid():
        try:
            scenario = scenario_create(author=_user(request), **forms.action_kwargs())
        except ValidationError as error:
            forms.show_refusal(error)
        else:
            messages.success(request, _("Scenario “%(name)s” saved.") % {"name": scenario.name})
            return redirect("scenarios")
    return render(request, FORM_TEMPLATE, {"forms": forms, "scenario": None})


@require_http_methods(["GET", "POST"])
@permission_required(EDIT_SCENARIOS_PERMISSION, raise_exception=True)
def scenario_edit(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = get_object_or_404(Scenario, slug=slug)
    forms = ScenarioForms(request.POST or None, choices=scenario_choices(), scenario=scenario)
    if request.method == "POST" and forms.is_valid():
        try:
            saved = scenario_update(scenario=scenario, user=_user(request), **forms.action_kwargs())
        except ValidationError as error:
            forms.show_refusal(error)
        else:
            messages.success(request, _("Scenario “%(name)s” saved.") % {"name": saved.name})
            return redirect("scenarios")
    return render(request, FORM_TEMPLATE, {"forms": forms, "scenario": scenario})


@require_http_methods(["GET", "POST"])
@permission_required(EDIT_SCENARIOS_PERMISSION, raise_exception=True)
def scenario_remove(request: HttpRequest, slug: str) -> HttpResponse:
    """A confirmation page; POST deletes the scenario."""
    scenario = get_object_or_404(Scenario, slug=slug)
    if request.method == "POST":
        try:
            scenario_delete(scenario=scenario, user=_user(request))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Scenario “%(name)s” deleted.") % {"name": scenario.name})
        return redirect("scenarios")
    return render(request, "board/scenario_delete.html", {"scenario": scenario})
