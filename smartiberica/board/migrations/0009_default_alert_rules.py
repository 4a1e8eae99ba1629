"""The alert rules with their defaults (docs/alerts.md): one row per rule, on, nobody told yet.

The defaults are written here, not read from `alert_validation`, so that this migration stays what
it was when later code changes them.
"""

from decimal import Decimal

from django.db import migrations

DEFAULTS = {
    "top_funder_share": Decimal("30.00"),
    "self_financing": Decimal("100.00"),
    "budget_to_date": Decimal("5.00"),
    "client_concentration": Decimal("40.00"),
    "obligation_due": Decimal("30.00"),
    "overdue_invoices": Decimal("60.00"),
    "runway": Decimal("6.00"),
}


def create_default_rules(apps, schema_editor):
    AlertRule = apps.get_model("board", "AlertRule")
    for rule, threshold in DEFAULTS.items():
        AlertRule.objects.get_or_create(rule=rule, defaults={"threshold": threshold, "enabled": True})


class Migration(migrations.Migration):
    dependencies = [("board", "0008_alert_rules")]

    operations = [migrations.RunPython(create_default_rules, migrations.RunPython.noop)]
