"""Every record admin is a form layer over the apps' actions: it never saves or deletes by itself.

The test walks every ModelAdmin registered for the funding and services apps. For each, it takes a
record of the demo, binds the admin's own change form to that record's values, runs the admin's
save hooks as Django's change view does, and proves with a spy on the model's `save()` that every
write came from inside an action. Deleting goes through an action too: the record is deleted from
inside one, or the action refuses with a message (a protected record), never a traceback.

A `ReadOnlyAdmin` (the rows a loan generates, its schedule) is left out of the walk: nobody, not
even a superuser, may add, change or delete through it, so it has no write to route through an
action. A test below keeps it that way.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.core.management import call_command
from django.db import models, transaction
from django.test import RequestFactory

from services.actions import refund_record
from services.models import Payment
from smartiberica.board.closing import closings_wipe
from smartiberica.kernel.admin_base import ActionAdmin, ActionRefused, ReadOnlyAdmin

pytestmark = pytest.mark.django_db

APPS = ("funding", "services", "banking")
ACTION_MODULES = ("actions", "record_actions")


def domain_admins() -> list[admin.ModelAdmin]:
    return [
        model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label in APPS
    ]


def record_admins() -> list[admin.ModelAdmin]:
    """The admins that write: every domain admin but the read-only lists."""
    return [model_admin for model_admin in domain_admins() if not isinstance(model_admin, ReadOnlyAdmin)]


def called_from_an_action() -> bool:
    for frame in inspect.stack(context=0):
        # `services.actions`, a module of the `services.actions` package, or `services.record_actions`.
        app, _, rest = frame.frame.f_globals.get("__name__", "").partition(".")
        if app in APPS and rest.split(".")[0] in ACTION_MODULES:
            return True
    return False


@contextmanager
def spy_on(model: type[models.Model], method: str) -> Iterator[list[bool]]:
    """Record, for each call of `model.<method>`, whether an action made it."""
    calls: list[bool] = []
    original = getattr(model, method)

    def spied(self: models.Model, *args: Any, **kwargs: Any) -> Any:
        calls.append(called_from_an_action())
        return original(self, *args, **kwargs)

    setattr(model, method, spied)
    try:
        yield calls
    finally:
        setattr(model, method, original)


def form_data(form: Any) -> dict[str, Any]:
    """What a browser would post back for the form as it is shown."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is not None:
            shown = bound.field.widget.format_value(value)  # as the page shows it, in its language
            data[bound.html_name] = shown if isinstance(shown, str) else str(value)
    return data


@pytest.fixture
def demo(superuser: Any) -> Any:
    with time_machine.travel("2026-11-26 10:00:00+01:00", tick=False):
        call_command("load_demo", "--force", stdout=StringIO())
        # The demo approves (closes) 2017-2024; here every record must be writable.
        closings_wipe()
        # The story has no refund: pay one back on its last paid invoice.
        paid = Payment.objects.order_by("pk").last()
        assert paid is not None
        refund_record(invoice=paid.invoice, date=paid.date, amount=Decimal("1.00"))
        yield


def test_every_record_admin_derives_from_the_action_admin_and_names_its_actions() -> None:
    offenders = []
    for model_admin in record_admins():
        if not isinstance(model_admin, ActionAdmin):
            offenders.append(f"{type(model_admin).__name__} is not an ActionAdmin")
            continue
        for hook in ("save_record", "delete_record"):
            if getattr(type(model_admin), hook) is getattr(ActionAdmin, hook):
                offenders.append(f"{type(model_admin).__name__} does not implement {hook}")
    assert offenders == []


def test_a_read_only_admin_lets_nobody_write_not_even_a_superuser(superuser: Any) -> None:
    request = RequestFactory().get("/")
    request.user = superuser
    read_only = [model_admin for model_admin in domain_admins() if isinstance(model_admin, ReadOnlyAdmin)]
    assert [type(model_admin).__name__ for model_admin in read_only] == [
        "LoanScheduleEntryAdmin",
        # What the bank says: its statements and their lines.
        "BankStatementAdmin",
        "StatementLineAdmin",
    ]
    for model_admin in read_only:
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert model_admin.has_view_permission(request)
        assert model_admin.get_actions(request) == {}


def test_every_admin_save_goes_through_an_action(demo: None, superuser: Any) -> None:
    request = RequestFactory().post("/")
    request.user = superuser
    checked, offenders = [], []
    for model_admin in record_admins():
        model = model_admin.model
        obj = model._default_manager.order_by("pk").last()
        if obj is None:
            offenders.append(f"the demo has no {model.__name__}: nothing to check")
            continue
        form_class = model_admin.get_form(request, obj, change=True)
        form = form_class(data=form_data(form_class(instance=obj)), instance=obj)
        if not form.is_valid():
            offenders.append(f"{model.__name__}: its own values do not validate: {form.errors.as_data()}")
            continue
        with spy_on(model, "save") as saves, transaction.atomic():
            model_admin.save_model(request, form.instance, form, True)
            model_admin.save_related(request, form, [], True)
            transaction.set_rollback(True)
        if not saves or not all(saves):
            offenders.append(f"{model.__name__}: saved {len(saves)} time(s), outside an action: {saves}")
        checked.append(model.__name__)
    assert offenders == []
    assert len(checked) == len(record_admins())


def test_every_admin_delete_goes_through_an_action(demo: None, superuser: Any) -> None:
    request = RequestFactory().post("/")
    request.user = superuser
    offenders = []
    for model_admin in record_admins():
        model = model_admin.model
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, model
        with spy_on(model, "delete") as deletes, transaction.atomic():
            try:
                model_admin.delete_model(request, obj)
                outcome = "deleted"
            except ActionRefused as refused:
                outcome = "refused"
                assert refused.error.messages, model  # a message for the user
            transaction.set_rollback(True)
        if outcome == "deleted" and not (deletes and all(deletes)):
            offenders.append(f"{model.__name__}: deleted outside an action")
    assert offenders == []


def test_an_action_rule_refused_in_the_admin_shows_on_the_form(staff_client: Any) -> None:
    """The margin rule's cross-row check exists only in its action: the form shows its message."""
    from datetime import date

    from services import actions
    from services.models import MarginRule

    rule = actions.margin_rule_create(
        name="Flat", valid_from=date(2024, 1, 1), structure_rate=Decimal("5.50"), fund_rate=Decimal("2.00")
    )
    actions.member_turnover_record(month=date(2024, 9, 1), turnover=Decimal("1000.00"))
    response = staff_client.post(
        f"/admin/services/marginrule/{rule.pk}/change/",
        {
            "name": "Flat",
            "valid_from": "2024-01-01",
            "valid_to": "2024-06-30",
            "kind": "flat",
            "structure_rate": "5.50",
            "fund_rate": "2.00",
            "bands-TOTAL_FORMS": "0",
            "bands-INITIAL_FORMS": "0",
            "bands-MIN_NUM_FORMS": "0",
            "bands-MAX_NUM_FORMS": "1000",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "2024-09" in str(response.context["errors"])
    rule.refresh_from_db()
    assert rule.valid_to is None
    assert MarginRule.objects.count() == 1
