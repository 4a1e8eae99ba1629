"""The margin-rule admin flags a banded rule where more turnover gives less margin."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services import actions
from services.admin.margins import MSG_NO_DROP
from services.models import MarginRule

pytestmark = pytest.mark.django_db
D = Decimal
NBSP = "\u00a0"
PILOT_BANDS = [
    (D("0.00"), D("6.50"), D("2.00")),
    (D("90000.00"), D("5.75"), D("2.00")),
    (D("120000.00"), D("5.00"), D("2.00")),
]


def make_rule(year: int, bands: list[tuple[Decimal, Decimal, Decimal]] | None = None) -> MarginRule:
    """A rule of one calendar year: flat 5.50 + 2.00, or banded."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if bands:
        return actions.margin_rule_create(name=f"Banded {year}", valid_from=start, valid_to=end, bands=bands)
    return actions.margin_rule_create(
        name=f"Flat {year}", valid_from=start, valid_to=end, structure_rate=D("5.50"), fund_rate=D("2.00")
    )


def row_of(html: str, name: str) -> str:
    return html.split(f">{name}</a>")[1].split("</tr>")[0]


def test_the_list_names_the_turnovers_where_a_banded_rule_drops(staff_client: HttpClient) -> None:
    make_rule(2019)
    make_rule(2020, PILOT_BANDS)
    make_rule(2021, [(D("0"), D("5.00"), D("2.00")), (D("90000"), D("6.00"), D("2.00"))])
    html = staff_client.get(reverse("admin:services_marginrule_changelist")).content.decode()
    # The default language, Spanish, as staff read it.
    drops = f"más facturación, menos margen en 90.000,00{NBSP}€, 120.000,00{NBSP}€"
    assert drops in row_of(html, "Banded 2020")
    assert "más facturación" not in row_of(html, "Banded 2021")
    assert "—" in row_of(html, "Flat 2019")


def test_the_change_page_of_a_dropping_rule_explains_each_drop(staff_client: HttpClient) -> None:
    rule = make_rule(2020, PILOT_BANDS)
    html = staff_client.get(reverse("admin:services_marginrule_change", args=[rule.pk])).content.decode()
    warning = html.split('class="errorlist margin-drops"')[1].split("</ul>")[0]
    assert warning.count("<li>") == 2
    first, second = warning.split("<li>")[1:]
    assert f"90.000,00{NBSP}€" in first and f"5.175,00{NBSP}€" in first and f"5.850,00{NBSP}€" in first
    assert f"79.615,47{NBSP}€" in first
    assert f"120.000,00{NBSP}€" in second and f"104.347,92{NBSP}€" in second


def test_a_rule_that_never_drops_says_so_on_its_page(board_client: HttpClient) -> None:
    rule = make_rule(2019)
    html = board_client.get(reverse("admin:services_marginrule_change", args=[rule.pk])).content.decode()
    assert str(MSG_NO_DROP) in html
    assert "margin-drops" not in html


def test_the_list_reads_the_bands_of_every_rule_in_one_query(staff_client: HttpClient) -> None:
    url = reverse("admin:services_marginrule_changelist")
    make_rule(2015, PILOT_BANDS)
    staff_client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one:
        staff_client.get(url)
    for year in range(2016, 2022):
        make_rule(year, PILOT_BANDS)
    with CaptureQueriesContext(connection) as seven:
        html = staff_client.get(url).content.decode()
    assert html.count("más facturación, menos margen en") == 7
    assert len(seven) == len(one), [q["sql"] for q in seven.captured_queries]
