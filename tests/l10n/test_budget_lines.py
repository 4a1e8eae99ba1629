"""A cost budget's lines name their category, in the reader's language.

Before: the admin's budget page titled each line with the category's code ("2024 · staff"), since
a line named itself by the code; the names are in the three languages.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.funding.factories import category, make_budget, make_budget_line

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["es", "fr", "en"])
def test_a_budget_line_is_named_by_its_categorys_translated_name(language: str) -> None:
    budget_line = make_budget_line(budget=make_budget(), category=category("staff"))
    staff = category("staff")
    with translation.override(language):
        assert str(budget_line).endswith(f" · {staff.name}")
        assert getattr(staff, f"name_{language}") in str(budget_line)


def test_the_budget_page_shows_the_category_name_not_its_code(staff_client: Client) -> None:
    budget = make_budget()
    make_budget_line(budget=budget, category=category("staff"))
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = staff_client.get(reverse("admin:funding_costbudget_change", args=[budget.pk])).content.decode()
    assert f"· {category('staff').name_es}" in html
    assert "· staff" not in html
