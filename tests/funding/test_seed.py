"""The expense categories seeded by the data migration."""

from __future__ import annotations

import pytest
from django.utils import translation

from funding.models import ExpenseCategory

pytestmark = pytest.mark.django_db


def test_the_domain_categories_are_seeded_in_order() -> None:
    assert list(ExpenseCategory.objects.values_list("code", flat=True)) == [
        "staff",
        "premises",
        "it",
        "professional-services",
        "shared-services",
        "financial",
        "travel",
        "other",
    ]


@pytest.mark.parametrize(
    ("language", "name"),
    [("es", "Servicios compartidos"), ("fr", "Services mutualisés"), ("en", "Shared services")],
)
def test_a_seeded_category_is_named_in_the_readers_language(language: str, name: str) -> None:
    shared = ExpenseCategory.objects.get(code="shared-services")
    with translation.override(language):
        assert str(shared) == name


def test_a_category_without_a_french_name_falls_back_to_spanish() -> None:
    category = ExpenseCategory.objects.create(code="insurance", name_es="Seguros")
    with translation.override("fr"):
        assert category.name == "Seguros"
