"""The audit trail is read-only for everybody.

A history page of the admin (django-simple-history) used to accept a POST that "reverted" the
record to an old version: the Board (read-only) could change an expense, staff could revert a
loan's principal without its schedule. Every admin with a history is walked here: its history
pages answer GET, and a POST changes nothing, whoever sends it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import models
from django.forms import BaseForm, CheckboxInput
from django.http.response import HttpResponseBase, HttpResponseRedirectBase
from django.test import Client
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from banking import actions as banking_actions
from funding import actions as funding_actions
from funding.models import Expense, Loan
from services import actions as services_actions
from smartiberica.board.scenario_actions import scenario_create
from tests.funding.factories import (
    category,
    make_agreement,
    make_budget,
    make_category,
    make_expense,
    make_loan,
    make_obligation,
    make_receipt,
    make_repayment,
    make_shared_cost,
    make_source,
)
from tests.services.factories import (
    make_advance,
    make_client,
    make_contract,
    make_invoice,
    make_member_turnover,
    make_partner,
    make_payment,
    service,
)

pytestmark = pytest.mark.django_db
D = Decimal
ROLES = ("anonymous", "board", "staff", "superuser")

HISTORY_ADMINS = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ),
    key=lambda pair: pair[0]._meta.label,
)


def test_the_walk_finds_the_record_admins() -> None:
    labels = {model._meta.label for model, _ in HISTORY_ADMINS}
    assert {
        "funding.Expense",
        "funding.Loan",
        "services.Invoice",
        "services.Payment",
        "banking.BankAccount",
    } <= labels


# --- A record of every kind, with history rows --------------------------------------------------


def make_one_of_each() -> None:
    """At least one record of every model with a history, written as the apps write them."""
    source = make_source()
    agreement = make_agreement()
    make_obligation(agreement=agreement)
    make_receipt(source=agreement.source)
    loan = make_loan()
    make_repayment(loan=loan, date=date(2020, 7, 15), interest=D("250.00"), principal=D("0"))
    make_shared_cost()
    make_category()
    make_budget()
    make_expense()
    assert source.pk
    invoice = make_invoice(client=make_client())
    make_payment(invoice=invoice, amount=D("121.00"))
    if hasattr(services_actions, "refund_record"):
        services_actions.refund_record(invoice=invoice, date=date(2024, 4, 1), amount=D("21.00"))
    make_advance()
    make_contract(partner=make_partner())
    services_actions.revenue_target_set(service_line=service(), year=2024, amount=D("5000.00"))
    services_actions.margin_rule_create(
        name="Historical", valid_from=date(2015, 1, 1), structure_rate=D("5.50"), fund_rate=D("2.00")
    )
    make_member_turnover()
    banking_actions.account_create(
        name="Fiare",
        iban="ES4515500001260000318402",
        opening_date=date(2025, 1, 1),
        opening_balance=D("100.00"),
    )
    # The board's stored scenarios: written by someone allowed to plan.
    planner, _created = get_user_model().objects.get_or_create(
        username="planner", defaults={"is_staff": True, "is_superuser": True}
    )
    scenario_create(author=planner, slug="what-if", name="What if", turnover_growth=D("5.00"))


def history_of(model: type[models.Model], pk: Any) -> models.QuerySet[Any]:
    return model.history.filter(**{model._meta.pk.attname: pk})  # type: ignore[attr-defined]


def snapshot(model: type[models.Model], pk: Any) -> tuple[dict[str, Any], int]:
    """The row's values and how many history rows it has."""
    return model._default_manager.filter(pk=pk).values().get(), history_of(model, pk).count()


def oldest_version(model: type[models.Model]) -> tuple[Any, int]:
    """(pk, history_id) of the first version of a record that has two versions at least."""
    first = model._default_manager.order_by("pk").first()
    assert first is not None, f"the test world has no {model._meta.label}: add one to make_one_of_each()"
    first.save()  # a second version, so that the first one is "an older version"
    oldest = history_of(model, first.pk).order_by("history_id").first()
    assert oldest is not None
    return first.pk, oldest.history_id


def history_form_url(model: type[models.Model], pk: Any, history_id: int) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[pk, history_id])


def history_url(model: type[models.Model], pk: Any) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[pk])


