"""Seed the service lines with the stable codes of the domain brief.

Names are columns that staff may edit later; re-running never overwrites them.
"""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations

SERVICE_LINES = (
    # code, Spanish, French, English
    (
        "project-support",
        "Apoyo a la gestión de proyectos",
        "Accompagnement à la gestion de projets",
        "Project-management support",
    ),
    (
        "it-licensing",
        "Alquiler de servidores y licencias MS Teams",
        "Location de serveurs et licences MS Teams",
        "Server rental and MS Teams licences",
    ),
    (
        "prl-training",
        "Plataformas de formación en prevención de riesgos laborales",
        "Plateformes de formation à la prévention des risques professionnels",
        "Occupational-risk-prevention training platforms",
    ),
    (
        "admin-services",
        "Gestión contable, fiscal y laboral",
        "Gestion comptable, fiscale et sociale",
        "Accounting, tax and payroll management",
    ),
    (
        "crowdfunding",
        "Asesoramiento en crowdfunding",
        "Conseil en financement participatif",
        "Crowdfunding advice",
    ),
)


def seed_service_lines(apps: Apps, schema_editor: Any) -> None:
    ServiceLine = apps.get_model("services", "ServiceLine")
    for code, name_es, name_fr, name_en in SERVICE_LINES:
        ServiceLine.objects.get_or_create(
            code=code, defaults={"name_es": name_es, "name_fr": name_fr, "name_en": name_en, "active": True}
        )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(seed_service_lines, migrations.RunPython.noop)]
