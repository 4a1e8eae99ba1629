import pytest
from django.utils import translation

from services.models import ServiceLine

pytestmark = pytest.mark.django_db

SEEDED = {"project-support", "it-licensing", "prl-training", "admin-services", "crowdfunding"}


def test_the_five_service_lines_are_seeded_with_names_in_three_languages() -> None:
    lines = {line.code: line for line in ServiceLine.objects.all()}
    assert set(lines) == SEEDED
    assert all(line.active and line.name_es and line.name_fr and line.name_en for line in lines.values())
    with translation.override("en"):
        assert lines["it-licensing"].name == "Server rental and MS Teams licences"
    with translation.override("es"):
        assert str(lines["admin-services"]) == "Gestión contable, fiscal y laboral"


def test_the_seed_migration_does_not_overwrite_edited_names() -> None:
    from importlib import import_module

    from django.apps import apps

    seed = import_module("services.migrations.0002_seed_service_lines")
    ServiceLine.objects.filter(code="crowdfunding").update(name_es="Crowdfunding con Nanoma")
    seed.seed_service_lines(apps, None)
    assert ServiceLine.objects.get(code="crowdfunding").name_es == "Crowdfunding con Nanoma"
    assert ServiceLine.objects.count() == len(SEEDED)
