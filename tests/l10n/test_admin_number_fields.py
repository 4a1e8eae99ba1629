"""Every number of the admin is typed and shown the way the reader's language writes it.

Before: `450,50` typed in the Spanish expense form was refused by Django's DecimalField as "not
a number" (and a browser's number input could send it as 45050), and a rate showed as `21.00`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from funding.models import Expense, SupportAgreement
from services.models import Invoice
from smartiberica.kernel.form_fields import LocalizedDecimalField
from smartiberica.kernel.parsing import ERR_NUMBER_AMBIGUOUS, ERR_NUMBER_FORMAT, conventions
from tests.funding.factories import category, make_expense, make_parent_source
from tests.services.factories import make_client, make_invoice, make_payment, service

pytestmark = pytest.mark.django_db
D = Decimal


def speaking(client: Client, language: str) -> Client:
    """The client's admin pages in `language`, as the language switcher leaves it (a cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def add_expense(client: Client, amount: str) -> Any:
    return client.post(
        reverse("admin:funding_expense_add"),
        {
            "date": "2024-03-01",
            "category": category("it").pk,
            "supplier": "Hetzner",
            "amount": amount,
            "reference": "HZ-2024-03",
            "description": "",
        },
    )


def input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert tag, f"no input {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    assert value, f"input {name} has no value"
    return value.group(1)


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("es", "450,50", D("450.50")),
        ("es", "1.234,56", D("1234.56")),
        ("es", "1234.56", D("1234.56")),
        ("fr", "450,50", D("450.50")),
        ("fr", "1.234,56", D("1234.56")),
        ("fr", "1234.56", D("1234.56")),
        ("fr", "1\u202f234,56", D("1234.56")),
        ("en", "1234.56", D("1234.56")),
        ("en", "1,234.56", D("1234.56")),
    ],
)
def test_staff_type_an_amount_their_languages_way_and_that_amount_is_stored(
    staff_client: Client, language: str, typed: str, stored: Decimal
) -> None:
    response = add_expense(speaking(staff_client, language), typed)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Expense.objects.get().amount == stored


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("en", "450,50", ERR_NUMBER_FORMAT),
        ("en", "1.234,56", ERR_NUMBER_FORMAT),
        ("es", "1.234", ERR_NUMBER_AMBIGUOUS),
        ("fr", "1.234", ERR_NUMBER_AMBIGUOUS),
    ],
)
def test_an_amount_the_language_would_have_to_guess_is_refused_and_nothing_is_stored(
    staff_client: Client, language: str, typed: str, message: Any
) -> None:
    response = add_expense(speaking(staff_client, language), typed)
    assert response.status_code == 200
    rules = conventions(language)
    with translation.override(language):
        expected = str(message % {"value": typed, "plain": rules.plain, "grouped": rules.grouped})
    assert response.context["adminform"].form.errors["amount"] == [expected]
    assert f'value="{typed}"' in response.content.decode()  # shown back as typed, to be corrected
    assert not Expense.objects.exists()


@pytest.mark.parametrize(
    ("language", "shown"), [("es", "1234567,89"), ("fr", "1234567,89"), ("en", "1234567.89")]
)
def test_a_stored_amount_is_shown_the_readers_way_and_saved_again_unchanged(
    staff_client: Client, language: str, shown: str
) -> None:
    expense = make_expense(amount=D("1234567.89"), category=category("it"), supplier="Hetzner")
    url = reverse("admin:funding_expense_change", args=[expense.pk])
    page = speaking(staff_client, language).get(url)
    assert input_value(page.content.decode(), "amount") == shown
    form = page.context["adminform"].form
    # As a browser posts the form: an empty choice (no service line) is an empty string.
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data |= {"amount": shown, "date": "2024-03-10", "description": "edited"}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    expense.refresh_from_db()
    assert (expense.amount, expense.description) == (D("1234567.89"), "edited")


