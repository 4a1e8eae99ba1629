import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import models

from smartiberica.kernel.roles import (
    APPROVE_YEAR_PERMISSION,
    BOARD,
    DOMAIN_APPS,
    EDIT_SCENARIOS_PERMISSION,
    SCENARIO_MODELS,
    STAFF,
)

pytestmark = pytest.mark.django_db


def domain_models() -> list[type[models.Model]]:
    return [m for label in DOMAIN_APPS for m in apps.get_app_config(label).get_models()]


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    permissions = group.permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def test_both_roles_exist_after_migrate() -> None:
    assert set(Group.objects.filter(name__in=[BOARD, STAFF]).values_list("name", flat=True)) == {BOARD, STAFF}


def test_the_board_may_view_every_domain_model_and_change_none() -> None:
    board = codenames(BOARD)
    assert "smartiberica.view_dashboard" in board
    for model in domain_models():
        meta = model._meta
        assert f"{meta.app_label}.view_{meta.model_name}" in board
    assert not [c for c in board if c.split(".")[1].startswith(("add_", "change_", "delete_"))]


def test_staff_may_add_change_delete_and_view_every_domain_model() -> None:
    staff = codenames(STAFF)
    assert "smartiberica.view_dashboard" in staff
    for model in domain_models():
        meta = model._meta
        for action in ("add", "change", "delete", "view"):
            assert f"{meta.app_label}.{action}_{meta.model_name}" in staff
    assert not [c for c in staff if c.startswith("auth.")]


def test_both_roles_may_write_scenarios_since_they_are_plans_not_records() -> None:
    for role in (BOARD, STAFF):
        assert EDIT_SCENARIOS_PERMISSION in codenames(role), role


def test_staff_keep_scenarios_in_the_admin_and_the_board_only_reads_them_there() -> None:
    board, staff = codenames(BOARD), codenames(STAFF)
    for model in SCENARIO_MODELS:
        assert f"board.view_{model}" in board
        for action in ("add", "change", "delete", "view"):
            assert f"board.{action}_{model}" in staff
    # Approving a year stays the board's.
    assert APPROVE_YEAR_PERMISSION in board and APPROVE_YEAR_PERMISSION not in staff
