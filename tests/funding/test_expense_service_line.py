"""An expense may name the service line it serves: its direct cost (issue 22). The actions, the
admin's select and filter, the history, and the foreign key to the services app."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models.deletion import ProtectedError
from django.test import Client
from django.urls import reverse

from funding import actions
from funding.models import Expense
from funding.selectors import direct_costs_by_line
from services.models import Client as ServicesClient
from tests.funding.factories import category, make_expense
from tests.services.factories import service

pytestmark = pytest.mark.django_db
D = Decimal


def test_an_expense_is_created_as_a_direct_cost_of_a_line() -> None:
    expense = make_expense(service_line=service("it-licensing"))

    expense.refresh_from_db()
    assert expense.service_line == service("it-licensing")
    assert expense.history.get().service_line_id == service("it-licensing").pk


def test_an_update_keeps_the_line_unless_it_is_given_and_none_takes_the_expense_off() -> None:
    expense = make_expense(service_line=service("it-licensing"))

    actions.expense_update(expense=expense, amount=D("120.00"))
    expense.refresh_from_db()
    assert (expense.amount, expense.service_line) == (D("120.00"), service("it-licensing"))

    actions.expense_update(expense=expense, service_line=service("prl-training"))
    expense.refresh_from_db()
    assert expense.service_line == service("prl-training")

    actions.expense_update(expense=expense, service_line=None)
    expense.refresh_from_db()
    assert expense.service_line is None
    assert expense.history.count() == 4


def test_only_a_service_line_is_taken_as_the_line() -> None:
    client = ServicesClient.objects.create(name="Not a line", tax_id="B12345674")

    with pytest.raises(TypeError, match="service line"):
        make_expense(service_line=client)
    assert not Expense.objects.exists()


def test_a_line_with_expenses_cannot_be_deleted() -> None:
    make_expense(service_line=service("admin-services"))

    with pytest.raises(ProtectedError):
        service("admin-services").delete()


def test_direct_costs_are_summed_by_year_and_line_and_only_for_expenses_naming_one() -> None:
    make_expense(date=date(2024, 1, 1), amount=D("10.10"), service_line=service("it-licensing"))
    make_expense(date=date(2024, 12, 31), amount=D("20.20"), service_line=service("it-licensing"))
    make_expense(date=date(2025, 1, 1), amount=D("5.00"), service_line=service("it-licensing"))
    make_expense(date=date(2024, 6, 1), amount=D("7.00"), service_line=service("prl-training"))
    make_expense(date=date(2024, 6, 1), amount=D("1000.00"))

    assert direct_costs_by_line(years=[2024, 2025, 2026]) == {
        2024: {"it-licensing": D("30.30"), "prl-training": D("7.00")},
        2025: {"it-licensing": D("5.00")},
        2026: {},
    }
    assert direct_costs_by_line(years=[]) == {}


def expense_form(**changes: object) -> dict[str, object]:
    return {
        "date": "2024-03-01",
        "category": category("it").pk,
        "supplier": "Microsoft Ibérica",
        "amount": "900.00",
        "reference": "MS-2024-03",
        "description": "Licencias Teams revendidas",
        **changes,
    }


def test_staff_pick_the_line_of_an_expense_in_the_admin(staff_client: Client) -> None:
    add = reverse("admin:funding_expense_add")
    page = staff_client.get(add).content.decode()
    assert '<select name="service_line"' in page

    response = staff_client.post(add, expense_form(service_line=service("it-licensing").pk))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Expense.objects.get(reference="MS-2024-03").service_line == service("it-licensing")


def test_the_expense_list_filters_by_service_line_code_with_its_total(staff_client: Client) -> None:
    make_expense(date=date(2024, 2, 1), amount=D("100.10"), service_line=service("it-licensing"))
    make_expense(date=date(2024, 3, 1), amount=D("0.20"), service_line=service("it-licensing"))
    make_expense(date=date(2023, 3, 1), amount=D("5.00"), service_line=service("it-licensing"))
    make_expense(date=date(2024, 3, 1), amount=D("9.00"), service_line=service("prl-training"))
    make_expense(date=date(2024, 3, 1), amount=D("70.00"))
    url = reverse("admin:funding_expense_changelist")

    response = staff_client.get(url + "?date_year=2024&service_line__code__exact=it-licensing")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert response.context["filtered_total"] == D("100.30")
    page = response.content.decode()
    assert "service_line__code__exact=crowdfunding" in page  # every line is offered
    assert "service_line__code__exact=prl-training" in page
