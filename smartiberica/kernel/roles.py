"""The two roles of the app, as Django groups.

Board members read everything and write nothing; staff keep the records. The
groups are created by a data migration; their permissions are re-synced after
every `migrate`, so a model added later joins the roles without a manual step.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

BOARD = "Board"
STAFF = "Staff"
DOMAIN_APPS = ("funding", "services", "banking")
DASHBOARD_PERMISSION = "smartiberica.view_dashboard"
# Approving (closing) a finished year is the board's: staff keep the records it freezes.
APPROVE_YEAR_PERMISSION = "smartiberica.approve_year"
# Scenarios of the year-end projection are plans, not records: board members write them too.
EDIT_SCENARIOS_PERMISSION = "smartiberica.edit_scenarios"
# The board's own models that the admin shows: its stored scenarios and their rows.
SCENARIO_MODELS = ("scenario", "scenariorevenue", "scenariocost")
# The board's alert rules: staff change them in the admin, board members read them.
ALERT_MODELS = ("alertrule",)


def _domain_permissions() -> Q:
    return Q(content_type__app_label__in=DOMAIN_APPS)


def _board_model_permissions() -> Q:
    return Q(content_type__app_label="board", content_type__model__in=SCENARIO_MODELS + ALERT_MODELS)


def sync_role_permissions() -> None:
    app_label, codename = DASHBOARD_PERMISSION.split(".")
    dashboard = Q(content_type__app_label=app_label, codename=codename)
    scenarios = Q(content_type__app_label=app_label, codename=EDIT_SCENARIOS_PERMISSION.split(".")[1])

    board, _ = Group.objects.get_or_create(name=BOARD)
    approve = Q(content_type__app_label=app_label, codename=APPROVE_YEAR_PERMISSION.split(".")[1])
    readable = (_domain_permissions() | _board_model_permissions()) & Q(codename__startswith="view_")
    # The board writes scenarios on its pages, not in the admin: there it reads them.
    board.permissions.set(Permission.objects.filter(readable | dashboard | approve | scenarios))

    staff, _ = Group.objects.get_or_create(name=STAFF)
    staff.permissions.set(
        Permission.objects.filter(_domain_permissions() | _board_model_permissions() | dashboard | scenarios)
    )


def sync_role_permissions_after_migrate(**kwargs: Any) -> None:
    sync_role_permissions()
