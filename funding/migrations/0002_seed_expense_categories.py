"""Seed the expense categories of the domain brief (codes are stable; names stay editable)."""

from django.db import migrations

CATEGORIES = [
    # code, position, Spanish, French, English
    ("staff", 10, "Personal", "Personnel", "Staff"),
    ("premises", 20, "Locales", "Locaux", "Premises"),
    ("it", 30, "Informática", "Informatique", "IT"),
    (
        "professional-services",
        40,
        "Servicios profesionales",
        "Services professionnels",
        "Professional services",
    ),
    ("shared-services", 50, "Servicios compartidos", "Services mutualisés", "Shared services"),
    ("financial", 60, "Gastos financieros", "Frais financiers", "Financial costs"),
    ("travel", 70, "Viajes y desplazamientos", "Déplacements", "Travel"),
    ("other", 80, "Otros gastos", "Autres dépenses", "Other"),
]


def seed_expense_categories(apps, schema_editor):
    ExpenseCategory = apps.get_model("funding", "ExpenseCategory")
    for code, position, name_es, name_fr, name_en in CATEGORIES:
        ExpenseCategory.objects.get_or_create(
            code=code,
            defaults={"position": position, "name_es": name_es, "name_fr": name_fr, "name_en": name_en},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_expense_categories, migrations.RunPython.noop),
    ]
