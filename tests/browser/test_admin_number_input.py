"""Staff type amounts into the real admin in Spanish, French and English and the right one is stored.

Before: the amount box was a number input, whose Chromium drops a typed comma: `450,50` was
stored as 45050 in every language.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings

from funding.models import Expense
from tests.conftest import PASSWORD

D = Decimal
ADD_EXPENSE = "/admin/funding/expense/add/"


def open_admin_in(page: Any, base_url: str, language: str, path: str) -> None:
    """Log in as the staff member with the admin in `language` (the switcher's cookie)."""
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}])
    page.goto(f"{base_url}{path}")
    if "/login/" in page.url:
        page.fill("#id_username", "sara")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("form:has(#id_password) [type=submit]")
    assert page.locator("html").get_attribute("lang") == language


def fill_expense(page: Any, reference: str, amount: str) -> None:
    page.fill("#id_date", "2024-03-01")
    page.click("#id_category + .select2 .select2-selection")  # the category autocomplete
    page.fill(".select2-search__field", "it")
    page.click(".select2-results__option >> text=/\\(it\\)|^IT|Informática|Informatique/i")
    page.fill("#id_supplier", "Hetzner")
    page.fill("#id_reference", reference)
    page.fill("#id_amount", "")
    page.locator("#id_amount").press_sequentially(amount)  # key by key, as a person types
    with page.expect_navigation():
        page.click("input[name=_save]")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
@pytest.mark.parametrize(
    ("language", "typed", "shown"),
    [
        ("es", ["450,50", "1.234,56", "1234.56"], ["450,50", "1234,56", "1234,56"]),
        ("fr", ["450,50", "1.234,56", "1234.56"], ["450,50", "1234,56", "1234,56"]),
        ("en", ["450.50", "1,234.56", "1234.56"], ["450.50", "1234.56", "1234.56"]),
    ],
)
def test_staff_type_amounts_their_languages_way_and_the_exact_amounts_are_stored(
    page: Any, live_server: Any, staff_user: Any, language: str, typed: list[str], shown: list[str]
) -> None:
    open_admin_in(page, live_server.url, language, ADD_EXPENSE)
    for number, amount in enumerate(typed):
        page.goto(f"{live_server.url}{ADD_EXPENSE}")
        fill_expense(page, f"HZ-{number}", amount)
        assert page.locator(".errornote").count() == 0, page.locator(".errorlist").all_inner_texts()
    stored = dict(Expense.objects.values_list("reference", "amount"))
    assert stored == {"HZ-0": D("450.50"), "HZ-1": D("1234.56"), "HZ-2": D("1234.56")}
    for number, expected in enumerate(shown):
        pk = Expense.objects.get(reference=f"HZ-{number}").pk
        page.goto(f"{live_server.url}/admin/funding/expense/{pk}/change/")
        assert page.locator("#id_amount").input_value() == expected
        assert page.locator("#id_amount").get_attribute("inputmode") == "decimal"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
def test_an_english_reader_typing_a_decimal_comma_is_told_the_format_and_nothing_is_stored(
    page: Any, live_server: Any, staff_user: Any
) -> None:
    open_admin_in(page, live_server.url, "en", ADD_EXPENSE)
    fill_expense(page, "HZ-0", "450,50")
    assert "write 1234.56 or 1,234.56" in page.locator(".errorlist").first.inner_text()
    assert page.locator("#id_amount").input_value() == "450,50"
    assert not Expense.objects.exists()
    page.fill("#id_amount", "450.50")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert Expense.objects.get().amount == D("450.50")
