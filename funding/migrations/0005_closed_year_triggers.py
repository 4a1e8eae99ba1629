"""PostgreSQL: refuse raw SQL writes dated in a closed year (public contract 3).

The actions refuse them with a message on every database; on PostgreSQL these triggers also stop
a write that bypasses the application. SQLite has no such triggers (the actions' check and
`manage.py check_closed_years` cover it).
"""

from django.db import migrations

from smartiberica.kernel.closed_years import closed_year_trigger_sql

LOCKED = [
    ("funding_fundingreceipt", "date", "date"),
    ("funding_expense", "date", "date"),
    ("funding_loanrepayment", "date", "date"),
    ("funding_sharedservicecost", "year", "year"),
    ("funding_costbudget", "year", "year"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column, kind in LOCKED:
            # None: the SQL holds % signs (RAISE) that are not query parameters.
            schema_editor.execute(closed_year_trigger_sql(table, column, kind=kind)[0], None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column, kind in LOCKED:
            schema_editor.execute(closed_year_trigger_sql(table, column, kind=kind)[1], None)


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0004_record_date_bounds"),
        ("smartiberica", "0005_closed_year"),
    ]

    operations = [migrations.RunPython(create, drop)]