def post_data(form: BaseForm) -> dict[str, Any]:
    """What the browser would send for this (unbound) form, with one value changed."""
    data: dict[str, Any] = {}
    changed = False
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
            continue
        if not changed and isinstance(value, Decimal):
            value, changed = value + D("999"), True
        elif (
            not changed
            and isinstance(value, str)
            and value
            and bound.name in {"name", "description", "notes"}
        ):
            value, changed = value + " (reverted)", True
        shown = None if value is None else widget.format_value(value)
        data[bound.html_name] = "" if shown is None else shown
    return data


def client_for(role: str, users: dict[str, Any]) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    return client


def assert_refused(response: HttpResponseBase, role: str) -> None:
    if role == "anonymous":
        # Strangers are sent to the login page before any view runs.
        assert response.status_code == 302
        assert isinstance(response, HttpResponseRedirectBase)
        assert response.url.startswith((reverse("login"), reverse("admin:login")))
    else:
        assert response.status_code in (403, 405), response.status_code


@pytest.fixture
def users(board_user: Any, staff_user: Any, superuser: Any) -> dict[str, Any]:
    return {"board": board_user, "staff": staff_user, "superuser": superuser}


@pytest.mark.parametrize(
    ("model", "model_admin"), HISTORY_ADMINS, ids=[model._meta.label for model, _ in HISTORY_ADMINS]
)
def test_no_one_can_revert_a_record_from_its_history_page(
    model: type[models.Model], model_admin: SimpleHistoryAdmin, users: dict[str, Any]
) -> None:
    make_one_of_each()
    pk, history_id = oldest_version(model)
    url = history_form_url(model, pk, history_id)
    page = client_for("superuser", users).get(url)
    assert page.status_code == 200
    data = post_data(page.context["adminform"].form)
    before, log_entries = snapshot(model, pk), LogEntry.objects.count()
    for role in ROLES:
        for target in (url, history_url(model, pk)):
            assert_refused(client_for(role, users).post(target, data), role)
            assert snapshot(model, pk) == before, (role, target)
    assert LogEntry.objects.count() == log_entries


@pytest.mark.parametrize(
    ("model", "model_admin"), HISTORY_ADMINS, ids=[model._meta.label for model, _ in HISTORY_ADMINS]
)
def test_the_history_pages_still_open_and_offer_no_revert_button(
    model: type[models.Model], model_admin: SimpleHistoryAdmin, users: dict[str, Any]
) -> None:
    make_one_of_each()
    pk, history_id = oldest_version(model)
    for role in ("board", "staff", "superuser"):
        client = client_for(role, users)
        assert client.get(history_url(model, pk)).status_code == 200, role
        page = client.get(history_form_url(model, pk, history_id))
        assert page.status_code == 200, role
        html = page.content.decode()
        assert 'name="_save"' not in html  # simple-history's "Revert" button
        assert 'name="_change_history"' not in html
        assert page.context["revert_disabled"] is True


# --- The cases of the bug report ----------------------------------------------------------------


def test_the_board_cannot_change_an_expense_from_its_history(board_client: Client, superuser: Any) -> None:
    expense = funding_actions.expense_create(
        date=date(2024, 3, 5), category=category("it"), supplier="Acme", amount=D("8.27"), reference="E-1"
    )
    funding_actions.expense_update(expense=expense, amount=D("9.00"))
    first = history_of(Expense, expense.pk).order_by("history_id").first()
    assert first is not None
    url = history_form_url(Expense, expense.pk, first.history_id)
    admin_client = Client()
    admin_client.force_login(superuser)
    data = post_data(admin_client.get(url).context["adminform"].form)
    data["amount"] = "999999,99"
    response = board_client.post(url, data)
    assert response.status_code in (403, 405)
    expense.refresh_from_db()
    assert expense.amount == D("9.00")
    assert history_of(Expense, expense.pk).count() == 2


def test_staff_cannot_revert_a_loans_principal_around_its_schedule(staff_client: Client) -> None:
    loan = make_loan(principal=D("100000.00"))
    funding_actions.loan_update(loan=loan, principal=D("150000.00"))
    schedule = list(loan.schedule.values_list("number", "principal", "interest"))
    first = history_of(Loan, loan.pk).order_by("history_id").first()
    assert first is not None
    url = history_form_url(Loan, loan.pk, first.history_id)
    data = post_data(staff_client.get(url).context["adminform"].form)
    data["principal"] = "100000,00"
    response = staff_client.post(url, data)
    assert response.status_code in (403, 405)
    loan.refresh_from_db()
    assert loan.principal == D("150000.00")
    assert list(loan.schedule.values_list("number", "principal", "interest")) == schedule
