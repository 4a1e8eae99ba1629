"""The audit trail's pages (django-simple-history) in the reader's language.

Before: simple-history ships no Spanish catalog, so its history page read "View history",
"Comment", "Changed by", "Change reason" and "Changed" in the Spanish admin (and "Historique de
vue" in French); its changes showed raw values: "Importe: 100.00 → 120.00", "Estado: draft".
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from services import actions
from services.models import Invoice, Payment
from tests.services.factories import line, make_client, make_invoice, make_payment

pytestmark = pytest.mark.django_db
NBSP, NNBSP = "\u00a0", "\u202f"

ENGLISH_LEFTOVERS = ("View history", "Change history", "Comment", "Changed by", "Change reason", ">None<")


def page_text(client: Client, url: str, language: str, *, part: str = 'id="content"') -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(url).content.decode()
    main = html.split(part, 1)[1]
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", main))


def a_paid_invoice() -> tuple[Invoice, Payment]:
    invoice = make_invoice(client=make_client(), lines=[line("1000.00")])
    payment = make_payment(invoice=invoice, amount=Decimal("1000.00"))
    payment.amount = Decimal("1210.00")
    actions.payment_save(payment=payment)
    return invoice, payment


@pytest.mark.parametrize(
    ("language", "headers"),
    [
        ("es", ["Fecha/hora", "Usuario", "Acción", "Cambios"]),
        ("fr", ["Date/heure", "Utilisateur", "Action", "Modifications"]),
    ],
)
def test_the_history_page_has_no_english_words_left(
    staff_client: Client, language: str, headers: list[str]
) -> None:
    invoice, _payment = a_paid_invoice()
    text = page_text(staff_client, reverse("admin:services_invoice_history", args=[invoice.pk]), language)
    for header in headers:
        assert f" {header} " in text
    for english in ENGLISH_LEFTOVERS:
        assert english not in text
    with translation.override(language):
        assert gettext("History of %(record)s") % {"record": invoice} in text
        assert f" {gettext('Changed')} " in text and f" {gettext('Created')} " in text


@pytest.mark.parametrize(
    ("language", "change"),
    [
        ("es", f"1.000,00{NBSP}€ → 1.210,00{NBSP}€"),
        ("fr", f"1{NNBSP}000,00{NBSP}€ → 1{NNBSP}210,00{NBSP}€"),
        ("en", "€1,000.00 → €1,210.00"),
    ],
)
def test_the_history_shows_a_changed_amount_the_readers_way(
    staff_client: Client, language: str, change: str
) -> None:
    _invoice, payment = a_paid_invoice()
    text = page_text(staff_client, reverse("admin:services_payment_history", args=[payment.pk]), language)
    assert change in text


@pytest.mark.parametrize(("language", "status"), [("es", "borrador → emitida"), ("en", "draft → issued")])
def test_the_history_names_a_choice_by_its_label(staff_client: Client, language: str, status: str) -> None:
    invoice = make_invoice(client=make_client(), lines=[line("10.00")], status="draft")
    actions.invoice_issue(invoice=invoice)
    text = page_text(staff_client, reverse("admin:services_invoice_history", args=[invoice.pk]), language)
    assert status in text


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_past_version_is_titled_in_the_readers_words(staff_client: Client, language: str) -> None:
    _invoice, payment = a_paid_invoice()
    version = payment.history.earliest("history_date")
    url = reverse("admin:services_payment_simple_history", args=[payment.pk, version.history_id])
    text = page_text(staff_client, url, language, part="<body")
    with translation.override(language):
        assert gettext("Version of %(record)s") % {"record": version.instance} in text
        assert f"{gettext('History')} › {gettext('Version')}" in text.replace("&rsaquo;", "›")
    assert "View " not in text and "Afficher" not in text