@pytest.mark.parametrize(
    ("language", "rate", "quantity"), [("es", "21,00", "1,000"), ("en", "21.00", "1.000")]
)
def test_the_invoice_form_shows_its_default_rate_and_quantity_the_readers_way(
    staff_client: Client, language: str, rate: str, quantity: str
) -> None:
    # A new line of a draft starts at the rate of its client's VAT regime (21 % for a Spanish one).
    draft = make_invoice(client=make_client(), status="draft")
    url = reverse("admin:services_invoice_change", args=[draft.pk])
    html = speaking(staff_client, language).get(url).content.decode()
    assert input_value(html, "lines-1-vat_rate") == rate
    assert input_value(html, "lines-1-quantity") == quantity
    assert re.search(r'<input type="text" name="lines-1-unit_price"[^>]*inputmode="decimal"', html)


def test_invoice_lines_are_typed_the_spanish_way(staff_client: Client) -> None:
    client = make_client()
    data = {
        "series": "F",
        "number": "",
        "client": str(client.pk),
        "contract": "",
        "service_line": str(service().pk),
        "corrects": "",
        "issue_date": "2024-05-02",
        "due_date": "",
        "notes": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Horas de formación",
        "lines-0-quantity": "2,5",
        "lines-0-unit_price": "1.234,56",
        "lines-0-vat_rate": "10,5",
        "payments-TOTAL_FORMS": "0",
        "payments-INITIAL_FORMS": "0",
    }
    response = speaking(staff_client, "es").post(reverse("admin:services_invoice_add"), data)
    assert response.status_code == 302, response.context["errors"]
    line = Invoice.objects.get().lines.get()
    assert (line.quantity, line.unit_price, line.vat_rate) == (D("2.500"), D("1234.56"), D("10.50"))


def test_the_tranches_of_an_agreement_are_typed_the_french_way(staff_client: Client) -> None:
    source = make_parent_source()
    data = {
        "source": source.pk,
        "title": "Smart Belgium 2020",
        "committed_amount": "60.000,00",
        "period_start": "2020-01-01",
        "period_end": "2020-12-31",
        "notes": "",
        "tranches-TOTAL_FORMS": "2",
        "tranches-INITIAL_FORMS": "0",
        "tranches-0-date": "2020-03-01",
        "tranches-0-amount": "29\u202f999,50",
        "tranches-1-date": "2020-09-01",
        "tranches-1-amount": "30000,5",
        "receipts-TOTAL_FORMS": "0",
        "receipts-INITIAL_FORMS": "0",
        "obligations-TOTAL_FORMS": "0",
        "obligations-INITIAL_FORMS": "0",
    }
    response = speaking(staff_client, "fr").post(reverse("admin:funding_supportagreement_add"), data)
    assert response.status_code == 302, response.context["errors"]
    agreement = SupportAgreement.objects.get()
    assert agreement.committed_amount == D("60000.00")
    assert sorted(agreement.tranches.values_list("amount", flat=True)) == [D("29999.50"), D("30000.50")]


def test_read_only_numbers_and_lists_follow_the_language(staff_client: Client) -> None:
    payment = make_payment(invoice=make_invoice(), amount=D("121.00"))
    make_expense(amount=D("450.50"))
    spanish = speaking(staff_client, "es")
    payment_page = spanish.get(reverse("admin:services_payment_change", args=[payment.pk])).content.decode()
    # Shown, not typed: an amount as kernel.money writes it (tests/l10n/test_admin_amounts.py).
    assert re.search(r'class="readonly">100,00\u00a0€<', payment_page)  # the net part, read-only
    assert ">450,50\u00a0€<" in spanish.get(reverse("admin:funding_expense_changelist")).content.decode()
    english = speaking(staff_client, "en")
    assert ">€450.50<" in english.get(reverse("admin:funding_expense_changelist")).content.decode()


def test_every_number_of_every_admin_form_and_inline_is_read_the_readers_way(superuser: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    plain: list[str] = []
    for model, model_admin in admin.site._registry.items():
        if not any(isinstance(f, models.DecimalField) for f in model._meta.get_fields()):
            continue
        forms_to_check: list[tuple[str, type[forms.ModelForm[Any]]]] = [
            (type(model_admin).__name__, model_admin.get_form(request))
        ]
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            forms_to_check.append((inline_class.__name__, inline.get_formset(request).form))
        for owner, form_class in forms_to_check:
            plain += [
                f"{owner}.{name}"
                for name, field in form_class.base_fields.items()
                if isinstance(field, forms.DecimalField) and not isinstance(field, LocalizedDecimalField)
            ]
    assert plain == []
