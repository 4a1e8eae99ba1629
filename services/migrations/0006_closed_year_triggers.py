"""PostgreSQL: refuse raw SQL writes dated in a closed year (public contract 3).

The actions refuse them with a message on every database; on PostgreSQL these triggers also stop
a write that bypasses the application.
"""

from django.db import migrations

from smartiberica.kernel.closed_years import closed_year_trigger_sql

LOCKED = [
    ("services_invoice", "issue_date"),
    ("services_payment", "date"),
    ("services_refund", "date"),
    ("services_memberturnover", "month"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column in LOCKED:
            # None: the SQL holds % signs (RAISE) that are not query parameters.
            schema_editor.execute(closed_year_trigger_sql(table, column)[0], None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column in LOCKED:
            schema_editor.execute(closed_year_trigger_sql(table, column)[1], None)


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0005_refund"),
        ("smartiberica", "0005_closed_year"),
    ]

    operations = [migrations.RunPython(create, drop)]
