"""Every amount the admin shows (not types) goes through `kernel.money`, in the reader's language.

Before: an invoice's page mixed `1.200,00 €` (its totals), `1200,00` and `82,64` (its read-only
lines and payments) and `1200.00` (in English); lists showed `1210,00` where the totals under
them read `1.210,00 €`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.services.factories import line, make_client, make_invoice, make_payment

pytestmark = pytest.mark.django_db
NBSP, NNBSP = "\u00a0", "\u202f"
D = Decimal

MONEY = {
    "es": lambda digits: f"{digits}{NBSP}€",
    "fr": lambda digits: f"{digits.replace('.', NNBSP)}{NBSP}€",
    "en": lambda digits: f"€{digits.replace('.', '#').replace(',', '.').replace('#', ',')}",
}


def page(client: Client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def cells(html: str, css_class: str) -> list[str]:
    """The text of every element of class `css_class` (a read-only field or a list column)."""
    found = re.findall(rf'<(td|div|th)[^>]*class="[^"]*\b{css_class}\b[^"]*"[^>]*>(.*?)</\1>', html, re.S)
    return [re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", inner)).strip(" \t\n") for _tag, inner in found]


@pytest.fixture
def paid_invoice(db: None) -> object:
    invoice = make_invoice(client=make_client(), lines=[line("1200.00")], issue_date=date(2024, 3, 1))
    make_payment(invoice=invoice, amount=D("1210.00"))
    return invoice


@pytest.mark.parametrize("language", ["es", "fr", "en"])
def test_every_amount_on_an_issued_invoices_page_reads_the_same_way(
    staff_client: Client, paid_invoice: object, language: str
) -> None:
    html = page(staff_client, reverse("admin:services_invoice_change", args=[paid_invoice.pk]), language)  # type: ignore[attr-defined]
    money = MONEY[language]
    assert cells(html, "field-unit_price") == [money("1.200,00")]  # the issued line, read-only
    assert cells(html, "field-net_display") == [money("1.200,00")]
    assert money("1.210,00") in " ".join(cells(html, "field-amount"))  # the payment
    assert money("1.000,00") in " ".join(cells(html, "field-net_amount"))  # its net part
    text = re.sub(r"<[^>]+>", " ", html.split('id="content"', 1)[1])
    # No amount written another way: neither 1200,00 nor 1200.00 nor a bare 0.00.
    assert not re.search(r"(?<![0-9.,])(1200[.,]00|1210[.,]00|1000[.,]00|0\.00)(?![0-9])", text)


@pytest.mark.parametrize("language", ["es", "fr", "en"])
def test_a_list_of_payments_shows_its_amounts_as_its_total_does(
    staff_client: Client, paid_invoice: object, language: str
) -> None:
    html = page(staff_client, reverse("admin:services_payment_changelist"), language)
    money = MONEY[language]
    # The first cell is the payment's row (a totals row may follow).
    assert cells(html, "field-amount")[0] == money("1.210,00")
    assert cells(html, "field-net_amount")[0] == money("1.000,00")
    assert re.search(r'<th[^>]*class="[^"]*sortable[^"]*column-amount', html)  # still sortable


@pytest.mark.parametrize(("language", "rate"), [("es", "21,00"), ("en", "21.00")])
def test_a_read_only_rate_is_a_plain_number_with_its_decimal_mark(
    staff_client: Client, paid_invoice: object, language: str, rate: str
) -> None:
    html = page(staff_client, reverse("admin:services_invoice_change", args=[paid_invoice.pk]), language)  # type: ignore[attr-defined]
    assert cells(html, "field-vat_rate") == [rate]
